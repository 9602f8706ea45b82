import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SERVERS, execute } from '../../services/sql/testing/databases';
import { TcpProxy } from '../../services/sql/testing/tcp-proxy';
import type { SqlDatabase } from '../../services/sql/types';
import { runProcessor } from '../../testing/run-processor';
import queryDatabaseTable from './runtime';

const TABLE = 'qdt_orders';

for (const server of SERVERS) {
  describe(`QueryDatabaseTable on ${server.name}`, () => {
    let db: SqlDatabase;
    const timestamp = server.name === 'PostgreSQL' ? 'TIMESTAMP(6)' : 'DATETIME(6)';

    /** A fresh orders table with `count` rows: ids 1…count, updated_at from `stamps(id)`. */
    async function orders(count: number, stamps: (id: number) => string = (id) => `2024-01-01 00:00:${String(id % 60).padStart(2, '0')}`) {
      await execute(db, `DROP TABLE IF EXISTS ${TABLE}`, `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, sku VARCHAR(20), qty INT, updated_at ${timestamp})`);
      await insert(Array.from({ length: count }, (_, i) => i + 1), stamps);
    }
    async function insert(ids: number[], stamps: (id: number) => string) {
      if (ids.length === 0) return;
      const values = ids.map((id) => `(${id}, 'PF-${id}', ${id % 5}, '${stamps(id)}')`).join(', ');
      await execute(db, `INSERT INTO ${TABLE} (id, sku, qty, updated_at) VALUES ${values}`);
    }
    const source = (props: Record<string, unknown>, service: SqlDatabase = db) =>
      runProcessor(queryDatabaseTable)
        .props({ database: 'db', table: TABLE, maxValueColumn: 'id', pageSize: 10, ...props })
        .service('db', service);
    const ids = (run: { routed(r: string): { content: unknown }[] }) => run.routed('success').map((r) => (r.content as { id: number }).id);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    before(async () => {
      db = await server.open();
    });
    after(async () => {
      await execute(db, `DROP TABLE IF EXISTS ${TABLE}`);
      await db.close();
    });

    test('loads a table in pages across triggers, then only new rows, also after a restart', async () => {
      await orders(25);
      const first = source({});
      const perTrigger: number[] = [];
      let seen = 0;
      for (let i = 0; i < 4; i++) {
        await first.run();
        perTrigger.push(ids(first).length - seen);
        seen = ids(first).length;
      }
      assert.deepEqual(perTrigger, [10, 10, 5, 0], 'one page per trigger, never the whole table');
      assert.deepEqual(ids(first), range(1, 25));
      const [record] = first.routed('success');
      // MySQL pads to the declared precision; SQLite keeps the text as it was written
      assert.deepEqual(record.content, { id: 1, sku: 'PF-1', qty: 1, updated_at: server.name === 'MariaDB' ? '2024-01-01 00:00:01.000000' : '2024-01-01 00:00:01' });
      assert.deepEqual(record.attributes, { 'sql.table': TABLE, 'sql.database.type': server.type });
      assert.deepEqual((await first.state()) as object, { table: TABLE, orderColumns: ['id'], after: [25] });
      await first.stop();

      await insert([26, 27, 28], () => '2024-01-02 00:00:00');
      const restarted = await source({}).withState(first.stateStore).run(2);
      assert.deepEqual(ids(restarted), [26, 27, 28], 'the restarted processor reads only the rows added since');
      await restarted.stop();
    });

    test('a column added while it runs is read from the next poll on, and a dropped one is a clear error', async () => {
      await orders(3);
      const run = source({});
      await run.run(2);
      assert.deepEqual(ids(run), [1, 2, 3]);
      await execute(db, `ALTER TABLE ${TABLE} ADD COLUMN note VARCHAR(20)`, `INSERT INTO ${TABLE} (id, sku, qty, updated_at, note) VALUES (4, 'PF-4', 4, '2024-01-02 00:00:00', 'gift')`);
      await run.run();
      const added = run.routed('success').at(-1)!.content as { id: number; note: string };
      assert.deepEqual([added.id, added.note], [4, 'gift']);

      // in the middle of a load (full pages keep the plan), the column goes: the page fails, and the
      // next trigger describes the table again and says what is wrong
      const picky = source({ columns: 'id, note', pageSize: 1 });
      await picky.run();
      await execute(db, `ALTER TABLE ${TABLE} DROP COLUMN note`);
      await picky.run(2);
      assert.equal(picky.status.bulletins.length, 2);
      assert.match(picky.status.bulletins[1].message, /has no column "note" \(columns\)/);
      await run.stop();
      await picky.stop();
    });

    test('a page that ends inside a run of equal max values loses and repeats nothing', async () => {
      // ids 1-3 at :01, ids 4-11 all at :02 (longer than a page), ids 12-14 at :03
      const stamp = (id: number) => `2024-01-01 00:00:0${id <= 3 ? 1 : id <= 11 ? 2 : 3}`;
      await orders(14, stamp);
      const run = source({ maxValueColumn: 'updated_at', pageSize: 3 });
      await run.run(4);
      assert.deepEqual(ids(run), range(1, 12), 'four pages of three, in (updated_at, id) order');
      const watermark = (await run.state()) as { orderColumns: string[]; after: unknown[] };
      assert.deepEqual(watermark.orderColumns, ['updated_at', 'id'], 'the primary key breaks ties');
      assert.equal(watermark.after[1], 12);
      // a late row with the watermark's own timestamp but a higher id is still read, exactly once
      await insert([20], () => '2024-01-01 00:00:03');
      await run.run(3);
      const seen = ids(run);
      assert.deepEqual([...seen].sort((a, b) => a - b), [...range(1, 14), 20]);
      assert.equal(new Set(seen).size, seen.length, 'no row read twice');
      await run.stop();
    });

    test('reads chosen columns under an extra condition, keeping the keyset out of the records', async () => {
      await orders(6);
      const run = await source({ maxValueColumn: 'UPDATED_AT', columns: 'sku, qty', where: 'qty > 1' }).run(2);
      assert.deepEqual(
        run.routed('success').map((r) => r.content),
        [2, 3, 4].map((id) => ({ sku: `PF-${id}`, qty: id % 5 })),
      );
      const watermark = (await run.state()) as { after: unknown[] };
      assert.equal(watermark.after[1], 4, 'the watermark still advanced on the hidden keyset columns');
      await run.stop();
    });

    test('a saved position for another query is refused, not misread', async () => {
      await orders(3);
      const first = await source({}).run();
      await first.stop();
      const changed = await source({ maxValueColumn: 'updated_at' }).withState(first.stateStore).run();
      assert.equal(changed.routed('success').length, 0);
      assert.match(changed.status.bulletins[0].message, /saved position is for table "qdt_orders" ordered by \(id\).*clear the processor's state/);
      await changed.stop();
    });

    test('the database going away mid-run rolls back with a bulletin; after it returns every row arrives exactly once', { skip: !server.port && 'SQLite is a file: no connection to cut' }, async () => {
      await orders(30);
      const proxy = await TcpProxy.start(server.port);
      const viaProxy = await server.open({ port: proxy.port });
      const run = source({}, viaProxy);
      try {
        await run.run();
        assert.deepEqual(ids(run), range(1, 10));
        proxy.cut();
        await run.run();
        assert.equal(run.status.errors, 1);
        assert.match(run.status.bulletins.at(-1)!.message, new RegExp(`${server.name === 'PostgreSQL' ? 'PostgreSQL' : 'MySQL'} .*rolled back`));
        assert.deepEqual(((await run.state()) as { after: unknown[] }).after, [10], 'the watermark did not move');
        proxy.restore();
        await run.run(3);
        assert.deepEqual(ids(run), range(1, 30), 'resumed after row 10: none lost, none twice');
      } finally {
        await run.stop();
        await viaProxy.close();
        await proxy.close();
      }
    });
  });
}
