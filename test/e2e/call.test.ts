import type { Browser, BrowserContext, Page } from 'playwright-core';
import { desktopContext, launchChromium, phoneContext } from '../support/browser';
import { createCase, INSPECTOR, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';
import { waitFor } from '../support/waiting';

// The registered address of the case, and a phone standing about 111 m north of it.
const REGISTERED = { text: '北京市东城区测试胡同1号', lat: 39.92893, lon: 116.41642 };
const PHONE_AT = { latitude: 39.92993, longitude: 116.41642, accuracy: 12 };

type Inbound = { videoFramesDecoded: number; videoWidth: number; audioBytes: number; audioSamples: number } | null;

const inspectorInbound = (p: Page) => p.evaluate(() => (window as unknown as { __kanyanCall: { inbound(): Promise<Inbound> } }).__kanyanCall.inbound());
const phoneInbound = (p: Page) => p.evaluate(() => (window as unknown as { __kanyan: { inbound(): Promise<Inbound> } }).__kanyan.inbound());

describe('live inspection call in Chromium', () => {
  let srv: RunningServer;
  let browser: Browser;
  let phoneCtx: BrowserContext;
  let inspectorCtx: BrowserContext;
  let c: CreatedCase;

  beforeAll(async () => {
    srv = await startTestServer({ RECONNECT_GRACE_SECONDS: '30' });
    c = await createCase(srv.url, await loginCookie(srv.url), REGISTERED);
    browser = await launchChromium();
    phoneCtx = await phoneContext(browser, srv.url, PHONE_AT);
    inspectorCtx = await desktopContext(browser, srv.url);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('shows the phone camera, carries audio both ways, shows position, and recovers after the phone page is reopened', async () => {
    // The inspector logs in through the console and opens the session.
    const inspector = await inspectorCtx.newPage();
    await inspector.goto('/inspector');
    await inspector.fill('input[name=username]', INSPECTOR.username);
    await inspector.fill('input[name=password]', INSPECTOR.password);
    await inspector.click('button[type=submit]');
    await inspector.waitForSelector('.case-list .case-row');
    await inspector.goto(`/inspector#/session/${c.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: { presence: string } }).__kanyanCall?.presence === 'waiting');
    expect(await inspector.textContent('.overlay')).toContain('等待申请人');

    // The applicant opens the join link on the phone.
    let phone = await phoneCtx.newPage();
    await phone.goto(c.joinUrl);
    expect(await phone.textContent('.why')).toContain('摄像头');
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });

    // Video: frames are decoded and keep being decoded, at a real size.
    const v1 = await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > 0 && s.videoWidth > 0, 'first decoded frames');
    const v2 = await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > v1!.videoFramesDecoded + 10, 'more decoded frames');
    expect(v2!.videoWidth).toBeGreaterThan(0);
    const size = await inspector.$eval('video.remote', (v) => ({ w: (v as HTMLVideoElement).videoWidth, h: (v as HTMLVideoElement).videoHeight }));
    expect(size.w).toBeGreaterThan(0);
    expect(size.h).toBeGreaterThan(0);
    expect(await inspector.isHidden('.overlay')).toBe(true);

    // Audio: the phone's microphone reaches the inspector and the inspector's reaches the phone.
    const a1 = await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.audioBytes > 0, 'audio at inspector');
    await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.audioBytes > a1!.audioBytes, 'audio at inspector growing');
    const p1 = await waitFor(() => phoneInbound(phone), (s) => !!s && s.audioBytes > 0, 'audio at phone');
    await waitFor(() => phoneInbound(phone), (s) => !!s && s.audioBytes > p1!.audioBytes, 'audio at phone growing');

    // Position: the inspector sees the phone's fix and its distance from the registered address.
    await inspector.waitForSelector('.pos-chip[data-has-fix=true]');
    await inspector.click('.pos-chip');
    await inspector.waitForSelector('.position[data-has-fix=true]');
    expect(await inspector.textContent('.position .latlon')).toContain('39.929930, 116.416420');
    expect(await inspector.textContent('.position .accuracy')).toContain('±12 m');
    const metres = Number(await inspector.getAttribute('.position .distance', 'data-metres'));
    expect(metres).toBeGreaterThan(105);
    expect(metres).toBeLessThan(117);
    await inspector.waitForFunction(() => /kbps/.test(document.querySelector('.stats .bitrate')?.textContent ?? ''));

    // The phone page is closed: the inspector sees "reconnecting"; reopened: the video returns.
    await phone.close();
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'reconnecting');
    expect(await inspector.textContent('.overlay')).toContain('正在重新连接');
    phone = await phoneCtx.newPage();
    await phone.goto(c.joinUrl);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { videoTracks: number } }).__kanyanCall.videoTracks >= 2, undefined, { timeout: 20_000 });
    const r1 = await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > 0, 'frames after reopen');
    await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > r1!.videoFramesDecoded + 10, 'frames growing after reopen');
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
    if (process.env.SCREENSHOT_DIR) {
      await inspector.screenshot({ path: `${process.env.SCREENSHOT_DIR}/inspector.png` });
      await phone.screenshot({ path: `${process.env.SCREENSHOT_DIR}/phone.png` });
    }
  });

  it('rejoins by itself after the phone loses its network, and passes camera requests to the phone', async () => {
    const c2 = await createCase(srv.url, await loginCookie(srv.url), REGISTERED);
    const ctx = await phoneContext(browser, srv.url, PHONE_AT);
    const [name, value] = (await loginCookie(srv.url)).split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${c2.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: { presence: string } }).__kanyanCall?.presence === 'waiting');
    const phone = await ctx.newPage();
    await phone.goto(c2.joinUrl);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { videoTracks: number } }).__kanyanCall.videoTracks >= 1, undefined, { timeout: 20_000 });

    // The inspector asks for the front camera; the phone is told in plain Chinese and switches.
    await inspector.click('.ask-front');
    await phone.waitForSelector('.toast >> text=前置摄像头');

    // Network gone for a few seconds (the socket drops), then back: no reload, no tap.
    await ctx.setOffline(true);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'reconnecting', undefined, { timeout: 20_000 });
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'reconnecting');
    await new Promise((r) => setTimeout(r, 3000));
    await ctx.setOffline(false);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string; joins: number } }).__kanyan.joins >= 2, undefined, { timeout: 30_000 });
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string; videoTracks: number } }).__kanyanCall.presence === 'live', undefined, { timeout: 20_000 });
    const r1 = await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > 0, 'frames after the network returned');
    await waitFor(() => inspectorInbound(inspector), (s) => !!s && s.videoFramesDecoded > r1!.videoFramesDecoded + 10, 'frames growing after the network returned');
    await ctx.close();
    await inspector.close();
  });

  it('shows a clear Chinese page for a broken link', async () => {
    const page = await phoneCtx.newPage();
    const res = await page.goto(`/j/${c.token.slice(0, 20)}`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent('h1')).toContain('无法进入视频勘验');
    await page.close();
  });
});
