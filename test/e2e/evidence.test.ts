import path from 'node:path';
import exifr from 'exifr';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { WalkView } from '../../server/protocol/walk';
import { desktopContext, launchChromium, phoneContext } from '../support/browser';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同9号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92902, longitude: 116.41642, accuracy: 5 }; // about 10 m away
const FAR = { latitude: 39.935, longitude: 116.41642, accuracy: 8 }; // about 675 m away
const POINT = 'common.signboard_address'; // photo within 50 m of the registered address

const walkOf = (p: Page) => p.evaluate(() => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk ?? null);

describe('full-resolution photo evidence in Chromium', () => {
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

  it('asks the phone for a photo, which arrives stamped with the set coordinates; the distance rule passes near and fails far', async () => {
    const cookie = await loginCookie(srv.url);
    const created = (await (
      await fetch(`${srv.url}/api/cases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', cookie },
        body: JSON.stringify({ businessName: '张记面馆', permitTypes: ['food_business'], address: REGISTERED }),
      })
    ).json()) as { caseRecord: { id: string }; session: { id: string }; joinUrl: string };
    const sessionId = created.session.id;
    const inspectorCtx = await desktopContext(browser, srv.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${sessionId}`);

    const shoot = async (geo: typeof NEAR, expected: 'pass' | 'fail') => {
      const ctx = await phoneContext(browser, srv.url, geo);
      const phone = await ctx.newPage();
      await phone.goto(created.joinUrl);
      await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
      await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
      await inspector.waitForFunction((lat) => document.querySelector('.position .latlon')?.textContent?.startsWith(lat.toFixed(6)), geo.latitude);
      await inspector.click(`.point-list li[data-key="${POINT}"] button`);
      await inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
      const before = (await walkOf(inspector))!.points.find((p) => p.key === POINT)!.photos.length;
      await inspector.click('.current-point .ask-photo');
      await inspector.waitForFunction(
        ([k, n]) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.length ?? 0) > (n as number),
        [POINT, before] as const,
        { timeout: 30_000 },
      );
      const photo = (await walkOf(inspector))!.points.find((p) => p.key === POINT)!.photos[before]!;
      expect(photo.distance).toBe(expected);
      // The stamped thumbnail appears in the console's strip for the point.
      await inspector.waitForSelector(`.current-point .thumb[data-evidence-id="${photo.id}"] img`);
      await inspector.waitForFunction((id) => {
        const img = document.querySelector(`.thumb[data-evidence-id="${id}"] img`) as HTMLImageElement | null;
        return !!img && img.complete && img.naturalWidth > 0;
      }, photo.id);
      await ctx.close();
      return photo.id;
    };

    const nearId = await shoot(NEAR, 'pass');
    // The original is the phone's own full-resolution still, not the forwarded video.
    const original = (await srv.server.store.evidence.get(nearId))!;
    expect(original.grade).toBe('original');
    const origMeta = await sharp(path.join(srv.dataDir, 'evidence', original.sha256.slice(0, 2), `${original.sha256}.${original.mediaType === 'image/png' ? 'png' : 'jpg'}`)).metadata();
    expect(origMeta.width! * origMeta.height!).toBeGreaterThanOrEqual(1920 * 1080);
    // The stamped copy carries the set coordinates in its EXIF.
    const stamped = Buffer.from(await (await fetch(`${srv.url}/api/evidence/${nearId}/stamped`, { headers: { cookie } })).arrayBuffer());
    const gps = await exifr.gps(stamped);
    expect(gps.latitude).toBeCloseTo(NEAR.latitude, 5);
    expect(gps.longitude).toBeCloseTo(NEAR.longitude, 5);
    expect(original.claimed).toMatchObject({ lat: NEAR.latitude, lon: NEAR.longitude, accuracyM: NEAR.accuracy });
    if (process.env.SCREENSHOT_DIR) {
      await sharp(stamped).resize(1200).png().toFile(`${process.env.SCREENSHOT_DIR}/stamped-e2e.png`);
      await inspector.screenshot({ path: `${process.env.SCREENSHOT_DIR}/evidence-console.png` });
    }

    await shoot(FAR, 'fail');
    await inspectorCtx.close();
  });

  it('keeps the photo and retries when the first upload is cut after the server took it: exactly one item', async () => {
    const cookie = await loginCookie(srv.url);
    const created = (await (
      await fetch(`${srv.url}/api/cases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', cookie },
        body: JSON.stringify({ businessName: '李记超市', permitTypes: ['food_business'], address: REGISTERED }),
      })
    ).json()) as { session: { id: string }; joinUrl: string };
    const sessionId = created.session.id;
    const inspectorCtx = await desktopContext(browser, srv.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${sessionId}`);
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    let attempts = 0;
    await phone.route('**/photos?**', async (route) => {
      attempts++;
      if (attempts === 1) {
        // The server receives and stores the photo, but the answer never reaches the phone.
        await route.fetch();
        await route.abort('connectionreset');
      } else {
        await route.continue();
      }
    });
    await phone.goto(created.joinUrl);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
    await inspector.click('.current-point .ask-photo');
    // The console shows the retry while the phone resends.
    await inspector.waitForSelector('.capture-state.state-retrying', { timeout: 15_000 });
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { photos(): number } }).__kanyan.photos() === 0, undefined, { timeout: 20_000 });
    expect(attempts).toBe(2);
    // The console no longer shows the photo as pending once the retry is confirmed.
    await inspector.waitForSelector('.capture-state', { state: 'detached', timeout: 10_000 });
    const items = await srv.server.store.evidence.listBySession(sessionId);
    expect(items.filter((i) => i.grade === 'original')).toHaveLength(1);
    expect(items.filter((i) => i.grade === 'stamped')).toHaveLength(1);
    const walk = (await walkOf(inspector))!;
    expect(walk.points.find((p) => p.key === POINT)!.photos).toHaveLength(1);
    await ctx.close();
    await inspectorCtx.close();
  });

  it('keeps a photo that could not be sent across a reload of the phone page, and sends it after', async () => {
    const cookie = await loginCookie(srv.url);
    const created = (await (
      await fetch(`${srv.url}/api/cases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', cookie },
        body: JSON.stringify({ businessName: '赵记药房', permitTypes: ['food_business'], address: REGISTERED }),
      })
    ).json()) as { session: { id: string }; joinUrl: string };
    const inspectorCtx = await desktopContext(browser, srv.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${created.session.id}`);
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    await phone.route('**/photos?**', (route) => route.abort('internetdisconnected'));
    await phone.goto(created.joinUrl);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { state: string } }).__kanyan.state === 'live', undefined, { timeout: 20_000 });
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live');
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.click('.current-point .ask-photo');
    await inspector.waitForSelector('.capture-state.state-retrying', { timeout: 15_000 });
    // The phone page is reloaded while the photo is still waiting; uploads work again afterwards.
    await phone.unroute('**/photos?**');
    await phone.reload();
    await inspector.waitForFunction(
      (k) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.length ?? 0) === 1,
      POINT,
      { timeout: 30_000 },
    );
    const items = await srv.server.store.evidence.listBySession(created.session.id);
    expect(items.filter((i) => i.grade === 'original')).toHaveLength(1);
    await ctx.close();
    await inspectorCtx.close();
  });
});
