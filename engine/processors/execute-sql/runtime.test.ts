import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SERVERS, execute } from '../../services/sql/testing/databases';
import { TcpProxy } from '../../services/sql/testing/tcp-proxy';
import type { SqlDatabase } from '../../services/sql/types';
import { runProcessor } from '../../testing/run-processor';
import executeSql from './runtime';

const CUSTOMERS = 'exec_sql_customers';
const NOTES = 'exec_sql_notes';

for (const server of SERVERS) {
  describe(`ExecuteSQL on ${server.name}`, () => {
    let db: SqlDatabase;
    const statement = (sql: string, props: Record<string, unknown> = {}, service = db) =>
      runProcessor(executeSql).props({ database: 'db', sql, ...props }).service('db', service);
    const countNotes = async (via = db) => Number((await via.run({ sql: `SELECT COUNT(*) AS n FROM ${NOTES}`, params: [] })).rows[0].n);

    before(async () => {
      db = await server.open();
      await execute(
        db,
        `DROP TABLE IF EXISTS ${CUSTOMERS}`,
        `DROP TABLE IF EXISTS ${NOTES}`,
        `CREATE TABLE ${CUSTOMERS} (id INT PRIMARY KEY, name VARCHAR(40), region VARCHAR(10))`,
        `CREATE TABLE ${NOTES} (id INT PRIMARY KEY, body VARCHAR(200) NOT NULL)`,
        `INSERT INTO ${CUSTOMERS} VALUES (1, 'Ada', 'EU'), (2, 'Grace', 'NA'), (3, 'Linus', 'EU')`,
      );
    });
    after(async () => {
      await execute(db, `DROP TABLE IF EXISTS ${CUSTOMERS}`, `DROP TABLE IF EXISTS ${NOTES}`);
      await db.close();
    });

    test('one record per result row, each a child of the input, with parameters from fields and attributes', async () => {
      const run = await statement(`SELECT id, name FROM ${CUSTOMERS} WHERE region = :region AND id >= :@min.id ORDER BY id`)
        .enqueue([{ region: 'EU' }], { 'min.id': '1' })
        .run();
      const out = run.routed('success');
      assert.deepEqual(out.map((r) => r.content), [{ id: 1, name: 'Ada' }, { id: 3, name: 'Linus' }]);
      const [parent] = out[0].parents;
      assert.ok(parent !== undefined && out.every((r) => r.parents.length === 1 && r.parents[0] === parent && r.id !== parent), 'children of the one input');
      assert.ok(out.every((r) => r.attributes['sql.row.count'] === '2' && r.attributes['min.id'] === '1'));
    });

    test('array mode keeps the input record, with its rows (none for an empty result) as content', async () => {
      const run = await statement(`SELECT name FROM ${CUSTOMERS} WHERE region = :region ORDER BY id`, { results: 'array' })
        .enqueue([{ region: 'NA' }, { region: 'APAC' }])
        .run();
      assert.deepEqual(run.routed('success').map((r) => [r.content, r.attributes['sql.row.count']]), [[[{ name: 'Grace' }], '1'], [[], '0']]);
    });

    test('an injection attempt stays a value', async () => {
      await execute(db, `DELETE FROM ${NOTES}`);
      const hostile = `x' OR '1'='1'; DROP TABLE ${CUSTOMERS}; --`;
      const lookup = await statement(`SELECT id FROM ${CUSTOMERS} WHERE name = :name`).enqueue([{ name: hostile }]).run();
      assert.equal(lookup.routed('success').length, 0, 'the condition matched no customer: the quote did not end the string');
      await statement(`INSERT INTO ${NOTES} (id, body) VALUES (:id, :body)`).enqueue([{ id: 1, body: hostile }]).run();
      const { rows } = await db.run({ sql: `SELECT body FROM ${NOTES}`, params: [] });
      assert.deepEqual(rows, [{ body: hostile }], 'stored exactly as sent');
      assert.equal(Number((await db.run({ sql: `SELECT COUNT(*) AS n FROM ${CUSTOMERS}`, params: [] })).rows[0].n), 3);
    });

    test("a statement that fails for a record sends it to failure with the database's message; the others are committed", async () => {
      await execute(db, `DELETE FROM ${NOTES}`);
      const run = await statement(`INSERT INTO ${NOTES} (id, body) VALUES (:id, :body)`)
        .enqueue([{ id: 1, body: 'a' }, { id: 1, body: 'duplicate' }, { id: 2 }, { id: 3, body: null }, { id: 4, body: 'd' }])
        .run();
      assert.deepEqual(run.routed('success').map((r) => [(r.content as { id: number }).id, r.attributes['sql.rows.affected']]), [[1, '1'], [4, '1']]);
      const failures = run.routed('failure').map((r) => r.attributes['error.message']);
      assert.equal(failures.length, 3);
      assert.match(failures[0], /duplicate key|Duplicate entry|UNIQUE constraint failed/);
      assert.equal(failures[1], 'parameter :body: the record has no field "body"');
      assert.match(failures[2], /null value in column "body"|Column 'body' cannot be null|NOT NULL constraint failed: exec_sql_notes.body/);
      assert.equal(await countNotes(), 2);
    });

    test('the database going away rolls the batch back with a bulletin; the retry writes each row once', { skip: !server.port && 'SQLite is a file: no connection to cut' }, async () => {
      await execute(db, `DELETE FROM ${NOTES}`);
      const proxy = await TcpProxy.start(server.port);
      const viaProxy = await server.open({ port: proxy.port });
      const run = statement(`INSERT INTO ${NOTES} (id, body) VALUES (:id, :body)`, {}, viaProxy).batch(100);
      try {
        run.enqueue(Array.from({ length: 50 }, (_, i) => ({ id: i, body: `note ${i}` })));
        proxy.cut();
        await run.run();
        assert.equal(run.queued, 50, 'the batch is back in the queue');
        assert.match(run.status.bulletins.at(-1)!.message, /(cannot reach the database|connection failed).*batch of 50 rolled back/);
        assert.equal(await countNotes(), 0);
        proxy.restore();
        await run.run();
        assert.equal(run.routed('success').length, 50);
        assert.equal(await countNotes(), 50);
      } finally {
        await run.stop();
        await viaProxy.close();
        await proxy.close();
      }
    });
  });
}
