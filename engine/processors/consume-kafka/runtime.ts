import { implement, type ProcessSession } from '../../sdk';
import { topicsOf } from '../../services/kafka/spec';
import { useService } from '../../services/use-service';
import '../../services/kafka/types'; // the kafka service kind, for useService
import { GroupReader } from './group-reader';
import { Inbox } from './inbox';
import { messageAttributes, messageContent, UnreadableValue } from './message-record';
import { consumeKafkaSpec } from './spec';

/**
 * How long an idle trigger yields. Arriving messages end the yield at once (ctx.wake), so this only
 * paces the idle checks: a crashed consumer to report, offsets whose commit failed to retry.
 */
const IDLE_YIELD_MS = 1_000;

export default implement(consumeKafkaSpec, async (ctx) => {
  const { props } = ctx;
  const cluster = await useService(ctx, 'kafka', props.cluster);
  const inbox = new Inbox(props.bufferSize);
  const reader = new GroupReader(cluster, inbox, {
    topics: topicsOf(props.topics),
    groupId: props.groupId,
    fromBeginning: props.fromBeginning,
    sessionTimeoutMs: props.sessionTimeoutMs,
    onMessages: () => ctx.wake(),
  });
  await reader.start();

  return {
    onTrigger(_batch, session) {
      reader.checkRunning();
      const delivery = inbox.take(ctx.batchSize);
      if (delivery.entries.length === 0) return session.yield(IDLE_YIELD_MS);
      // first, so that whatever throws below gives the messages back
      session.onRolledBack(() => reader.restore(delivery));
      const { entries } = delivery;
      const contents = new Array<unknown>(entries.length);
      const attributes = new Array<Record<string, string>>(entries.length);
      let unreadable = false;
      for (let i = 0; i < entries.length; i++) {
        contents[i] = messageContent(entries[i], props.valueFormat);
        attributes[i] = messageAttributes(entries[i]);
        unreadable ||= contents[i] instanceof UnreadableValue;
      }
      if (!unreadable) session.transferAll(session.createAll(contents, attributes), 'success');
      else routeEach(session, contents, attributes);
      // at-least-once: Kafka learns the messages are consumed only once the records are durably queued
      // nobody waits for an offset commit: it may come with the repository's next lingering write,
      // and records that reach their sink before it are never written at all
      session.onCommitted(() => reader.settle(delivery), { waiting: false });
      // their room is free as soon as they are the flow's records (a rollback puts them back first):
      // the inbox must not wait for the disk, or every write's latency would stall the fetching
      reader.handOver(delivery);
    },
    onStop: () => reader.stop(),
    view: () => reader.view(),
  };
});

/** A delivery with unreadable values: those go to failure as their raw text, saying why; the rest to success. */
function routeEach(session: ProcessSession<'success' | 'failure'>, contents: readonly unknown[], attributes: readonly Record<string, string>[]): void {
  for (let i = 0; i < contents.length; i++) {
    const content = contents[i];
    if (content instanceof UnreadableValue) session.fail(session.create(content.text, attributes[i]), content.reason);
    else session.transfer(session.create(content, attributes[i]), 'success');
  }
}
