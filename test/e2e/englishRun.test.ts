import { chromiumOffice } from '../support/chromiumOffice';
import type { Dialog, Page } from 'playwright-core';
import type { WalkPointView, WalkView } from '../../server/protocol/walk';
import { bothLive, desktopContext, phoneContext } from '../support/browser';
import { consoleWalk } from '../support/inspectionPages';
import { apiCall } from '../support/office';
import { checkState, CLEAN } from '../support/screens';
import { INSPECTOR, loginCookie } from '../support/testServer';

// The case itself is typed in English, so any Chinese left on a page came from the product.
const REGISTERED = { text: '8 Test Lane, Dongcheng, Beijing', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92898, longitude: 116.41642, accuracy: 5 };
const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

type Probe = { __kanyanCall: { walk?: WalkView } };

/** The page's visible text with the Chinese characters it contains, or '' when there are none. */
async function chineseOn(page: Page): Promise<string> {
  // A language switch names its language in that language, marked with its own lang attribute.
  const text = await page.evaluate(() => {
    let visible = document.body.innerText;
    for (const el of Array.from(document.body.querySelectorAll('[lang]'))) {
      if (!el.getAttribute('lang')!.startsWith('en')) visible = visible.replace((el as HTMLElement).innerText, '');
    }
    return `${document.title}\n${visible}`;
  });
  return text
    .split('\n')
    .filter((line) => CJK.test(line))
    .join(' | ');
}

const photoFree = (p: WalkPointView) => (p.results.includes('onsite_required') ? 'onsite_required' : 'not_applicable');

describe('one inspection in English, from log-in to the phone’s end screen (Chromium)', () => {
  const office = chromiumOffice();

  it('leaves no Chinese on the console or the phone, and the checklist speaks the templates’ English', async () => {
    const cookie = await loginCookie(office.srv.url);
    const created = await apiCall(office.srv.url, 'POST', '/api/cases', cookie, { businessName: "Wang's Snacks", permitTypes: ['food_business'], address: REGISTERED });
    const caseId = created.caseRecord.id as string;

    // The inspector logs in through the English page and finds the case.
    const desk = await desktopContext(office.browser, office.srv.url);
    office.contexts.push(desk);
    const inspector = await desk.newPage();
    const dialogs: string[] = [];
    inspector.on('dialog', (d: Dialog) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await inspector.goto('/inspector?lang=en');
    await inspector.fill('form.login input[name=username]', INSPECTOR.username);
    await inspector.fill('form.login input[name=password]', INSPECTOR.password);
    await inspector.click('form.login button[type=submit]');
    await inspector.click(`[data-case-id="${caseId}"]`);
    await inspector.waitForSelector('.open-session');
    expect(await chineseOn(inspector)).toBe('');
    expect(await checkState(inspector, 'english-case-page')).toEqual(CLEAN);
    await inspector.click('.open-session');

    // The shop owner opens the link in English.
    const phoneCtx = await phoneContext(office.browser, office.srv.url, NEAR);
    office.contexts.push(phoneCtx);
    const phone = await phoneCtx.newPage();
    await phone.goto(`${created.joinUrl}?lang=en`);
    expect(await chineseOn(phone)).toBe('');
    const start = await phone.$('button.start');
    if (start && (await start.isVisible())) await start.click();
    await bothLive(phone, inspector);
    await inspector.waitForSelector('.current-point[data-key]');
    await phone.waitForFunction(() => (document.querySelector('.prompt')?.textContent ?? '').length > 0);

    // The checklist is the template's English (titles, guidance, the phone's prompt).
    const walk = (await consoleWalk(inspector))!;
    for (const p of walk.points) expect([p.key, p.title, p.guidance, p.prompt].join(' ')).not.toMatch(CJK);
    expect(await chineseOn(inspector)).toBe('');
    expect(await chineseOn(phone)).toBe('');
    expect(await checkState(inspector, 'english-console-live', ['.current-point .results button[data-result="pass"]', '.current-point .ask-photo', '.call-bar .mute', '.call-bar .end'])).toEqual(CLEAN);
    expect(await checkState(phone, 'english-phone-live')).toEqual(CLEAN);

    // Every point gets a result that needs no photo; what blocks closing is said in English meanwhile.
    for (let guard = 0; guard < 80; guard++) {
      const w = (await consoleWalk(inspector))!;
      const open = w.points.find((p) => p.applies && !p.result);
      if (!open) break;
      for (const b of w.blockers) expect(b).not.toMatch(CJK);
      if (w.current !== open.key) {
        await inspector.click('.tab-points');
        await inspector.click(`.point-list li[data-key="${open.key}"] button`);
        await inspector.waitForFunction((k) => (window as unknown as Probe).__kanyanCall.walk?.current === k, open.key);
      }
      const result = photoFree(open);
      await inspector.click(`.current-point .results button[data-result="${result}"]`);
      await inspector.waitForFunction(([k, r]) => (window as unknown as Probe).__kanyanCall.walk?.points.find((x) => x.key === k)?.result === r, [open.key, result] as const);
    }
    await inspector.waitForSelector('.close-walk:not([disabled])');
    expect(await chineseOn(inspector)).toBe('');
    await inspector.click('.close-walk');

    // Closed: the console says what was decided, the phone says it is over and what happens next.
    await inspector.waitForSelector('.closed-summary .closed-outcome', { timeout: 20_000 });
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen.startsWith('ended'), undefined, { timeout: 20_000 });
    await phone.waitForSelector('.ended');
    for (const d of dialogs) expect(d).not.toMatch(CJK);
    expect(await chineseOn(inspector)).toBe('');
    expect(await chineseOn(phone)).toBe('');
    expect(await checkState(inspector, 'english-console-closed', ['.closed-summary'])).toEqual(CLEAN);
    expect(await checkState(phone, 'english-phone-ended', ['.ended h2'])).toEqual(CLEAN);
  }, 300_000);
});
