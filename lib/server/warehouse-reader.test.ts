import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { testDatabase } from '../../engine/services/warehouse/postgresql/testing';
import { shopFlow, SHOP_SERVERS_FLOW_NAME } from '../shop/flow';
import type { FlowService } from './flow-service';
import { warehouseReaderOf } from './warehouse-reader';

/**
 * The Questions page over the servers' version: the store flow's PostgreSQL warehouse found from the
 * stored flow (its password in clear, server side), read in PostgreSQL's dialect, the console kept
 * read-only there. The four answers themselves are checked against ground truth in lib/shop/pipeline.test.ts.
 */
let target: Awaited<ReturnType<typeof testDatabase>>;

before(async () => {
  target = await testDatabase();
  const client = new pg.Client(target);
  await client.connect();
  // the reader reads the connecting user's current schema: public, as the shipped flow loads it
  await client.query(`DROP TABLE IF EXISTS public.sales, public.cart_events`);
  await client.query(`CREATE TABLE public.sales (region text, line_id bigint, product text, shade text, category text, quantity bigint, revenue_usd double precision, ordered_at timestamptz, loaded_at timestamptz)`);
  await client.query(`CREATE TABLE public.cart_events (region text, event_id text, customer_id bigint, event_at timestamptz, sku text, product text, shade text, action text)`);
  await client.query(`INSERT INTO public.sales VALUES ('europe', 1, 'PRO FILT''R Hydrating Longwear Foundation', '#110', 'foundation', 3, 120.5, '2026-08-01 18:00+00', now()), ('asia', 2, 'PRO FILT''R Hydrating Longwear Foundation', '#490', 'foundation', 2, 80, '2026-08-02 03:00+00', now())`);
  await client.query(`INSERT INTO public.cart_events VALUES ('europe', '1', 7, '2026-08-01 10:00+00', 'PF-110', 'PRO FILT''R Hydrating Longwear Foundation', '#110', 'add'), ('europe', '2', 7, '2026-08-01 11:00+00', 'PF-110', 'PRO FILT''R Hydrating Longwear Foundation', '#110', 'remove')`);
  await client.end();
});
after(async () => {
  const client = new pg.Client(target);
  await client.connect();
  await client.query(`DROP TABLE IF EXISTS public.sales, public.cart_events`);
  await client.end();
});

/** Just what the reader asks of the flow service: the flows, and one stored graph with its secrets. */
function serviceWith(): FlowService {
  const graph = { id: 'store', ...shopFlow({ warehouse: { ...target, password: target.password ?? '' }, shops: { servers: { mysql: { host: 'x', port: 1, user: 'u', password: '' }, postgresql: { host: 'x', port: 1, user: 'u', password: '' } } } }) };
  return {
    listFlows: async () => [{ id: 'store', name: SHOP_SERVERS_FLOW_NAME, running: true }],
    store: { getFlow: async () => graph },
  } as unknown as FlowService;
}

test("the Questions page answers from the servers' PostgreSQL warehouse, in its dialect", async () => {
  const answer = await warehouseReaderOf(serviceWith()).questions('all');
  assert.equal(answer.message, undefined);
  assert.equal(answer.answers?.totalUnits, 5);
  assert.deepEqual(answer.answers?.regions.map((r) => [r.region, r.units]), [['europe', 3], ['asia', 2]]);
  assert.equal(answer.answers?.cart.users, 1);
  assert.match(answer.sql.heat, /EXTRACT\(DOW FROM/);
  assert.ok(answer.periods.includes('2026-Q3'));
});

test("the console over the PostgreSQL warehouse reads, and refuses a write with a 400 a person reads", async () => {
  const reader = warehouseReaderOf(serviceWith());
  const result = await reader.consoleQuery('SELECT region, quantity FROM sales ORDER BY line_id', 10);
  assert.deepEqual(result.rows, [['europe', 3], ['asia', 2]]);
  await assert.rejects(reader.consoleQuery('DELETE FROM sales', 10), (error: { status?: number; message: string }) => error.status === 400 && /only reads/.test(error.message));
});
