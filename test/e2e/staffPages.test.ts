import { chromiumOffice } from '../support/chromiumOffice';
import type { Page } from 'playwright-core';
import { desktopContext } from '../support/browser';
import { checkState, CLEAN } from '../support/screens';
import { INSPECTOR } from '../support/testServer';

const CJK = /[\u3400-\u9fff]/;

/** The page's visible text, less the language switch (it names each language in itself, marked with lang). */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    let visible = document.body.innerText;
    for (const el of Array.from(document.body.querySelectorAll('[lang]'))) {
      if (!el.getAttribute('lang')!.startsWith('en')) visible = visible.replace((el as HTMLElement).innerText, '');
    }
    return `${document.title}\n${visible}`;
  });
}

/** The text colour and the background actually behind an element (the nearest ancestor with one). */
async function colours(page: Page, selector: string): Promise<{ fg: string; bg: string }> {
  return page.$eval(selector, (el) => {
    let bg = 'rgba(0, 0, 0, 0)';
    for (let n: Element | null = el; n && bg === 'rgba(0, 0, 0, 0)'; n = n.parentElement) bg = getComputedStyle(n).backgroundColor;
    return { fg: getComputedStyle(el).color, bg };
  });
}

describe('staff pages as a person meets them: log-in, its errors, the admin page, in both languages', () => {
  const office = chromiumOffice();
  const desktop = async () => {
    const ctx = await desktopContext(office.browser, office.srv.url);
    office.contexts.push(ctx);
    return ctx.newPage();
  };

  it('a wrong password is said in a toast people can read, and the form stays in view', async () => {
    const page = await desktop();
    await page.goto('/inspector');
    await page.waitForSelector('form.login');
    expect(await checkState(page, 'staff-login-zh', ['form.login input[name=username]', 'form.login button[type=submit]'])).toEqual(CLEAN);

    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', 'not-the-password');
    await page.click('form.login button[type=submit]');
    const toast = await page.waitForSelector('#toasts .toast.error');
    expect(await toast.textContent()).toMatch(/用户名或密码/);
    // The release that shipped red text on a red bar had all tests green: check the colours apart.
    const c = await colours(page, '#toasts .toast.error');
    expect(c.fg).not.toBe(c.bg);
    expect(await checkState(page, 'staff-login-wrong-password-zh', ['#toasts .toast.error', 'form.login button[type=submit]'])).toEqual(CLEAN);
  });

  it('in English the log-in page, its error and the admin page carry no Chinese', async () => {
    const page = await desktop();
    await page.goto('/inspector?lang=en');
    await page.waitForSelector('form.login');
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', 'not-the-password');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('#toasts .toast.error');
    expect(await page.textContent('#toasts')).not.toMatch(CJK);
    expect(await pageText(page)).not.toMatch(CJK);
    expect(await checkState(page, 'staff-login-wrong-password-en', ['#toasts .toast.error', 'form.login button[type=submit]'])).toEqual(CLEAN);

    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('.cases');
    expect(await pageText(page)).not.toMatch(CJK);
    expect(await checkState(page, 'staff-cases-en')).toEqual(CLEAN);

    await page.goto('/admin?lang=en');
    await page.waitForSelector('form.new-account');
    expect(await pageText(page)).not.toMatch(CJK);
    // A form error from the server, in English and naming the field by its label.
    await page.fill('form.new-account input[name=username]', 'x');
    await page.fill('form.new-account input[name=displayName]', 'New colleague');
    await page.fill('form.new-account input[name=password]', 'short');
    await page.check('form.new-account input[name=role][value=inspector]');
    await page.click('form.new-account button[type=submit]');
    const toast = await page.waitForSelector('#toasts .toast.error');
    const message = (await toast.textContent()) ?? '';
    expect(message).not.toMatch(CJK);
    expect(message).not.toMatch(/\b(username|displayName|password)\s*:/);
    expect(await checkState(page, 'staff-admin-error-en', ['#toasts .toast.error', 'form.new-account button[type=submit]'])).toEqual(CLEAN);
  });

  it('the admin page in Chinese passes the same checks', async () => {
    const page = await desktop();
    await page.goto('/admin?lang=zh-CN');
    await page.waitForSelector('form.login');
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('form.new-account');
    expect(await checkState(page, 'staff-admin-zh', ['form.new-account button[type=submit]'])).toEqual(CLEAN);
  });
});
