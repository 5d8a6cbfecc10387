import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** A phone: small screen, camera, microphone and location granted, positioned where the test says. */
export async function phoneContext(browser: Browser, origin: string, geo: { latitude: number; longitude: number; accuracy: number }): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: geo,
    permissions: ['camera', 'microphone', 'geolocation'],
    baseURL: origin,
  });
}

export async function desktopContext(browser: Browser, origin: string): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', permissions: ['camera', 'microphone'], baseURL: origin });
}

/** Waits until the phone page says it is live and the console sees the phone as live. */
export async function bothLive(phone: Page, inspector: Page): Promise<void> {
  await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
  await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
}
