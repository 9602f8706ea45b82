import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsonata from 'jsonata';
import { BAIL, compileFast } from '../../engine/expression/compile';
import { EXTENSIONS } from '../../engine/expression/jsonata';
import { REGIONS } from './catalog';
import { cartExpression, salesExpression } from './flow';
import { shopDays, type ShopDay } from './generate';
import { cartEventsTable, orderLinesTable } from './regional-tables';

/** A regional table's row as QueryDatabaseTable hands it on: column name → value. */
function rowOf<T>(table: { columns: readonly { name: string }[]; values: (row: T) => unknown[] }, item: T): Record<string, unknown> {
  const values = table.values(item);
  return Object.fromEntries(table.columns.map((c, i) => [c.name, values[i]]));
}

test("each region's normalization takes the compiled fast path and agrees with jsonata's interpreter", async () => {
  for (const region of REGIONS) {
    const day = shopDays(region, { linesPerRegion: 2_000, end: Date.UTC(2026, 6, 1) }).next().value as ShopDay;
    const cases: [string, Record<string, unknown>][] = [
      ...day.lines.slice(0, 20).map((line): [string, Record<string, unknown>] => [salesExpression(region), rowOf(orderLinesTable(region), line)]),
      ...day.events.slice(0, 20).map((event): [string, Record<string, unknown>] => [cartExpression(region), rowOf(cartEventsTable(region), event)]),
    ];
    for (const [source, row] of cases) {
      const expression = jsonata(source);
      const fast = compileFast(expression.ast(), EXTENSIONS);
      assert.ok(fast, `${region}: the normalization compiles`);
      const result = fast(row, {});
      assert.notEqual(result, BAIL, `${region}: no fallback to the interpreter on ${JSON.stringify(row)}`);
      // loaded_at is the clock's: equal up to the moment each evaluation ran
      const withoutClock = (value: unknown) => ({ ...(value as Record<string, unknown>), loaded_at: typeof (value as { loaded_at: unknown }).loaded_at });
      assert.deepEqual(withoutClock(result), withoutClock(await expression.evaluate(row)));
      const ordered = (result as { ordered_at?: string; event_at?: string }).ordered_at ?? (result as { event_at: string }).event_at;
      assert.match(ordered, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/, `${region}: times in UTC`);
    }
  }
});
