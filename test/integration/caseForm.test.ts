import { fromWgs84 } from '../../server/geo/datum';
import { distanceMetres } from '../../server/geo/distance';
import { testJpeg } from '../support/images';
import { uploadPhoto } from '../support/photoUpload';
import { postJson } from '../support/staff';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

/** Where the shop really is, as a phone's GPS reports it (WGS-84). */
const SHOP = { lat: 39.92893, lon: 116.41642 };
const SIGNBOARD = 'common.signboard_address'; // food template: photo within 50 m

describe('the new-case form over HTTP: coordinates checked, converted to WGS-84, the original kept', () => {
  let srv: RunningServer;
  let cookie: string;
  beforeAll(async () => {
    srv = await startTestServer();
    cookie = await loginCookie(srv.url);
  });
  afterAll(() => srv.stop());

  const createWith = (address: Record<string, unknown>, lang?: 'en') =>
    fetch(`${srv.url}/api/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', cookie, ...(lang ? { 'X-Kanyan-Lang': lang } : {}) },
      body: JSON.stringify({ businessName: '坐标测试店', permitTypes: ['food_business'], address: { text: '北京市东城区测试胡同3号', ...address } }),
    });
  const refusal = async (address: Record<string, unknown>, lang?: 'en') => {
    const res = await createWith(address, lang);
    expect(res.status).toBe(400);
    return ((await res.json()) as { error: { message: string } }).error.message;
  };

  it('refuses 0,0, swapped, DMS, out-of-range and foreign points with the specific message, in the page’s language', async () => {
    expect(await refusal({ system: 'gcj02', lat: '0', lon: '0' })).toBe('输入有误：坐标为 0,0，应为登记地址的实际坐标');
    expect(await refusal({ system: 'gcj02', lat: '116.4', lon: '39.9' })).toContain('纬度和经度可能填反了');
    expect(await refusal({ system: 'wgs84', lat: `39°55'44"N`, lon: '116.41642' })).toBe(`输入有误：纬度“39°55'44"N”是度分秒格式，请填写十进制度数：39.928889`);
    expect(await refusal({ system: 'wgs84', lat: '395544', lon: '116.41642' }, 'en')).toBe('Invalid input: Latitude “395544” is in degrees, minutes and seconds; enter decimal degrees: 39.928889');
    expect(await refusal({ system: 'bd09', lat: '39.9', lon: '190' }, 'en')).toBe('Invalid input: Longitude must be between -180 and 180 (it is 190)');
    expect(await refusal({ system: 'wgs84', lat: '48.8566', lon: '2.3522' })).toContain('不在中国境内');
    // Nothing was created by any of these.
    expect((await srv.server.cases.list()).filter((c) => c.businessName === '坐标测试店')).toEqual([]);
  });

  it('stores a BD-09 point from Baidu as WGS-84 with the typed text kept, and the distance rule then passes at the shop', async () => {
    const bd = fromWgs84('bd09', SHOP);
    const typed = { lat: bd.lat.toFixed(6), lon: bd.lon.toFixed(6) };
    const res = await createWith({ system: 'bd09', ...typed });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { caseRecord: { id: string }; session: { id: string }; joinUrl: string };

    const detail = (await (await fetch(`${srv.url}/api/cases/${created.caseRecord.id}`, { headers: { cookie } })).json()) as { caseRecord: { address: { lat: number; lon: number; system: string; original: { lat: number; lon: number } } } };
    const stored = detail.caseRecord.address;
    expect(stored.system).toBe('bd09');
    expect(stored.original).toEqual({ lat: Number(typed.lat), lon: Number(typed.lon) });
    expect(distanceMetres(stored, SHOP)).toBeLessThan(0.5);
    // The offset the clerk would otherwise have carried into the case: far beyond the 50 m rule.
    expect(distanceMetres(stored.original, SHOP)).toBeGreaterThan(500);
    // What the store gives back after a restart is the same.
    expect((await srv.server.store.cases.get(created.caseRecord.id))!.address).toEqual({ text: '北京市东城区测试胡同3号', ...stored });

    // A photo taken at the shop (the phone reports WGS-84) is within 50 m; one at the unconverted point is not.
    const session = { sessionId: created.session.id, token: created.joinUrl.split('/j/')[1]! };
    const photo = await testJpeg();
    const atShop = await uploadPhoto(srv, session, SIGNBOARD, photo, { lat: SHOP.lat + 0.00005, lon: SHOP.lon, accuracy: 5 });
    expect(atShop.status).toBe(201);
    expect((await srv.server.store.evidence.get(atShop.body.evidenceId!))!.checked).toMatchObject({ distance: 'pass', limitM: 50 });
    const atRawNumbers = await uploadPhoto(srv, session, SIGNBOARD, photo, { lat: Number(typed.lat), lon: Number(typed.lon), accuracy: 5 });
    expect((await srv.server.store.evidence.get(atRawNumbers.body.evidenceId!))!.checked.distance).toBe('fail');
  });

  it('keeps accepting numbers without a source from API clients, as WGS-84', async () => {
    const res = await postJson(`${srv.url}/api/cases`, cookie, { businessName: '接口客户端店', permitTypes: ['food_business'], address: { text: '地址', lat: SHOP.lat, lon: SHOP.lon } });
    expect(res.status).toBe(201);
    const { caseRecord } = (await res.json()) as { caseRecord: { address: unknown } };
    expect(caseRecord.address).toEqual({ text: '地址', lat: SHOP.lat, lon: SHOP.lon, system: 'wgs84', original: SHOP });
  });
});
