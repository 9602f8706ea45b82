import type { IncomingMessage, ServerResponse } from 'node:http';
import { implement } from '../../sdk';
import { callerCheck } from './auth';
import { ByteBudget } from './byte-budget';
import { RequestBuffer, type PendingRequest } from './request-buffer';
import { busy, receive, type ReceiveOptions, type Reply } from './receive';
import { WebhookServer } from './server';
import { headerNamesOf, listenHttpSpec } from './spec';

/**
 * How long an idle trigger yields. A request arriving meanwhile calls ctx.wake(), which ends the
 * yield at once, so this only bounds how often an idle endpoint is looked at.
 */
const IDLE_YIELD_MS = 1_000;

/** What the processor shows in the editor (and what tests read the bound port from). */
export interface ListenHttpView {
  /** The address bound: 127.0.0.1 unless another was chosen. */
  address: string;
  port: number;
  basePath: string;
  /** Records received, waiting to enter the flow. */
  buffered: number;
  /** Records that entered the flow (their callers got 200). */
  accepted: number;
  /** Answers sent, by status code. */
  answers: Record<string, number>;
}

/**
 * Guaranteed delivery to the caller: a request's records wait in a bounded buffer, enter the flow in
 * the next trigger, and the caller gets 200 only after that session commits (500 if it rolls back,
 * 503 when the buffer is full), so a caller that retries until 200 loses nothing.
 */
export default implement(listenHttpSpec, async ({ props, batchSize, wake }) => {
  const buffer = new RequestBuffer(props.maxBuffered);
  const basePath = props.basePath.length > 1 ? props.basePath.replace(/\/+$/, '') : props.basePath;
  let stopping = false;
  let accepted = 0;
  const answers: Record<string, number> = {};
  const options: ReceiveOptions = {
    basePath,
    maxBodyBytes: props.maxBodyBytes,
    budget: new ByteBudget(props.maxBytesInFlight),
    headerNames: headerNamesOf(props.headerAttributes),
    callers: callerCheck(props),
    busyReason,
  };

  function busyReason(): string | undefined {
    if (stopping) return 'the listener is stopping';
    if (buffer.isFull) return 'the flow is back-pressured';
    return undefined;
  }

  function send(res: ServerResponse, { status, body, headers }: Reply): void {
    if (res.headersSent || res.destroyed) return;
    answers[status] = (answers[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await receive(req, options);
    if (!received) return;
    if ('status' in received) return send(res, received);
    const { contents, attributes } = received;
    if (contents.length === 0) return send(res, { status: 200, body: { accepted: 0 } });
    const request: PendingRequest = { contents, attributes, answer: (status, body, headers) => send(res, { status, body, headers }) };
    if (stopping) return send(res, busy('the listener is stopping'));
    if (!buffer.offer(request)) return send(res, busy('the flow is back-pressured'));
    // a caller that hangs up before its records were taken would resend them: take them back
    res.on('close', () => {
      if (!res.writableEnded) buffer.withdraw(request);
    });
    wake();
  }

  const server = new WebhookServer((req, res) => {
    handle(req, res).catch(() => send(res, { status: 500, body: { error: 'the request could not be read' } }));
  });
  const { address, port } = await server.listen(props.port, props.host);

  return {
    onTrigger(_batch, session) {
      const taken = buffer.take(batchSize);
      if (taken.length === 0) return session.yield(IDLE_YIELD_MS);
      // first, so that whatever throws below still answers the callers
      session.onRolledBack(() => {
        for (const request of taken) request.answer(500, { error: 'the flow could not take the records: nothing from this request was accepted, retry' });
      });
      for (const request of taken) {
        session.transferAll(session.createAll(request.contents, request.attributes), 'success');
      }
      // 200 once the records are durably queued: a caller that got it need never send them again
      session.onCommitted(() => {
        for (const request of taken) {
          accepted += request.contents.length;
          request.answer(200, { accepted: request.contents.length });
        }
      });
    },

    async onStop() {
      stopping = true;
      const { status, body, headers } = busy('the listener stopped before these records entered the flow');
      for (const request of buffer.drain()) request.answer(status, body, headers);
      await server.close();
    },

    view: (): ListenHttpView => ({ address, port, basePath, buffered: buffer.size, accepted, answers: { ...answers } }),
  };
});
