import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { connectionConfig, flowGraph, processorConfig } from '../flow/build';
import type { FlowGraph, ProcessorConfig } from '../flow/schema';
import { processorImplementations } from '../processors/runtimes';
import { Engine } from '../runtime/engine';
import { defineProcessor, implement, type FlowRecord } from '../sdk';
import { until } from '../testing/until';
import { encodeRecords } from './codec';
import { Repository, type RepositoryOptions } from './repository';

// ---- test processors: a sink that keeps what it got, a source that acknowledges ----

const collected: FlowRecord[] = [];
const collectSpec = defineProcessor({
  type: 'Collect',
  version: 1,
  category: 'Sinks',
  summary: 'test only',
  input: 'required',
  properties: z.object({}),
  relationships: [],
});
const collect = implement(collectSpec, () => ({
  onTrigger(batch, session) {
    collected.push(...batch);
    session.dropAll(batch);
  },
}));

/** What each acknowledgement saw: how many group commits were written since its trigger. */
const writesBeforeAck: number[] = [];
let repositoryUnderTest: Repository | undefined;
/** A source of one record per trigger whose acknowledgement notes how many writes came first; `waiting` as onCommitted takes it. */
function ackingSource(type: string, waiting: boolean) {
  const spec = defineProcessor({
    type,
    version: 1,
    category: 'Sources',
    summary: 'test only',
    input: 'forbidden',
    properties: z.object({}),
    relationships: [{ name: 'success', description: 'one record per trigger' }],
  });
  return implement(spec, () => ({
    onTrigger(_batch, session) {
      const writes = repositoryUnderTest!.status().writes;
      session.transfer(session.create({ at: Date.now() }), 'success');
      session.onCommitted(() => writesBeforeAck.push(repositoryUnderTest!.status().writes - writes), { waiting });
      session.yield(5);
    },
  }));
}
const acking = ackingSource('AckingSource', true);

/**
 * A deduplicator written as DeduplicateRecord is, but without its view counters' onCommitted: it
 * remembers the numbers it passed on and saves them with a committing session at most every 100 ms.
 */
const remember = implement(
  defineProcessor({
    type: 'Remember',
    version: 1,
    category: 'Transform',
    summary: 'test only',
    input: 'required',
    properties: z.object({}),
    relationships: [{ name: 'unique', description: 'first sightings' }],
  }),
  ({ state }) => {
    const seen = new Set<number>((state() as { seen?: number[] } | undefined)?.seen ?? []);
    let savedAt = 0;
    return {
      onTrigger(batch, session) {
        const added: number[] = [];
        for (const record of batch) {
          const n = (record.content as { n: number }).n;
          if (seen.has(n)) session.drop(record);
          else {
            seen.add(n);
            added.push(n);
            session.transfer(record, 'unique');
          }
        }
        session.onRolledBack(() => added.forEach((n) => seen.delete(n)));
        if (added.length > 0 && Date.now() - savedAt >= 100) {
          session.setState({ seen: [...seen] });
          savedAt = Date.now();
        }
      },
    };
  },
);
/** Acknowledgements nobody waits for (an offset commit): they may wait for a lingering write. */
const patient = ackingSource('PatientSource', false);

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'conflux-repository-'));
  dirs.push(dir);
  return dir;
};

/** Engines still open when a test ends (it failed half-way) are closed then, so the process can exit. */
const open_ = new Set<() => Promise<void>>();
afterEach(() => Promise.all([...open_].map((close) => close())));

async function open(dir: string, options?: RepositoryOptions) {
  const repository = await Repository.open(dir, options);
  const engine = new Engine({ processors: [...processorImplementations, collect, acking, patient, remember], repository, statsIntervalMs: 100 });
  const close = async () => {
    open_.delete(close);
    await engine.shutdown();
    await repository.close();
  };
  open_.add(close);
  return { repository, engine, close };
}

