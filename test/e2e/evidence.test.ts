import path from 'node:path';
import exifr from 'exifr';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { WalkView } from '../../server/protocol/walk';
import { bothLive, launchChromium, phoneContext } from '../support/browser';
import { testJpeg } from '../support/images';
import { openCaseInConsole } from '../support/inspectionPages';
import { startTestServer, type RunningServer } from '../support/testServer';

const REGISTERED = { text: '北京市东城区测试胡同9号', lat: 39.92893, lon: 116.41642 };
const NEAR = { latitude: 39.92902, longitude: 116.41642, accuracy: 5 }; // about 10 m away
const FAR = { latitude: 39.935, longitude: 116.41642, accuracy: 8 }; // about 675 m away
const POINT = 'common.signboard_address'; // photo within 50 m of the registered address

const walkOf = (p: Page) => p.evaluate(() => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk ?? null);

/** A new food-business case at REGISTERED, with the inspector console open on its session. */
const openCase = (srv: RunningServer, browser: Browser, businessName: string) => openCaseInConsole(srv, browser, businessName, REGISTERED);

const photosOf = (walk: WalkView | null, key: string) => walk?.points.find((p) => p.key === key)?.photos ?? [];

describe('full-resolution photo evidence in Chromium', () => {
  let srv: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    srv = await startTestServer({ GALLERY_UPLOADS: 'true' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it('asks the phone for a photo, which arrives stamped with the set coordinates; the distance rule passes near and fails far', async () => {
    const { joinUrl, cookie, inspector, close } = await openCase(srv, browser, '张记面馆');

    const shoot = async (geo: typeof NEAR, expected: 'pass' | 'fail') => {
      const ctx = await phoneContext(browser, srv.url, geo);
      const phone = await ctx.newPage();
      await phone.goto(joinUrl);
      await bothLive(phone, inspector);
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
    await close();
  });

  it('asks the phone for a photo by itself when a result is recorded on a point whose photo rule is unmet', async () => {
    const { joinUrl, inspector, close } = await openCase(srv, browser, '孙记早餐');
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
    await inspector.click('.current-point button[data-result="pass"]');
    await inspector.waitForFunction(
      (k) => {
        const p = (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((x) => x.key === k);
        return p?.result === 'pass' && p.photos.length === 1 && !p.evidenceGap;
      },
      POINT,
      { timeout: 30_000 },
    );
    // A second result on the now-satisfied point asks for nothing more.
    await inspector.click('.current-point button[data-result="needs_rectification"]');
    await inspector.waitForFunction((k) => (window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((x) => x.key === k)?.result === 'needs_rectification', POINT);
    await phone.waitForTimeout(1500);
    expect(photosOf(await walkOf(inspector), POINT)).toHaveLength(1);
    await ctx.close();
    await close();
  });

  it('keeps the photo and retries when the first upload is cut after the server took it: exactly one item', async () => {
    const { sessionId, joinUrl, inspector, close } = await openCase(srv, browser, '李记超市');
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
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.waitForSelector(`.current-point[data-key="${POINT}"]`);
    await inspector.click('.current-point .ask-photo');
    // The console shows the retry while the phone resends; meanwhile the live video gets less of the uplink.
    await inspector.waitForSelector('.capture-state.state-retrying', { timeout: 15_000 });
    const bitrate = () => phone.evaluate(() => (window as unknown as { __kanyan: { videoMaxBitrate(): number | undefined } }).__kanyan.videoMaxBitrate());
    expect(await bitrate()).toBe(250_000);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { photos(): number } }).__kanyan.photos() === 0, undefined, { timeout: 20_000 });
    expect(attempts).toBe(2);
    await phone.waitForFunction(() => (window as unknown as { __kanyan: { videoMaxBitrate(): number | undefined } }).__kanyan.videoMaxBitrate() === 1_200_000);
    // The console no longer shows the photo as pending once the retry is confirmed.
    await inspector.waitForSelector('.capture-state', { state: 'detached', timeout: 10_000 });
    const items = await srv.server.store.evidence.listBySession(sessionId);
    expect(items.filter((i) => i.grade === 'original')).toHaveLength(1);
    expect(items.filter((i) => i.grade === 'stamped')).toHaveLength(1);
    const walk = (await walkOf(inspector))!;
    expect(walk.points.find((p) => p.key === POINT)!.photos).toHaveLength(1);
    await ctx.close();
    await close();
  });

  it('keeps a photo that could not be sent across a reload of the phone page, and sends it after', async () => {
    const { sessionId, joinUrl, inspector, close } = await openCase(srv, browser, '赵记药房');
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    await phone.route('**/photos?**', (route) => route.abort('internetdisconnected'));
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
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
    const items = await srv.server.store.evidence.listBySession(sessionId);
    expect(items.filter((i) => i.grade === 'original')).toHaveLength(1);
    await ctx.close();
    await close();
  });

  it('keeps a photo when its link is revoked mid-upload and sends it from the re-issued link of the same session', async () => {
    const { sessionId, joinUrl, cookie, inspector, close } = await openCase(srv, browser, '周记茶铺');
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    await phone.route('**/photos?**', (route) => route.abort('internetdisconnected'));
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await inspector.click('.current-point .ask-photo');
    await inspector.waitForSelector('.capture-state.state-retrying', { timeout: 15_000 });
    // The office revokes the link while the photo waits; the next attempt learns the link is gone.
    const [oldLink] = await srv.server.store.joinLinks.listBySession(sessionId);
    expect((await fetch(`${srv.url}/api/links/${oldLink!.id}/revoke`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    await phone.unroute('**/photos?**');
    await phone.waitForSelector('.toast.error >> text=照片已保存在手机上', { timeout: 20_000 });
    expect(await srv.server.store.evidence.listBySession(sessionId)).toEqual([]);
    // A new link for the same session, opened on the same phone, sends the kept photo.
    const issued = (await (await fetch(`${srv.url}/api/sessions/${sessionId}/links`, { method: 'POST', headers: { cookie } })).json()) as { url: string };
    const again = await ctx.newPage();
    await again.goto(issued.url);
    await inspector.waitForFunction(
      (k) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.length ?? 0) === 1,
      POINT,
      { timeout: 30_000 },
    );
    expect((await srv.server.store.evidence.listBySession(sessionId)).filter((i) => i.grade === 'original')).toHaveLength(1);
    await ctx.close();
    await close();
  });

  it('takes a gallery photo where the office allows it: an old one from elsewhere is flagged and does not count, a fresh one does', async () => {
    const { sessionId, joinUrl, inspector, close } = await openCase(srv, browser, '钱记餐馆');
    const ctx = await phoneContext(browser, srv.url, NEAR);
    const phone = await ctx.newPage();
    await phone.goto(joinUrl);
    await bothLive(phone, inspector);
    await inspector.click(`.point-list li[data-key="${POINT}"] button`);
    await phone.waitForSelector('.prompt .gallery');

    const exifJpeg = (when: Date, lat: number, lon: number) => {
      const t = new Date(when.getTime() + 8 * 3600_000).toISOString();
      const dms = (v: number) => `${Math.floor(v)}/1 ${Math.floor((v % 1) * 60)}/1 ${Math.round((((v % 1) * 60) % 1) * 60 * 100)}/100`;
      return testJpeg(1600, 1200).then((b) =>
        sharp(b)
          .withExif({
            IFD2: { DateTimeOriginal: `${t.slice(0, 10).replace(/-/g, ':')} ${t.slice(11, 19)}`, OffsetTimeOriginal: '+08:00' },
            IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(lat), GPSLongitudeRef: 'E', GPSLongitude: dms(lon) },
          })
          .jpeg()
          .toBuffer(),
      );
    };
    const pick = async (name: string, buffer: Buffer, count: number) => {
      await phone.setInputFiles('.prompt .gallery-input', { name, mimeType: 'image/jpeg', buffer });
      await inspector.waitForFunction(
        ([k, n]) => ((window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.length ?? 0) === n,
        [POINT, count] as const,
        { timeout: 30_000 },
      );
      return photosOf(await walkOf(inspector), POINT)[count - 1]!;
    };

    // Taken a year ago in Shanghai: both flags, shown on the thumbnail, and the 50 m rule still unmet.
    const old = await pick('old.jpg', await exifJpeg(new Date(Date.now() - 365 * 86400_000), 31.2304, 121.4737), 1);
    expect(old).toMatchObject({ source: 'gallery', distance: 'pass', flags: ['exif_time_mismatch', 'exif_gps_mismatch'] });
    await inspector.waitForSelector(`.thumb.flagged.source-gallery[data-evidence-id="${old.id}"] .flags`);
    expect(await inspector.textContent(`.thumb[data-evidence-id="${old.id}"] .flags`)).toContain('拍摄时间与现在不符');
    expect((await walkOf(inspector))!.points.find((p) => p.key === POINT)!.evidenceGap).toContain('已有 0 张');

    // Taken just now at the shop: no flags, and it satisfies the rule.
    const fresh = await pick('now.jpg', await exifJpeg(new Date(), NEAR.latitude, NEAR.longitude), 2);
    expect(fresh).toMatchObject({ source: 'gallery', flags: [] });
    await inspector.waitForFunction((k) => !(window as unknown as { __kanyanCall: { walk?: WalkView } }).__kanyanCall.walk?.points.find((p) => p.key === k)?.evidenceGap, POINT);

    if (process.env.SCREENSHOT_DIR) {
      await inspector.screenshot({ path: `${process.env.SCREENSHOT_DIR}/gallery-console.png` });
      await phone.screenshot({ path: `${process.env.SCREENSHOT_DIR}/gallery-phone.png` });
    }
    // Not an image: refused on the phone before anything is sent.
    await phone.setInputFiles('.prompt .gallery-input', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await phone.waitForSelector('.toast.error');
    expect((await srv.server.store.evidence.listBySession(sessionId)).filter((i) => i.grade === 'original')).toHaveLength(2);
    await ctx.close();
    await close();
  });
});
