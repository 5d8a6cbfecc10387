import { chromiumOffice } from '../support/chromiumOffice';
import type { Page } from 'playwright-core';
import type { WalkPointView, WalkView } from '../../server/protocol/walk';
import { bothLive, desktopContext, phoneContext } from '../support/browser';
import { consoleWalk, waitForPhotos } from '../support/inspectionPages';
import { apiCall } from '../support/office';
import { checkState, CLEAN } from '../support/screens';
import { createStaff } from '../support/staff';
import { loginCookie } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同5号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92902, longitude: 116.41642, accuracy: 5 }; // about 10 m away
const FAR = { latitude: 39.96041, longitude: 116.41642, accuracy: 10 }; // about 3.5 km north

/** What must be in view at 1366×768 while the walk is open: the point's controls and the call's. */
const LIVE_IN_VIEW = [
  '.current-point h3',
  '.current-point .rule',
  '.current-point .results button[data-result="pass"]',
  '.current-point .results button:last-child',
  '.current-point .note',
  '.current-point .ask-photo',
  '.current-point .capture',
  '.current-point .prev',
  '.current-point .next',
  '.call-bar .applicant-chip',
  '.call-bar .quality summary',
  '.call-bar .ask-rear',
  '.call-bar .mute',
  '.call-bar .end',
  '.call-bar .interrupt',
  '.tablist',
];

type Probe = { __kanyanCall: { walk?: WalkView } };

/**
 * The selectors whose element something else (a toast, the banner, a panel) covers at its centre:
 * in view is not enough when it cannot be clicked.
 */
async function covered(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    for (const sel of sels) {
      const el = document.querySelector(sel);
      if (!el) continue;
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && !el.contains(hit)) out.push(`${sel} (under ${hit.tagName.toLowerCase()}.${(hit as HTMLElement).className})`);
    }
    return out;
  }, selectors);
}

/** checkState for the live call, plus nothing lying over the controls. */
async function checkLive(page: Page, name: string, extra: string[] = []) {
  const state = await checkState(page, name, [...LIVE_IN_VIEW, ...extra]);
  return { ...state, covered: await covered(page, [...LIVE_IN_VIEW, ...extra]) };
}
const LIVE_CLEAN = { ...CLEAN, covered: [] };

const currentKey = async (p: Page) => (await consoleWalk(p))?.current;

/** Waits until the server's walk and the pinned card both show `key` as the current point. */
async function waitCurrent(p: Page, key: string): Promise<void> {
  await p.waitForFunction((k) => (window as unknown as Probe).__kanyanCall.walk?.current === k, key);
  await p.waitForSelector(`.current-point[data-key="${key}"]`);
}

/** Records `result` on the current point through its button and waits for the server to have it. */
async function answer(p: Page, result: string): Promise<string> {
  const key = (await currentKey(p))!;
  await p.click(`.current-point .results button[data-result="${result}"]`);
  await p.waitForFunction(([k, r]) => (window as unknown as Probe).__kanyanCall.walk?.points.find((x) => x.key === k)?.result === r, [key, result] as const);
  return key;
}

/** The first applicable point after `key` without a result, wrapping round: where the walk should go. */
function nextOpen(walk: WalkView, key: string): WalkPointView | undefined {
  const i = walk.points.findIndex((p) => p.key === key);
  return [...walk.points.slice(i + 1), ...walk.points.slice(0, i)].find((p) => p.applies && !p.result);
}

/** A result that needs no photo, so the walk moves on. */
const photoFree = (p: WalkPointView) => (p.results.includes('onsite_required') ? 'onsite_required' : 'not_applicable');

