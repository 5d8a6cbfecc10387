import { chromiumOffice } from '../support/chromiumOffice';
import type { Page } from 'playwright-core';
import { fromWgs84, toWgs84 } from '../../server/geo/datum';
import { distanceMetres } from '../../server/geo/distance';
import { desktopContext } from '../support/browser';
import { checkState, CLEAN } from '../support/screens';
import { INSPECTOR, loginCookie } from '../support/testServer';

/** The shop as a phone's GPS sees it (WGS-84), and the same place as 高德 shows and copies it (GCJ-02, "lon,lat"). */
const SHOP = { lat: 39.92893, lon: 116.41642 };
const AMAP = fromWgs84('gcj02', SHOP);
const AMAP_COPIED = `${AMAP.lon.toFixed(6)},${AMAP.lat.toFixed(6)}`;
const CJK = /[\u3400-\u9fff]/;

type StoredAddress = { text: string; lat: number; lon: number; system: string; original: { lat: number; lon: number } };

describe('the new-case form: coordinates from a map app, previewed, converted and kept, in Chromium at 1366x768', () => {
  const office = chromiumOffice();

  async function openConsole(lang: '' | '?lang=en'): Promise<Page> {
    const ctx = await desktopContext(office.browser, office.srv.url);
    office.contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`/inspector${lang}`);
    await page.fill('form.login input[name=username]', INSPECTOR.username);
    await page.fill('form.login input[name=password]', INSPECTOR.password);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('form.new-case');
    return page;
  }

  /** What a clerk sees while working on the coordinates: the fields, the preview and the button, together. */
  const COORDINATES_IN_VIEW = ['form.new-case input[name=lat]', 'form.new-case .geo-preview', 'form.new-case button[type=submit]'];
  const showCoordinates = (page: Page) => page.$eval('form.new-case .geo-source', (el) => el.scrollIntoView({ block: 'start' }));

  async function fillBusiness(page: Page, name: string): Promise<void> {
    await page.fill('form.new-case input[name=businessName]', name);
    await page.check('form.new-case input[name=permit][value=food_business]');
    await page.fill('form.new-case input[name=address]', '北京市东城区测试胡同6号');
  }

  it('refuses DMS with a readable toast naming the decimal value, offers it, and creates the case from a pasted 高德 point', async () => {
    const page = await openConsole('');
    await fillBusiness(page, '坐标小吃店');
    await page.check('form.new-case input[name=coordSystem][value=gcj02]');
    expect(await page.textContent('form.new-case .geo-hint')).toContain('高德或腾讯地图');

    // Degrees-minutes-seconds typed by hand: the preview says so at once, and so does the server on submit.
    await page.fill('form.new-case input[name=lat]', `39°55'44"`);
    await page.fill('form.new-case input[name=lon]', '116.422650');
    await page.waitForSelector('.geo-preview[data-state="problem"]');
    expect(await page.textContent('.geo-preview')).toContain(`纬度“39°55'44"”是度分秒格式，请填写十进制度数：39.928889`);
    await showCoordinates(page);
    await page.click('form.new-case button[type=submit]');
    const toast = await page.waitForSelector('#toasts .toast.error');
    expect(await toast.textContent()).toBe(`输入有误：纬度“39°55'44"”是度分秒格式，请填写十进制度数：39.928889`);
    expect(await checkState(page, 'case-form-dms-error-toast-zh', [...COORDINATES_IN_VIEW, '#toasts .toast.error'])).toEqual(CLEAN);
    // The one-click fix puts the decimal value in the field.
    await page.click('.geo-preview button.geo-fix');
    expect(await page.inputValue('form.new-case input[name=lat]')).toBe('39.928889');
    await page.waitForSelector('.geo-preview[data-state="ok"]');

    // 高德 copies "longitude,latitude": pasted whole into the latitude field, it is split into both.
    await page.fill('form.new-case input[name=lon]', '');
    await page.fill('form.new-case input[name=lat]', AMAP_COPIED);
    await page.waitForSelector('.geo-preview[data-state="ok"]');
    expect(await page.inputValue('form.new-case input[name=lat]')).toBe(String(Number(AMAP.lat.toFixed(6))));
    expect(await page.inputValue('form.new-case input[name=lon]')).toBe(String(Number(AMAP.lon.toFixed(6))));
    const expected = toWgs84('gcj02', { lat: Number(AMAP.lat.toFixed(6)), lon: Number(AMAP.lon.toFixed(6)) });
    const preview = (await page.textContent('.geo-preview'))!;
    expect(preview).toContain(`WGS-84：${expected.lat.toFixed(6)}, ${expected.lon.toFixed(6)}`);
    expect(preview).toMatch(/（偏移 [3-8]\d\d m）/);
    // The plot shows the stored point at the centre and where the typed numbers would be if taken as GPS.
    expect(await page.getAttribute('.geo-preview svg[role=img]', 'aria-label')).toMatch(/^若不换算距登记地址 [3-8]\d\d m$/);
    await showCoordinates(page);
    expect(await checkState(page, 'case-form-gcj02-preview-zh', COORDINATES_IN_VIEW)).toEqual(CLEAN);

    await page.click('form.new-case button[type=submit]');
    await page.waitForSelector('.case-card');
    const caseId = (await page.getAttribute('.case-card', 'data-case-id'))!;
    const cookie = await loginCookie(office.srv.url);
    const { caseRecord } = (await (await fetch(`${office.srv.url}/api/cases/${caseId}`, { headers: { cookie } })).json()) as { caseRecord: { businessName: string; address: StoredAddress } };
    expect(caseRecord.businessName).toBe('坐标小吃店');
    expect(caseRecord.address.system).toBe('gcj02');
    expect(caseRecord.address.original).toEqual({ lat: Number(AMAP.lat.toFixed(6)), lon: Number(AMAP.lon.toFixed(6)) });
    expect(distanceMetres(caseRecord.address, SHOP)).toBeLessThan(1);
    // The form is empty again, ready for the next case.
    expect(await page.getAttribute('.geo-preview', 'data-state')).toBe('empty');
  });

  it('in English: labels, hints, the preview of a swapped point and the server’s refusal carry no Chinese', async () => {
    const page = await openConsole('?lang=en');
    await page.fill('form.new-case input[name=businessName]', 'Swapped Noodles');
    await page.check('form.new-case input[name=permit][value=food_business]');
    await page.fill('form.new-case input[name=address]', 'No. 7 Test Hutong, Dongcheng, Beijing');
    await page.check('form.new-case input[name=coordSystem][value=bd09]');
    await page.fill('form.new-case input[name=lat]', '116.4');
    await page.fill('form.new-case input[name=lon]', '39.9');
    await page.waitForSelector('.geo-preview[data-state="problem"]');
    expect(await page.textContent('.geo-preview')).toContain('Latitude and longitude may be swapped');
    await showCoordinates(page);
    await page.click('form.new-case button[type=submit]');
    const toast = await page.waitForSelector('#toasts .toast.error');
    expect(await toast.textContent()).toContain('Latitude and longitude may be swapped');
    expect(await page.evaluate(() => document.querySelector('form.new-case')!.textContent + document.getElementById('toasts')!.textContent)).not.toMatch(CJK);
    expect(await checkState(page, 'case-form-swapped-error-toast-en', [...COORDINATES_IN_VIEW, '#toasts .toast.error'])).toEqual(CLEAN);

    await page.click('.geo-preview button.geo-fix');
    await page.waitForSelector('.geo-preview[data-state="ok"]');
    expect(await page.textContent('.geo-preview')).toMatch(/WGS-84: 39\.89\d{4}, 116\.38\d{4} \(offset 1\.\d km\)/);
    expect(await page.evaluate(() => document.querySelector('form.new-case')!.textContent)).not.toMatch(CJK);
    await showCoordinates(page);
    expect(await checkState(page, 'case-form-bd09-preview-en', COORDINATES_IN_VIEW)).toEqual(CLEAN);
  });
});
