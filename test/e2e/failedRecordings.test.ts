import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { desktopContext } from '../support/browser';
import { chromiumOffice } from '../support/chromiumOffice';
import { checkState, CLEAN } from '../support/screens';
import { createCase, INSPECTOR, loginCookie } from '../support/testServer';
import { newId } from '../../server/platform/ids';

// The admin page's list of recordings post-processing gave up on, and its retry button, as an
// admin meets them: a damaged segment shows with the reason in the page's language, and 重试 /
// Retry queues it again (it fails again here, nothing was fixed, and its attempts go up).

describe('failed recordings on the admin page', () => {
  const office = chromiumOffice({ RECORDING: 'false' });

  it('lists a damaged segment with its reason and retries it, in both languages', async () => {
    const { srv } = office;
    const c = await createCase(srv.url, await loginCookie(srv.url));
    const file = `${c.caseId}/${c.sessionId}/1-phone.mkv`;
    fs.mkdirSync(path.dirname(path.join(srv.config.recordingsDir, file)), { recursive: true });
    fs.writeFileSync(path.join(srv.config.recordingsDir, file), crypto.randomBytes(32 * 1024));
    const now = Date.now();
    const seg = await srv.server.store.segments.insert({
      id: newId(), sessionId: c.sessionId, caseId: c.caseId, track: 'phone', peer: 'applicant', file,
      startedAt: now - 60_000, firstMediaAt: now - 59_500, endedAt: now, startCause: 'call_started', endCause: 'call_ended', state: 'closed', attempts: 0,
    });
    await srv.server.recordingPipeline.segmentClosed(seg.id);
    for (let i = 0; i < 100 && (await srv.server.store.segments.get(seg.id))!.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));

    const ctx = await desktopContext(office.browser, srv.url);
    office.contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto('/admin?lang=zh-CN');
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    const row = page.locator(`tr.failed-recording[data-segment-id="${seg.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/录像文件无法读取[\s\S]*\b1\b/);
    const detail = page.locator(`tr.failure-detail[data-segment-id="${seg.id}"]`);
    expect(await detail.innerText()).toMatch(/ffprobe: .*Invalid data found/);
    // The tool's words name the file as the office files it, not by this machine's folders.
    expect(await detail.innerText()).not.toContain(srv.config.recordingsDir);
    await row.scrollIntoViewIfNeeded();
    expect(await checkState(page, 'admin-failed-recordings-zh', [`tr.failed-recording[data-segment-id="${seg.id}"] button.retry-recording`])).toEqual(CLEAN);

    await row.locator('button.retry-recording').click();
    expect(await page.locator('#toasts .toast').last().innerText()).toMatch(/已重新排队处理录像段 1/);
    // Nothing was replaced: it fails again, and the list shows the second attempt.
    const failedAgain = async () => {
      const s = (await srv.server.store.segments.get(seg.id))!;
      return s.state === 'failed' && s.attempts === 2;
    };
    for (let i = 0; i < 100 && !(await failedAgain()); i++) await new Promise((r) => setTimeout(r, 100));
    await page.reload();
    await row.waitFor();
    expect(await row.locator('td').nth(3).innerText()).toBe('2');

    await page.goto('/admin?lang=en');
    await row.waitFor();
    expect(await row.innerText()).toMatch(/phone video and sound[\s\S]*cannot be read/);
    await row.scrollIntoViewIfNeeded();
    expect(await checkState(page, 'admin-failed-recordings-en', [`tr.failed-recording[data-segment-id="${seg.id}"] button.retry-recording`])).toEqual(CLEAN);
    expect(fs.existsSync(path.join(srv.config.recordingsDir, file))).toBe(true);
  });
});
