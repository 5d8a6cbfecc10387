import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, desktopContext, launchChromium, phoneContext } from '../support/browser';
import { sealSession } from '../support/office';
import { CLEAN, checkState } from '../support/screens';
import { createStaff, postJson } from '../support/staff';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The shop owner's phone page at 360x740: who is calling before any permission prompt, the call's
// states, mute and hang-up, "photo delivered", the location banner, every end screen it can reach,
// the link-error pages, and the whole page in English.

const REGISTERED = { text: '北京市东城区测试胡同3号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92902, longitude: 116.41642, accuracy: 8 };
const PHONE_VIEW = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
const OFFICE = '行政审批服务局';
const INSPECTOR_NAME = '王明';
const POINT = 'common.signboard_address';
const CJK = /[\u4e00-\u9fff]/;

type PhoneProbe = { state: string; screen: string; location: string; mic(): { trackEnabled: boolean | null; producerPaused: boolean | null } };
type ConsoleProbe = { presence: string };

const screenIs = (page: Page, screen: string, timeout = 20_000) =>
  page.waitForFunction((s) => (window as unknown as { __kanyan?: PhoneProbe }).__kanyan?.screen === s, screen, { timeout });
const probeOf = (page: Page) => page.evaluate(() => { const k = (window as unknown as { __kanyan: PhoneProbe }).__kanyan; return { state: k.state, screen: k.screen, location: k.location, mic: k.mic() }; });
const consolePresence = (page: Page, presence: string, timeout = 20_000) =>
  page.waitForFunction((p) => (window as unknown as { __kanyanCall?: ConsoleProbe }).__kanyanCall?.presence === p, presence, { timeout });

/** Visible elements matching `sel` that overlap the phone's buttons. */
function coveringControls(page: Page, sel: string): Promise<string[]> {
  return page.evaluate((s) => {
    const controls = document.querySelector('.controls') as HTMLElement | null;
    if (!controls || controls.hidden) return [];
    const c = controls.getBoundingClientRect();
    return Array.from(document.querySelectorAll(s))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.bottom > c.top && r.top < c.bottom && r.right > c.left && r.left < c.right;
      })
      .map((el) => el.textContent ?? '');
  }, sel);
}

/** Where an end screen's card starts, and whether a video box is still on screen. */
function endLayout(page: Page): Promise<{ top: number; videoShown: boolean }> {
  return page.evaluate(() => ({
    top: document.querySelector('.ended')!.getBoundingClientRect().top,
    videoShown: Array.from(document.querySelectorAll('.stage')).some((s) => (s as HTMLElement).getBoundingClientRect().height > 0),
  }));
}

