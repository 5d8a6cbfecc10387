import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { stampPhoto } from '../../server/evidence/Stamper';
import { SetNoteRequest } from '../../server/protocol/walk';
import { bombPng, testJpeg } from '../support/images';
import { uploadPhoto } from '../support/photoUpload';
import { ask, connect, connected, next, type TestSocket } from '../support/sockets';
import { postJson } from '../support/staff';
import { createCase, INSPECTOR, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

const ADDRESS = { text: '北京市东城区测试胡同9号', lat: 39.92893, lon: 116.41642 };
const SIGNBOARD = 'common.signboard_address'; // food template: photo within 50 m
const NEAR = { lat: 39.92898, lon: 116.41642, accuracy: 5 };
/** What an older version stored as a business name: a bell, a NUL, line breaks, a C1 control, markup and quotes. */
const OLD_NAME = '老\u0007字号\n第二行\r\n<b>&\u0000\u009b "引号"\u2028';

describe('text at the edge, stamping any text and any size, bounded phone claims', () => {
  let srv: RunningServer;
  let cookie: string;
  let c: CreatedCase;
  const sockets: TestSocket[] = [];
  const newCase = (businessName: string, address: Partial<typeof ADDRESS> = {}) =>
    postJson(`${srv.url}/api/cases`, cookie, { businessName, permitTypes: ['food_business'], address: { ...ADDRESS, ...address } });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;
  const stampedOf = async (stampedId: string) => {
    const item = (await srv.server.store.evidence.get(stampedId))!;
    return fs.readFileSync(path.join(srv.dataDir, 'evidence', item.sha256.slice(0, 2), `${item.sha256}.jpg`));
  };
  const readmeOf = async (caseId: string, caseNumber: string) => {
    const res = await fetch(`${srv.url}/api/cases/${caseId}/export`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-text-export-'));
    try {
      const tar = path.join(dir, 'export.tar');
      fs.writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
      return execFileSync('tar', ['-xOf', tar, `${caseNumber}/README.txt`]).toString('utf8');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  beforeAll(async () => {
    srv = await startTestServer({ GALLERY_UPLOADS: 'true' });
    cookie = await loginCookie(srv.url);
    c = await createCase(srv.url, cookie, ADDRESS);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv.stop());

  it('refuses control characters, line breaks and broken UTF-16 in names and addresses, naming the field', async () => {
    for (const name of ['张记\u0007面馆', '张记\n面馆', '张记\r面馆', '张记\u0085面馆', '张记\u2028面馆', '张记\u009b面馆']) {
      const res = await newCase(name);
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toContain('经营者名称不能包含控制字符或换行');
    }
    const surrogate = await newCase('张记\uD800面馆');
    expect(surrogate.status).toBe(400);
    expect(await errorOf(surrogate)).toContain('经营者名称包含无法识别的字符');
    const address = await newCase('张记面馆', { text: '北京市\r\n东城区' });
    expect(address.status).toBe(400);
    expect(await errorOf(address)).toContain('登记地址不能包含控制字符或换行');
    const long = await newCase('名'.repeat(201));
    expect(long.status).toBe(400);
    expect(await errorOf(long)).toContain('经营者名称不能超过 200 个字');
    expect(await errorOf(await newCase('   '))).toContain('请填写经营者名称');
    // Ordinary names, emoji (a proper surrogate pair) and surrounding spaces are fine; the spaces go.
    const ok = await newCase('  张记面馆（东城店）🍜  ');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { caseRecord: { businessName: string } }).caseRecord.businessName).toBe('张记面馆（东城店）🍜');
  });

  it('refuses control characters in reasons and notes, keeping line breaks where text may have several lines', async () => {
    const other = await createCase(srv.url, cookie, ADDRESS);
    const abandon = await postJson(`${srv.url}/api/sessions/${other.sessionId}/abandon`, cookie, { reason: '申请人\u0000撤回申请' });
    expect(abandon.status).toBe(400);
    expect(await errorOf(abandon)).toContain('理由不能包含控制字符');
    expect((await srv.server.lifecycle.session(other.sessionId)).session.state).not.toBe('abandoned');

    const inspector = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, cookie);
    sockets.push(inspector);
    await connected(inspector);
    expect((await ask(inspector, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities })).ok).toBe(true);
    const note = await ask(inspector, 'walk:note', { key: SIGNBOARD, note: '招牌\u001b[31m已更换' });
    expect(note.ok).toBe(false);
    if (!note.ok) expect(note.error.message).toContain('备注不能包含控制字符');
    const close = await ask(inspector, 'walk:close', { outcome: 'fail', computed: 'pass', overrideReason: '现场\u0007不符' });
    expect(close.ok).toBe(false);
    if (!close.ok) expect(close.error.message).toContain('改判理由不能包含控制字符');
    // A note may have several lines.
    expect(SetNoteRequest.safeParse({ key: SIGNBOARD, note: '第一行\n第二行\r\n\t第三行' }).success).toBe(true);
  });

  it('stamps photos of a case whose stored name holds control characters and line breaks, and its export README keeps the name on one line', async () => {
    // Data from before the edge checks: opened through the domain, past the HTTP schema.
    const { member } = await srv.server.accounts.login(INSPECTOR.username, INSPECTOR.password);
    const old = await srv.server.intake.open({ businessName: OLD_NAME, permitTypes: ['food_business'], address: { ...ADDRESS, text: '北京市\n东城区\u0000' } }, member);
    const session = { sessionId: old.session.id, token: old.token };
    const photo = await testJpeg(1600, 1200);
    const camera = await uploadPhoto(srv, session, SIGNBOARD, photo, { ...NEAR, fixTime: Date.now() - 1000, deviceTime: Date.now() });
    expect(camera.status).toBe(201);
    const gallery = await uploadPhoto(srv, session, SIGNBOARD, await testJpeg(800, 600), { ...NEAR, source: 'gallery' });
    expect(gallery.status).toBe(201);
    const stamped = await sharp(await stampedOf(camera.body.stampedId!)).metadata();
    expect([stamped.format, stamped.width, stamped.height]).toEqual(['jpeg', 1600, 1200]);
    // What SQLite cannot even store (a lone surrogate, XML's forbidden U+FFFF) and a name far too long still stamp.
    const direct = await stampPhoto(photo, { caseId: 'c', caseNumber: 'KY-1\n2', businessName: `\uD800\uFFFF<&>]]>${'名'.repeat(2000)}`, pointKey: SIGNBOARD, pointTitle: '招牌\u0000', serverTime: Date.now() });
    expect((await sharp(direct.jpeg).metadata()).format).toBe('jpeg');

    const readme = await readmeOf(old.caseRecord.id, old.caseRecord.caseNumber);
    const lines = readme.split('\n');
    expect(lines[0]).toBe(`Kanyan evidence export — ${old.caseRecord.caseNumber} 老字号 第二行 <b>& "引号"`);
    expect(readme).not.toMatch(/[\u0000-\u0008\u000B-\u001F\uD800-\uDFFF]/);
    // Exactly as many lines as the README of a case with an ordinary name.
    const plain = await srv.server.intake.open({ businessName: '普通商户', permitTypes: ['food_business'], address: ADDRESS }, member);
    expect((await readmeOf(plain.caseRecord.id, plain.caseRecord.caseNumber)).split('\n')).toHaveLength(lines.length);
  });

  it('accepts valid images of any size, the tiny ones stamped on a wider canvas below the photo', async () => {
    const sizes: Array<[number, number]> = [
      [1, 1],
      [40, 30],
      [100, 100],
      [4000, 50],
      [50, 4000],
    ];
    for (const [width, height] of sizes) {
      for (const format of ['jpeg', 'png'] as const) {
        const image = await sharp({ create: { width, height, channels: 3, background: '#3a6' } })[format]().toBuffer();
        const res = await uploadPhoto(srv, c, SIGNBOARD, image, NEAR);
        expect([`${format} ${width}x${height}`, res.status]).toEqual([`${format} ${width}x${height}`, 201]);
        const original = (await srv.server.store.evidence.get(res.body.evidenceId!))!;
        expect(original.mediaType).toBe(`image/${format}`);
        const meta = await sharp(await stampedOf(res.body.stampedId!)).metadata();
        // Never narrower than the photo or the band's minimum width; taller than the photo when the band went below it.
        expect(meta.width).toBe(Math.max(width, 480));
        expect(meta.height!).toBeGreaterThan(height);
      }
    }
  });

  it('gives every refusal of the photo itself a reason code, and refusals about anything else none of them', async () => {
    const other = await createCase(srv.url, cookie, ADDRESS);
    const photo = await testJpeg(1200, 900);
    const reasonOf = async (bytes: Buffer, query: Record<string, string> = {}) => {
      const r = await uploadPhoto(srv, other, SIGNBOARD, bytes, query);
      return [r.status, r.body.error?.reason];
    };
    expect(await reasonOf(Buffer.from('plain text, not a photo'))).toEqual([400, 'photo_not_image']);
    expect(await reasonOf(photo.subarray(0, Math.floor(photo.length / 2)))).toEqual([400, 'photo_damaged']);
    expect(await reasonOf(bombPng())).toEqual([400, 'photo_too_large_pixels']);
    expect(await reasonOf(photo, { filename: '../../etc/passwd.jpg' })).toEqual([400, 'photo_path_in_name']);
    expect(await reasonOf(Buffer.alloc(0))).toEqual([400, 'photo_empty']);
    expect(await reasonOf(Buffer.alloc(26 * 1024 * 1024, 0xff))).toEqual([413, 'photo_too_big']);
    // Not the photo's fault: the phone keeps it (no ticket, a link gone).
    const noTicket = await reasonOf(photo, { capture: 'not-a-real-ticket' });
    expect(noTicket[0]).toBe(403);
    expect(String(noTicket[1])).not.toMatch(/^photo_/);
    expect((await postJson(`${srv.url}/api/sessions/${other.sessionId}/abandon`, cookie, { reason: '测试：放弃这次勘验' })).status).toBe(200);
    const gone = await reasonOf(photo);
    expect(gone[0]).toBe(410);
    expect(String(gone[1])).toMatch(/^(link|session)_/);
    expect((await srv.server.store.evidence.listBySession(other.sessionId)).filter((e) => e.grade === 'original')).toEqual([]);
  });

  const CLAIM_WORDS: Record<string, string> = { fixTime: '时间', deviceTime: '时间', accuracy: '定位精度', lat: '纬度', lon: '经度' };
  it('bounds the phone\'s claimed times, accuracy and position in photo uploads, and marks a stale fix without refusing the photo', async () => {
    const photo = await testJpeg(1200, 900);
    const now = Date.now();
    const claims: Array<Record<string, string>> = [{ fixTime: '1e300' }, { deviceTime: '1e300' }, { fixTime: '1' }, { deviceTime: String(Date.UTC(2101, 0, 1)) }, { accuracy: '0' }, { accuracy: '1e9' }, { lat: '91' }, { lon: '-181' }, { fixTime: 'soon' }];
    for (const bad of claims) {
      const res = await uploadPhoto(srv, c, SIGNBOARD, photo, { ...NEAR, ...bad });
      expect([bad, res.status]).toEqual([bad, 400]);
      // Named by what the phone's user can recognise, never by the query key.
      const key = Object.keys(bad)[0]!;
      expect(res.body.error?.message).toContain(CLAIM_WORDS[key]);
      expect(res.body.error?.message).not.toContain(key);
    }

    // The fix was 20 minutes old when the photo was taken: kept, but it does not show where the photo was.
    const stale = await uploadPhoto(srv, c, SIGNBOARD, photo, { ...NEAR, fixTime: now - 20 * 60_000, deviceTime: now });
    expect(stale.status).toBe(201);
    const staleItem = (await srv.server.store.evidence.get(stale.body.evidenceId!))!;
    expect(staleItem.checked).toMatchObject({ distance: 'uncertain', fixStale: true, fixAgeMs: 20 * 60_000 });
    // A photo that waited three hours in the phone's queue, with a fix 4 s older than it: judged normally.
    const queued = await uploadPhoto(srv, c, SIGNBOARD, photo, { ...NEAR, fixTime: now - 3 * 3600_000 - 4000, deviceTime: now - 3 * 3600_000 });
    expect(queued.status).toBe(201);
    const queuedItem = (await srv.server.store.evidence.get(queued.body.evidenceId!))!;
    expect(queuedItem.checked).toMatchObject({ distance: 'pass', fixAgeMs: 4000 });
    expect(queuedItem.checked).not.toHaveProperty('fixStale');
  });

  it('bounds positions and capture progress from the phone socket before anything is relayed', async () => {
    const phone = connect(srv.url, { role: 'applicant', token: c.token });
    const inspector = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, cookie);
    sockets.push(phone, inspector);
    await Promise.all([connected(phone), connected(inspector)]);
    // A phone whose clock is broken still joins: its clock is only a diagnostic.
    expect((await ask(phone, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities, clientTime: 1e300 })).ok).toBe(true);
    expect((await ask(inspector, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities })).ok).toBe(true);

    const fix = { lat: 39.929, lon: 116.4164, accuracy: 8, fixTime: Date.now() };
    for (const bad of [{ fixTime: 1e300 }, { fixTime: Date.UTC(2019, 11, 31) }, { fixTime: Number.POSITIVE_INFINITY }, { accuracy: 0 }, { accuracy: -5 }, { accuracy: 1e9 }, { lat: 90.5 }, { lon: 181 }]) {
      const r = await ask(phone, 'position', { ...fix, ...bad });
      expect([bad, r.ok]).toEqual([bad, false]);
    }
    expect((await ask(phone, 'position', fix)).ok).toBe(true);

    const progress = { requestId: 'req-progress-1', pointKey: SIGNBOARD, state: 'retrying' };
    for (const bad of [
      { state: 'received' }, // only the server says a photo arrived
      { message: '第一行\n第二行' },
      { message: 'x'.repeat(301) },
      { evidenceId: 'e'.repeat(200_000) },
      { requestId: 'r'.repeat(200_000) },
      { pointKey: 'no.such.point' },
    ]) {
      const r = await ask(phone, 'capture:progress', { ...progress, ...bad });
      expect([Object.keys(bad)[0], r.ok]).toEqual([Object.keys(bad)[0], false]);
    }
    // A well-formed report reaches the console with the reason the photo waits.
    const relayed = next(inspector, 'capture:progress');
    expect((await ask(phone, 'capture:progress', { ...progress, message: '服务器暂时无法接收照片，稍后自动重传' })).ok).toBe(true);
    expect(await relayed).toMatchObject({ requestId: 'req-progress-1', state: 'retrying', message: '服务器暂时无法接收照片，稍后自动重传' });
  });
});
