// node --import tsx --test e2e/services-editor.test.ts   (needs a current `next build`: node scripts/build-if-stale.mjs)
// The editor's controller services in a real chromium: add one, see its password masked after a
// reload, pick it in a processor's form. Runs on registered types (the editor's bundle knows only those).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import type { FlowGraph, ProcessorConfig } from '../engine/flow/schema';
import { processorSpecs } from '../engine/processors/specs';
import { serviceSpecOf } from '../engine/services/specs';
import { MASKED, serviceKindOf, type ServiceKind } from '../engine/sdk';
import { sensitiveKeys } from '../lib/server/secrets';
import { fieldsOf } from '../components/panel/form-model';
import { processorNode, signedInPage, waitFor, withConfluxAndChromium } from './browser';
import { api } from './server';

/** Registered service types with a secret, and what their required properties need to be valid. */
const CANDIDATES = [
  { type: 'PostgreSQLPool', fill: { database: 'shop_eu' } },
  { type: 'MySQLPool', fill: { database: 'shop_asia' } },
  { type: 'KafkaCluster', fill: { brokers: '127.0.0.1:9092' } },
];
const refKeyOf = (spec: (typeof processorSpecs)[number], kind: ServiceKind) =>
  Object.entries(spec.properties.shape).find(([, schema]) => serviceKindOf(schema as z.ZodType) === kind)?.[0];
/** The first candidate that is registered, has a secret, and is used by a registered processor. */
const pick = CANDIDATES.flatMap((candidate) => {
  const serviceSpec = serviceSpecOf(candidate.type);
  if (!serviceSpec || sensitiveKeys(serviceSpec.properties).size === 0) return [];
  const user = processorSpecs.find((p) => refKeyOf(p, serviceSpec.kind) !== undefined);
  return user ? [{ ...candidate, serviceSpec, user, refKey: refKeyOf(user, serviceSpec.kind)! }] : [];
})[0];

const suite = withConfluxAndChromium();
const SECRET = 'Browser-Secret-9q!';

test(
  'add a service, its password stays masked after a reload, and a processor picks it from a list',
  { skip: !pick && 'needs a registered service type with a password (PostgreSQLPool, MySQLPool or KafkaCluster) and a processor using its kind' },
  async () => {
    const { server, browser } = suite;
    const call = (method: string, pathname: string, body?: unknown) => api(server.url, method, pathname, body);
    const flowId: string = (await call('POST', '/api/flows', { name: 'Services in the editor' })).body.flow.id;
    const base = `/api/flows/${flowId}`;
    const getFlow = async (): Promise<FlowGraph> => (await call('GET', base)).body.flow;
    const { serviceSpec, user, refKey, fill } = pick!;
    const processor: ProcessorConfig = (await call('POST', `${base}/processors`, { type: user.type, position: { x: 0, y: 0 } })).body.processor;
    const secretKey = [...sensitiveKeys(serviceSpec.properties)][0];

    const page = await signedInPage(browser, server, { viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/flows/${flowId}`);
    await page.locator('[data-testid="live-status"]', { hasText: 'live' }).waitFor();

    // no service of its kind yet: the processor's form says so and offers to create one
    await processorNode(page, user.type).click();
    const hint = page.getByTestId(`service-hint-${refKey}`);
    assert.match(await hint.innerText(), /has no .* service yet/);
    await hint.getByRole('button').click();

    // the services panel: add one by type, fill it, save
    await page.locator('[name="service-type"]').selectOption(serviceSpec.type);
    await page.getByTestId('service-add').click();
    const form = page.getByTestId('service-form');
    await form.waitFor();
    assert.equal(await page.getByTestId('service-item').getAttribute('data-valid'), 'false', 'invalid until its required properties are set');
    await form.locator('[name="service-name"]').fill('EU shop');
    for (const [key, value] of Object.entries(fill)) await form.locator(`[name="prop-${key}"]`).fill(value);
    await form.locator(`[name="prop-${secretKey}"]`).fill(SECRET);
    await page.getByTestId('service-save').click();
    await waitFor(async () => (await getFlow()).services[0]?.name === 'EU shop', 'the service to be saved');
    const service = (await getFlow()).services[0];
    assert.equal(service.properties[secretKey], MASKED, 'the API has the password, and shows it masked');

    // reload: the password field shows that a secret is set, never the secret itself
    await page.reload();
    await page.getByTestId('flow-services').click();
    await page.locator(`[data-testid="service-item"][data-service-id="${service.id}"]`).click();
    assert.equal(await page.getByTestId('service-item').getAttribute('data-valid'), 'true');
    const password = page.locator(`[name="prop-${secretKey}"]`);
    assert.equal(await password.getAttribute('type'), 'password');
    assert.equal(await password.getAttribute('data-secret'), 'set');
    assert.notEqual(await password.inputValue(), SECRET);
    assert.ok(!(await page.content()).includes(SECRET), 'the secret is nowhere in the page');
    // saving other changes keeps it
    await form.locator('[name="service-name"]').fill('EU orders DB');
    await page.getByTestId('service-save').click();
    await waitFor(async () => (await getFlow()).services[0].name === 'EU orders DB', 'the rename to be saved');

    // the processor's form lists the flow's services of its kind
    await processorNode(page, user.type).click();
    await page.locator(`[name="prop-${refKey}"]`).selectOption({ label: 'EU orders DB' });
    await page.getByTestId(`error-${refKey}`).waitFor({ state: 'detached' });
    // its other required text properties get their examples, so that the form can be saved
    for (const field of fieldsOf(user)) {
      if (field.required && field.key !== refKey && field.placeholder && (field.kind === 'string' || field.kind === 'text')) {
        await page.locator(`[name="prop-${field.key}"]`).fill(field.placeholder);
      }
    }
    await page.getByTestId('props-save').click();
    await waitFor(
      async () => (await getFlow()).processors.find((p) => p.id === processor.id)!.properties[refKey] === service.id,
      'the reference to be saved',
    );
    const state = page.getByTestId('processor-state');
    await waitFor(async () => (await state.innerText()) === 'none', 'a processor that never ran to show no state');

    // a service in use cannot be deleted: the server's 409 names the processor
    await page.getByTestId('flow-services').click();
    await page.locator(`[data-testid="service-item"][data-service-id="${service.id}"]`).click();
    await page.getByTestId('service-delete').click();
    const notice = page.locator('[data-testid="notice"][data-kind="error"]');
    await notice.waitFor();
    assert.match(await notice.innerText(), /is used by/);
    assert.equal((await getFlow()).services.length, 1);
    assert.deepEqual(errors, []);
    await page.context().close();
  },
);
