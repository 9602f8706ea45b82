import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defaultProperties } from '../flow/validate';
import { runProcessor } from '../testing/run-processor';
import { processorImplementations } from './runtimes';
import { processorSpecs } from './specs';

test('every spec has exactly one runtime and every runtime a spec', () => {
  assert.deepEqual(processorImplementations.map((p) => p.spec), [...processorSpecs]);
  assert.equal(new Set(processorSpecs.map((s) => s.type)).size, processorSpecs.length);
});

for (const spec of processorSpecs) {
  test(`${spec.type}: documented, with labelled properties and unique relationships`, () => {
    assert.ok(spec.summary.length > 10);
    const names = spec.relationships.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const r of spec.relationships) assert.ok(r.description, `${spec.type}.${r.name} has a description`);
    const schema = z.toJSONSchema(spec.properties, { io: 'input' }) as { properties?: Record<string, { title?: string; label?: string; description?: string }> };
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      assert.ok(property.label && property.description, `${spec.type}.${key} has a label and a description`);
    }
  });
}

test('sinks and the delay pass or consume every record', async () => {
  const byType = new Map(processorImplementations.map((p) => [p.spec.type, p]));
  const inspect = await runProcessor(byType.get('Inspect')!).props({ keep: 2 }).enqueue([1, 2, 3]).run();
  assert.deepEqual((inspect.status.view as { records: { content: number }[] }).records.map((r) => r.content), [2, 3]);
  const count = await runProcessor(byType.get('Count')!).enqueue([1, 2, 3]).run();
  assert.deepEqual(count.status.view, { count: 3 });
  const delay = await runProcessor(byType.get('Delay')!).props({ delayMs: 5 }).enqueue([1, 2]).run();
  assert.deepEqual(delay.routed('success').map((r) => r.content), [1, 2]);
});

test('default property values are valid; only properties the user must fill in (a table, a service) may be missing', () => {
  for (const spec of processorSpecs) {
    const parsed = spec.properties.safeParse(defaultProperties(spec));
    const shape = spec.properties.shape as Record<string, z.ZodType>;
    for (const issue of parsed.error?.issues ?? []) {
      const key = String(issue.path[0]);
      assert.ok(shape[key] && !shape[key].safeParse(undefined).success, `${spec.type}.${key}: its default is invalid (${issue.message})`);
    }
  }
});