/** A generator of `limit` numbered records into `queue`, which Collect (not started unless asked) drains. */
function pipeline(limit: number, queue: Partial<Parameters<typeof connectionConfig>[0]> = {}): FlowGraph {
  return flowGraph({
    id: 'durable',
    processors: [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i, "region": $i % 4 = 0 ? "asia" : "europe"}', rate: 0, limit } }),
      processorConfig({ id: 'tag', type: 'UpdateAttribute', properties: { set: { stage: "'tagged'" } }, autoTerminated: ['failure'] }),
      processorConfig({ id: 'sink', type: 'Collect' }),
    ],
    connections: [
      connectionConfig({ id: 'c1', sourceId: 'gen', relationship: 'success', targetId: 'tag' }),
      connectionConfig({ id: 'c2', sourceId: 'tag', relationship: 'success', targetId: 'sink', countThreshold: 1_000_000, ...queue }),
    ],
  });
}

/** Processors one after the other, connected c1, c2, … from 'success', or from `relationships[processor id]`. */
function chain(id: string, processors: ProcessorConfig[], relationships: Record<string, string> = {}): FlowGraph {
  const connections = processors.slice(1).map((target, i) => {
    const source = processors[i];
    return connectionConfig({ id: `c${i + 1}`, sourceId: source.id, relationship: relationships[source.id] ?? 'success', targetId: target.id });
  });
  return flowGraph({ id, processors, connections });
}

const numbers = (records: readonly FlowRecord[]) => records.map((r) => (r.content as { n: number }).n);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();

test('queued records come back after a restart: in order, in their connection, with ids, attributes and queue time', async () => {
  const dir = tempDir();
  const first = await open(dir);
  first.engine.load(pipeline(25_000));
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.engine.queued('durable', 'c2') === 25_000);
  const before = first.engine.listQueue('durable', 'c2', 30_000);
  await first.close();

  const second = await open(dir);
  assert.equal(second.repository.recovery.records, 25_000);
  assert.equal(second.repository.recovery.problem, undefined);
  second.engine.load(pipeline(25_000));
  assert.equal(second.engine.queued('durable', 'c2'), 25_000);
  const after = second.engine.listQueue('durable', 'c2', 30_000);
  assert.deepEqual(
    after.map((p) => [p.record.id, p.record.attributes, p.record.content, p.record.parents, p.record.entryTime, p.enqueuedAt]),
    before.map((p) => [p.record.id, p.record.attributes, p.record.content, p.record.parents, p.record.entryTime, p.enqueuedAt]),
  );
  assert.equal(after[0].record.attributes.stage, 'tagged');
  collected.length = 0;
  await second.engine.start('durable', ['sink']);
  await until(() => collected.length === 25_000);
  assert.deepEqual(numbers(collected), range(0, 25_000));
  await second.close();

  const third = await open(dir);
  assert.equal(third.repository.recovery.records, 0, 'what the sink consumed is not recovered again');
  await third.close();
});

test("a processor's state is written with the records it produced: GenerateRecords resumes its numbering", async () => {
  const dir = tempDir();
  const first = await open(dir);
  first.engine.load(pipeline(3_000));
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.engine.queued('durable', 'c2') === 3_000);
  assert.deepEqual(await first.engine.state('durable', 'gen'), { next: 3_000 });
  await first.close();

  const second = await open(dir);
  second.engine.load(pipeline(5_000));
  collected.length = 0;
  await second.engine.start('durable');
  await until(() => collected.length === 5_000);
  assert.deepEqual(numbers(collected), range(0, 5_000), 'the limit counts across the restart, no number twice');
  await second.engine.stop('durable');
  await second.engine.clearState('durable', 'gen');
  await second.close();

  const third = await open(dir);
  assert.equal(await third.engine.state('durable', 'gen'), undefined, 'a cleared state stays cleared');
  await third.close();
});

/** Run an acking source into Collect until 20 acknowledgements came; how many writes and how long it took. */
async function acknowledge(type: string, options?: RepositoryOptions): Promise<{ writes: number; elapsed: number }> {
  const { engine, repository, close } = await open(tempDir(), options);
  repositoryUnderTest = repository;
  writesBeforeAck.length = 0;
  engine.load(
    flowGraph({
      id: 'acks',
      processors: [processorConfig({ id: 'src', type }), processorConfig({ id: 'sink', type: 'Collect' })],
      connections: [connectionConfig({ id: 'c', sourceId: 'src', relationship: 'success', targetId: 'sink' })],
    }),
  );
  const started = Date.now();
  await engine.start('acks', ['src']);
  await until(() => writesBeforeAck.length >= 20, 5_000);
  const elapsed = Date.now() - started;
  const writes = repository.status().writes;
  await close();
  return { writes, elapsed };
}

