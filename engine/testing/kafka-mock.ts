import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * A real Kafka-protocol cluster for tests: librdkafka's mock cluster, hosted by Debian's `kcat`
 * (there is no Kafka server package to install). kcat in producer mode lives while its stdin is
 * open, and the mock cluster lives as long as kcat, so we hold its stdin open and close it to stop.
 *
 * Which cluster a test gets, first match wins:
 * 1. KAFKA_BROKERS=host:port,... (a real cluster, or one started by hand);
 * 2. the mock started by ../shared/kafka-mock/start, when its pid file names a live process;
 * 3. a mock of our own, spawned here (always, with `dedicated`): it ends with the test process,
 *    or on stop().
 *
 * The mock auto-creates topics with 4 partitions on first use; its admin createTopics fails, so
 * tests rely on auto-creation.
 */
export interface KafkaTestCluster {
  readonly brokers: string[];
  /** Stops the cluster if this helper started it; a reused one is left running. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;
/** librdkafka prints the mock's listeners at notice level (and again in `-d mock` debug output). */
const LISTENERS = /(?:bootstrap\.servers=|replaced with )(\d[\d.:,]*\d)/;

/**
 * The brokers of a cluster for this test file. A cluster spawned here lives exactly as long as the
 * test process (kcat sees its stdin close when the process exits), so the file's clients can still
 * leave their groups and disconnect in its `after` hooks, whatever order those run in.
 */
export async function kafkaTestBrokers(brokerCount = 3): Promise<string[]> {
  const cluster = await startKafkaTestCluster(brokerCount, { endWithProcess: true });
  return cluster.brokers;
}

export interface KafkaTestClusterOptions {
  /** Do not keep the process alive; end with it (no stop() needed). */
  endWithProcess?: boolean;
  /** Always spawn a mock of its own, e.g. to stop it in the middle of a test. */
  dedicated?: boolean;
}

/** A cluster to stop explicitly (unless `endWithProcess`). */
export async function startKafkaTestCluster(brokerCount = 3, options: KafkaTestClusterOptions = {}): Promise<KafkaTestCluster> {
  if (!options.dedicated) {
    const configured = process.env.KAFKA_BROKERS?.trim();
    if (configured) return { brokers: splitBrokers(configured), stop: async () => undefined };
    const shared = sharedMockBrokers();
    if (shared) return { brokers: shared, stop: async () => undefined };
  }
  const cluster = await spawnMockCluster(brokerCount);
  if (options.endWithProcess) cluster.detach();
  return cluster;
}

/** The brokers of the cluster ../shared/kafka-mock/start left running, if it is still alive. */
function sharedMockBrokers(): string[] | undefined {
  const dir = process.env.KAFKA_MOCK_DIR ?? '/tmp/kafka-mock';
  try {
    if (!existsSync(`${dir}/pid`) || !existsSync(`${dir}/brokers`)) return undefined;
    process.kill(Number(readFileSync(`${dir}/pid`, 'utf8').trim()), 0);
    const brokers = readFileSync(`${dir}/brokers`, 'utf8').trim();
    return brokers ? splitBrokers(brokers) : undefined;
  } catch {
    return undefined; // no such process: a stale pid file
  }
}

function spawnMockCluster(brokerCount: number): Promise<KafkaTestCluster & { detach(): void }> {
  // No `-d mock`: that debug output logs every request, which this process would have to drain;
  // the listener line is printed without it.
  const args = ['-P', '-t', '__kafka_mock', '-b', '127.0.0.1:1', '-X', `test.mock.num.brokers=${brokerCount}`];
  // its own process group, so stop() can end kcat and anything it started in one signal
  const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    const fail = (message: string) => {
      clearTimeout(timer);
      void stopProcess(child);
      reject(new Error(message));
    };
    const timer = setTimeout(
      () => fail(`the Kafka mock cluster (kcat) printed no listeners within ${START_TIMEOUT_MS} ms; it said:\n${output.slice(-2000)}`),
      START_TIMEOUT_MS,
    );
    child.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'ENOENT'
          ? 'kcat is not installed: the Kafka tests run against the mock cluster in librdkafka, hosted by kcat (apt-get install -y kcat)'
          : `could not start kcat for the Kafka mock cluster: ${error.message}`,
      ),
    );
    child.once('exit', (code) => fail(`kcat exited (code ${code}) before the Kafka mock cluster was up; it said:\n${output.slice(-2000)}`));
    child.stdin!.on('error', () => undefined); // EPIPE when kcat is already gone
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (started) return; // keep draining, so kcat never blocks on a full pipe
      output += chunk;
      const listeners = LISTENERS.exec(output)?.[1];
      if (!listeners) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      started = true;
      resolve({
        brokers: splitBrokers(listeners),
        stop: () => stopProcess(child),
        // the open pipes no longer hold the event loop; closing them at exit ends kcat
        detach: () => {
          child.unref();
          (child.stdin as unknown as { unref?: () => void }).unref?.();
          (child.stderr as unknown as { unref?: () => void }).unref?.();
        },
      });
    });
  });
}

/** Close kcat's stdin (it then exits on its own); kill its process group if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => killGroup(child.pid!), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function splitBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}
