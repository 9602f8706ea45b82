import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowGraph } from '../engine/flow/schema';
import { launchChromium, processorNode, signedInPage, waitFor } from './browser';
import { ADMIN, api, startConflux } from './server';

/**
 * As a person: sign in through the form, build and run a flow, sign out; then as a viewer, who sees
 * the flow and its stats but no Start button, no palette, and no admin page.
 */
test('sign in, build and run a flow, sign out; a viewer sees no Start button', async () => {
  const server = await startConflux({ env: { CONFLUX_NO_DEMO: '1' } });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // not signed in: the editor sends you to the sign-in form, which brings you back after
    await page.goto(server.url);
    await page.waitForURL('**/login?next=%2F');
    // a `next` that would leave the site (a tab makes /\t/evil.example the address //evil.example) is ignored
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/\t/evil.example')}`);
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill('wrong password');
    await page.getByTestId('sign-in').click();
    assert.match(await page.getByTestId('sign-in-error').innerText(), /Wrong user name or password/);
    await page.locator('#password').fill(ADMIN.password);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${server.url}/`);
    assert.equal(await page.getByTestId('user-role').innerText(), 'admin');

    // build: a flow from the list's form, two processors from the palette, wired by the API's rules
    await page.locator('[name="flow-name"]').fill('Signed-in flow');
    await page.getByTestId('flow-create').click();
    await page.waitForURL('**/flows/*');
    const flowId = decodeURIComponent(page.url().split('/flows/')[1]);
    const canvas = page.getByTestId('canvas');
    await page.getByTestId('palette-item-GenerateRecords').dragTo(canvas, { targetPosition: { x: 200, y: 250 } });
    await processorNode(page, 'GenerateRecords').waitFor();
    await page.getByTestId('palette-item-Count').dragTo(canvas, { targetPosition: { x: 650, y: 250 } });
    await processorNode(page, 'Count').waitFor();
    const from = (await processorNode(page, 'GenerateRecords').locator('[data-handleid="success"]').boundingBox())!;
    const to = (await processorNode(page, 'Count').locator('[data-handleid="in"]').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('queue-label').waitFor();

    // run it and watch records arrive, then stop
    await page.getByTestId('flow-start').click();
    const flow = (await api(server.url, 'GET', `/api/flows/${flowId}`)).body.flow as FlowGraph;
    const countId = flow.processors.find((p) => p.type === 'Count')!.id;
    const counted = async () => (await api(server.url, 'GET', `/api/flows/${flowId}/status`)).body.status.processors[countId]?.in ?? 0;
    await waitFor(async () => (await counted()) > 0, 'records to reach the counter', 20_000);
    await page.getByTestId('flow-stop').click();
    await waitFor(async () => ((await api(server.url, 'GET', `/api/flows/${flowId}`)).body.flow as FlowGraph).processors.every((p) => p.runState === 'STOPPED'), 'the flow to stop');

    // the audit log saw it, as this user from this address
    const audit = (await api(server.url, 'GET', '/api/audit?action=flow.run')).body.events as { actor: string; detail: string }[];
    assert.deepEqual(audit.map((e) => `${e.actor}: ${e.detail}`).slice(0, 2), ['admin: stop the whole flow', 'admin: start the whole flow']);

    // sign out: the session is gone, the editor asks to sign in again
    await page.getByTestId('sign-out').click();
    await page.waitForURL('**/login');
    await page.goto(`${server.url}/flows/${flowId}`);
    await page.waitForURL('**/login?next=*');

    // a viewer: sees the flow and its stats, but nothing that changes or runs it
    assert.equal((await api(server.url, 'POST', '/api/users', { username: 'vera', password: 'vera-password-1', role: 'viewer' })).status, 201);
    const viewer = await signedInPage(browser, server, { viewport: { width: 1400, height: 900 } }, { username: 'vera', password: 'vera-password-1' });
    await viewer.goto(`${server.url}/flows/${flowId}`);
    await processorNode(viewer, 'Count').waitFor();
    await viewer.locator('[data-testid="live-status"]', { hasText: 'live' }).waitFor();
    assert.equal(await viewer.getByTestId('user-role').innerText(), 'viewer');
    assert.equal(await viewer.getByTestId('flow-start').count(), 0, 'no Start button for a viewer');
    assert.equal(await viewer.getByTestId('palette-search').count(), 0, 'no palette for a viewer');
    await processorNode(viewer, 'Count').click();
    await viewer.getByTestId('side-panel').waitFor();
    assert.equal(await viewer.getByTestId('proc-start').count(), 0);
    assert.equal(await viewer.getByTestId('props-save').count(), 0);
    assert.equal(await viewer.getByTestId('admin-link').count(), 0);
    const admin = await viewer.goto(`${server.url}/admin`);
    assert.equal(admin?.status(), 403);

    // any role makes its own API tokens on its account page, at most its own role
    await viewer.goto(`${server.url}/account`);
    assert.deepEqual(await viewer.getByLabel('Token role').locator('option').allInnerTexts(), ['viewer']);
    await viewer.getByLabel('Token name').fill('vera-script');
    await viewer.getByRole('button', { name: 'Create token' }).click();
    const token = (await viewer.getByTestId('new-token').locator('code').innerText()).trim();
    assert.match(token, /^cfx_t_/);
    const asScript = (method: string, pathname: string, body?: unknown) =>
      fetch(server.url + pathname, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    assert.equal((await asScript('GET', `/api/flows/${flowId}`)).status, 200);
    assert.equal((await asScript('POST', `/api/flows/${flowId}/run`, { action: 'start' })).status, 403);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.stop();
  }
});
