import type { Browser, Page } from 'playwright-core';
import type { WalkView } from '../../server/protocol/walk';
import { desktopContext, launchChromium, phoneContext } from '../support/browser';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同8号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92898, longitude: 116.41642, accuracy: 5 }; // about 6 m away

const walkOf = (p: Page) => p.evaluate(() => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk ?? null);

describe('combined food + public-hygiene walk in Chromium', () => {
  let srv: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('drives the phone prompt, refuses to close while a required point is open, and stores the outcome', async () => {
    const cookie = await loginCookie(srv.url);
    const res = await fetch(`${srv.url}/api/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', cookie },
      body: JSON.stringify({ businessName: '老王小吃店', permitTypes: ['food_business', 'public_hygiene'], address: REGISTERED }),
    });
    const created = (await res.json()) as { session: { id: string }; joinUrl: string };
    const sessionId = created.session.id;

    const inspectorCtx = await desktopContext(browser, srv.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${sessionId}`);
    const phone = await (await phoneContext(browser, srv.url, NEAR)).newPage();
    await phone.goto(created.joinUrl);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames.length > 0, undefined, { timeout: 20_000 });
    await inspector.waitForSelector('.position[data-has-fix=true]');

    let view = (await walkOf(inspector))!;
    expect(view.pins.map((p) => p.permitType).sort()).toEqual(['food_business', 'public_hygiene']);
    // Shared requirements appear once in the combined walk, with both permits as sources.
    const shared = view.points.filter((p) => p.sources.length > 1);
    expect(shared.length).toBeGreaterThan(2);
    expect(new Set(view.points.map((p) => p.key)).size).toBe(view.points.length);

    // The phone shows the current point's prompt, and follows the inspector.
    await phone.waitForSelector('.prompt .prompt-text');
    expect(await phone.textContent('.prompt .prompt-text')).toBe(view.points.find((p) => p.key === view.current)!.prompt);
    const second = view.points.filter((p) => p.applies)[1]!;
    await inspector.click(`.point-list li[data-key="${second.key}"] button`);
    await phone.waitForFunction((text) => document.querySelector('.prompt .prompt-text')?.textContent === text, second.prompt);

    // Close stays disabled, with the reason shown.
    expect(await inspector.isDisabled('.close-walk')).toBe(true);
    expect(await inspector.textContent('.blockers')).toContain('暂不能结束');

    // Answer the business facts through the console.
    for (const f of view.facts) {
      const sel = `.facts [name="${f.key}"]`;
      if (f.type === 'number') await inspector.fill(sel, '30').then(() => inspector.press(sel, 'Tab'));
      else if (f.type === 'boolean') await inspector.selectOption(sel, 'false');
      else await inspector.selectOption(sel, f.values![0]!);
      await inspector.waitForFunction((k) => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.facts.find((x) => x.key === k)?.value !== undefined, f.key);
    }

    // Walk every applicable point: open it, take the photos its rule needs, record a result.
    view = (await walkOf(inspector))!;
    let answered = 0;
    for (const key of view.points.filter((p) => p.applies).map((p) => p.key)) {
      await inspector.click(`.point-list li[data-key="${key}"] button`);
      await inspector.waitForSelector(`.current-point[data-key="${key}"]`);
      const p = (await walkOf(inspector))!.points.find((x) => x.key === key)!;
      if (!p.applies) continue;
      const needsVideo = p.evidence.minVideoSeconds > 0;
      for (let i = p.evidenceCount; i < p.evidence.minPhotos; i++) {
        const before = p.evidenceCount + (i - p.evidenceCount);
        await inspector.click('.current-point .capture');
        await inspector.waitForFunction(([k, n]) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((x) => x.key === k)?.evidenceCount ?? 0) > (n as number), [key, before] as const);
      }
      const result = needsVideo && p.results.includes('onsite_required') ? 'onsite_required' : needsVideo && p.results.includes('not_applicable') ? 'not_applicable' : 'pass';
      await inspector.click(`.current-point button[data-result="${result}"]`);
      await inspector.waitForFunction(([k, r]) => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((x) => x.key === k)?.result === r, [key, result] as const);
      answered++;
      if (answered === 3 && process.env.SCREENSHOT_DIR) {
        await inspector.screenshot({ path: `${process.env.SCREENSHOT_DIR}/walk-console.png` });
        await phone.screenshot({ path: `${process.env.SCREENSHOT_DIR}/walk-phone.png` });
      }
      // The close button opens only after the last required point.
      view = (await walkOf(inspector))!;
      if (view.blockers.length) expect(await inspector.isDisabled('.close-walk')).toBe(true);
    }
    expect(answered).toBeGreaterThan(10);
    view = (await walkOf(inspector))!;
    expect(view.blockers).toEqual([]);
    expect(await inspector.isEnabled('.close-walk')).toBe(true);
    const computed = view.outcome.outcome;
    expect(view.outcome.permits.map((p) => p.permitType).sort()).toEqual(['food_business', 'public_hygiene']);

    // Each department signs off its own permit's points.
    await inspector.click('.permit-outcomes li[data-permit="public_hygiene"] button.sign');
    await inspector.waitForSelector('.permit-outcomes li[data-permit="public_hygiene"] .signed');

    inspector.once('dialog', (d) => void d.accept());
    await inspector.click('.close-walk');
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'ended', undefined, { timeout: 10_000 });

    // The outcome is stored with the session, and every change is an event with server time.
    const stored = (await (await fetch(`${srv.url}/api/sessions/${sessionId}/walk`, { headers: { cookie } })).json()) as { walk: WalkView };
    expect(stored.walk.closed?.outcome).toBe(computed);
    expect(stored.walk.outcome.permits.find((p) => p.permitType === 'public_hygiene')?.signedBy).toBe('inspector');
    const events = await srv.server.store.walks.events(sessionId);
    expect(events.filter((e) => e.type === 'result_set').length).toBe(answered);
    expect(events.filter((e) => e.type === 'permit_signed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'evidence_attached').length).toBeGreaterThan(5);
    expect(events.every((e, i) => e.seq === i + 1 && e.at > 0 && e.actor === 'inspector')).toBe(true);
    const photo = await srv.server.store.evidence.listBySession(sessionId);
    expect(photo[0]!.checked.distance ?? 'pass').not.toBe('fail');
    await inspectorCtx.close();
  });
});
