import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { WalkView } from '../../server/protocol/walk';
import { axeViolations, horizontalOverflow } from '../support/axe';
import { desktopContext, launchChromium, phoneContext } from '../support/browser';
import { postJson } from '../support/staff';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同8号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92898, longitude: 116.41642, accuracy: 5 }; // about 6 m away

type CallWindow = { __kanyanCall?: { walk?: WalkView; presence: string; firstFrames: number[] } };
const walkOf = (p: Page) => p.evaluate(() => (window as unknown as CallWindow).__kanyanCall?.walk ?? null);
const shots = process.env.SCREENSHOT_DIR;

/** Logs a staff member in through the page's own form; a first password is replaced as the page asks. */
async function logInThroughPage(page: Page, path: string, username: string, password: string, newPassword?: string): Promise<void> {
  await page.goto(path);
  await page.fill('form.login input[name=username]', username);
  await page.fill('form.login input[name=password]', password);
  await page.click('form.login button[type=submit]');
  if (!newPassword) return;
  await page.waitForSelector('form.change-password');
  await page.fill('form.change-password input[name=current]', password);
  await page.fill('form.change-password input[name=next]', newPassword);
  await page.fill('form.change-password input[name=repeat]', newPassword);
  await page.click('form.change-password button[type=submit]');
  await page.waitForSelector('form.change-password', { state: 'detached' });
}