test('acknowledgements run only after the group commit that holds their records is written', async () => {
  await acknowledge('AckingSource');
  assert.ok(
    writesBeforeAck.every((writes) => writes >= 1),
    `every ack after a write: ${writesBeforeAck.join(',')}`,
  );
});

test('an acknowledgement nobody waits for still runs only after a write, which may linger', async () => {
  // the sink is stopped: the records stay queued, so their acknowledgement waits for holdbackMs too
  const { writes, elapsed } = await acknowledge('PatientSource', { lingerMs: 300, holdbackMs: 300 });
  assert.ok(writesBeforeAck.every((w) => w >= 1), `every ack after a write: ${writesBeforeAck.join(',')}`);
  // a trigger every 5 ms, a write at most every 300 ms: many acknowledgements share one write
  assert.ok(writes < elapsed / 100, `${writes} writes in ${elapsed} ms`);
});

test("a replayable source's records that flow on are never written: its acknowledgement waits for the commit that consumed them", async () => {
  /** PatientSource (no inputs, no state, nobody waits: Kafka's shape) → Delay (each batch in flight 30 ms) → Collect. */
  async function run(options: RepositoryOptions) {
    const { engine, repository, close } = await open(tempDir(), { lingerMs: 20, ...options });
    repositoryUnderTest = repository;
    writesBeforeAck.length = 0;
    collected.length = 0;
    engine.load(
      chain('held', [
        processorConfig({ id: 'src', type: 'PatientSource' }),
        processorConfig({ id: 'delay', type: 'Delay', properties: { delayMs: 30 } }),
        processorConfig({ id: 'sink', type: 'Collect' }),
      ]),
    );
    await engine.start('held');
    await until(() => writesBeforeAck.length >= 40, 10_000);
    const chunksWritten = repository.recovery.chunks; // 0: a new repository
    await engine.stop('held');
    await engine.flushed();
    const bytes = repository.status().bytes;
    await close();
    return { bytes, chunksWritten };
  }
  const held = await run({});
  const written = await run({ holdbackMs: 0 });
  assert.equal(held.chunksWritten, 0);
  // every record sits in c1 or in Delay for 30 ms, past several 20 ms writes: written unless held back
  assert.ok(held.bytes * 1.5 < written.bytes, `held back: ${held.bytes} bytes on disk; written at once: ${written.bytes}`);
});

test("a source's state is held back with its records, and with what a chain of processors makes of them: written only once they are, or consumed by a commit that is; a crash never finds a state ahead of its records", async () => {
  /**
   * GenerateRecords (its counter is its state) → UpdateAttribute (remembers nothing: hands the
   * holdback on) → Delay (each batch in flight 30 ms) → Collect; the journal copied now and then, as
   * a kill -9 would leave it.
   */
  const graph = chain('stateful', [
    processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 20_000, limit: 0 } }),
    processorConfig({ id: 'tag', type: 'UpdateAttribute', properties: { set: { stage: "'tagged'" } }, autoTerminated: ['failure'] }),
    processorConfig({ id: 'delay', type: 'Delay', properties: { delayMs: 30 } }),
    processorConfig({ id: 'sink', type: 'Collect' }),
  ]);
  async function run(options: RepositoryOptions) {
    const dir = tempDir();
    const { engine, repository, close } = await open(dir, { lingerMs: 20, ...options });
    collected.length = 0;
    engine.load(graph);
    await engine.start('stateful');
    const copies: { dir: string; delivered: number }[] = [];
    for (let i = 0; i < 6; i++) {
      await sleep(150 + Math.random() * 150);
      const copy = tempDir();
      const delivered = collected.length; // the copy is synchronous: nothing is collected meanwhile
      cpSync(dir, copy, { recursive: true });
      copies.push({ dir: copy, delivered });
    }
    await engine.stop('stateful');
    await engine.flushed();
    const bytes = repository.status().bytes;
    const delivered = numbers(collected);
    await close();
    return { bytes, copies, delivered };
  }
  const held = await run({});
  for (const { dir, delivered } of held.copies) {
    const crashed = await open(dir);
    crashed.engine.load(graph);
    const next = ((await crashed.repository.loadState('stateful', 'gen')) as { next: number } | undefined)?.next ?? 0;
    const queued = ['c1', 'c2', 'c3'].flatMap((c) => crashed.engine.listQueue('stateful', c, 1e6)).map((p) => (p.record.content as { n: number }).n);
    const safe = new Set([...held.delivered.slice(0, delivered), ...queued]);
    const lost = range(0, next).filter((n) => !safe.has(n));
    assert.deepEqual(lost.slice(0, 10), [], `the copy's state says ${next} generated; ${lost.length} of them neither delivered nor queued`);
    // and the state is written while records flow (held commits overlap all the time here): a
    // restart resumes near where the source was, instead of replaying from the start
    assert.ok(next > 0, `the copy after ${delivered} deliveries has no saved counter`);
    await crashed.close();
  }
  const written = await run({ holdbackMs: 0 });
  // every record sits in c2 or in Delay for 30 ms, past several 20 ms writes: written unless the
  // holdback passed on to UpdateAttribute's records
  assert.ok(held.bytes * 1.5 < written.bytes, `held back: ${held.bytes} bytes on disk; written at once: ${written.bytes}`);
});

