import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SERVERS, execute } from '../../services/sql/testing/databases';
import { cutBeforeStatement } from '../../services/sql/testing/interrupt';
import { TcpProxy } from '../../services/sql/testing/tcp-proxy';
import type { SqlDatabase } from '../../services/sql/types';
import { runProcessor } from '../../testing/run-processor';
import putDatabaseRecord from './runtime';

const TABLE = 'put_record_orders';

for (const server of SERVERS) {
  describe(`PutDatabaseRecord on ${server.name}`, () => {
    let db: SqlDatabase;
    const sink = (props: Record<string, unknown>, service: SqlDatabase = db) =>
      runProcessor(putDatabaseRecord).props({ database: 'db', table: TABLE, ...props }).service('db', service);
    const rows = async () => (await db.run({ sql: `SELECT id, sku, qty FROM ${TABLE} ORDER BY id`, params: [] })).rows;
    const order = (id: number, qty = 1) => ({ id, sku: `PF-${id}`, qty });

    before(async () => {
      db = await server.open();
    });
    after(async () => {
      await execute(db, `DROP TABLE IF EXISTS ${TABLE}`);
      await db.close();
    });
    async function freshTable() {
      await execute(db, `DROP TABLE IF EXISTS ${TABLE}`, `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, sku VARCHAR(10) NOT NULL, qty INT)`);
    }

    test('inserts a batch as multi-row statements, matching fields to columns ignoring case and leaving out unknown fields', async () => {
      await freshTable();
      const records = Array.from({ length: 1_200 }, (_, i) => ({ ID: i, sku: `PF-${i}`, qty: i % 7, note: 'not a column' }));
      records[3].sku = 'a\tb\\N\r\n'; // what COPY's text format must escape
      const run = await sink({ statementRows: 500 }).batch(2_000).enqueue(records).run();
      assert.equal(run.routed('success').length, 1_200);
      const stored = await rows();
      assert.equal(stored.length, 1_200);
      assert.deepEqual(stored[1_199], { id: 1_199, sku: 'PF-1199', qty: 1_199 % 7 });
      assert.equal(stored[3].sku, 'a\tb\\N\r\n');
      // records of different shapes (a field missing) are written in runs of the same columns
      await sink({}).enqueue([{ id: 3000, sku: 'a' }, { id: 3001, sku: 'b', qty: 2 }, { id: 3002, sku: 'c' }]).run();
      assert.deepEqual((await rows()).slice(-3), [{ id: 3000, sku: 'a', qty: null }, { id: 3001, sku: 'b', qty: 2 }, { id: 3002, sku: 'c', qty: null }]);
      const strict = await sink({ unmatchedFields: 'fail' }).enqueue([{ id: 5000, sku: 'x', colour: 'red' }]).run();
      assert.equal(strict.routed('failure')[0].attributes['error.message'], `table "${TABLE}" has no column for field "colour"`);
    });

    test('a column added to the table while the sink runs is written, not dropped until a restart', async () => {
      await freshTable();
      const running = sink({});
      await running.enqueue([{ id: 1, sku: 'a', qty: 1, colour: 'red' }]).run();
      await execute(db, `ALTER TABLE ${TABLE} ADD colour VARCHAR(10)`);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the layout is described again at most once a second
      await running.enqueue([{ id: 2, sku: 'b', qty: 2, colour: 'blue' }]).run();
      await running.stop();
      const stored = (await db.run({ sql: `SELECT id, colour FROM ${TABLE} ORDER BY id`, params: [] })).rows;
      assert.deepEqual(stored, [{ id: 1, colour: null }, { id: 2, colour: 'blue' }]);
    });

    test('upsert inserts new keys and updates existing ones; the later of two records with one key wins', async () => {
      await freshTable();
      await sink({}).enqueue([order(1), order(2)]).run();
      const run = await sink({ mode: 'upsert' }).enqueue([order(2, 20), order(3, 30), order(3, 31), { sku: 'no key' }]).run();
      assert.equal(run.routed('success').length, 3);
      assert.match(run.routed('failure')[0].attributes['error.message'], /key column "id" .* is missing or null/);
      assert.deepEqual(await rows(), [order(1), order(2, 20), order(3, 31)]);
      // replaying the same batch (a retry after a lost connection) changes nothing
      await sink({ mode: 'upsert' }).enqueue([order(2, 20), order(3, 30), order(3, 31)]).run();
      assert.deepEqual(await rows(), [order(1), order(2, 20), order(3, 31)]);
    });

    test('update changes only the columns given, of rows that exist', async () => {
      await freshTable();
      await sink({}).enqueue([order(1), order(2)]).run();
      const run = await sink({ mode: 'update', keyColumns: 'id' }).enqueue([{ id: 2, qty: 9 }, { id: 7, qty: 9 }, { id: 1, sku: 'PF-1b' }]).run();
      assert.equal(run.routed('success').length, 3, 'a key that matches no row changes nothing and is not an error');
      assert.deepEqual(await rows(), [{ id: 1, sku: 'PF-1b', qty: 1 }, { id: 2, sku: 'PF-2', qty: 9 }]);
      if (!server.typed) return; // SQLite keeps 'many' in an INT column (type affinity)
      const bad = await sink({ mode: 'update' }).enqueue([{ id: 1, qty: 'many' }, { id: 2, qty: 3 }]).run();
      assert.match(bad.routed('failure')[0].attributes['error.message'], new RegExp(`table "${TABLE}".*(qty|integer)`));
      assert.deepEqual((await rows())[1], { id: 2, sku: 'PF-2', qty: 3 });
    });

    test('rows the database refuses go to failure with its message, naming the column; the rest are committed', { skip: !server.typed && 'SQLite stores any value in any column (type affinity) unless the table is STRICT' }, async () => {
      await freshTable();
      await sink({}).enqueue([order(10)]).run();
      const records = Array.from({ length: 100 }, (_, i) => order(100 + i));
      records[10] = order(10); // duplicate key
      records[50] = { id: 150, sku: null, qty: 1 } as never; // NOT NULL
      records[70] = { id: 170, sku: 'PF-170', qty: 'abc' } as never; // not an integer
      records[90] = { id: 190, sku: 'much too long for ten', qty: 1 }; // too long
      const run = await sink({ statementRows: 40 }).enqueue(records).run();
      const failures = run.routed('failure').map((r) => r.attributes['error.message']);
      assert.equal(failures.length, 4);
      assert.match(failures[0], /duplicate key|Duplicate entry/);
      assert.match(failures[1], /column "sku"|Column 'sku'/);
      assert.match(failures[2], /column "qty"|`qty`/);
      assert.match(failures[3], /column "sku": value too long|Data too long for column 'sku'/);
      assert.ok(failures.every((m) => m.startsWith(`table "${TABLE}"`)));
      assert.equal(run.routed('success').length, 96);
      assert.equal((await rows()).length, 97);
    });

    for (const { mode, cutBefore, expected } of [
      { mode: 'upsert', cutBefore: 3, expected: 'exactly once' }, // 3 statements of 200 per batch: cut inside the first batch
      { mode: 'insert', cutBefore: 2, expected: 'exactly once' }, // PostgreSQL: one COPY per batch, so the second batch's
    ]) {
      test(`${mode}: the database going away mid-run rolls back with a bulletin; once back, every row is written ${expected}`, { skip: !server.port && 'SQLite is a file: no connection to cut' }, async () => {
        await freshTable();
        const proxy = await TcpProxy.start(server.port);
        const viaProxy = await server.open({ port: proxy.port });
        const run = sink({ mode, statementRows: 200 }, cutBeforeStatement(viaProxy, proxy, cutBefore)).batch(500);
        try {
          run.enqueue(Array.from({ length: 1_500 }, (_, i) => order(i)));
          let triggers = 0;
          do await run.run();
          while (run.status.errors === 0 && ++triggers < 3);
          assert.equal(run.status.errors, 1);
          assert.match(run.status.bulletins.at(-1)!.message, /(cannot reach the database|connection failed).*batch of 500 rolled back/);
          const committed = (await rows()).length;
          assert.equal(run.queued, 1_500 - committed, 'the rolled-back batch is back in the queue');
          assert.equal(committed % 500, 0, 'only whole batches were committed');
          proxy.restore();
          await run.run(4);
          assert.equal(run.queued, 0);
          assert.equal(run.routed('success').length, 1_500);
          const stored = await rows();
          assert.deepEqual(stored.map((r) => r.id), Array.from({ length: 1_500 }, (_, i) => i), 'each row once');
        } finally {
          await run.stop();
          await viaProxy.close();
          await proxy.close();
        }
      });
    }
  });
}
