import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { ADMIN, sessionCookie, startConflux, type RunningConflux } from './server';

/** Debian's chromium, headless, kept off the network (this machine has none to offer). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A processor on the canvas, by type. */
export const processorNode = (page: Page, type: string) => page.locator(`[data-testid="processor-node"][data-processor-type="${type}"]`);

/** Poll a condition (what the page shows, what the API says) until it holds. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * For a browser test file: one real server (empty flow store, no demo flow) and one chromium,
 * started before the file's tests and stopped after them. Read the fields inside tests.
 */
export function withConfluxAndChromium(): { server: RunningConflux; browser: Browser } {
  const context = {} as { server: RunningConflux; browser: Browser };
  before(async () => {
    context.server = await startConflux({ env: { CONFLUX_NO_DEMO: '1' } });
    context.browser = await launchChromium();
  });
  after(async () => {
    await context.browser?.close();
    await context.server?.stop();
  });
  return context;
}

/** A page signed in to the server (as its admin unless told otherwise), in a context of its own. */
export async function signedInPage(
  browser: Browser,
  server: RunningConflux,
  options: BrowserContextOptions = {},
  credentials: { username: string; password: string } = ADMIN,
): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addCookies([{ name: 'conflux_session', value: await sessionCookie(server.url, credentials), url: server.url }]);
  return context.newPage();
}