describe('一业一证: two departments sign one combined walk, in Chromium', () => {
  let srv: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    srv = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.stop();
  });
  const desktop = async () => {
    const ctx = await desktopContext(browser, srv.url);
    contexts.push(ctx);
    return ctx.newPage();
  };

  it('an admin creates a food and a hygiene inspector; the phone waits for them; both sign; closing seals it', async () => {
    // 1. The admin creates one inspector per department on the admin page.
    const admin = await desktop();
    await logInThroughPage(admin, '/admin', INSPECTOR.username, INSPECTOR.password);
    await admin.waitForSelector('form.new-account');
    for (const [username, name, dept] of [['food.wang', '王食品', 'food_business'], ['hyg.li', '李卫生', 'public_hygiene']] as const) {
      await admin.fill('form.new-account input[name=username]', username);
      await admin.fill('form.new-account input[name=displayName]', name);
      await admin.fill('form.new-account input[name=password]', 'first-pass-123');
      await admin.check('form.new-account input[name=role][value=inspector]');
      await admin.check(`form.new-account input[name=department][value=${dept}]`);
      await admin.click('form.new-account button[type=submit]');
      await admin.waitForSelector(`tr.account[data-username="${username}"]`);
    }
    expect(await admin.textContent('tr.account[data-username="food.wang"]')).toContain('食品经营许可');
    expect(await admin.textContent('tr.account[data-username="hyg.li"]')).toContain('公共场所卫生许可');
    expect(await axeViolations(admin)).toEqual([]);
    expect(await horizontalOverflow(admin)).toEqual([]);
    if (shots) await admin.screenshot({ path: `${shots}/admin-accounts.png` });

    // The office assigns both to a combined food + hygiene case.
    const adminCookie = await loginCookie(srv.url);
    const { accounts } = (await (await fetch(`${srv.url}/api/accounts`, { headers: { cookie: adminCookie } })).json()) as { accounts: Array<{ id: string; username: string }> };
    const idOf = (u: string) => accounts.find((a) => a.username === u)!.id;
    const created = await postJson(`${srv.url}/api/cases`, adminCookie, {
      businessName: '老王小吃店',
      permitTypes: ['food_business', 'public_hygiene'],
      address: REGISTERED,
      assignees: [idOf('food.wang'), idOf('hyg.li')],
    });
    expect(created.status).toBe(201);
    const { session, joinUrl } = (await created.json()) as { session: { id: string }; joinUrl: string };

    // 2. The shop owner opens the link before any inspector: the phone says it is waiting for one.
    const phoneCtx = await phoneContext(browser, srv.url, NEAR);
    contexts.push(phoneCtx);
    const phone = await phoneCtx.newPage();
    await phone.goto(joinUrl);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen === 'waiting_inspector', undefined, { timeout: 20_000 });
    expect(await phone.textContent('.state')).toContain('等待审批人员');
    expect(await axeViolations(phone)).toEqual([]);
    expect(await horizontalOverflow(phone)).toEqual([]);
    if (shots) await phone.screenshot({ path: `${shots}/phone-waiting.png` });

    // 3. Each inspector logs in (replacing the admin's first password) and opens the call.
    const food = await desktop();
    await logInThroughPage(food, '/inspector', 'food.wang', 'first-pass-123', 'food-wang-pass-2');
    await food.goto(`/inspector#/session/${session.id}`);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen === 'live', undefined, { timeout: 20_000 });
    await food.waitForFunction(() => ((window as unknown as CallWindow).__kanyanCall?.firstFrames.length ?? 0) > 0, undefined, { timeout: 20_000 });
    const hygiene = await desktop();
    await logInThroughPage(hygiene, '/inspector', 'hyg.li', 'first-pass-123', 'hyg-li-pass-2');
    await hygiene.goto(`/inspector#/session/${session.id}`);
    await hygiene.waitForFunction(() => !!(window as unknown as CallWindow).__kanyanCall?.walk, undefined, { timeout: 20_000 });

    let view = (await walkOf(food))!;
    expect(view.pins.map((p) => p.permitType).sort()).toEqual(['food_business', 'public_hygiene']);
    // Shared requirements appear once in the combined walk, with both permits as sources.
    expect(view.points.filter((p) => p.sources.length > 1).length).toBeGreaterThan(2);

    // Each console offers a sign-off only for its own department, and not while points are open.
    expect(await food.$('.permit-outcomes li[data-permit="public_hygiene"] button.sign')).toBeNull();
    expect(await hygiene.$('.permit-outcomes li[data-permit="food_business"] button.sign')).toBeNull();
    expect(await hygiene.isDisabled('.permit-outcomes li[data-permit="public_hygiene"] button.sign')).toBe(true);

    // 4. The food inspector answers the facts and walks every applicable point.
    await food.click('.tab-facts');
    for (const f of view.facts) {
      const sel = `.facts [name="${f.key}"]`;
      if (f.type === 'number') await food.fill(sel, '30').then(() => food.press(sel, 'Tab'));
      else if (f.type === 'boolean') await food.selectOption(sel, 'false');
      else await food.selectOption(sel, f.values![0]!);
      await food.waitForFunction((k) => (window as unknown as CallWindow).__kanyanCall?.walk?.facts.find((x) => x.key === k)?.value !== undefined, f.key);
    }
    view = (await walkOf(food))!;
    await food.click('.tab-points');
    let answered = 0;
    for (const key of view.points.filter((p) => p.applies).map((p) => p.key)) {
      await food.click(`.point-list li[data-key="${key}"] button`);
      await food.waitForSelector(`.current-point[data-key="${key}"]`);
      const p = (await walkOf(food))!.points.find((x) => x.key === key)!;
      if (!p.applies) continue;
      for (let have = p.evidenceCount; have < p.evidence.minPhotos; have++) {
        await food.click('.current-point .capture');
        await food.waitForFunction(([k, n]) => ((window as unknown as CallWindow).__kanyanCall?.walk?.points.find((x) => x.key === k)?.evidenceCount ?? 0) > (n as number), [key, have] as const);
      }
      const needsVideo = p.evidence.minVideoSeconds > 0;
      const result = needsVideo && p.results.includes('onsite_required') ? 'onsite_required' : needsVideo && p.results.includes('not_applicable') ? 'not_applicable' : 'pass';
      await food.click(`.current-point button[data-result="${result}"]`);
      await food.waitForFunction(([k, r]) => (window as unknown as CallWindow).__kanyanCall?.walk?.points.find((x) => x.key === k)?.result === r, [key, result] as const);
      answered++;
    }
    expect(answered).toBeGreaterThan(10);
    view = (await walkOf(food))!;
    // Every point is done; what is left is the departments' signatures.
    expect(view.blockers.length).toBe(2);
    expect(view.blockers.every((b) => b.includes('尚未由主管部门签字确认'))).toBe(true);
    expect(await food.isDisabled('.close-walk')).toBe(true);

    // 5. Each department signs its own permit, in its own console (the sign-off panel came forward when the last point was answered).
    for (const page of [food, hygiene]) await page.waitForSelector('.tab-close[aria-selected="true"]');
    await hygiene.waitForSelector('.permit-outcomes li[data-permit="public_hygiene"] button.sign:not([disabled])');
    await hygiene.click('.permit-outcomes li[data-permit="public_hygiene"] button.sign');
    await food.waitForSelector('.permit-outcomes li[data-permit="public_hygiene"] .signed');
    await food.click('.permit-outcomes li[data-permit="food_business"] button.sign');
    await food.waitForSelector('.permit-outcomes li[data-permit="food_business"] .signed');
    if (shots) await food.screenshot({ path: `${shots}/console-both-signed.png` });
    view = (await walkOf(food))!;
    expect(view.blockers).toEqual([]);
    const computed = view.outcome.outcome;

    // 6. Closing the checklist ends the inspection on the server: the phone is told, the session sealed.
    food.once('dialog', (d) => void d.accept());
    await food.click('.close-walk');
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen === 'ended:finished', undefined, { timeout: 15_000 });
    expect(await axeViolations(phone)).toEqual([]);
    if (shots) await phone.screenshot({ path: `${shots}/phone-finished.png` });
    // Both consoles follow the server to the sealed state.
    for (const page of [food, hygiene]) await page.waitForSelector('.state-badge[data-state="sealed"]', { timeout: 15_000 });

    const detail = (await (await fetch(`${srv.url}/api/sessions/${session.id}`, { headers: { cookie: adminCookie } })).json()) as { session: { state: string; outcome: string }; transitions: Array<{ to: string; actor: string }> };
    expect(detail.session).toMatchObject({ state: 'sealed', outcome: computed });
    expect(detail.transitions.map((t) => t.to)).toEqual(['waiting_for_applicant', 'live', 'checklist_closed', 'ended', 'sealed'].filter((s) => detail.transitions.some((t) => t.to === s)));
    expect(detail.transitions.find((t) => t.to === 'checklist_closed')!.actor).toBe('food.wang');
    const stored = (await (await fetch(`${srv.url}/api/sessions/${session.id}/walk`, { headers: { cookie: adminCookie } })).json()) as { walk: WalkView };
    expect(stored.walk.closed?.outcome).toBe(computed);
    expect(Object.fromEntries(stored.walk.outcome.permits.map((p) => [p.permitType, p.signedBy]))).toEqual({ food_business: 'food.wang', public_hygiene: 'hyg.li' });
    const events = await srv.server.store.walks.events(session.id);
    expect(events.filter((e) => e.type === 'permit_signed').map((e) => e.actor).sort()).toEqual(['food.wang', 'hyg.li']);
    expect(events.every((e, i) => e.seq === i + 1 && e.at > 0)).toBe(true);
  });
});