test('a processor that remembers what it passed on ends the chain of handed-on holdbacks: a crash never finds what it saved ahead of the records it passed', async () => {
  /** GenerateRecords (its counter is its state) → Remember (saves what it saw) → Delay (200 ms) → Collect; the journal copied as a kill -9 would leave it. */
  const graph = chain(
    'remembering',
    [
      processorConfig({ id: 'gen', type: 'GenerateRecords', properties: { template: '{"n": $i}', rate: 20_000, limit: 0 } }),
      processorConfig({ id: 'remember', type: 'Remember' }),
      processorConfig({ id: 'delay', type: 'Delay', properties: { delayMs: 200 } }),
      processorConfig({ id: 'sink', type: 'Collect' }),
    ],
    { remember: 'unique' },
  );
  const dir = tempDir();
  const { engine, close } = await open(dir, { lingerMs: 20 });
  collected.length = 0;
  engine.load(graph);
  await engine.start('remembering');
  await sleep(1_500);
  const copy = tempDir();
  const delivered = numbers(collected); // the copy is synchronous: nothing is collected meanwhile
  cpSync(dir, copy, { recursive: true });
  await close();
  const crashed = await open(copy);
  crashed.engine.load(graph);
  const saved = ((await crashed.repository.loadState('remembering', 'remember')) as { seen: number[] } | undefined)?.seen ?? [];
  const queued = ['c2', 'c3'].flatMap((c) => crashed.engine.listQueue('remembering', c, 1e6)).map((p) => (p.record.content as { n: number }).n);
  await crashed.close();
  const passedOn = new Set([...delivered, ...queued]);
  const ahead = saved.filter((n) => !passedOn.has(n));
  assert.ok(saved.length > 0, 'the copy holds what Remember saw');
  // a number saved as seen but neither delivered nor queued after it: the source replays it, Remember drops it
  assert.deepEqual(ahead.slice(0, 10), [], `${ahead.length} of the ${saved.length} numbers Remember saved were lost with the crash`);
});

test('a held-back acknowledgement runs once its records are written: still queued past holdbackMs, or at a write somebody waits for', async () => {
  const dir = tempDir();
  const { engine, repository, close } = await open(dir, { lingerMs: 20, holdbackMs: 400 });
  repositoryUnderTest = repository;
  writesBeforeAck.length = 0;
  engine.load(
    flowGraph({
      id: 'held',
      processors: [processorConfig({ id: 'src', type: 'PatientSource' }), processorConfig({ id: 'sink', type: 'Collect' })],
      connections: [connectionConfig({ id: 'c', sourceId: 'src', relationship: 'success', targetId: 'sink' })],
    }),
  );
  const started = Date.now();
  await engine.start('held', ['src']); // the sink stays stopped: the records stay queued
  await until(() => writesBeforeAck.length > 0, 5_000);
  const firstAck = Date.now() - started;
  assert.ok(firstAck >= 350, `the first acknowledgement after ${firstAck} ms: not before its records were held back 400 ms`);
  await engine.stop('held');
  const acked = writesBeforeAck.length;
  const queued = engine.queued('held', 'c');
  await close();
  // a clean close writes what was still held; every record whose acknowledgement ran is on disk
  const again = await open(dir);
  assert.equal(again.repository.recovery.records, queued);
  assert.ok(queued >= acked, `${queued} records recovered, ${acked} acknowledged`);
  await again.close();
});

