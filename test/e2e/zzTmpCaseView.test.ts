import type { Browser } from 'playwright-core';
import { desktopContext, launchChromium } from '../support/browser';
import { closedInspection } from '../support/closedInspection';
import { apiCall } from '../support/office';
import { saveScreen } from '../support/screens';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// Scratch: screenshots of case-view states for a person to look at (deleted before hand-over).
describe('preview', () => {
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
  it('shots', async () => {
    const cookie = await loginCookie(srv.url);
    const closed = await closedInspection(srv, cookie, '老张小吃店');
    for (let i = 0; i < 14; i++) await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: `测试商户${i}号店`, permitTypes: ['food_business'], address: { text: `北京市西城区河畔路${i}号`, lat: 39.91, lon: 116.36 } });
    const other = (await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: '河畔便利店', permitTypes: ['food_business', 'public_hygiene'], address: { text: '北京市西城区河畔路3号', lat: 39.91, lon: 116.36 } })).caseRecord.id;
    const ctx = await desktopContext(browser, srv.url);
    const page = await ctx.newPage();
    await page.goto('/inspector#/cases');
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('.case-row');
    await page.waitForTimeout(300);
    await saveScreen(page, 'zz-list-many');
    await page.click(`.case-row[data-case-id="${other}"]`);
    await page.waitForSelector(`.case-card[data-case-id="${other}"] .session`);
    await page.waitForTimeout(300);
    await saveScreen(page, 'zz-case-scheduled');
    await page.click(`.case-row[data-case-id="${closed.caseId}"]`);
    await page.waitForSelector(`.case-card[data-case-id="${closed.caseId}"] .session`);
    await page.evaluate(() => window.scrollTo(0, 600));
    await page.waitForTimeout(500);
    await saveScreen(page, 'zz-case-results');
    await page.goto(`/inspector?lang=en#/review/${closed.sessionId}`);
    await page.waitForSelector('.review-checklist .point-result');
    await page.waitForTimeout(500);
    await saveScreen(page, 'zz-review-en');
    await page.goto(`/inspector?lang=en#/case/${closed.caseId}`);
    await page.waitForSelector('.case-card .session');
    await page.waitForTimeout(500);
    await saveScreen(page, 'zz-case-en');
  });
});
