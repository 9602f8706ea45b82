import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SqlError } from './errors';
import { insertStatement } from './statements';
import { SERVERS, execute } from './testing/databases';
import { TcpProxy } from './testing/tcp-proxy';
import type { SqlDatabase } from './types';

/** The same contract for both pools, against the real servers. */
for (const server of SERVERS) {
  describe(`${server.name} pool`, () => {
    let db: SqlDatabase;
    const pg = server.name === 'PostgreSQL';
    const table = 'sql_service_items';

    before(async () => {
      db = await server.open();
      await execute(
        db,
        `DROP TABLE IF EXISTS ${table}`,
        pg
          ? `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL, price NUMERIC(10,2), seen TIMESTAMPTZ, day DATE, bytes BYTEA)`
          : `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, name VARCHAR(20) NOT NULL, price DECIMAL(10,2), seen TIMESTAMP(6) NULL, day DATE, bytes BLOB)`,
      );
    });
    after(async () => {
      await execute(db, `DROP TABLE IF EXISTS ${table}`);
      await db.close();
    });

    test('rows come back JSON-safe: exact big integers, decimals as text, timestamps at full precision, binary as base64', { skip: !server.typed && 'SQLite has no exact decimal or timestamp types' }, async () => {
      await execute(db, `DELETE FROM ${table}`);
      const row = [9007199254740993n.toString(), 'serum', '1234.50', '2024-05-01 13:45:10.123456', '2024-05-01', Buffer.from('hi')];
      await db.run(insertStatement(db.dialect, table, ['id', 'name', 'price', 'seen', 'day', 'bytes'], [row, [7, 'tint', null, null, null, null]]));
      const { rows } = await db.run({ sql: `SELECT * FROM ${table} ORDER BY id`, params: [] });
      assert.deepEqual(rows[0], { id: 7, name: 'tint', price: null, seen: null, day: null, bytes: null });
      assert.equal(rows[1].id, '9007199254740993', 'beyond 2^53 an id is a string, not a rounded number');
      assert.equal(rows[1].price, '1234.50');
      assert.equal(rows[1].seen, pg ? '2024-05-01 13:45:10.123456+00' : '2024-05-01 13:45:10.123456');
      assert.equal(rows[1].day, '2024-05-01');
      assert.equal(rows[1].bytes, Buffer.from('hi').toString('base64'));
      assert.doesNotThrow(() => JSON.stringify(rows));
      // the timestamp text round-trips as a parameter without losing microseconds
      const later = await db.run({ sql: `SELECT id FROM ${table} WHERE seen >= ${db.dialect.placeholder(1)}`, params: [rows[1].seen] });
      assert.deepEqual(later.rows, [{ id: '9007199254740993' }]);
    });

    test('describeTable gives columns and primary key, and finds a table named in another case', async () => {
      const info = await db.describeTable(table.toUpperCase());
      assert.equal(info.table, table);
      assert.deepEqual(info.primaryKey, ['id']);
      assert.deepEqual(info.columns.map((c) => c.name), ['id', 'name', 'price', 'seen', 'day', 'bytes']);
      await assert.rejects(db.describeTable('sql_service_nope'), (e: SqlError) => !e.retryable && /table "sql_service_nope" does not exist/.test(e.message));
    });

    test('a failed step inside a transaction is undone alone; a throw rolls the whole transaction back', async () => {
      await execute(db, `DELETE FROM ${table}`);
      const insert = (id: number, name: string | null) => insertStatement(db.dialect, table, ['id', 'name'], [[id, name]]);
      const failure = await db.transaction(async (tx) => {
        await tx.run(insert(1, 'a'));
        const error = await tx.attempt(() => tx.run(insert(1, 'duplicate'))).catch((e: SqlError) => e);
        await tx.run(insert(2, 'b'));
        return error;
      });
      assert.ok(failure instanceof SqlError && !failure.retryable);
      assert.match(failure.message, new RegExp(`^table "${table}"(, column "id")?: .*(duplicate key|Duplicate entry|UNIQUE constraint failed)`));
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run(insert(3, 'c'));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      const { rows } = await db.run({ sql: `SELECT id FROM ${table} ORDER BY id`, params: [] });
      assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
    });

    test('a bad value is reported with its table and column', { skip: !server.typed && 'SQLite stores any value in any column (type affinity) unless the table is STRICT' }, async () => {
      const statement = insertStatement(db.dialect, table, ['id', 'name', 'price'], [[10, 'x', 'not a number']]);
      await assert.rejects(db.run(statement), (e: SqlError) => {
        assert.equal(e.retryable, false);
        assert.match(e.message, new RegExp(`table "${table}"`));
        assert.match(e.message, /price/);
        return true;
      });
      const tooLong = insertStatement(db.dialect, table, ['id', 'name'], [[11, 'x'.repeat(30)]]);
      await assert.rejects(db.run(tooLong), (e: SqlError) => !e.retryable && /name|too long/i.test(e.message));
    });

    test('an unreachable server is a retryable error that never shows the password', { skip: !server.port && 'SQLite is a file: no connection to cut' }, async () => {
      const proxy = await TcpProxy.start(server.port);
      proxy.cut();
      const secret = 'hunter2-s3cret';
      await assert.rejects(server.open({ port: proxy.port, password: secret }), (e: SqlError) => {
        assert.equal(e.retryable, true);
        assert.ok(!e.message.includes(secret), e.message);
        assert.ok(!JSON.stringify({ ...e, cause: undefined }).includes(secret));
        return true;
      });
      await proxy.close();
    });

    test('a connection lost mid-transaction is retryable, commits nothing, and the pool recovers', { skip: !server.port && 'SQLite is a file: no connection to cut' }, async () => {
      const proxy = await TcpProxy.start(server.port);
      const viaProxy = await server.open({ port: proxy.port });
      try {
        await execute(viaProxy, `DELETE FROM ${table}`);
        await assert.rejects(
          viaProxy.transaction(async (tx) => {
            await tx.run(insertStatement(db.dialect, table, ['id', 'name'], [[20, 'lost']]));
            proxy.cut();
            await tx.run(insertStatement(db.dialect, table, ['id', 'name'], [[21, 'lost']]));
          }),
          (e: SqlError) => e instanceof SqlError && e.retryable,
        );
        await assert.rejects(viaProxy.run({ sql: 'SELECT 1', params: [] }), (e: SqlError) => e.retryable);
        proxy.restore();
        const { rows } = await viaProxy.run({ sql: `SELECT COUNT(*) AS n FROM ${table}`, params: [] });
        assert.equal(Number(rows[0].n), 0, 'the cut transaction left nothing behind');
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
    });

    test('a connection lost in the middle of a bulk insert is retryable and leaves nothing behind', { skip: !pg && 'PostgreSQL only (COPY)' }, async () => {
      const proxy = await TcpProxy.start(server.port);
      const viaProxy = await server.open({ port: proxy.port });
      try {
        await execute(db, `DELETE FROM ${table}`);
        const rows = Array.from({ length: 50_000 }, (_, i) => [i, `item ${i}`]);
        proxy.cutAfterSending(256 * 1024); // well into the COPY data (about 1 MB)
        await assert.rejects(viaProxy.bulkInsert!(table, ['id', 'name'], rows), (e: SqlError) => e instanceof SqlError && e.retryable);
        const { rows: counted } = await db.run({ sql: `SELECT COUNT(*) AS n FROM ${table}`, params: [] });
        assert.equal(Number(counted[0].n), 0);
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
    });
  });
}
