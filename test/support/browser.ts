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
  const ctx = await browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    geolocation: geo,
    permissions: ['camera', 'microphone', 'geolocation'],
    baseURL: origin,
  });
  await ctx.addInitScript(SENSOR_NOISE);
  return ctx;
}

/**
 * Chromium's fake camera hands out the very same bytes for every full-resolution still, which the
 * server rightly flags as one photo reused; a real camera's sensor noise makes every still's bytes its
 * own. This gives each fake still a few random pixels in a corner: new bytes, the same picture.
 */
const SENSOR_NOISE = `(() => {
  if (typeof ImageCapture === 'undefined') return;
  const take = ImageCapture.prototype.takePhoto;
  ImageCapture.prototype.takePhoto = async function (...args) {
    const blob = await take.apply(this, args);
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const noise = g.createImageData(8, 1);
    crypto.getRandomValues(noise.data);
    for (let i = 3; i < noise.data.length; i += 4) noise.data[i] = 255;
    g.putImageData(noise, 0, 0);
    return canvas.convertToBlob({ type: blob.type === 'image/png' ? 'image/png' : 'image/jpeg', quality: 0.92 });
  };
})();`;

export async function desktopContext(browser: Browser, origin: string): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', permissions: ['camera', 'microphone'], baseURL: origin });
}

/** Waits until the phone page says it is live and the console sees the phone as live. */
export async function bothLive(phone: Page, inspector: Page): Promise<void> {
  await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
  await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
}
