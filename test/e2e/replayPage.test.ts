import type { BrowserContext, Page } from 'playwright-core';
import type { ReplayView } from '../../server/recording/timeline/ReplayView';
import { chromiumOffice } from '../support/chromiumOffice';
import { FAR, NEAR, SHOP } from '../support/closedInspection';
import { testJpeg } from '../support/images';
import { apiCall, asInspectorInCall, createAccount, uploadFrame, type StaffLogin } from '../support/office';
import { uploadPhoto } from '../support/photoUpload';
import { recordedSegments } from '../support/recordedSegments';
import { CLEAN, checkState } from '../support/screens';
import { ask, connect, connected, type TestSocket } from '../support/sockets';
import { loginCookie, type RunningServer } from '../support/testServer';

const SIGNBOARD = 'common.signboard_address';
const EXTINGUISHERS = 'common.fire_extinguishers';
const FAILED_NOTE = '灭火器压力表指针在红区';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WalkedSession {
  caseId: string;
  sessionId: string;
  /** Server times: the phone joined, dropped, came back; the checklist closed. */
  phoneJoinedAt: number;
  droppedAt: number;
  backAt: number;
  closedAt: number;
  rectifyKey: string;
}

/**
 * An inspection walked at a person's pace, so the chapters have length: the phone joins and sends
 * its position, the signboard is photographed and passes, the extinguishers are photographed and a
 * frame grabbed, the phone drops out and comes back, the extinguishers fail, one point is left for
 * rectification, the rest need an on-site check; signed and closed. Sealed when this returns.
 */
async function walkedSession(srv: RunningServer, cookie: string): Promise<WalkedSession> {
  const opened = await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: '回放面馆', permitTypes: ['food_business'], address: SHOP });
  const sessionId: string = opened.session.id;
  const token = String(opened.joinUrl).split('/j/')[1]!;
  const phones: TestSocket[] = [];
  const phoneJoins = async () => {
    const phone = connect(srv.url, { role: 'applicant', token });
    phones.push(phone);
    await connected(phone);
    const r = await ask(phone, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities });
    if (!r.ok) throw new Error(`phone call:join: ${r.error.message}`);
    return phone;
  };
  const position = async (phone: TestSocket, at: { lat: number; lon: number; accuracy: number }) => {
    const r = await ask(phone, 'position', { lat: at.lat, lon: at.lon, accuracy: at.accuracy, fixTime: Date.now() });
    if (!r.ok) throw new Error(`position: ${r.error.message}`);
  };
  /** The presence moves the lifecycle a moment after the socket event: waits for the step and returns its time. */
  const reached = async (to: string) => {
    for (let i = 0; i < 100; i++) {
      const last = (await srv.server.store.sessions.transitions(sessionId)).at(-1);
      if (last?.to === to) return last.at;
      await sleep(50);
    }
    throw new Error(`session never reached ${to}`);
  };
  try {
    return await asInspectorInCall(srv, cookie, sessionId, async (send) => {
      let phone = await phoneJoins();
      const phoneJoinedAt = await reached('live');
      const facts = (await srv.server.walks.view(sessionId)).facts;
      const form = facts.find((f) => f.key === 'business_form');
      await send('walk:fact', { fact: 'business_form', value: form?.values?.find((v) => v !== 'canteen') ?? form?.values?.[0] });
      await send('walk:fact', { fact: 'seating_capacity', value: 30 });
      await send('walk:fact', { fact: 'serves_cold_dishes', value: false });
      await send('walk:fact', { fact: 'serves_raw_seafood', value: false });
      await position(phone, NEAR);

      await sleep(800);
      await send('walk:open', { key: SIGNBOARD });
      const now = () => Date.now();
      const photo = async (point: string, at: typeof NEAR) => {
        // Each photo a picture of its own: the same bytes again would be flagged as reused and not count.
        const r = await uploadPhoto(srv, { sessionId, token }, point, await testJpeg(1600, 1200), { lat: at.lat, lon: at.lon, accuracy: at.accuracy, fixTime: now() - 1000, deviceTime: now() });
        if (r.status !== 201) throw new Error(`photo upload: ${r.status} ${JSON.stringify(r.body)}`);
      };
      await photo(SIGNBOARD, NEAR);
      await sleep(1200);
      await position(phone, NEAR);
      await send('walk:result', { key: SIGNBOARD, result: 'pass', note: '招牌名称与营业执照一致' });

      await sleep(600);
      await send('walk:open', { key: EXTINGUISHERS });
      await photo(EXTINGUISHERS, NEAR);
      await uploadFrame(srv.url, cookie, sessionId, EXTINGUISHERS, await testJpeg(1600, 1200));
      await sleep(1200);
      phone.disconnect();
      const droppedAt = await reached('applicant_reconnecting');
      await sleep(1200);
      phone = await phoneJoins();
      const backAt = await reached('live');
      await position(phone, { lat: NEAR.lat + 0.00004, lon: NEAR.lon, accuracy: 6 });
      await sleep(800);
      await send('walk:result', { key: EXTINGUISHERS, result: 'fail', note: FAILED_NOTE });

      const points = (await srv.server.walks.view(sessionId)).points.filter((p) => p.applies);
      const toRectify = points.find((p) => p.evidence.minPhotos === 0 && p.evidence.minVideoSeconds === 0 && p.results.includes('needs_rectification'))!;
      await sleep(600);
      await send('walk:open', { key: toRectify.key });
      await position(phone, FAR);
      await sleep(1200);
      await send('walk:result', { key: toRectify.key, result: 'needs_rectification', note: '进货查验记录缺少近两周的登记' });
      await sleep(600);
      for (const p of points) if (![SIGNBOARD, EXTINGUISHERS, toRectify.key].includes(p.key)) await send('walk:result', { key: p.key, result: 'onsite_required' });
      for (const permit of (await srv.server.walks.view(sessionId)).outcome.permits) await send('walk:sign', { permitType: permit.permitType });
      const { outcome } = (await srv.server.walks.view(sessionId)).outcome;
      await send('walk:close', { outcome, computed: outcome });
      const closedAt = (await srv.server.store.walks.events(sessionId)).at(-1)!.at;
      const { session } = await srv.server.lifecycle.session(sessionId);
      if (session.state !== 'sealed') throw new Error(`session is ${session.state} after closing its checklist`);
      return { caseId: opened.caseRecord.id, sessionId, phoneJoinedAt, droppedAt, backAt, closedAt, rectifyKey: toRectify.key };
    });
  } finally {
    for (const p of phones) p.disconnect();
  }
}

