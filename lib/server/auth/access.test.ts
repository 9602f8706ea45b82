import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { API_RULES, ruleFor } from './access';

const root = path.resolve(import.meta.dirname, '../../..');

/** Every app/api route file with its exported methods, as a path with `:param`s. */
function routeHandlers(dir = path.join(root, 'app/api')): { method: string; path: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeHandlers(full);
    if (name !== 'route.ts') return [];
    const route = '/' + path.relative(path.join(root, 'app'), dir).replace(/\[(\w+)\]/g, ':$1');
    return [...readFileSync(full, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => ({ method: m[1], path: route }));
  });
}

test('every API handler has exactly its rule in the access table, and every rule a handler', () => {
  const handlers = routeHandlers();
  assert.ok(handlers.length > 30);
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  assert.deepEqual(handlers.map(key).sort(), API_RULES.map(key).sort());
});

test('rules match concrete paths; anything else is refused; pages need a viewer but sign-in and setup', () => {
  assert.equal(ruleFor('GET', '/api/flows/abc/connections/c1/queue/7')?.need, 'viewer');
  assert.equal(ruleFor('POST', '/api/flows/abc/run')?.need, 'operator');
  assert.equal(ruleFor('PATCH', '/api/flows/abc/processors/p1')?.need, 'editor');
  assert.equal(ruleFor('GET', '/api/users')?.need, 'admin');
  assert.equal(ruleFor('HEAD', '/api/flows')?.need, 'viewer', 'HEAD is GET');
  assert.equal(ruleFor('PUT', '/api/flows/abc'), undefined, 'a method without a handler');
  assert.equal(ruleFor('GET', '/api/flows/abc/secret-backdoor'), undefined, 'an API path without a rule');
  assert.equal(ruleFor('GET', '/api/flows/a/b/c/d/e/f/g'), undefined);
  assert.equal(ruleFor('POST', '/flows/abc'), undefined, 'no page takes a POST (no server actions)');
  assert.equal(ruleFor('GET', '/flows/abc')?.need, 'viewer');
  assert.equal(ruleFor('GET', '/login')?.need, 'public');
  assert.equal(ruleFor('GET', '/admin')?.need, 'admin');
  assert.equal(ruleFor('GET', '/_next/static/chunks/x.js')?.need, 'public');
  assert.equal(ruleFor('GET', '/_next/data/x.json')?.need, 'viewer', 'only the static build output is public');
});