describe('the phone page a shop owner can trust (360x740)', () => {
  let srv: RunningServer;
  let browser: Browser;
  /** A browser that asks before opening the camera, as a phone does on a first visit (no fake permission UI). */
  let asking: Browser;
  let adminCookie: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    srv = await startTestServer({ RECONNECT_GRACE_SECONDS: '2', GALLERY_UPLOADS: 'false' });
    browser = await launchChromium();
    asking = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream') });
    adminCookie = await loginCookie(srv.url);
    // The seeded account (admin and inspector) gets a person's name: the phone shows it.
    const { accounts } = (await (await fetch(`${srv.url}/api/accounts`, { headers: { cookie: adminCookie } })).json()) as { accounts: Array<{ id: string; username: string }> };
    const me = accounts.find((a) => a.username === INSPECTOR.username)!;
    expect((await postJson(`${srv.url}/api/accounts/${me.id}`, adminCookie, { displayName: INSPECTOR_NAME })).status).toBe(200);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await asking?.close();
    await browser?.close();
    await srv?.stop();
  });

  async function newCase(businessName: string, cookie = adminCookie): Promise<{ sessionId: string; joinUrl: string }> {
    const res = await postJson(`${srv.url}/api/cases`, cookie, { businessName, permitTypes: ['food_business'], address: REGISTERED });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { session: { id: string }; joinUrl: string };
    return { sessionId: body.session.id, joinUrl: body.joinUrl };
  }

  async function openConsole(sessionId: string, cookie = adminCookie): Promise<Page> {
    const ctx = await desktopContext(browser, srv.url);
    contexts.push(ctx);
    const [name, value] = cookie.split('=');
    await ctx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const page = await ctx.newPage();
    await page.goto(`/inspector#/session/${sessionId}`);
    return page;
  }

  /** A phone on a first visit: the browser has not been allowed anything yet. `record` notes each device request and what the page showed then. */
  async function firstVisitPhone(geolocation: boolean): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await asking.newContext({ ...PHONE_VIEW, locale: 'zh-CN', baseURL: srv.url, geolocation: NEAR, permissions: geolocation ? ['geolocation'] : [] });
    contexts.push(ctx);
    await ctx.addInitScript(() => {
      const w = window as unknown as { __asked: Array<{ api: string; shown: string }> };
      w.__asked = [];
      const note = (api: string) => w.__asked.push({ api, shown: document.body?.innerText ?? '' });
      const md = navigator.mediaDevices;
      const gum = md.getUserMedia.bind(md);
      md.getUserMedia = (c) => (note('media'), gum(c));
      const geo = navigator.geolocation;
      const watch = geo.watchPosition.bind(geo);
      geo.watchPosition = (ok, err, o) => (note('location'), watch(ok, err, o));
    });
    return { ctx, page: await ctx.newPage() };
  }

  /** A phone whose browser already allows camera, microphone and (unless told) location, live in the call of a new case. */
  async function livePhone(businessName: string, opts: { geolocation?: boolean } = {}): Promise<{ page: Page; sessionId: string; joinUrl: string }> {
    const c = await newCase(businessName);
    const ctx =
      opts.geolocation === false
        ? await browser.newContext({ ...PHONE_VIEW, locale: 'zh-CN', baseURL: srv.url, permissions: ['camera', 'microphone'] })
        : await phoneContext(browser, srv.url, NEAR);
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(c.joinUrl);
    await page.waitForFunction(() => (window as unknown as { __kanyan: PhoneProbe }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
    return { page, ...c };
  }

  it('says who is calling before any prompt; then waiting, live, mute, photo delivered, hang-up and join again', async () => {
    const c = await newCase('老街小吃店');
    const { ctx, page: phone } = await firstVisitPhone(true);
    await phone.goto(c.joinUrl);

    // First paint: office, inspector, business and why, with one button; nothing has been asked for.
    await phone.waitForSelector('.start-card .start');
    expect(await phone.title()).toBe(`视频勘验 · ${OFFICE}`);
    expect(await phone.textContent('.phone-top')).toContain(OFFICE);
    expect(await phone.textContent('.phone-top .inspector')).toBe(`审批人员：${INSPECTOR_NAME}`);
    expect(await phone.textContent('.phone-top h1')).toBe('老街小吃店');
    expect(await phone.textContent('.start-card')).toMatch(/摄像头[\s\S]*麦克风[\s\S]*位置/);
    expect(await checkState(phone, 'phone-ready', ['.phone-top .inspector', '.start-card h2', '.start-card .why', '.start-card .start'])).toEqual(CLEAN);
    await phone.waitForTimeout(500);
    expect(await phone.evaluate(() => (window as unknown as { __asked: unknown[] }).__asked)).toEqual([]);
    expect((await probeOf(phone)).screen).toBe('ready');

    // "Start": the browser asks (here: allowed), camera first, then location, each after the page said who asks.
    await ctx.grantPermissions(['camera', 'microphone', 'geolocation']);
    await phone.click('.start-card .start');
    await screenIs(phone, 'waiting_inspector');
    const asked = await phone.evaluate(() => (window as unknown as { __asked: Array<{ api: string; shown: string }> }).__asked);
    expect(asked.map((a) => a.api)).toEqual(['media', 'location']);
    for (const a of asked) expect(a.shown).toContain(`审批人员：${INSPECTOR_NAME}`);
    expect(await phone.textContent('.state')).toContain('等待审批人员');
    expect(await checkState(phone, 'phone-waiting', ['.state', '.controls .mute', '.controls .switch-camera', '.controls .hang-up'])).toEqual(CLEAN);

    // The inspector opens the call: live, and the location is there.
    const inspector = await openConsole(c.sessionId);
    await consolePresence(inspector, 'live');
    await screenIs(phone, 'live');
    await phone.waitForFunction(() => (window as unknown as { __kanyan: PhoneProbe }).__kanyan.location === 'ok');
    expect(await phone.textContent('.state-title')).toBe('已连线，审批人员正在查看');
    expect(await phone.isHidden('.location-banner')).toBe(true);
    expect(await checkState(phone, 'phone-live', ['.state', '.prompt', '.controls .mute', '.controls .switch-camera', '.controls .hang-up'])).toEqual(CLEAN);
    for (const sel of ['.controls .mute', '.controls .switch-camera', '.controls .hang-up']) {
      const box = (await phone.locator(sel).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(48);
      expect(box.width).toBeGreaterThanOrEqual(48);
    }

    // Mute: the microphone track is off and its producer paused; the page says so; unmute undoes both.
    await phone.click('.controls .mute');
    expect((await probeOf(phone)).mic).toEqual({ trackEnabled: false, producerPaused: true });
    expect(await phone.getAttribute('.controls .mute', 'aria-pressed')).toBe('true');
    expect(await phone.textContent('.controls .mute')).toBe('取消静音');
    expect(await phone.isVisible('.muted-badge')).toBe(true);
    expect(await checkState(phone, 'phone-muted', ['.muted-badge', '.controls .mute'])).toEqual(CLEAN);
    await phone.click('.controls .mute');
    expect((await probeOf(phone)).mic).toEqual({ trackEnabled: true, producerPaused: false });
    expect(await phone.isHidden('.muted-badge')).toBe(true);

    // A photo request: once the server has it, "photo delivered" with the phone's own copy and the point, clear of the buttons.
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
    await inspector.click('.current-point .ask-photo');
    await phone.waitForSelector('.delivered', { state: 'visible', timeout: 30_000 });
    expect(await phone.textContent('.delivered-title')).toBe('照片已送达');
    expect(await phone.textContent('.delivered-point')).toBe('门头招牌与地址');
    expect(await phone.$eval('.delivered-thumb', (img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await coveringControls(phone, '.delivered, .toast')).toEqual([]);
    expect(await checkState(phone, 'phone-photo-delivered', ['.delivered', '.controls .hang-up'])).toEqual(CLEAN);
    await phone.waitForSelector('.delivered', { state: 'hidden', timeout: 10_000 });

    // Hang up: asked in place, then out of the call; the console sees the phone go, then gone.
    await phone.click('.controls .hang-up');
    expect(await phone.textContent('.hang-up-ask')).toContain('勘验不会因此结束');
    expect(await checkState(phone, 'phone-hang-up-ask', ['.hang-up-ask p', '.hang-up-confirm', '.hang-up-cancel'])).toEqual(CLEAN);
    await phone.click('.hang-up-cancel');
    expect((await probeOf(phone)).screen).toBe('live');
    await phone.click('.controls .hang-up');
    await phone.click('.hang-up-confirm');
    await screenIs(phone, 'ended:hung_up');
    await consolePresence(inspector, 'absent', 15_000);
    expect(await phone.textContent('.ended h2')).toBe('您已离开通话');
    expect(await phone.textContent('.ended .next-step')).toContain('重新进入');
    expect(await endLayout(phone)).toEqual({ top: expect.any(Number), videoShown: false });
    expect((await endLayout(phone)).top).toBeLessThan(300);
    expect(await checkState(phone, 'phone-hung-up', ['.ended h2', '.ended .ended-message', '.ended .next-step', '.ended .rejoin'])).toEqual(CLEAN);

    // Join again: back in the call without another "start".
    await phone.click('.ended .rejoin');
    await phone.waitForFunction(() => (window as unknown as { __kanyan?: PhoneProbe }).__kanyan?.state === 'live', undefined, { timeout: 20_000 });
    await consolePresence(inspector, 'live');
    await screenIs(phone, 'live');
  });

  it('keeps a banner with a retry while location is refused, and the status does not say all is well', async () => {
    const { page: phone, sessionId } = await livePhone('东门水果店', { geolocation: false });
    const inspector = await openConsole(sessionId);
    await consolePresence(inspector, 'live');
    await screenIs(phone, 'live');
    await phone.waitForSelector('.location-banner', { state: 'visible' });
    expect(await phone.textContent('.location-title')).toBe('未允许使用位置');
    expect(await phone.textContent('.location-banner')).toContain('浏览器设置');
    expect(await phone.textContent('.state-title')).toBe('已连线，但审批人员看不到您的位置');
    expect(await checkState(phone, 'phone-location-refused', ['.location-banner .location-title', '.location-banner .location-retry', '.state', '.controls .hang-up'])).toEqual(CLEAN);
    // Lasting: still there long after any toast would have gone.
    await phone.waitForTimeout(6000);
    expect(await phone.isVisible('.location-banner .location-retry')).toBe(true);

    // Retry after allowing it: the banner goes and the status is the plain "connected" again.
    await phone.context().grantPermissions(['geolocation']);
    await phone.context().setGeolocation(NEAR);
    await phone.click('.location-banner .location-retry');
    await phone.waitForFunction(() => (window as unknown as { __kanyan: PhoneProbe }).__kanyan.location === 'ok');
    expect(await phone.isHidden('.location-banner')).toBe(true);
    expect(await phone.textContent('.state-title')).toBe('已连线，审批人员正在查看');
  });

  it('shows every end screen it can reach with its message first and in view', async () => {
    const api = (path: string, body: unknown = {}) => postJson(`${srv.url}${path}`, adminCookie, body);
    const linksOf = async (sessionId: string) => ((await (await fetch(`${srv.url}/api/sessions/${sessionId}/links`, { headers: { cookie: adminCookie } })).json()) as { links: Array<{ id: string; state: string }> }).links;
    const ends: Array<{ kind: string; title: string; end(p: { page: Page; sessionId: string; joinUrl: string }): Promise<unknown> }> = [
      { kind: 'revoked', title: '链接已被撤销', end: async ({ sessionId }) => api(`/api/links/${(await linksOf(sessionId)).find((l) => l.state !== 'revoked')!.id}/revoke`) },
      { kind: 'link_replaced', title: '已发送新的链接', end: ({ sessionId }) => api(`/api/sessions/${sessionId}/links`) },
      { kind: 'interrupted', title: '视频勘验已暂停', end: ({ sessionId }) => api(`/api/sessions/${sessionId}/interrupt`) },
      { kind: 'finished', title: '视频勘验已结束', end: ({ sessionId }) => sealSession(srv, adminCookie, sessionId) },
      {
        kind: 'replaced',
        title: '链接已在另一台手机上打开',
        end: async ({ joinUrl }) => {
          const other = await phoneContext(browser, srv.url, NEAR);
          contexts.push(other);
          await (await other.newPage()).goto(joinUrl);
        },
      },
    ];
    for (const e of ends) {
      const live = await livePhone(`终点测试店 ${e.kind}`);
      await e.end(live);
      await screenIs(live.page, `ended:${e.kind}`);
      const phone = live.page;
      expect(await phone.textContent('.ended h2')).toBe(e.title);
      await phone.waitForSelector('.ended .ended-message', { state: 'visible' });
      expect(await endLayout(phone)).toEqual({ top: expect.any(Number), videoShown: false });
      expect((await endLayout(phone)).top).toBeLessThan(300);
      expect(await checkState(phone, `phone-end-${e.kind}`, ['.ended h2', '.ended .ended-message', '.ended .next-step'])).toEqual(CLEAN);
    }
  });

  it('says plainly when the camera is refused, with a retry', async () => {
    const c = await newCase('西巷裁缝铺');
    const { page: phone } = await firstVisitPhone(false);
    await phone.goto(c.joinUrl);
    // The browser refuses (nothing was allowed): the page says what that means and what to do.
    await phone.click('.start-card .start');
    await screenIs(phone, 'camera_denied');
    expect(await phone.textContent('.state-title')).toBe('无法使用摄像头或麦克风');
    expect(await phone.isHidden('.stage')).toBe(true);
    expect(await checkState(phone, 'phone-camera-denied', ['.state-title', '.state-detail', '.state-action button'])).toEqual(CLEAN);
  });

  it('opens its one socket from the early script, and still joins when the early script fails to load', async () => {
    const c = await newCase('东街早点铺');
    const joinWith = async (earlyScript: 'loads' | 'fails') => {
      const ctx = await phoneContext(browser, srv.url, NEAR);
      contexts.push(ctx);
      await ctx.addInitScript(() => {
        const w = window as unknown as { __sockets: string[] };
        w.__sockets = [];
        const Native = window.WebSocket;
        window.WebSocket = class extends Native {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            // Which script opened it, from the call stack.
            w.__sockets.push(/applicant-early\.js/.test(new Error().stack ?? '') ? 'early script' : 'page script');
          }
        };
      });
      if (earlyScript === 'fails') await ctx.route('**/assets/applicant-early.js', (route) => route.abort());
      const page = await ctx.newPage();
      await page.goto(c.joinUrl);
      await page.waitForFunction(() => (window as unknown as { __kanyan?: PhoneProbe }).__kanyan?.state === 'live', undefined, { timeout: 20_000 });
      const sockets = await page.evaluate(() => (window as unknown as { __sockets: string[] }).__sockets);
      await ctx.close();
      return sockets;
    };
    // The early script opens it while the page's script is still on its way; the page adopts it.
    const early = await joinWith('loads');
    expect(early).toEqual(['early script']);
    // Without the early script the page starts by itself and opens its own.
    expect(await joinWith('fails')).toEqual(['page script']);
  });

  it('says the server is under maintenance when it shuts down during the call, with a reconnect', async () => {
    const other = await startTestServer();
    try {
      const cookie = await loginCookie(other.url);
      const res = await postJson(`${other.url}/api/cases`, cookie, { businessName: '北口便利店', permitTypes: ['food_business'], address: REGISTERED });
      const { joinUrl } = (await res.json()) as { joinUrl: string };
      const ctx = await phoneContext(browser, other.url, NEAR);
      contexts.push(ctx);
      const phone = await ctx.newPage();
      await phone.goto(joinUrl);
      await phone.waitForFunction(() => (window as unknown as { __kanyan: PhoneProbe }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
      await other.stop();
      await screenIs(phone, 'ended:server_shutdown');
      await phone.waitForSelector('.ended .ended-message', { state: 'visible' });
      expect((await endLayout(phone)).videoShown).toBe(false);
      expect(await checkState(phone, 'phone-end-server_shutdown', ['.ended h2', '.ended .ended-message', '.ended .next-step', '.ended .reconnect'])).toEqual(CLEAN);
    } finally {
      await other.stop().catch(() => undefined);
    }
  });

  it('answers /j/, /j and a revoked link with a clear page, in English with ?lang=en; serves a favicon', async () => {
    const ctx = await phoneContext(browser, srv.url, NEAR);
    contexts.push(ctx);
    const page = await ctx.newPage();
    for (const path of ['/j/', '/j']) {
      const res = await page.goto(path);
      expect(res?.status()).toBe(404);
      expect(await page.textContent('h1')).toBe('链接无效，无法进入视频勘验');
      expect(await page.textContent('.phone-top')).toContain(OFFICE);
      expect(await checkState(page, `link-error-no-token${path.length}`, ['h1', '.reason', '.next-step', '.hint'])).toEqual(CLEAN);
    }
    const en = await page.goto('/j/?lang=en');
    expect(en?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('This link is not valid');
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(CJK);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await checkState(page, 'link-error-en', ['h1', '.reason', '.next-step'])).toEqual(CLEAN);

    const c = await newCase('撤销测试店');
    const links = ((await (await fetch(`${srv.url}/api/sessions/${c.sessionId}/links`, { headers: { cookie: adminCookie } })).json()) as { links: Array<{ id: string }> }).links;
    expect((await postJson(`${srv.url}/api/links/${links[0]!.id}/revoke`, adminCookie)).status).toBe(200);
    const revoked = await page.goto(c.joinUrl);
    expect(revoked?.status()).toBe(410);
    expect(await page.textContent('h1')).toBe('链接已被撤销');
    expect(await checkState(page, 'link-error-revoked', ['h1', '.reason', '.next-step', '.contact'])).toEqual(CLEAN);
    await page.goto(`${c.joinUrl}?lang=en`);
    expect(await page.textContent('h1')).toBe('This link was revoked');
    expect(await page.evaluate(() => document.body.innerText)).not.toMatch(CJK);

    const icon = await fetch(`${srv.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(icon.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await icon.text()).toContain('<svg');
    const ico = await fetch(`${srv.url}/favicon.ico`, { redirect: 'manual' });
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe('/favicon.svg');
    expect(await (await fetch(`${srv.url}/inspector`)).text()).toContain('<link rel="icon" href="/favicon.svg"');
  });

  it('is wholly English with ?lang=en: start, live (with the server’s checklist prompt) and the end screen', async () => {
    const staff = await createStaff(srv.url, adminCookie, { username: 'li.na', roles: ['inspector'], departments: ['food_business'] });
    const c = await newCase('Corner Noodle Bar', staff.cookie);
    const { ctx, page: phone } = await firstVisitPhone(true);
    await phone.goto(`${c.joinUrl}?lang=en`);
    await phone.waitForSelector('.start-card .start');
    expect(await phone.title()).toBe('Video inspection · Administrative Approval Service Bureau');
    expect(await phone.textContent('.phone-top .inspector')).toBe('Inspector: li.na');
    const noCjk = async () => expect((await phone.evaluate(() => document.body.innerText)).match(new RegExp(CJK.source, 'g')) ?? []).toEqual([]);
    await noCjk();
    expect(await checkState(phone, 'phone-en-ready', ['.phone-top .inspector', '.start-card h2', '.start-card .start'])).toEqual(CLEAN);

    await ctx.grantPermissions(['camera', 'microphone', 'geolocation']);
    await phone.click('.start-card .start');
    await screenIs(phone, 'waiting_inspector');
    const inspector = await openConsole(c.sessionId, staff.cookie);
    await consolePresence(inspector, 'live');
    await screenIs(phone, 'live');
    await phone.waitForSelector('.prompt .prompt-text', { state: 'visible' });
    await noCjk();
    expect(await checkState(phone, 'phone-en-live', ['.state', '.prompt', '.controls .mute', '.controls .hang-up'])).toEqual(CLEAN);

    await phone.click('.controls .hang-up');
    await phone.click('.hang-up-confirm');
    await screenIs(phone, 'ended:hung_up');
    await noCjk();
    expect(await checkState(phone, 'phone-en-hung-up', ['.ended h2', '.ended .next-step', '.ended .rejoin'])).toEqual(CLEAN);
  });
});
