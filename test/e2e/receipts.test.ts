import type { Browser, BrowserContext } from 'playwright-core';
import { bothLive, desktopContext, launchChromium, phoneContext } from '../support/browser';
import { openPoint, waitForPhotos } from '../support/inspectionPages';
import { CLEAN, checkState } from '../support/screens';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// Phone receipts and challenge photos in the real pages (issue 12), at 360×740 on the phone and
// 1366×768 on the console: the code shown on both sides, "照片已送达 · 回执号" after the photo, and
// the end screen's list of receipts with the file to save them.

const ADDRESS = { text: '北京市东城区测试胡同8号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92898, longitude: 116.41642, accuracy: 8 };
const PHARMACIST = 'pharmacy_retail.licensed_pharmacist';

describe('phone receipts and challenge photos in the pages', () => {
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

  it('challenge prompt on phone and code on console; the photo’s receipt number; the end screen lists and saves the receipts', async () => {
    const cookie = await loginCookie(srv.url);
    const res = await fetch(`${srv.url}/api/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie }, body: JSON.stringify({ businessName: '仁心大药房', permitTypes: ['pharmacy_retail'], address: ADDRESS }) });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { session: { id: string }; joinUrl: string };
    const desk = await desktopContext(browser, srv.url);
    contexts.push(desk);
    const [name, value] = cookie.split('=');
    await desk.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await desk.newPage();
    await inspector.goto(`/inspector#/session/${created.session.id}`);
    const phoneCtx = await phoneContext(browser, srv.url, NEAR);
    contexts.push(phoneCtx);
    const phone = await phoneCtx.newPage();
    await phone.goto(created.joinUrl);
    await bothLive(phone, inspector);

    // The inspector asks for the pharmacist's photo: a fresh code on the console, the same on the phone, and no photo yet.
    await openPoint(inspector, PHARMACIST);
    await inspector.click('.current-point .ask-photo');
    const code = await (await inspector.waitForSelector('.current-point .challenge-line')).getAttribute('data-code');
    expect(code).toMatch(/^[34679ACDEFGHJKMNPQRTUVWXY]{6}$/);
    expect(await inspector.textContent('.current-point .challenge-line')).toContain(`校验码 ${code}`);
    await phone.waitForSelector('.challenge', { state: 'visible' });
    expect(await phone.textContent('.challenge-text')).toBe(`请在纸上写下 ${code}，拍照时让它清楚出现在画面中`);
    expect(await checkState(phone, 'phone-challenge', ['.challenge .challenge-code', '.challenge-shoot', '.controls .hang-up'])).toEqual(CLEAN);
    expect(await checkState(inspector, 'console-challenge', ['.current-point .challenge-line'])).toEqual(CLEAN);
    const before = await srv.server.store.evidence.listBySession(created.session.id);
    expect(before).toEqual([]);

    // Written: the applicant takes it; "照片已送达 · 回执号 …" with the number the server signed.
    await phone.click('.challenge-shoot');
    await phone.waitForSelector('.delivered .receipt-no', { state: 'visible', timeout: 30_000 });
    const number = (await phone.textContent('.delivered .receipt-no'))!;
    expect(number).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    expect((await phone.textContent('.delivered-line'))!.replace(/\s+/g, ' ')).toBe(`照片已送达 · 回执号 ${number}`);
    expect(await phone.isHidden('.challenge')).toBe(true);
    expect(await checkState(phone, 'phone-receipt-delivered', ['.delivered', '.controls .hang-up'])).toEqual(CLEAN);
    // The console shows the code next to the photo that arrived.
    await waitForPhotos(inspector, PHARMACIST, 1);
    expect(await checkState(inspector, 'console-challenge-photo', ['.current-point .challenge-line', '.current-point .thumb'])).toEqual(CLEAN);
    // The receipt is kept in the browser and checks as genuine.
    const kept = await phone.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('kanyan-receipts:')).map(([, v]) => JSON.parse(v)));
    expect(kept).toHaveLength(1);
    const signed = kept[0][0].signed;
    expect(signed.number).toBe(number);
    const verdict = await (await fetch(`${srv.url}/api/receipts/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(signed) })).json();
    expect(verdict).toMatchObject({ genuine: true, record: 'present' });

    // Hang up: the end screen lists "您的照片回执" with the point, the time and the number, and saves them as a file.
    await phone.click('.controls .hang-up');
    await phone.click('.controls .hang-up-confirm');
    await phone.waitForSelector('.ended .receipts', { state: 'visible', timeout: 20_000 });
    expect(await phone.textContent('.ended .receipts h3')).toBe('您的照片回执');
    expect(await phone.textContent('.ended .receipt-point')).toBe('执业药师在岗');
    expect(await phone.textContent('.ended .receipt .receipt-no')).toBe(number);
    expect(await phone.textContent('.ended .receipt-time')).toBe(`${signed.receipt.serverTimeText.slice(0, 10)} ${signed.receipt.serverTimeText.slice(11, 16)}`);
    expect(await checkState(phone, 'phone-end-receipts', ['.ended h2'])).toEqual(CLEAN);
    const [download] = await Promise.all([phone.waitForEvent('download'), phone.click('.ended .save-receipts')]);
    const file = JSON.parse(await streamText(await download.createReadStream()));
    expect(download.suggestedFilename()).toMatch(/-receipts\.json$/);
    expect(file.receipts).toEqual([signed]);
  });
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
