import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { FlowGraph } from '../engine/flow/schema';
import { processorNode, signedInPage, waitFor, withConfluxAndChromium } from './browser';
import { api } from './server';

const suite = withConfluxAndChromium();

const node = processorNode;
const numberIn = async (locator: Locator) => Number((await locator.getAttribute('data-queued')) ?? NaN);
const countText = async (locator: Locator) => Number((await locator.innerText()).replace(/[^\d.]/g, '')) * ((await locator.innerText()).includes('k') ? 1000 : 1);


test('drag, connect, configure, start, watch live, stop — and the graph persists', async () => {
  const { server, browser } = suite;
  const flowId: string = (await api(server.url, 'POST', '/api/flows', { name: 'Canvas test' })).body.flow.id;
  const page = await signedInPage(browser, server, { viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // the flow list links to the flow
  await page.goto(server.url);
  await page.locator('[data-testid="flow-link"]', { hasText: 'Canvas test' }).click();
  await page.waitForURL(`**/flows/${flowId}`);
  await page.locator('[data-testid="live-status"]', { hasText: 'live' }).waitFor();

  // drag two processors from the palette (search narrows it)
  const canvas = page.getByTestId('canvas');
  await page.getByTestId('palette-search').fill('generate');
  await page.getByTestId('palette-item-GenerateRecords').dragTo(canvas, { targetPosition: { x: 200, y: 250 } });
  await node(page, 'GenerateRecords').waitFor();
  await page.getByTestId('palette-search').fill('');
  await page.getByTestId('palette-item-Count').dragTo(canvas, { targetPosition: { x: 650, y: 250 } });
  await node(page, 'Count').waitFor();

  // both are invalid until wired: generator's success is not connected, count has no input
  assert.equal(await node(page, 'GenerateRecords').getAttribute('data-state'), 'INVALID');

  // connect the generator's "success" handle to the counter's input
  const from = node(page, 'GenerateRecords').locator('[data-handleid="success"]');
  const to = node(page, 'Count').locator('[data-handleid="in"]');
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  const queue = page.getByTestId('queue-label');
  await queue.waitFor();
  await waitFor(async () => (await node(page, 'GenerateRecords').getAttribute('data-state')) === 'STOPPED', 'generator valid');

  // configure the generator in the generated form: an invalid value shows inline, a valid one saves
  await node(page, 'GenerateRecords').click();
  const rate = page.locator('[name="prop-rate"]');
  await rate.fill('-3');
  await page.getByTestId('error-rate').waitFor();
  await rate.fill('400');
  await page.getByTestId('props-save').click();
  await waitFor(async () => {
    const graph: FlowGraph = (await api(server.url, 'GET', `/api/flows/${flowId}`)).body.flow;
    return graph.processors.find((p) => p.type === 'GenerateRecords')?.properties.rate === 400;
  }, 'the rate to be saved');

  // start the flow: counters move on screen
  await page.getByTestId('flow-start').click();
  const out = node(page, 'GenerateRecords').getByTestId('proc-out');
  const counted = node(page, 'Count').getByTestId('proc-in');
  await waitFor(async () => (await countText(out)) > 50 && (await countText(counted)) > 50, 'counters to rise');

  // stop the counter alone: its queue fills on screen
  await node(page, 'Count').click();
  await page.getByTestId('proc-stop').click();
  await waitFor(async () => (await numberIn(queue)) > 100, 'queue depth to rise');
  assert.ok(Number(await queue.getAttribute('data-percent')) > 0);

  // the queue listing in the connection's panel: the first records waiting, one of them in full
  // (at this zoom the label sits under the processor's buttons: clicked by event, not by position)
  await queue.dispatchEvent('click');
  await page.getByTestId('queue-list').click();
  const rows = page.getByTestId('queue-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 100, 'the first 100 of more than 100 queued');
  await rows.first().click();
  const content = page.getByTestId('queue-record-content');
  await content.waitFor();
  assert.equal(typeof JSON.parse(await content.innerText()), 'object', 'the record content, as JSON');
  const download = page.getByTestId('queue-download');
  assert.match((await download.getAttribute('href')) ?? '', /\/connections\/[^/]+\/queue\/\d+\?download$/);

  await page.getByTestId('flow-stop').click();
  await waitFor(async () => (await node(page, 'GenerateRecords').getAttribute('data-state')) === 'STOPPED', 'flow to stop');
  // the node flips to stopped at once; let one more stats push (500 ms) land before reading
  await new Promise((r) => setTimeout(r, 700));
  const stoppedAt = await countText(out);
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(await countText(out), stoppedAt, 'no records after stop');

  // reload: the same graph comes back from the store
  await page.reload();
  await node(page, 'Count').waitFor();
  assert.equal(await page.locator('[data-testid="processor-node"]').count(), 2);
  assert.equal(await page.getByTestId('queue-label').count(), 1);
  assert.deepEqual(errors, []);
  await page.context().close();
});
