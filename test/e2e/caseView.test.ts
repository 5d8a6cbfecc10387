import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations } from '../support/axe';
import { desktopContext, launchChromium } from '../support/browser';
import { closedInspection, EXTINGUISHERS, FAILED_NOTE, NEAR, RECTIFY_NOTE, SIGNBOARD, SIGNBOARD_NOTE, type ClosedInspection } from '../support/closedInspection';
import { apiCall } from '../support/office';
import { CLEAN, checkState, saveScreen } from '../support/screens';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const CJK = /[\u3400-\u9fff]/;

/** Beijing date as the pages print it: 2026-03-14. */
const beijingDate = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

describe('the case view keeps what was decided, in Chromium at 1366×768', () => {
  let srv: RunningServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let cookie: string;
  let closed: ClosedInspection;
  let openCaseId: string;
  let page: Page;

  beforeAll(async () => {
    srv = await startTestServer();
    browser = await launchChromium();
    cookie = await loginCookie(srv.url);
    closed = await closedInspection(srv, cookie, '老张小吃店');
    // A second case still waiting for its inspection, so the list has something to narrow.
    openCaseId = (await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: '河畔便利店', permitTypes: ['food_business'], address: { text: '北京市西城区河畔路3号', lat: 39.91, lon: 116.36 } })).caseRecord.id;
    ctx = await desktopContext(browser, srv.url);
    ctx.setDefaultTimeout(15_000);
    page = await ctx.newPage();
    await page.goto('/inspector#/cases');
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector(`.case-row[data-case-id="${closed.caseId}"]`);
  });
  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await browser?.close();
    await srv?.stop();
  });

  const rowText = (id: string) => page.textContent(`.case-row[data-case-id="${id}"]`);
  const shownRows = () => page.$$eval('.case-list .case-row', (rows) => rows.map((r) => (r as HTMLElement).dataset.caseId));

  it('lists each case with its status, latest outcome, inspector and dates, fills the height, and search narrows it', async () => {
    const row = (await rowText(closed.caseId))!;
    expect(row).toContain('老张小吃店');
    expect(row).toContain(closed.caseNumber);
    expect(row).toContain('待审核');
    expect(row).toContain('不通过');
    expect(row).toContain('承办：');
    expect(row).toContain(`创建：${beijingDate(Date.now())}`);
    expect(row).toMatch(/最近：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await rowText(openCaseId)).toContain('尚无结论');
    expect((await shownRows()).sort()).toEqual([closed.caseId, openCaseId].sort());
    // The list takes the height of the screen, not a small box.
    const listHeight = await page.$eval('.case-list', (el) => el.getBoundingClientRect().height);
    expect(listHeight).toBeGreaterThan(500);
    expect(await checkState(page, 'case-list', ['.case-search', '.status-filter', `.case-row[data-case-id="${closed.caseId}"]`, `.case-row[data-case-id="${openCaseId}"]`, 'form.new-case'])).toEqual(CLEAN);

    // By case number, by address, by status; and back.
    await page.fill('.case-search', closed.caseNumber);
    expect(await shownRows()).toEqual([closed.caseId]);
    expect(await page.textContent('.case-count')).toBe('显示 1 / 2 件');
    await page.fill('.case-search', '河畔路');
    expect(await shownRows()).toEqual([openCaseId]);
    await page.fill('.case-search', '不存在的店');
    expect(await shownRows()).toEqual([]);
    expect(await page.textContent('.case-list')).toContain('没有符合条件的案件');
    await page.click('.clear-filters');
    await page.selectOption('.status-filter', 'awaiting_review');
    expect(await shownRows()).toEqual([closed.caseId]);
    await page.click('.clear-filters');
    expect((await shownRows()).length).toBe(2);
  });

  it('shows the decision on the case page: outcome, the permit’s result and sign-off, each point’s result and note, and the photos', async () => {
    await page.click(`.case-row[data-case-id="${closed.caseId}"]`);
    await page.waitForSelector(`.case-card[data-case-id="${closed.caseId}"] .session[data-session-id="${closed.sessionId}"]`);
    const session = `.session[data-session-id="${closed.sessionId}"]`;
    expect(await page.getAttribute(`${session} .state-badge`, 'data-state')).toBe('sealed');
    expect(await page.textContent(`${session} .dv-outcome`)).toContain('不通过');
    expect(await page.textContent(`${session} .dv-computed`)).toBe('不通过');
    expect(await page.textContent(`${session} .dv-closed-by`)).toContain('inspector');
    const permit = (await page.textContent(`${session} .permit-results tr[data-permit="food_business"]`))!;
    expect(permit).toContain('食品经营许可');
    expect(permit).toContain('不通过');
    expect(permit).toMatch(/已签署：.*inspector.*\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // Each point's result in words and colour, with its note.
    const failed = `${session} .point-result[data-key="${EXTINGUISHERS}"]`;
    expect(await page.getAttribute(failed, 'data-result')).toBe('fail');
    expect(await page.textContent(`${failed} .result-badge`)).toBe('不合格');
    expect(await page.textContent(`${failed} .point-note`)).toContain(FAILED_NOTE);
    expect(await page.textContent(`${session} .point-result[data-key="${SIGNBOARD}"] .point-note`)).toContain(SIGNBOARD_NOTE);
    expect(await page.getAttribute(`${session} .point-result[data-key="${closed.rectifyKey}"]`, 'data-result')).toBe('needs_rectification');
    expect(await page.textContent(`${session} .point-result[data-key="${closed.rectifyKey}"] .point-note`)).toContain(RECTIFY_NOTE);
    const colours = await page.$$eval(`${session} .point-result .result-badge`, (els) => Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.result, getComputedStyle(e).backgroundColor])));
    expect(colours).toMatchObject({ pass: 'rgb(30, 107, 42)', fail: 'rgb(179, 38, 30)', needs_rectification: 'rgb(138, 75, 0)' });
    // Four photos, at least 160 px wide, the far one marked.
    const thumbs = await page.$$eval(`${session} .case-thumb`, (els) => els.map((e) => ({ id: (e as HTMLElement).dataset.evidenceId, width: (e.querySelector('img') as HTMLImageElement).getBoundingClientRect().width, note: e.querySelector('.thumb-note')?.textContent ?? '' })));
    expect(thumbs.map((x) => x.id)).toEqual([closed.photos.signboardNear, closed.photos.signboardFar, closed.photos.extinguishers, closed.photos.frame]);
    expect(Math.min(...thumbs.map((x) => x.width))).toBeGreaterThanOrEqual(160);
    expect(thumbs[1]!.note).toContain('超出距离要求');
    expect(thumbs[3]!.note).toContain('视频画面截图');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.case-thumb img')).every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0));
    // Export, re-inspection and the read-only view are in reach on a sealed session with a failure.
    expect(await checkState(page, 'case-page-sealed', ['.case-head .export', `${session} .reinspect`, `${session} .open-review`, `${session} .dv-outcome`])).toEqual(CLEAN);
  });

  it('opens the photos in a viewer: the stamped image full size, the record fields, previous and next, and Esc', async () => {
    const session = `.session[data-session-id="${closed.sessionId}"]`;
    await page.click(`${session} .case-thumb[data-evidence-id="${closed.photos.signboardNear}"]`);
    const dialog = await page.waitForSelector('dialog.photo-viewer[open]');
    expect(await dialog.getAttribute('aria-labelledby')).toBe('pv-title');
    await page.waitForSelector('.pv-record-body[data-loaded="true"]');
    await page.waitForFunction(() => {
      const img = document.querySelector('.pv-image') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.textContent('.pv-title')).toBe((await srv.server.walks.view(closed.sessionId)).points.find((p) => p.key === SIGNBOARD)!.title);
    expect(await page.textContent('.pv-count')).toBe('第 1 / 4 张');
    // The stamped copy, fitted to the screen, and the original one click away.
    expect(await page.getAttribute('.pv-image', 'src')).toBe(`/api/evidence/${closed.photos.signboardNear}/stamped`);
    expect(await page.getAttribute('.pv-original', 'href')).toBe(`/api/evidence/${closed.photos.signboardNear}`);
    const original = (await srv.server.store.evidence.get(closed.photos.signboardNear))!;
    const stamped = (await srv.server.store.evidence.listBySession(closed.sessionId)).find((e) => e.parentSha256 === original.sha256)!;
    const field = (cls: string) => page.textContent(`.pv-fields .${cls}`);
    expect(await field('pv-server-time')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await field('pv-fix')).toBe(`${NEAR.lat.toFixed(6)}, ${NEAR.lon.toFixed(6)} ± 5.0 m`);
    expect(await field('pv-distance')).toBe(`${Math.round(original.checked.distanceM!)} m`);
    expect(await field('pv-rule')).toBe('50 m 以内：符合距离要求');
    expect(await field('pv-source')).toBe('手机拍照（高清）');
    expect(await field('pv-captured-by')).toBe('申请人手机');
    expect(await field('pv-flags')).toBe('无');
    expect(await field('pv-original-hash')).toBe(original.sha256);
    expect(await field('pv-stamped-hash')).toBe(stamped.sha256);
    expect(await checkState(page, 'photo-viewer', ['.pv-image', '.pv-close', '.pv-prev', '.pv-next', '.pv-original', '.pv-actual', '.pv-fields .pv-rule', '.pv-fields .pv-stamped-hash'])).toEqual(CLEAN);

    // Next with the arrow key: the far photo, its verdict in words.
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector(`dialog.photo-viewer[data-evidence-id="${closed.photos.signboardFar}"] .pv-record-body[data-loaded="true"]`);
    expect(await page.textContent('.pv-count')).toBe('第 2 / 4 张');
    expect(await field('pv-rule')).toBe('50 m 以内：超出距离要求');
    expect(await page.textContent('.pv-chips')).toContain('超出距离要求');
    // The frame grab: captured by the inspector, no phone fix.
    await page.click('.pv-next');
    await page.click('.pv-next');
    await page.waitForSelector(`dialog.photo-viewer[data-evidence-id="${closed.photos.frame}"] .pv-record-body[data-loaded="true"]`);
    expect(await field('pv-source')).toBe('视频画面截图');
    expect(await field('pv-captured-by')).toContain('inspector');
    expect(await field('pv-fix')).toBe('无定位');
    // Previous wraps round to the start, and 1:1 shows the image at its own size.
    await page.keyboard.press('ArrowRight');
    expect(await page.textContent('.pv-count')).toBe('第 1 / 4 张');
    await page.click('.pv-prev');
    expect(await page.textContent('.pv-count')).toBe('第 4 / 4 张');
    await page.click('.pv-actual');
    expect(await page.getAttribute('.pv-stage', 'data-fit')).toBe('actual');
    expect(await page.$eval('.pv-image', (i) => Math.round(i.getBoundingClientRect().width) === (i as HTMLImageElement).naturalWidth)).toBe(true);
    // At 1:1 the image scrolls inside the viewer (so only axe here: the page itself does not overflow).
    await saveScreen(page, 'photo-viewer-actual-size');
    expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // Focus stays inside; Esc closes and gives focus back to the thumbnail.
    for (let i = 0; i < 12; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog.photo-viewer'))).toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.photo-viewer', { state: 'detached' });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.evidenceId)).toBe(closed.photos.signboardNear);
  });

  it('exports the case as a tar that `npm run verify` accepts, with the login cookie and nothing else', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.case-head .export')]);
    expect(download.suggestedFilename()).toBe(`${closed.caseNumber}-evidence.tar`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-export-'));
    try {
      const tar = path.join(tmp, 'case.tar');
      await download.saveAs(tar);
      const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/verify.ts', tar], { cwd: ROOT });
      expect(stdout).toMatch(/^OK: \d+ record\(s\)/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('opens the sealed session read-only with everything that was decided, not an empty checklist', async () => {
    // The old address of a session's console leads to the read-only view once the session is over.
    await page.goto(`/inspector#/session/${closed.sessionId}`);
    await page.waitForURL(`**/inspector#/review/${closed.sessionId}`);
    await page.waitForSelector('.review-checklist .point-result');
    const walk = await srv.server.walks.view(closed.sessionId);
    expect(await page.$$eval('.review-checklist .point-result', (els) => els.map((e) => (e as HTMLElement).dataset.key))).toEqual(walk.points.map((p) => p.key));
    expect(await page.textContent(`.review-checklist .point-result[data-key="${EXTINGUISHERS}"] .point-note`)).toContain(FAILED_NOTE);
    // Points the facts ruled out say so.
    expect(await page.textContent('.review-checklist .point-result.not-applying')).toContain('不适用');
    expect(await page.textContent('.review-decision .dv-outcome')).toContain('不通过');
    expect(await page.textContent('.review-decision .permit-results')).toContain('已签署');
    expect(await page.textContent('.review-facts')).toContain('30');
    expect(await page.$$('.review .results button, .review textarea, .review .ask-photo')).toHaveLength(0);
    expect(await checkState(page, 'review-sealed', ['.back-to-case', '.review-nav .reinspect', '.review-nav .export', '.review-decision .dv-outcome'])).toEqual(CLEAN);
    await page.click('.back-to-case');
    await page.waitForSelector(`.case-card[data-case-id="${closed.caseId}"]`);
  });

  it('starts a re-inspection from the case page, linked both ways, and offers it no more', async () => {
    const session = `.session[data-session-id="${closed.sessionId}"]`;
    await page.click(`${session} .reinspect`);
    await page.waitForSelector(`${session} .reinspected-by`);
    const childId = (await page.getAttribute(`${session} .reinspected-by`, 'data-session-id'))!;
    expect(await page.textContent(`${session} .reinspected-by`)).toBe('已发起复验 → 第 2 次勘验');
    const child = `.session[data-session-id="${childId}"]`;
    expect(await page.textContent(`${child} .reinspect-of`)).toBe('复验自 第 1 次勘验');
    expect(await page.getAttribute(`${child} .state-badge`, 'data-state')).toBe('scheduled');
    expect(await page.$(`${session} .reinspect`)).toBeNull();
    // Newest first, with its phone link ready to send.
    expect(await page.$$eval('.case-card .session', (els) => els.map((e) => (e as HTMLElement).dataset.sessionId))).toEqual([childId, closed.sessionId]);
    await page.waitForSelector(`${child} .join-url`);
    // Following the link moves to the original.
    await page.click(`${child} .reinspect-of`);
    await page.waitForFunction((id) => (document.activeElement as HTMLElement | null)?.dataset.sessionId === id, closed.sessionId);
    const { parentSessionId } = (await srv.server.walks.view(childId));
    expect(parentSessionId).toBe(closed.sessionId);
    expect(await checkState(page, 'case-page-reinspection', [`${session} .reinspected-by`])).toEqual(CLEAN);
  });

  it('in English: the list, the case page and the viewer carry no Chinese of their own', async () => {
    const en = await closedInspection(srv, cookie, 'Lucky Noodles', { text: 'No. 12 Test Hutong, Dongcheng, Beijing', lat: 39.92893, lon: 116.41642 });
    const p = await ctx.newPage();
    await p.goto(`/inspector?lang=en#/case/${en.caseId}`);
    await p.waitForSelector(`.case-card[data-case-id="${en.caseId}"] .point-result`);
    // Notes are what the inspector wrote (Chinese here); everything else is the page's or the template's English.
    const pageText = await p.evaluate(() => {
      const clone = document.querySelector('.cases')!.cloneNode(true) as HTMLElement;
      for (const el of Array.from(clone.querySelectorAll('.point-note, .new-case-card'))) el.remove();
      for (const el of Array.from(clone.querySelectorAll('.case-row'))) if (!/Lucky/.test(el.textContent ?? '')) el.remove();
      return clone.textContent ?? '';
    });
    expect(pageText.match(new RegExp(CJK.source, 'g')) ?? []).toEqual([]);
    expect(await p.textContent('.dv-outcome')).toContain('Fail');
    await p.click(`.case-thumb[data-evidence-id="${en.photos.signboardNear}"]`);
    await p.waitForSelector('.pv-record-body[data-loaded="true"]');
    expect(await p.textContent('.pv-fields .pv-rule')).toBe('within 50 m: within the distance rule');
    expect((await p.textContent('dialog.photo-viewer'))!.replace(/\d{4}-\d{2}-\d{2}/g, '')).not.toMatch(CJK);
    expect(await checkState(p, 'photo-viewer-en', ['.pv-close', '.pv-next'])).toEqual(CLEAN);
    await p.keyboard.press('Escape');
    await p.close();
  });
});
