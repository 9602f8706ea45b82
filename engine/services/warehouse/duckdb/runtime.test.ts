import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { validateService } from '../../../flow/validate';
import { withFileRoots } from '../../../testing/file-roots';
import duckdbWarehouse from './runtime';
import { duckdbWarehouseSpec } from './spec';

const folder = realpathSync(mkdtempSync(path.join(tmpdir(), 'conflux-duckdb-roots-')));
after(() => rmSync(folder, { recursive: true, force: true }));
const allowed = path.join(folder, 'allowed');
const outside = path.join(folder, 'outside');
mkdirSync(allowed);
mkdirSync(outside);

const issuesOf = (file: string) => validateService(duckdbWarehouseSpec, { type: 'DuckDBWarehouse', properties: { path: file } });
const open = (file: string) => duckdbWarehouse.create({ id: 'wh', name: 'Warehouse', props: { path: file } });

test('a database file outside the file roots is refused by validation, with the roots named', async () => {
  await withFileRoots([allowed], () => {
    assert.deepEqual(issuesOf('/etc/warehouse.duckdb'), [
      { property: 'path', message: `Database file /etc/warehouse.duckdb is outside the allowed file roots (${allowed}); set CONFLUX_FILE_ROOTS to allow it` },
    ]);
    assert.match(issuesOf(`${allowed}/../outside/w.duckdb`)[0].message, new RegExp(`^Database file ${outside}/w\\.duckdb is outside`));
    assert.deepEqual(issuesOf(path.join(allowed, 'w.duckdb')), []);
    assert.deepEqual(issuesOf(':memory:'), [], 'in memory: no file at all');
  });
});

test('opening checks again: a symlink to a file outside, made after validation, is refused', async () => {
  await withFileRoots([allowed], async () => {
    const link = path.join(allowed, 'linked.duckdb');
    assert.deepEqual(issuesOf(link), [], 'valid while nothing is there');
    symlinkSync(path.join(outside, 'w.duckdb'), link);
    await assert.rejects(open(link), { message: new RegExp(`^Database file ${link} \\(really ${outside}/w\\.duckdb\\) is outside the allowed file roots`) });
    assert.deepEqual(readdirSync(outside), [], 'no database created outside');

    const inside = await open(path.join(allowed, 'w.duckdb'));
    await inside.close();
    await (await open(':memory:')).close();
  });
});
