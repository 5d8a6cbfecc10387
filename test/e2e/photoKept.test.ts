import type { Browser, Route } from 'playwright-core';
import { bothLive, launchChromium, phoneContext } from '../support/browser';
import { testJpeg } from '../support/images';
import { openCaseInConsole, phonePending, waitForPhotos } from '../support/inspectionPages';
import { startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同9号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92902, longitude: 116.41642, accuracy: 5 };
const POINT = 'common.signboard_address';

describe('the phone never drops a photo for a server-side problem (Chromium)', () => {
  let srv: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer({ GALLERY_UPLOADS: 'true' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  /** A phone live in a new case's call, with the console on the photo point; `route` sees every photo upload. */
  async function liveCall(businessName: string, route: (r: Route, attempt: number) => Promise<void>) {
    const opened = await openCaseInConsole(srv, browser, businessName, REGISTERED);
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    let attempts = 0;
    await phone.route('**/photos?**', (r) => route(r, ++attempts));
    await phone.goto(opened.joinUrl);
    await bothLive(phone, opened.inspector);
    await opened.inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await opened.inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
    const originals = async () => (await srv.server.store.evidence.listBySession(opened.sessionId)).filter((e) => e.grade === 'original');
    return {
      ...opened,
      phone,
      attempts: () => attempts,
      originals,
      close: async () => {
        await ctx.close();
        await opened.close();
      },
    };
  }

  it('keeps a photo the server could not take (503) and sends it after: the console shows why it waits; exactly one item', async () => {
    const call = await liveCall('吴记面馆', async (route, attempt) => {
      // A proxy or a server in trouble answers 503 with advice, once.
      if (attempt === 1) {
        await route.fulfill({ status: 503, contentType: 'application/json', headers: { 'Retry-After': '3' }, body: JSON.stringify({ error: { code: 'unavailable', message: '服务暂时不可用，请稍后重试' } }) });
        return;
      }
      await route.continue();
    });
    await call.inspector.click('.current-point .ask-photo');
    const chip = await call.inspector.waitForSelector('.capture-state.state-retrying', { timeout: 15_000 });
    expect(await chip.textContent()).toBe('等待重传：服务暂时不可用，请稍后重试');
    await call.phone.waitForSelector('.toast >> text=会自动重传。原因：服务暂时不可用');
    await waitForPhotos(call.inspector, POINT, 1);
    await call.phone.waitForFunction(() => (window as unknown as { __kanyan: { photos(): number } }).__kanyan.photos() === 0);
    await call.inspector.waitForSelector('.capture-state', { state: 'detached', timeout: 10_000 });
    expect(call.attempts()).toBe(2);
    expect(await call.originals()).toHaveLength(1);
    await call.close();
  });

  it('keeps a photo the real server refused for a reason that is not the photo (its capture ticket), and sends it when that clears', async () => {
    // The first two attempts reach the real server with a ticket it does not know (403); the third is untouched.
    const call = await liveCall('郑记药房', async (route, attempt) => {
      if (attempt <= 2) {
        const url = new URL(route.request().url());
        url.searchParams.set('capture', 'tampered-ticket-00');
        await route.continue({ url: url.toString() });
        return;
      }
      await route.continue();
    });
    await call.inspector.click('.current-point .ask-photo');
    await call.inspector.waitForSelector('.capture-state.state-retrying >> text=等待重传：现场照片须在检查人员发出拍照请求后拍摄', { timeout: 15_000 });
    await waitForPhotos(call.inspector, POINT, 1);
    await call.phone.waitForFunction(() => (window as unknown as { __kanyan: { photos(): number } }).__kanyan.photos() === 0);
    expect(call.attempts()).toBe(3);
    expect(await call.originals()).toHaveLength(1);
    await call.close();
  });

  it('drops a photo refused as damaged, says why on the phone and the console, and never sends it again', async () => {
    const call = await liveCall('冯记餐馆', (route) => route.continue());
    await call.phone.waitForSelector('.prompt .gallery');
    const whole = await testJpeg(800, 600);
    // A JPEG by its first bytes, cut in half: the server decodes it and refuses it as damaged (photo_damaged).
    await call.phone.setInputFiles('.prompt .gallery-input', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: whole.subarray(0, Math.floor(whole.length / 2)) });
    await call.phone.waitForSelector('.toast.error >> text=这张照片无法作为证据，已从手机删除：图片已损坏', { timeout: 15_000 });
    await call.inspector.waitForSelector('.capture-state.state-failed >> text=照片被拒收：图片已损坏', { timeout: 10_000 });
    expect(await phonePending(call.phone)).toBe(0);
    expect(call.attempts()).toBe(1);
    // Gone from the phone's storage too: a reload sends nothing.
    await call.phone.reload();
    await call.phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
    await call.phone.waitForTimeout(1500);
    expect(call.attempts()).toBe(1);
    expect(await call.originals()).toEqual([]);
    await call.close();
  });
});