test('records that come and go between two group commits are never written', async () => {
  const dir = tempDir();
  const { engine, repository, close } = await open(dir);
  const records = 300_000;
  engine.load(pipeline(records, { countThreshold: 10_000 }));
  collected.length = 0;
  await engine.start('durable');
  await until(() => collected.length === records, 30_000);
  await engine.flushed();
  const written = repository.status().bytes;
  const sample = collected.slice(0, 1000);
  const allBytes = (encodeRecords(sample).length * records) / sample.length;
  assert.ok(written < allBytes / 4, `${written} bytes written of ${Math.round(allBytes)} for every record twice`);
  collected.length = 0;
  await close();
});

test('a connection holds more than its memory window: the rest stays on disk and is read back in order', async () => {
  const dir = tempDir();
  const first = await open(dir);
  first.engine.load(pipeline(100_000));
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.engine.queued('durable', 'c2') === 100_000);
  await first.engine.flushed();
  const status = first.engine.stats('durable').connections.c2;
  assert.ok(status.onDisk >= 70_000, `${status.onDisk} of 100,000 on disk only`);
  collected.length = 0;
  await first.engine.start('durable', ['sink']);
  await until(() => collected.length === 100_000);
  assert.deepEqual(numbers(collected), range(0, 100_000));
  await first.close();
});

test('old segments are deleted once consumed; a mostly dead one is compacted so a few stuck records do not keep it', async () => {
  const dir = tempDir();
  // every scheduler pass its own group commit: many small segments
  const small = { segmentBytes: 64 * 1024, lingerMs: 0, holdbackMs: 0 };
  const graph = flowGraph({
    id: 'segments',
    processors: [
      processorConfig({ id: 'few', type: 'GenerateRecords', properties: { template: '{"stuck": $i}', rate: 0, limit: 50 } }),
      processorConfig({ id: 'many', type: 'GenerateRecords', properties: { template: '{"n": $i, "pad": "0123456789abcdef"}', rate: 0, limit: 200_000 } }),
      processorConfig({ id: 'stopped', type: 'Collect' }),
      // a batch in flight at each group commit is written: the journal fills many segments
      processorConfig({ id: 'slow', type: 'Delay', properties: { delayMs: 1 }, autoTerminated: ['success'] }),
    ],
    connections: [
      connectionConfig({ id: 'stuck', sourceId: 'few', relationship: 'success', targetId: 'stopped' }),
      connectionConfig({ id: 'flowing', sourceId: 'many', relationship: 'success', targetId: 'slow', countThreshold: 2_000 }),
    ],
  });
  const first = await open(dir, small);
  first.engine.load(graph);
  await first.engine.start('segments', ['few']);
  await until(() => first.engine.queued('segments', 'stuck') === 50);
  await first.engine.start('segments', ['many', 'slow']);
  await until(() => first.engine.stats('segments').processors.slow.in === 200_000, 30_000);
  assert.ok(first.repository.status().writes > 10, 'the flowing records went through many group commits');
  await first.engine.flushed();
  await first.engine.flushed();
  const files = segmentFiles(dir);
  const listing = files.map((f) => `${f} (${statSync(path.join(dir, f)).size} bytes)`).join(', ');
  assert.ok(files.length <= 3, `${files.length} segments left: ${listing}`);
  assert.ok(!files.includes('0000000001.seg'), `the first segment, holding the stuck records, was compacted away: ${listing}`);
  await first.close();

  const second = await open(dir, small);
  second.engine.load(graph);
  assert.equal(second.engine.queued('segments', 'stuck'), 50);
  assert.deepEqual(
    second.engine.listQueue('segments', 'stuck', 100).map((p) => (p.record.content as { stuck: number }).stuck),
    range(0, 50),
  );
  assert.equal(second.engine.queued('segments', 'flowing'), 0);
  await second.close();
});