describe('the replay page in Chromium', () => {
  const office = chromiumOffice();
  let walked: WalkedSession;
  let reviewer: StaffLogin;
  let view: ReplayView;
  let desk: BrowserContext;
  let page: Page;

  const state = (p: Page) =>
    p.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('.replay-video');
      const root = document.querySelector<HTMLElement>('.replay');
      return { positionMs: Number(root?.dataset.positionMs ?? NaN), currentTime: v?.currentTime ?? NaN, src: v?.currentSrc ?? '', paused: v?.paused ?? true };
    });
  const logIn = async (p: Page, hash: string) => {
    await p.goto(`/inspector${hash}`);
    await p.fill('form.login input[name=username]', reviewer.username);
    await p.fill('form.login input[name=password]', reviewer.password);
    await p.click('form.login button[type=submit]');
    await p.waitForSelector('.replay-video');
  };

  beforeAll(async () => {
    const srv = office.srv;
    const admin = await loginCookie(srv.url);
    walked = await walkedSession(srv, admin);
    reviewer = await createAccount(srv.url, admin, { username: 'reviewer.li', roles: ['reviewer'] });
    // Until the recorder runs here: the segments it would have left, made with ffmpeg.
    await recordedSegments(srv, walked, [
      { track: 'inspector', peer: 'inspector', firstMediaAt: walked.phoneJoinedAt - 1500, endedAt: walked.closedAt + 800, startCause: 'inspector_joined', endCause: 'call_ended' },
      { track: 'phone', firstMediaAt: walked.phoneJoinedAt + 400, endedAt: walked.droppedAt, startCause: 'phone_joined', endCause: 'phone_left', processed: true },
      { track: 'phone', firstMediaAt: walked.backAt + 500, endedAt: walked.closedAt + 800, startCause: 'phone_reconnected', endCause: 'call_ended', processed: true },
    ]);
    view = (await apiCall(srv.url, 'GET', `/api/sessions/${walked.sessionId}/replay`, reviewer.cookie)) as ReplayView;
    desk = await office.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', baseURL: srv.url });
    office.contexts.push(desk);
    desk.setDefaultTimeout(15_000);
    page = await desk.newPage();
    await logIn(page, `#/replay/${walked.sessionId}`);
  });

  it('plays the recording: the video runs and the session clock moves with it', async () => {
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.readyState >= 1);
    const before = await state(page);
    // It opens at the first recorded moment of the phone, 1.9 s into the session's clock.
    expect(before.positionMs).toBe(view.segments.find((s) => s.track === 'phone')!.offsetMs);
    await page.click('.replay-play');
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.currentTime > 1, undefined, { timeout: 20_000 });
    const playing = await state(page);
    expect(playing.paused).toBe(false);
    expect(playing.positionMs).toBeGreaterThan(before.positionMs + 900);
    expect(await page.getAttribute('.replay-play', 'aria-pressed')).toBe('true');
    expect(await page.textContent('.replay-stamp')).toMatch(/北京时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    await page.click('.replay-play');
    expect((await state(page)).paused).toBe(true);
  });

  it('jumps to a checklist point when it is clicked in the chapter list, across segments', async () => {
    const extinguishers = view.chapters.find((c) => c.key === EXTINGUISHERS)!;
    const [first, second] = view.segments.filter((s) => s.track === 'phone');
    await page.click(`.chapter-jump[data-key="${EXTINGUISHERS}"]`);
    await page.waitForFunction((ms) => Math.abs(Number(document.querySelector<HTMLElement>('.replay')!.dataset.positionMs) - ms) < 1500, extinguishers.startMs);
    let s = await state(page);
    expect(s.src).toContain(`/api/recordings/${first!.id}/playback`);
    expect(Math.abs(s.currentTime * 1000 - (extinguishers.startMs - first!.offsetMs))).toBeLessThan(1500);
    expect(await page.getAttribute(`.chapter[data-key="${EXTINGUISHERS}"]`, 'aria-current')).toBe('true');

    // The point left for rectification was checked after the phone came back: the second segment.
    const rectify = view.chapters.find((c) => c.key === walked.rectifyKey)!;
    expect(rectify.startMs).toBeGreaterThan(second!.offsetMs);
    await page.click(`.chapter-jump[data-key="${walked.rectifyKey}"]`);
    await page.waitForFunction((id) => document.querySelector<HTMLVideoElement>('.replay-video')!.currentSrc.includes(id), second!.id);
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.currentTime > 0.2, undefined, { timeout: 20_000 });
    s = await state(page);
    expect(Math.abs(s.positionMs - rectify.startMs)).toBeLessThan(2500);
    await page.click('.replay-play');
    // At 1366×768 the page itself never scrolls: the lists scroll inside their panel.
    expect(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(0);
    expect(await checkState(page, 'replay-desktop', ['.replay-video', '.seek-track', '.replay-play', '.replay-link', '.replay-tablist', `.chapter-jump[data-key="${EXTINGUISHERS}"]`])).toEqual(CLEAN);
  });

  it('marks photos, presence and recording gaps on the seek bar; a photo mark opens the stamped photo with its record', async () => {
    // Every photo has a mark; the extinguishers' photo and the frame grabbed a moment later share one.
    const marks = await page.$$eval('.photo-mark', (els) => els.map((e) => (e as HTMLElement).dataset.indexes!.split(' ').map(Number)));
    expect(marks.flat()).toEqual(view.photos.map((_, i) => i));
    expect(marks.length).toBeLessThan(view.photos.length);
    expect(await page.$$eval('.seek-gap-recording', (els) => els.length)).toBe(1);
    expect(await page.$$eval('.seek-gap-presence', (els) => els.length)).toBeGreaterThanOrEqual(1);
    expect(await page.$$eval('.seek-chapter', (els) => els.length)).toBe(view.chapters.length);
    const extinguisherPhoto = view.photos.findIndex((p) => p.pointKey === EXTINGUISHERS);
    await page.click(`.photo-mark[data-index="${extinguisherPhoto}"]`);
    await page.waitForSelector(`dialog.photo-viewer[open][data-evidence-id="${view.photos[extinguisherPhoto]!.id}"]`);
    await page.waitForSelector('dialog.photo-viewer .pv-record-body[data-loaded="true"]');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('dialog.photo-viewer .pv-image');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await page.getAttribute('dialog.photo-viewer .pv-image', 'src')).toContain('/stamped');
    // The playhead went to the photo's moment.
    expect(Math.abs((await state(page)).positionMs - view.photos[extinguisherPhoto]!.offsetMs)).toBeLessThan(1500);
    expect(await checkState(page, 'replay-photo-viewer', ['dialog.photo-viewer .pv-close'])).toEqual(CLEAN);
    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.photo-viewer', { state: 'detached' });
  });

  it('shows the trace against the address, every file verified, and the review panel', async () => {
    await page.click('[data-tab="position"]');
    await page.waitForSelector('#replay-panel-position .geo-plot');
    expect(await page.getAttribute('#replay-panel-position .geo-plot', 'aria-label')).toContain('距登记地址');
    expect(await checkState(page, 'replay-position', ['#replay-panel-position .geo-plot'])).toEqual(CLEAN);

    await page.click('[data-tab="files"]');
    // The photos and the sealed log are chained; the inspector's and the phone's segments wait for post-processing here.
    expect(await page.$$eval('tr.file[data-kind="stamped"]', (rows) => rows.map((r) => (r as HTMLElement).dataset.state))).toEqual(view.photos.map(() => 'verified'));
    expect(await page.textContent('.files-summary')).toMatch(/全部 \d+ 个文件与证据链记录一致/);
    expect(await checkState(page, 'replay-files', ['.files-summary'])).toEqual(CLEAN);

    await page.click('[data-tab="photos"]');
    expect(await page.$$eval('.replay-photo', (els) => els.length)).toBe(view.photos.length);
    expect(await checkState(page, 'replay-photos', ['.replay-photo'])).toEqual(CLEAN);

    // A comment pinned to the moment on screen, listed with that moment, which takes the playhead back there.
    await page.click('[data-tab="chapters"]');
    await page.click(`.chapter-jump[data-key="${EXTINGUISHERS}"]`);
    // The jump keeps playing if the video was playing; the button pauses it even while the segment loads.
    if ((await page.getAttribute('.replay', 'data-playing')) === 'true') await page.click('.replay-play');
    expect(await page.getAttribute('.replay', 'data-playing')).toBe('false');
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('.replay-video')!;
      return v.paused && v.readyState >= 2 && !v.seeking;
    });
    const at = (await state(page)).positionMs;
    await page.click('[data-tab="review"]');
    await page.waitForSelector('.review-panel[data-state="ready"]');
    await page.fill('.comment-input', '灭火器压力表特写不清楚，建议复核');
    expect(await page.textContent('.comment-form')).toContain(`固定在当前时间 0:0${Math.floor(at / 1000)}`);
    await page.click('.comment-form button[type=submit]');
    await page.waitForSelector('.review-comment .comment-at');
    const comments = await apiCall(office.srv.url, 'GET', `/api/sessions/${walked.sessionId}/review`, reviewer.cookie);
    expect(comments.comments).toEqual([expect.objectContaining({ body: '灭火器压力表特写不清楚，建议复核', author: reviewer.username })]);
    // Pinned where the paused video stands: at most a frame (40 ms at 25 fps) from what the page showed.
    expect(Math.abs(comments.comments[0].offsetMs - at)).toBeLessThanOrEqual(40);
    await page.focus('.seek-track');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.replay')!.dataset.positionMs) < 2500);
    await page.click('.review-comment .comment-at');
    await page.waitForFunction((ms) => Math.abs(Number(document.querySelector<HTMLElement>('.replay')!.dataset.positionMs) - ms) < 600, at);
    expect(await checkState(page, 'replay-review', ['.review-panel', '.review-comment'])).toEqual(CLEAN);
    await page.click('[data-tab="chapters"]');
  });

  it('starts at the moment a ?t= link names, and moves there when such a link is followed on the page', async () => {
    const [, second] = view.segments.filter((s) => s.track === 'phone');
    const t = Math.ceil((second!.offsetMs + 1500) / 1000);
    const other = await desk.newPage();
    await other.goto(`/inspector#/replay/${walked.sessionId}?t=${t}`);
    await other.waitForFunction((id) => document.querySelector<HTMLVideoElement>('.replay-video')?.currentSrc.includes(id), second!.id);
    await other.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.readyState >= 1);
    let s = await state(other);
    expect(s.positionMs).toBe(t * 1000);
    expect(Math.abs(s.currentTime * 1000 - (t * 1000 - second!.offsetMs))).toBeLessThan(300);

    // A link to an earlier moment followed on the same page moves the playhead, not the page.
    await other.evaluate((id) => (location.hash = `#/replay/${id}?t=3`), walked.sessionId);
    await other.waitForFunction(() => Number(document.querySelector<HTMLElement>('.replay')!.dataset.positionMs) === 3000);
    s = await state(other);
    expect(s.src).toContain(view.segments.filter((x) => x.track === 'phone')[0]!.id);
    await other.close();
  });

  it('works on a phone-sized screen at 360×740, and in English', async () => {
    const small = await office.browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', baseURL: office.srv.url });
    office.contexts.push(small);
    const p = await small.newPage();
    await logIn(p, `#/replay/${walked.sessionId}`);
    await p.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.readyState >= 1);
    expect(await checkState(p, 'replay-phone', ['.replay-video', '.seek-track', '.replay-play'])).toEqual(CLEAN);
    await p.click(`.chapter-jump[data-key="${EXTINGUISHERS}"]`);
    await p.waitForFunction(() => !document.querySelector<HTMLVideoElement>('.replay-video')!.paused);
    // The list is under the video on a phone: the jump brings the picture back into view.
    expect(await checkState(p, 'replay-phone-chapter-jump', ['.replay-video', '.replay-play'])).toEqual(CLEAN);

    // A photo opened on the phone: the photo and its record, one under the other.
    await p.click('.photo-mark[data-index="0"]');
    await p.waitForSelector('dialog.photo-viewer .pv-record-body[data-loaded="true"]');
    expect(await checkState(p, 'replay-phone-photo', ['dialog.photo-viewer .pv-image', 'dialog.photo-viewer .pv-close', 'dialog.photo-viewer .pv-next'])).toEqual(CLEAN);
    await p.keyboard.press('Escape');

    const en = await desk.newPage();
    await en.goto(`/inspector?lang=en#/replay/${walked.sessionId}`);
    await en.waitForSelector('.replay-video');
    await en.waitForSelector(`.chapter[data-key="${EXTINGUISHERS}"] .result-badge`);
    const side = (await en.textContent('.replay-side'))!;
    expect(side).toContain('Click a checklist point to jump to when it was checked.');
    expect(side).toContain('Fail');
    expect(await en.textContent('.replay-controls')).toContain('Copy link to this moment');
    expect(await checkState(en, 'replay-desktop-en', ['.replay-video', '.replay-play'])).toEqual(CLEAN);
    await en.close();
  });

  it('lets the reviewer approve with a reason, and then shows the decision instead of the buttons', async () => {
    await page.click('[data-tab="review"]');
    await page.click('.review-decision-box .approve');
    // A reason is required: nothing is sent without one.
    expect(await page.$('.review-decision-box .decided')).toBeNull();
    await page.fill('.decision-reason', '录像与照片足以支持结论');
    await page.click('.review-decision-box .approve');
    await page.waitForSelector('.review-decision-box .decided[data-decision="approve"]');
    expect(await page.textContent('.review-decision-box')).toContain('录像与照片足以支持结论');
    expect(await page.$('.review-decision-box .approve')).toBeNull();
  });
});
