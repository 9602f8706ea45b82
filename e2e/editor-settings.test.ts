import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ConnectionConfig, FlowGraph, ProcessorConfig } from '../engine/flow/schema';
import { processorNode, signedInPage, waitFor, withConfluxAndChromium } from './browser';
import { api } from './server';

const suite = withConfluxAndChromium();

const node = processorNode;

test('scheduling, retry, queue order and expiration, flow defaults, engine lag and history charts', async () => {
  const { server, browser } = suite;
  const call = (method: string, pathname: string, body?: unknown) => api(server.url, method, pathname, body);
  const flowId: string = (await call('POST', '/api/flows', { name: 'Settings test' })).body.flow.id;
  const base = `/api/flows/${flowId}`;
  const getFlow = async (): Promise<FlowGraph> => (await call('GET', base)).body.flow;
  const gen: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'GenerateRecords', position: { x: 0, y: 0 } })).body.processor;
  const count: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'Count', position: { x: 400, y: 0 } })).body.processor;
  const created = await call('POST', `${base}/connections`, { sourceId: gen.id, relationship: 'success', targetId: count.id });
  assert.equal(created.status, 201);
  const connectionId: string = created.body.connection.id;

  const page = await signedInPage(browser, server, { viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/flows/${flowId}`);
  await page.locator('[data-testid="live-status"]', { hasText: 'live' }).waitFor();

  // scheduling: a cron strategy with a bad expression shows croner's message inline, a good one saves
  await node(page, 'GenerateRecords').click();
  await page.locator('[name="sched-strategy"]').selectOption('CRON');
  const cron = page.locator('[name="sched-cron"]');
  await cron.fill('not a cron');
  const cronError = page.getByTestId('error-sched-cron');
  await cronError.waitFor();
  assert.match(await cronError.innerText(), /five, six, or seven/);
  await cron.fill('*/2 * * * * *');
  await cronError.waitFor({ state: 'detached' });
  await page.getByTestId('props-save').click();
  await waitFor(async () => {
    const saved = (await getFlow()).processors.find((p) => p.id === gen.id)!;
    return saved.scheduling.strategy === 'CRON' && saved.scheduling.cron === '*/2 * * * * *';
  }, 'the cron schedule to be saved');
  const scheduling = (await getFlow()).processors.find((p) => p.id === gen.id)!.scheduling;
  assert.equal(scheduling.concurrency, 1, 'the rest of the scheduling kept');

  // the connection: newest first, records expire after a minute
  await page.locator(`[data-testid="queue-label"][data-connection-id="${connectionId}"]`).click();
  await page.locator('[name="conn-prioritizer"]').selectOption({ label: 'Newest first' });
  await page.locator('[name="conn-expiration"]').fill('60000');
  await page.getByTestId('conn-save').click();
  await waitFor(async () => {
    const saved = (await getFlow()).connections.find((c) => c.id === connectionId)!;
    return saved.prioritizer === 'NEWEST_FIRST' && saved.expirationMs === 60_000;
  }, 'the connection settings to be saved');

  // flow settings: the default object threshold of new connections
  await page.getByTestId('flow-settings').click();
  await page.locator('[name="flow-count-threshold"]').fill('1234');
  await page.getByTestId('flow-settings-save').click();
  await waitFor(async () => (await getFlow()).settings.countThreshold === 1234, 'the flow settings to be saved');
  await page.locator('[name="flow-count-threshold"]').waitFor({ state: 'detached' });
  const inspect: ProcessorConfig = (await call('POST', `${base}/processors`, { type: 'Inspect', position: { x: 400, y: 250 } })).body.processor;
  const second = await call('POST', `${base}/connections`, { sourceId: gen.id, relationship: 'success', targetId: inspect.id });
  assert.equal(second.status, 201);
  assert.equal((second.body.connection as ConnectionConfig).countThreshold, 1234);

  // run: the toolbar shows the engine's event-loop lag; the panel charts its history
  await node(page, 'Inspect').waitFor();
  await page.getByTestId('flow-start').click();
  const lag = page.getByTestId('engine-lag');
  await waitFor(async () => /engine lag \d+(\.\d)? ms/.test(await lag.innerText()), 'the engine lag to show a number', 15_000);

  await page.locator(`[data-testid="queue-label"][data-connection-id="${connectionId}"]`).click();
  await page.getByTestId('conn-wait').waitFor();
  assert.match(await page.getByTestId('conn-wait').innerText(), /p50 .* p99 /);
  // the chart is history, fetched on open and every 5 s: a second point is there within ~6 s even on a cold server
  const sparkline = (label: string) => page.getByTestId('side-panel').getByTestId('sparkline').filter({ hasText: label });
  const points = async (label: string) => Number(await sparkline(label).getAttribute('data-points'));
  await waitFor(async () => (await points('queued')) >= 2, 'the queue sparkline to get points', 7_000);

  await node(page, 'GenerateRecords').click();
  await sparkline('records/s').waitFor();
  await waitFor(async () => (await points('records/s')) >= 2, 'the rate sparkline to get points', 7_000);
  await page.getByTestId('proc-next-run').waitFor();

  await page.getByTestId('flow-stop').click();
  await waitFor(async () => (await getFlow()).processors.every((p) => p.runState === 'STOPPED'), 'the flow to stop');
  assert.deepEqual(errors, []);
  await page.context().close();
});
