import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './browser';
import { startTestServer, type RunningServer } from './testServer';

export interface ChromiumOffice {
  /** The server under test (set once beforeAll has run). */
  srv: RunningServer;
  browser: Browser;
  /** Contexts a test opened; closed after the file's tests. */
  contexts: BrowserContext[];
}

/**
 * The set-up every end-to-end file shares: one real server and one Chromium for the file's tests,
 * and every context a test opens closed at the end. Call it inside `describe`.
 */
export function chromiumOffice(env: Record<string, string> = {}): ChromiumOffice {
  const office = { contexts: [] as BrowserContext[] } as ChromiumOffice;
  beforeAll(async () => {
    office.srv = await startTestServer(env);
    office.browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of office.contexts) await c.close().catch(() => undefined);
    await office.browser?.close();
    await office.srv?.stop();
  });
  return office;
}
