import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { storeRows } from '../lib/shop/generate';
import { periodOf } from '../lib/server/warehouse-reader';
import { groundTruth } from '../lib/shop/truth';
import { launchChromium, signedInPage, waitFor } from './browser';
import { api, startConflux, type RunningConflux } from './server';

/**
 * The showcase as a new user meets it: a fresh server seeds the four regional shops and runs the
 * shipped flow; the Questions page, within a minute, shows the four answers, which must equal the
 * ground truth computed here from the generator's own rows; the console refuses writes and stops a
 * runaway query.
 */
const END = '2026-11-20T15:00:00Z';
const LINES = 2_000;
let server: RunningConflux;
let browser: Browser;

before(async () => {
  // the simulator keeps selling (after END: the quarters asked about stay as seeded)
  server = await startConflux({ env: { CONFLUX_SHOP_END: END, CONFLUX_SHOP_LINES: String(LINES), CONFLUX_SHOP_SIMULATOR: '1', CONFLUX_SHOP_SIMULATOR_MS: '500' } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Questions page shows the four answers of the shipped flow, equal to the ground truth, within a minute of a first start', async () => {
  const { lines, events } = storeRows({ linesPerRegion: LINES, end: Date.parse(END) });
  const truth = groundTruth(lines, events, periodOf('2026-Q3').period);
  assert.ok(truth.totalUnits > 0 && truth.cart.users > 0);
  const page = await signedInPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.getByTestId('questions-link').click();
  await page.waitForURL('**/questions');
  const started = Date.now();
  await page.getByTestId('period').selectOption('2026-Q3').catch(() => undefined);
  // the flow loads while the page polls: wait for every line to be in (the freshness table counts them)
  await waitFor(async () => {
    if ((await page.getByTestId('period').inputValue()) !== '2026-Q3') await page.getByTestId('period').selectOption('2026-Q3').catch(() => undefined);
    const text = (await page.getByTestId('answer-units').textContent().catch(() => null)) ?? '';
    return text === `${truth.totalUnits.toLocaleString('en-US')} units`;
  }, 'the units answer to equal the ground truth', 60_000);
  const seconds = (Date.now() - started) / 1000;
  const top = truth.regions[0];
  assert.match((await page.getByTestId('answer-region').textContent())!, new RegExp(`^${top.region}: ${top.units.toLocaleString('en-US')} units`));
  assert.equal(await page.getByTestId('answer-cart').textContent(), `${truth.cart.users.toLocaleString('en-US')} users`);
  const peak = (await page.getByTestId('answer-peak').textContent())!;
  const [, day, hour] = /^(\w+) (\d\d):00/.exec(peak)!;
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  assert.equal(truth.heat.local[days.indexOf(day)][Number(hour)], Math.max(...truth.heat.local.flat()), `the peak ${peak} is the busiest local hour`);
  await waitFor(async () => (await page.locator('[data-testid="chart"] canvas').count()) >= 3, 'the charts to be drawn');
  console.log(`answers equal to the ground truth ${seconds.toFixed(1)} s after opening the page`);

  // the console: rows for a query, a refusal for a write, a stop for a runaway query
  const sql = page.getByTestId('console-sql');
  await sql.fill(`SELECT COUNT(*) AS n FROM sales WHERE ordered_at < TIMESTAMPTZ '${END}'`);
  await page.getByTestId('console-run').click();
  await waitFor(async () => (await page.getByTestId('console-result').textContent().catch(() => '')) === `n${lines.length}`, 'the console to count the seeded sales');
  await sql.fill('DELETE FROM sales');
  await page.getByTestId('console-run').click();
  await waitFor(async () => /only reads/.test((await page.getByTestId('console-error').textContent().catch(() => '')) ?? ''), 'the console to refuse a write');
  await sql.fill('SELECT COUNT(*) FROM range(1000000000000) a, range(10) b');
  await page.getByTestId('console-run').click();
  await waitFor(async () => /longer than 10 s/.test((await page.getByTestId('console-error').textContent().catch(() => '')) ?? ''), 'the console to stop a runaway query', 20_000);
  const still = await fetch(`${server.url}/api/questions?period=all`, { headers: { authorization: `Bearer ${server.token}` } });
  assert.equal(still.status, 200, 'the server answers after the runaway query');

  // the simulator's live orders (through the shops' databases) and cart events (through the webhook) reach the warehouse
  const live = async () => {
    const { body } = await api(server.url, 'POST', '/api/warehouse/query', {
      sql: `SELECT (SELECT COUNT(*) FROM sales WHERE ordered_at >= TIMESTAMPTZ '${END}') AS orders, (SELECT COUNT(*) FROM cart_events WHERE event_id LIKE 'web-%') AS web`,
    });
    return body.rows?.[0] as [number, number] | undefined;
  };
  await waitFor(async () => ((await live())?.every((n) => n > 0) ?? false), 'live orders and web cart events in the warehouse', 30_000);
});
