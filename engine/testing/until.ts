import { setTimeout as sleep } from 'node:timers/promises';

/** Wait for an engine condition in a test, polling every 10 ms; fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}