test('a torn tail is detected and reported; the frames before it are recovered, the bytes after it kept aside', async () => {
  const dir = tempDir();
  const first = await open(dir);
  first.engine.load(pipeline(2_000));
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.engine.queued('durable', 'c2') === 2_000);
  await first.close();
  const last = path.join(dir, segmentFiles(dir).at(-1)!);
  const whole = statSync(last).size;

  // a frame cut short, as a crash in the middle of a write leaves it
  appendFileSync(last, Buffer.from([0x43, 0x46, 0x58, 0x31, 0xff, 0xff, 0x00, 0x00, 1, 2, 3]));
  const second = await open(dir);
  const problem = second.repository.recovery.problem;
  assert.ok(problem, 'the torn tail is reported');
  assert.match(problem.reason, /cut short/);
  assert.equal(problem.offset, whole);
  assert.ok(existsSync(`${last}.${whole}.discarded`));
  second.engine.load(pipeline(2_000));
  assert.equal(second.engine.queued('durable', 'c2'), 2_000, 'nothing before the tear is lost');
  const bulletins = second.engine.stats('durable').engine?.bulletins ?? [];
  assert.match(bulletins.map((b) => b.message).join('\n'), /journal was cut short/);
  await second.close();
});

test('a corrupted frame: the valid prefix is recovered and the corruption named', async () => {
  const dir = tempDir();
  const first = await open(dir);
  first.engine.load(pipeline(1_000));
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.engine.queued('durable', 'c2') === 1_000);
  await first.engine.flushed();
  const segment = path.join(dir, segmentFiles(dir).at(-1)!);
  const prefix = statSync(segment).size;
  // one more (small) group commit after the records, which then loses its last bytes
  await first.engine.clearState('durable', 'sink');
  await first.close();
  assert.ok(statSync(segment).size > prefix);
  truncateSync(segment, statSync(segment).size - 3);
  const second = await open(dir);
  assert.ok(second.repository.recovery.problem);
  second.engine.load(pipeline(1_000));
  assert.equal(statSync(segment).size, prefix, 'cut back to the last whole frame');
  assert.equal(second.engine.queued('durable', 'c2'), 1_000);
  await second.close();
});

test('disk full: processing pauses with a bulletin and nothing is lost; it resumes by itself when space returns', async (t) => {
  // a real size-limited filesystem, nearly filled by a ballast file
  const mountPoint = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint], { encoding: 'utf8' });
  if (mounted.status !== 0) return t.skip(`mounting a tmpfs needs root: ${mounted.stderr.trim()}`);
  t.after(() => void spawnSync('umount', ['-l', mountPoint]));
  const ballast = path.join(mountPoint, 'ballast');
  writeFileSync(ballast, Buffer.alloc(7 * 1024 * 1024));

  const dir = path.join(mountPoint, 'repository');
  const records = 120_000;
  const first = await open(dir, { segmentBytes: 1024 * 1024, retryMs: 100 });
  const paced = pipeline(records);
  paced.processors[0].properties.rate = 20_000;
  first.engine.load(paced);
  await first.engine.start('durable', ['gen', 'tag']);
  await until(() => first.repository.status().blocked !== undefined, 20_000);
  assert.match(first.repository.status().blocked!, /ENOSPC|no space/i);
  await until(() => (first.engine.stats('durable').engine?.bulletins ?? []).some((b) => /cannot write .*processing is paused \(nothing is lost\)/.test(b.message)), 5_000);
  const generated = () => first.engine.stats('durable').processors.gen.out;
  const atBlock = generated();
  await sleep(500);
  assert.ok(generated() - atBlock <= 2 * 1_000, `the source is paused while the disk is full (${atBlock} → ${generated()})`);
  assert.ok(first.engine.queued('durable', 'c2') < records);

  unlinkSync(ballast);
  await until(() => first.engine.queued('durable', 'c2') === records, 30_000);
  await first.engine.flushed();
  assert.equal(first.repository.status().blocked, undefined);
  assert.ok(first.engine.stats('durable').engine!.bulletins!.some((b) => /writes again/.test(b.message)));
  await first.close();

  const second = await open(dir);
  second.engine.load(paced);
  collected.length = 0;
  await second.engine.start('durable', ['sink']);
  await until(() => collected.length === records, 20_000);
  assert.deepEqual(numbers(collected), range(0, records), 'every record once, in order');
  await second.close();
});
