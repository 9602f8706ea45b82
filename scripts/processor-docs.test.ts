import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { processorSpecs } from '../engine/processors/specs';
import { DOCS_PATH, processorDocs } from './processor-docs';

test('docs/processors.md is generated from the current specs (run `npm run docs` after changing a spec)', () => {
  const docs = processorDocs();
  for (const spec of processorSpecs) assert.match(docs, new RegExp(`^## ${spec.type}$`, 'm'));
  assert.equal(readFileSync(DOCS_PATH, 'utf8'), docs);
});