describe('the inspector console at 1366×768 (Chromium)', () => {
  const office = chromiumOffice();

  /** A new case at REGISTERED and a console page (1366×768) logged in with `cookie`, opened on its session. */
  async function consoleOn(cookie: string, permitTypes: string[]) {
    const admin = await loginCookie(office.srv.url);
    const created = await apiCall(office.srv.url, 'POST', '/api/cases', admin, { businessName: '王记小吃', permitTypes, address: REGISTERED });
    const desk = await desktopContext(office.browser, office.srv.url);
    office.contexts.push(desk);
    const [name, value] = cookie.split('=');
    await desk.addCookies([{ name: name!, value: value!, url: office.srv.url }]);
    const page = await desk.newPage();
    await page.goto(`/inspector#/session/${created.session.id}`);
    return { page, desk, sessionId: created.session.id as string, joinUrl: created.joinUrl as string };
  }

  it('keeps the current point, its results, the photo request, mute and hang-up in view from the first point to the close', async () => {
    const { page: inspector, desk, sessionId, joinUrl } = await consoleOn(await loginCookie(office.srv.url), ['food_business', 'public_hygiene']);
    const phoneCtx = await phoneContext(office.browser, office.srv.url, NEAR);
    office.contexts.push(phoneCtx);
    const phone = await phoneCtx.newPage();
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    await inspector.waitForSelector('.pos-chip[data-has-fix="true"]');
    await inspector.waitForSelector('.current-point[data-key]');
    const first = (await currentKey(inspector))!;

    // (a) The first point: everything to work it and the call's controls in view, no scrolling.
    expect(await checkLive(inspector, 'console-a-first-point')).toEqual(LIVE_CLEAN);
    // No computed outcome before any result: not in the close panel, not per permit.
    expect(await inspector.$('.close-box .computed[data-outcome]')).toBeNull();
    expect(await inspector.$$eval('.permit-outcome', (els) => els.map((e) => e.textContent))).toEqual(['—', '—']);
    await inspector.click('.tab-close');
    expect(await inspector.textContent('.close-box .computed')).toContain('暂无系统判定');
    expect(await inspector.isDisabled('.close-walk')).toBe(true);
    expect(await checkLive(inspector, 'console-a-close-panel-before-results', ['.close-box .computed'])).toEqual(LIVE_CLEAN);

    // The business facts: enumerated values by their labels, never their codes.
    await inspector.click('.tab-facts');
    const form = await inspector.$$eval('.facts select[name="business_form"] option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(form).toContainEqual(['snack_bar', '小吃店']);
    expect(form.filter(([v, label]) => v && v === label)).toEqual([]);
    expect(await checkLive(inspector, 'console-a-facts-panel', ['.facts select[name="business_form"]'])).toEqual(LIVE_CLEAN);
    await inspector.click('.tab-points');

    // A result on a point that still lacks its photo stays there and asks the phone for one.
    await answer(inspector, 'pass');
    await waitForPhotos(inspector, first, 1);
    expect(await currentKey(inspector)).toBe(first);
    const thumb = await inspector.waitForSelector('.current-point .thumb img');
    await inspector.waitForFunction(() => ((document.querySelector('.current-point .thumb img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    expect((await thumb.boundingBox())!.width).toBeGreaterThanOrEqual(120);
    expect(await inspector.textContent('.close-box .computed')).toContain('系统初步判定');
    expect(await checkLive(inspector, 'console-a-first-point-photo', ['.current-point .thumb'])).toEqual(LIVE_CLEAN);
    // The thumbnail opens the photo viewer, and closing it comes back to the thumbnail.
    await inspector.click('.current-point .thumb');
    await inspector.waitForSelector('dialog.photo-viewer[open] .pv-record-body[data-loaded="true"]');
    expect(await checkState(inspector, 'console-photo-viewer', ['dialog.photo-viewer .pv-close'])).toEqual(CLEAN);
    await inspector.keyboard.press('Escape');
    await inspector.waitForSelector('dialog.photo-viewer', { state: 'detached' });
    expect(await inspector.evaluate(() => document.activeElement?.classList.contains('thumb'))).toBe(true);

    // With its photo in, the same result moves the walk on to the next open point.
    let walk = (await consoleWalk(inspector))!;
    await answer(inspector, 'pass');
    await waitCurrent(inspector, nextOpen(walk, first)!.key);

    // 需整改 on a photo-free point: recorded, the walk moves on; "previous" goes back to it, shown in its colour.
    walk = (await consoleWalk(inspector))!;
    const rectify = walk.points.find((p) => p.applies && !p.result && p.evidence.minPhotos === 0 && p.evidence.minVideoSeconds === 0 && p.results.includes('needs_rectification'))!;
    await inspector.click(`.point-list li[data-key="${rectify.key}"] button`);
    await waitCurrent(inspector, rectify.key);
    await answer(inspector, 'needs_rectification');
    walk = (await consoleWalk(inspector))!;
    const after = nextOpen(walk, rectify.key)!;
    await waitCurrent(inspector, after.key);
    const applicable = walk.points.filter((p) => p.applies);
    const before = applicable[applicable.findIndex((p) => p.key === after.key) - 1]!;
    await inspector.click('.current-point .prev');
    await waitCurrent(inspector, before.key);
    if (before.key === rectify.key) {
      const chosen = await inspector.$eval('.current-point .results button.chosen', (b) => ({ result: (b as HTMLElement).dataset.result, bg: getComputedStyle(b).backgroundColor, fg: getComputedStyle(b).color }));
      expect(chosen).toEqual({ result: 'needs_rectification', bg: 'rgb(138, 75, 0)', fg: 'rgb(255, 255, 255)' });
    }
    const listed = await inspector.$eval(`.point-list li[data-key="${rectify.key}"] .status`, (s) => ({ text: s.textContent, fg: getComputedStyle(s).color }));
    expect(listed).toEqual({ text: '需整改', fg: 'rgb(138, 75, 0)' });
    expect(await checkLive(inspector, 'console-needs-rectification')).toEqual(LIVE_CLEAN);

    // (b) Several results later: still nothing to hunt for.
    await inspector.click('.current-point .next');
    for (let i = 0; i < 6; i++) {
      const w = (await consoleWalk(inspector))!;
      const p = w.points.find((x) => x.key === w.current)!;
      const key = await answer(inspector, photoFree(p));
      const to = nextOpen((await consoleWalk(inspector))!, key);
      if (to) await waitCurrent(inspector, to.key);
    }
    expect(await checkLive(inspector, 'console-b-after-several-results')).toEqual(LIVE_CLEAN);

    // The phone walks off 3.5 km: a banner over the video says so, for the point's own 50 m rule.
    await inspector.click(`.point-list li[data-key="${first}"] button`);
    await waitCurrent(inspector, first);
    await phoneCtx.setGeolocation(FAR);
    const banner = await inspector.waitForSelector('.distance-banner[data-kind="far"]', { timeout: 15_000 });
    expect(await banner.textContent()).toBe('申请人手机距登记地址 3.5 km，超出本项 50 m 要求');
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await checkLive(inspector, 'console-banner-far', ['.distance-banner'])).toEqual(LIVE_CLEAN);
    // On the position panel, every fix of this call against the registered address.
    await inspector.click('.call-bar .pos-chip');
    await inspector.waitForSelector('.panel-position .position-plot svg');
    expect(await checkLive(inspector, 'console-position-panel', ['.panel-position .position-plot svg'])).toEqual(LIVE_CLEAN);
    await phoneCtx.setGeolocation(NEAR);
    await inspector.waitForSelector('.distance-banner', { state: 'hidden', timeout: 15_000 });
    await inspector.click('.tab-points');

    // (c) A point whose guidance runs long: the text scrolls inside the card, the controls stay.
    await inspector.evaluate(() => {
      const g = document.querySelector('.current-point .guidance')!;
      g.textContent = `${g.textContent} `.repeat(12);
    });
    expect(await inspector.$eval('.current-point .cp-text', (el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await checkLive(inspector, 'console-c-long-guidance')).toEqual(LIVE_CLEAN);

    // The same call in English: longer words, the same layout.
    const en = await desk.newPage();
    await en.goto(`/inspector?lang=en#/session/${sessionId}`);
    await en.waitForSelector('.current-point[data-key]');
    await en.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
    expect(await checkLive(en, 'console-english')).toEqual(LIVE_CLEAN);
    await en.close();

    // Every point answered: the sign-off panel comes forward by itself, with the final computed outcome.
    for (let guard = 0; guard < 80; guard++) {
      const w = (await consoleWalk(inspector))!;
      const open = w.points.find((p) => p.applies && !p.result);
      if (!open) break;
      if (w.current !== open.key) {
        await inspector.click(`.point-list li[data-key="${open.key}"] button`);
        await waitCurrent(inspector, open.key);
      }
      await answer(inspector, photoFree(open));
    }
    await inspector.waitForSelector('.tab-close[aria-selected="true"]');
    expect(await inspector.textContent('.close-box .computed')).toContain('系统判定（全部检查项已完成）');
    for (const permit of ['food_business', 'public_hygiene']) {
      await inspector.click(`.permit-outcomes li[data-permit="${permit}"] button.sign`);
      await inspector.waitForSelector(`.permit-outcomes li[data-permit="${permit}"] .signed`);
    }
    expect(await checkLive(inspector, 'console-ready-to-close', ['.close-walk', '.outcome-choice'])).toEqual(LIVE_CLEAN);
    inspector.once('dialog', (d) => void d.accept());
    await inspector.click('.close-walk');

    // (d) Closed: the decision where the current point was, the way back, nothing left to press.
    await inspector.waitForSelector('.state-badge[data-state="sealed"]', { timeout: 15_000 });
    await inspector.waitForSelector('.closed-summary .closed-outcome');
    expect(await checkState(inspector, 'console-d-closed', ['.closed-summary', '.closed-summary .summary-back', '.call-bar .applicant-chip', '.overlay .back-to-case'])).toEqual(CLEAN);
    for (const gone of ['.results button', '.ask-photo', '.capture', '.close-walk', '.sign', '.outcome-choice', '.note']) expect(await inspector.$(gone)).toBeNull();
    for (const hidden of ['.mute', '.end', '.interrupt', '.ask-rear', '.distance-banner']) expect(await inspector.isHidden(hidden)).toBe(true);
    expect(await inspector.isDisabled('.facts select')).toBe(true);
    // A point can still be looked at, read only.
    await inspector.click('.tab-points');
    await inspector.click(`.point-list li[data-key="${rectify.key}"] button`);
    await inspector.waitForSelector(`.current-point.locked[data-key="${rectify.key}"] .result-readonly`);
    expect(await inspector.textContent('.current-point .result-readonly')).toContain('需整改');
    expect(await checkState(inspector, 'console-d-closed-browse', ['.closed-summary', '.current-point .result-readonly'])).toEqual(CLEAN);
  }, 300_000);

  it('says when the phone sends no position at all', async () => {
    const { page: inspector, joinUrl } = await consoleOn(await loginCookie(office.srv.url), ['food_business']);
    // A phone that was never allowed to share its location.
    const ctx = await office.browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', permissions: ['camera', 'microphone'], baseURL: office.srv.url });
    office.contexts.push(ctx);
    const phone = await ctx.newPage();
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    const banner = await inspector.waitForSelector('.distance-banner[data-kind="no_fix"]');
    expect(await banner.textContent()).toContain('尚未收到申请人手机的定位');
    expect(await inspector.textContent('.pos-chip')).toBe('尚无定位');
    expect(await checkLive(inspector, 'console-no-fix', ['.distance-banner'])).toEqual(LIVE_CLEAN);
  });

  it('shows a watching supervisor everything and lets them change nothing', async () => {
    const supervisor = await createStaff(office.srv.url, await loginCookie(office.srv.url), { username: 'sup.zhao', roles: ['supervisor'] });
    const { page: watcher, joinUrl } = await consoleOn(supervisor.cookie, ['food_business']);
    const ctx = await phoneContext(office.browser, office.srv.url, NEAR);
    office.contexts.push(ctx);
    const phone = await ctx.newPage();
    await phone.goto(joinUrl);
    await watcher.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string; role?: string } }).__kanyanCall.role === 'observer');
    await watcher.waitForSelector('.current-point.locked .result-readonly');
    expect(await checkState(watcher, 'console-observer', ['.observer-badge', '.current-point h3', '.current-point .result-readonly', '.call-bar .applicant-chip', '.call-bar .end', '.observer-hint'])).toEqual(CLEAN);
    for (const gone of ['.results button', '.ask-photo', '.capture', '.close-walk', '.note']) expect(await watcher.$(gone)).toBeNull();
    for (const hidden of ['.mute', '.interrupt', '.ask-rear']) expect(await watcher.isHidden(hidden)).toBe(true);
  });
});
