import { desktopContext } from '../support/browser';
import { chromiumOffice } from '../support/chromiumOffice';
import type { Page } from 'playwright-core';
import { checkState } from '../support/screens';
import { INSPECTOR } from '../support/testServer';

// The admin page's evidence key rotation as an admin meets it: a confirm, then a toast naming the
// retired and the new key of each algorithm, in both languages; cancelling changes nothing.

const CARD_CLEAN = { violations: [], outside: [], cardOverflow: false };

/**
 * checkState for this card: screenshot, axe and the button in view. Sideways overflow is judged for
 * the card alone: the accounts table above it is wider than a phone (the admin page is a desk tool).
 */
async function cardState(page: Page, name: string): Promise<typeof CARD_CLEAN> {
  const { violations, outside } = await checkState(page, name, ['button.rotate-evidence-keys']);
  const cardOverflow = await page.locator('.evidence-keys-card').evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > document.documentElement.clientWidth + 1);
  return { violations: violations as never[], outside: outside as never[], cardOverflow };
}

describe('evidence key rotation on the admin page', () => {
  const office = chromiumOffice({ RECORDING: 'false', EVIDENCE_SIGNATURE: 'both' });
  const activeKeys = async () => (await (await fetch(`${office.srv.url}/.well-known/kanyan-evidence-keys.json`)).json()) as { active: string; activeSm2: string };

  it('asks first, rotates both keys, and says which, in zh-CN and English, at desktop and phone widths', async () => {
    const { srv } = office;
    for (const [lang, viewport] of [['zh-CN', { width: 1366, height: 768 }], ['en', { width: 360, height: 740 }]] as const) {
      const ctx = await desktopContext(office.browser, srv.url);
      office.contexts.push(ctx);
      const page = await ctx.newPage();
      await page.setViewportSize(viewport);
      await page.goto(`/admin?lang=${lang}`);
      await page.fill('form.login input[name=username]', INSPECTOR.username);
      await page.fill('form.login input[name=password]', INSPECTOR.password);
      await page.click('form.login button[type=submit]');
      const button = page.locator('button.rotate-evidence-keys');
      await button.waitFor();
      await button.scrollIntoViewIfNeeded();
      expect(await cardState(page, `admin-evidence-keys-${lang}`)).toEqual(CARD_CLEAN);

      const before = await activeKeys();
      page.once('dialog', (d) => void d.dismiss());
      await button.click();
      expect(await activeKeys()).toEqual(before);

      page.once('dialog', (d) => void d.accept());
      await button.click();
      const toast = page.locator('#toasts .toast').last();
      await toast.waitFor();
      const after = await activeKeys();
      expect(after.active).not.toBe(before.active);
      expect(after.activeSm2).not.toBe(before.activeSm2);
      const said = await toast.innerText();
      expect(said).toContain(lang === 'en' ? 'Signing keys rotated' : '已轮换签名密钥');
      expect(said).toContain(`Ed25519${lang === 'en' ? ':' : '：'} ${before.active} → ${after.active}`.replace('： ', '：'));
      expect(said).toContain(`${before.activeSm2} → ${after.activeSm2}`);
      expect(await page.locator('.evidence-keys-result').innerText()).toContain(after.active);
      expect(await cardState(page, `admin-evidence-keys-rotated-${lang}`)).toEqual(CARD_CLEAN);
    }
  });
});
