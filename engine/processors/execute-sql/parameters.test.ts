import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mysqlDialect, postgresDialect } from '../../services/sql/dialect';
import { createRecord } from '../../sdk';
import { bindParameters, parseNamedParameters, withPlaceholders } from './parameters';

const pg = (sql: string) => withPlaceholders(parseNamedParameters(sql, postgresDialect.syntax), postgresDialect);
const my = (sql: string) => withPlaceholders(parseNamedParameters(sql, mysqlDialect.syntax), mysqlDialect);

test('named parameters become the dialect placeholders, in order', () => {
  assert.equal(pg('SELECT * FROM t WHERE a = :a AND b = :@kafka.key AND c = :a'), 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3');
  assert.equal(my('SELECT * FROM t WHERE a = :a AND b = :customer.id.'), 'SELECT * FROM t WHERE a = ? AND b = ?.');
});

test('quotes, comments, casts and assignments are left alone', () => {
  assert.equal(pg(`SELECT ':no', "x:no", $$ :no $$, now()::date, $tag$ :no $tag$ -- :no\nFROM t WHERE a = :yes /* :no */`),
    `SELECT ':no', "x:no", $$ :no $$, now()::date, $tag$ :no $tag$ -- :no\nFROM t WHERE a = $1 /* :no */`);
  assert.equal(pg(`SELECT 'it''s :no', E'\\' :no', 'C:\\' , :yes`), `SELECT 'it''s :no', E'\\' :no', 'C:\\' , $1`);
  assert.equal(my("SELECT 'it\\' :no', `a:no` # :no\n, @v := 1, :yes"), "SELECT 'it\\' :no', `a:no` # :no\n, @v := 1, ?");
});

test('values come from fields (nested paths too) and attributes; a missing one is an error naming it', () => {
  const parsed = parseNamedParameters('x = :id AND y = :customer.region AND z = :@source AND w = :tags', postgresDialect.syntax);
  const record = createRecord({ id: 7, customer: { region: 'EU' }, tags: ['a'] }, { source: 'shop-eu' });
  assert.deepEqual(bindParameters(parsed, record), { values: [7, 'EU', 'shop-eu', '["a"]'] });
  const missing = createRecord({ id: 7, customer: {} }, {});
  assert.deepEqual(bindParameters(parsed, missing), { error: 'parameter :customer.region: the record has no field "customer.region"' });
  const inherited = parseNamedParameters('x = :constructor', postgresDialect.syntax);
  assert.ok('error' in bindParameters(inherited, createRecord({}, {})), 'inherited properties are not fields');
});
