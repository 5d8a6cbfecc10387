import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { verifyExport } from '../../server/evidence/verify/verifyExport';
import { bombPng, testJpeg } from '../support/images';
import { captureTicket, createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

const ADDRESS = { text: '测试地址', lat: 39.92893, lon: 116.41642 };
const SIGNBOARD = 'common.signboard_address'; // food template: photo within 50 m

describe('evidence: stamping, chain, export and verify', () => {
  let srv: RunningServer;
  let cookie: string;
  let c: CreatedCase;
  let photo: Buffer;
  let n = 0;
  /** A camera photo answering a fresh inspector request, or a gallery photo (no request needed). */
  const upload = async (body: Buffer, q: Record<string, string | number>) =>
    fetch(`${srv.url}/j/${c.token}/photos?${new URLSearchParams(Object.entries({ point: SIGNBOARD, requestId: `req-${Date.now()}-${n++}`, ...(q.source === 'gallery' ? {} : { capture: await captureTicket(srv, c.sessionId, SIGNBOARD) }), ...q }).map(([k, v]) => [k, String(v)]))}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(body),
    });
  const evidenceFiles = () => {
    const dir = path.join(srv.dataDir, 'evidence');
    return fs.existsSync(dir) ? execFileSync('find', [dir, '-type', 'f']).toString().trim().split('\n').filter(Boolean) : [];
  };

  beforeAll(async () => {
    srv = await startTestServer({ GALLERY_UPLOADS: 'true' });
    cookie = await loginCookie(srv.url);
    c = await createCase(srv.url, cookie, ADDRESS);
    photo = await testJpeg();
  });
  afterAll(() => srv.stop());

  it('stamps a phone photo with server time and GPS, and judges the distance rule', async () => {
    const res = await upload(photo, { lat: 39.92898, lon: 116.41642, accuracy: 5, fixTime: Date.now() - 2000, deviceTime: Date.now() });
    expect(res.status).toBe(201);
    const body = await res.json();
    const items = await srv.server.store.evidence.listBySession(c.sessionId);
    const original = items.find((i) => i.id === body.evidenceId)!;
    const stamped = items.find((i) => i.id === body.stampedId)!;
    expect(original.checked).toMatchObject({ distance: 'pass', limitM: 50 });
    expect(stamped.parentSha256).toBe(original.sha256);
    // The original is stored untouched, under its hash.
    const origFile = path.join(srv.dataDir, 'evidence', original.sha256.slice(0, 2), `${original.sha256}.jpg`);
    expect(fs.readFileSync(origFile).equals(photo)).toBe(true);
    const stampedBytes = fs.readFileSync(path.join(srv.dataDir, 'evidence', stamped.sha256.slice(0, 2), `${stamped.sha256}.jpg`));
    const gps = await exifr.gps(stampedBytes);
    expect(gps.latitude).toBeCloseTo(39.92898, 5);
    expect(gps.longitude).toBeCloseTo(116.41642, 5);
    const tags = await exifr.parse(stampedBytes, { pick: ['DateTimeOriginal', 'ImageDescription'], reviveValues: false });
    expect(tags.ImageDescription).toBe(`kanyan case=${c.caseId} point=${SIGNBOARD}`);
    const t = new Date(original.serverTime + 8 * 3600_000).toISOString();
    expect(tags.DateTimeOriginal).toBe(`${t.slice(0, 10).replace(/-/g, ':')} ${t.slice(11, 19)}`);
    const meta = await sharp(stampedBytes).metadata();
    expect([meta.width, meta.height]).toEqual([4000, 3000]);

    const far = await upload(photo, { lat: 39.935, lon: 116.41642, accuracy: 10 });
    expect(far.status).toBe(201);
    expect((await srv.server.store.evidence.get((await far.json()).evidenceId))!.checked.distance).toBe('fail');
    const unsure = await upload(photo, { lat: 39.92893 + 0.0004, lon: 116.41642, accuracy: 30 }); // ~44 m ± 30 m
    expect((await srv.server.store.evidence.get((await unsure.json()).evidenceId))!.checked.distance).toBe('uncertain');
  });

  it('makes exactly one item when an upload is cut mid-way and retried', async () => {
    const before = (await srv.server.store.evidence.listBySession(c.sessionId)).length;
    const requestId = `retry-${Date.now()}`;
    const qs = new URLSearchParams({ point: SIGNBOARD, requestId, capture: await captureTicket(srv, c.sessionId, SIGNBOARD), lat: '39.92898', lon: '116.41642', accuracy: '5' });
    // First attempt: the connection drops after half the bytes.
    await new Promise<void>((resolve) => {
      const req = http.request(`${srv.url}/j/${c.token}/photos?${qs}`, { method: 'POST', headers: { 'Content-Length': photo.length, 'Content-Type': 'application/octet-stream' } });
      req.on('error', () => resolve());
      req.write(photo.subarray(0, photo.length / 2), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 100));
    });
    const retry = await fetch(`${srv.url}/j/${c.token}/photos?${qs}`, { method: 'POST', body: new Uint8Array(photo) });
    expect(retry.status).toBe(201);
    const again = await fetch(`${srv.url}/j/${c.token}/photos?${qs}`, { method: 'POST', body: new Uint8Array(photo) });
    expect(again.status).toBe(200);
    expect((await again.json()).duplicate).toBe(true);
    const after = await srv.server.store.evidence.listBySession(c.sessionId);
    expect(after.length - before).toBe(2); // one original + its stamped derivative
    expect(after.filter((e) => e.requestId === requestId)).toHaveLength(1);
  });

  it('rejects bad uploads cleanly and stores nothing', async () => {
    const c2 = await createCase(srv.url, cookie, ADDRESS);
    const filesBefore = evidenceFiles().length;
    // Each upload answers its own photo request, so the content checks are what refuses it.
    const post = async (body: Buffer, extra: Record<string, string> = {}) => {
      const capture = await captureTicket(srv, c2.sessionId, extra.point ?? SIGNBOARD);
      return fetch(`${srv.url}/j/${c2.token}/photos?${new URLSearchParams({ point: SIGNBOARD, requestId: `bad-${n++}-${Date.now()}`, capture, ...extra })}`, { method: 'POST', body: new Uint8Array(body) });
    };
    // Without a ticket a "camera photo" is refused before a single byte is decoded (a bomb would
    // otherwise be answered "damaged" by the decoder).
    const noTicket = await fetch(`${srv.url}/j/${c2.token}/photos?${new URLSearchParams({ point: SIGNBOARD, requestId: `no-ticket-${n++}` })}`, { method: 'POST', body: new Uint8Array(bombPng()) });
    expect(noTicket.status).toBe(403);
    expect((await noTicket.json()).error.message).toContain('拍照请求');
    const notImage = await post(Buffer.from('this is not a photo, just text pretending'), { filename: 'shop.jpg' });
    expect(notImage.status).toBe(400);
    expect((await notImage.json()).error.message).toContain('不是 JPEG 或 PNG');
    const huge = await post(Buffer.alloc(200 * 1024 * 1024, 0xff));
    expect(huge.status).toBe(413);
    const truncated = await post(photo.subarray(0, Math.floor(photo.length / 2)));
    expect(truncated.status).toBe(400);
    expect((await truncated.json()).error.message).toContain('损坏');
    const bomb = await post(bombPng());
    expect(bomb.status).toBe(400);
    const traversal = await post(photo, { filename: '../../etc/passwd.jpg' });
    expect(traversal.status).toBe(400);
    expect((await traversal.json()).error.message).toContain('路径');
    const unknownPoint = await post(photo, { point: 'no.such.point' });
    expect(unknownPoint.status).toBe(400);
    expect(await srv.server.store.evidence.listBySession(c2.sessionId)).toEqual([]);
    expect(evidenceFiles().length).toBe(filesBefore);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
  });

  it('exports a case that verifies, and catches every kind of tampering', async () => {
    const res = await fetch(`${srv.url}/api/cases/${c.caseId}/export`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-export-test-'));
    const tar = path.join(work, 'case.tar');
    fs.writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
    const out = execFileSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', tar]).toString();
    expect(out).toMatch(/^OK: \d+ record/);

    const fresh = () => {
      const dir = fs.mkdtempSync(path.join(work, 'x-'));
      execFileSync('tar', ['-xf', tar, '-C', dir]);
      return path.join(dir, fs.readdirSync(dir)[0]!);
    };
    const flipByte = (file: string, at: number) => {
      const b = fs.readFileSync(file);
      b[at] = b[at]! ^ 0x01;
      fs.writeFileSync(file, b);
    };
    // A byte of an original photo.
    let dir = fresh();
    const orig = fs.readdirSync(path.join(dir, 'originals'))[0]!;
    flipByte(path.join(dir, 'originals', orig), 5000);
    expect((await verifyExport(dir)).problems.join('\n')).toMatch(/originals\/.*was changed/);
    // A byte of a stamped derivative.
    dir = fresh();
    const der = fs.readdirSync(path.join(dir, 'derivatives'))[0]!;
    flipByte(path.join(dir, 'derivatives', der), 3000);
    expect((await verifyExport(dir)).problems.join('\n')).toMatch(/derivatives\/.*was changed/);
    // A field inside a record (the distance verdict), keeping the file valid JSON.
    dir = fresh();
    let lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    lines[0] = lines[0]!.replace('"distance":"pass"', '"distance":"fail"');
    fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n'));
    expect((await verifyExport(dir)).problems.join('\n')).toMatch(/record 1 .*altered/);
    // Two records swapped.
    dir = fresh();
    lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n'));
    expect((await verifyExport(dir)).problems.join('\n')).toMatch(/chain broken/);
    // A record dropped.
    dir = fresh();
    lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    lines.splice(2, 1);
    fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n'));
    const dropped = (await verifyExport(dir)).problems.join('\n');
    expect(dropped).toMatch(/dropped/);
    // The signature of one record.
    dir = fresh();
    lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    const e = JSON.parse(lines[3]!);
    e.signature = Buffer.alloc(64, 7).toString('base64');
    lines[3] = JSON.stringify(e);
    fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n'));
    expect((await verifyExport(dir)).problems.join('\n')).toMatch(/record 4 .*signature does not verify/);

    // A third party can check record 1 with standard tools only.
    dir = fresh();
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').split('\n')[0]!);
    const sha = execFileSync('sha256sum', [path.join(dir, 'records/000001.json')]).toString().split(' ')[0];
    expect(sha).toBe(first.hash);
    const ok = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', path.join(dir, 'keys', `${first.record.keyId}.pem`), '-rawin', '-in', path.join(dir, 'records/000001.json'), '-sigfile', path.join(dir, 'records/000001.sig')]).toString();
    expect(ok).toContain('Signature Verified Successfully');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('flags a gallery photo whose own EXIF time or place disagrees with the server', async () => {
    const old = await sharp(photo)
      .withExif({ IFD2: { DateTimeOriginal: '2024:01:02 10:00:00', OffsetTimeOriginal: '+08:00' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '121/1 28/1 0/1' } })
      .jpeg()
      .toBuffer();
    const res = await upload(old, { source: 'gallery', lat: 39.92898, lon: 116.41642, accuracy: 5 });
    expect(res.status).toBe(201);
    const item = (await srv.server.store.evidence.get((await res.json()).evidenceId))!;
    expect(item.checked).toMatchObject({ flags: ['exif_time_mismatch', 'exif_gps_mismatch'] });
    expect((item.claimed as { exif: { gps: { lat: number } } }).exif.gps.lat).toBeCloseTo(31.2333, 3);
    // Leaving out the phone's location does not skip the check: the registered address stands in.
    const noFix = await upload(old, { source: 'gallery' });
    expect((await srv.server.store.evidence.get((await noFix.json()).evidenceId))!.checked.flags).toContain('exif_gps_mismatch');
    // A GPS tag with zero denominators reads back as NaN: flagged as missing, not a server error.
    const broken = await sharp(photo).withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/0 0/0 0/0', GPSLongitudeRef: 'E', GPSLongitude: '121/0 0/0 0/0' } }).jpeg().toBuffer();
    const brokenRes = await upload(broken, { source: 'gallery', lat: 39.92898, lon: 116.41642, accuracy: 5 });
    expect(brokenRes.status).toBe(201);
    expect((await srv.server.store.evidence.get((await brokenRes.json()).evidenceId))!.checked.flags).toContain('exif_gps_missing');
    const fresh = await upload(photo, { source: 'gallery', lat: 39.92898, lon: 116.41642, accuracy: 5 });
    expect((await srv.server.store.evidence.get((await fresh.json()).evidenceId))!.checked).toMatchObject({ flags: ['exif_time_missing', 'exif_gps_missing'] });
  });

  it('takes a camera photo only as the answer to an inspector request for that point, once', async () => {
    const before = (await srv.server.store.evidence.listBySession(c.sessionId)).length;
    const post = (q: Record<string, string>) =>
      fetch(`${srv.url}/j/${c.token}/photos?${new URLSearchParams({ point: SIGNBOARD, lat: '39.92898', lon: '116.41642', accuracy: '5', ...q })}`, { method: 'POST', body: new Uint8Array(photo) });
    // Without a request: an old picture cannot pass as a live camera photo by leaving out source=gallery.
    const unasked = await post({ requestId: 'unasked-0001' });
    expect(unasked.status).toBe(403);
    expect((await unasked.json()).error.message).toContain('拍照请求');
    expect((await post({ requestId: 'forged-0001', capture: 'no-such-ticket-000' })).status).toBe(403);
    // A request for another point does not cover this one.
    const other = await captureTicket(srv, c.sessionId, 'common.business_licence_display');
    expect((await post({ requestId: 'other-point-0001', capture: other })).status).toBe(403);
    // One request, one photo; the same upload retried is still that one photo.
    const ticket = await captureTicket(srv, c.sessionId, SIGNBOARD);
    expect((await post({ requestId: 'first-0001', capture: ticket })).status).toBe(201);
    expect((await post({ requestId: 'first-0001', capture: ticket })).status).toBe(200);
    const second = await post({ requestId: 'second-0001', capture: ticket });
    expect(second.status).toBe(409);
    expect((await second.json()).error.message).toContain('再次请求');
    expect((await srv.server.store.evidence.listBySession(c.sessionId)).length - before).toBe(2);

    // A retry racing its own first attempt (the phone gave up waiting and sent again) makes one item.
    const raced = await captureTicket(srv, c.sessionId, SIGNBOARD);
    const both = await Promise.all([post({ requestId: 'raced-0001', capture: raced }), post({ requestId: 'raced-0001', capture: raced })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect((await srv.server.store.evidence.listBySession(c.sessionId)).filter((e) => e.requestId === 'raced-0001')).toHaveLength(1);
    const walk = await srv.server.walks.view(c.sessionId);
    const ids = walk.points.find((p) => p.key === SIGNBOARD)!.photos.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('publishes the public key', async () => {
    const pem = await (await fetch(`${srv.url}/.well-known/kanyan-evidence-key.pem`)).text();
    expect(pem).toContain('BEGIN PUBLIC KEY');
    const meta = await (await fetch(`${srv.url}/api/evidence-key`)).json();
    expect(meta).toMatchObject({ alg: 'Ed25519', publicKeyPem: pem });
    expect(meta.keyId).toMatch(/^[0-9a-f]{16}$/);
    const all = await (await fetch(`${srv.url}/.well-known/kanyan-evidence-keys.json`)).json();
    expect(all).toEqual({ active: meta.keyId, keys: [expect.objectContaining({ keyId: meta.keyId, publicKeyPem: pem, retiredAt: null })] });
  });
});

describe('evidence: key rotation across a restart', () => {
  it('keeps records signed by a retired key verifiable, destroys its private half, and catches a swapped key', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-rotate-test-'));
    try {
      let cookie = await loginCookie(first.url);
      const c = await createCase(first.url, cookie, ADDRESS);
      const photo = await testJpeg(1600, 1200);
      const send = async (srv: RunningServer, id: string) =>
        fetch(`${srv.url}/j/${c.token}/photos?${new URLSearchParams({ point: SIGNBOARD, requestId: id, capture: await captureTicket(srv, c.sessionId, SIGNBOARD), lat: '39.92898', lon: '116.41642', accuracy: '5' })}`, { method: 'POST', body: new Uint8Array(photo) });
      expect((await send(first, 'before-rotation')).status).toBe(201);
      const oldKey = (await (await fetch(`${first.url}/api/evidence-key`)).json()).keyId as string;
      await first.stop({ keepData: true });

      const out = execFileSync('node', ['--require', 'tsx/cjs', 'scripts/rotate-key.ts'], { env: { ...process.env, DATA_DIR: dataDir } }).toString();
      expect(out).toContain(`retired evidence key ${oldKey}`);
      const leftover = execFileSync('grep', ['-rl', 'PRIVATE KEY', path.join(dataDir, 'keys')]).toString().trim().split('\n');
      expect(leftover).toHaveLength(1); // only the new active key

      const second = await startTestServer({}, { dataDir });
      try {
        cookie = await loginCookie(second.url);
        expect((await send(second, 'after-rotation')).status).toBe(201);
        const published = await (await fetch(`${second.url}/.well-known/kanyan-evidence-keys.json`)).json();
        expect(published.active).not.toBe(oldKey);
        expect(published.keys).toHaveLength(2);
        expect(published.keys.find((k: { keyId: string }) => k.keyId === oldKey).retiredAt).toEqual(expect.any(Number));

        const tar = path.join(work, 'case.tar');
        fs.writeFileSync(tar, Buffer.from(await (await fetch(`${second.url}/api/cases/${c.caseId}/export`, { headers: { cookie } })).arrayBuffer()));
        const verified = execFileSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', tar]).toString();
        expect(verified).toMatch(/^OK: 4 record/); // two originals, two stamped copies
        expect(verified).toContain(`${oldKey} (2 records)`);
        expect(verified).toContain(`${published.active} (2 records)`);

        // Replacing the retired key with the new one under the old name is caught.
        execFileSync('tar', ['-xf', tar, '-C', work]);
        const dir = path.join(work, fs.readdirSync(work).find((f) => f !== 'case.tar')!);
        fs.copyFileSync(path.join(dir, 'keys', `${published.active}.pem`), path.join(dir, 'keys', `${oldKey}.pem`));
        const problems = (await verifyExport(dir)).problems.join('\n');
        expect(problems).toContain(`keys/${oldKey}.pem: holds key ${published.active}`);
        expect(problems).toMatch(new RegExp(`record 1 .*signed with key ${oldKey}, which the export does not carry`));
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('evidence: offices that do not accept gallery photos (the default)', () => {
  it('refuses a gallery upload with a message and stores nothing, while camera photos go through', async () => {
    const srv = await startTestServer();
    try {
      const c = await createCase(srv.url, await loginCookie(srv.url), ADDRESS);
      const photo = await testJpeg(1600, 1200);
      const send = async (source: string) =>
        fetch(`${srv.url}/j/${c.token}/photos?${new URLSearchParams({ point: SIGNBOARD, requestId: `gallery-off-${source}`, source, capture: await captureTicket(srv, c.sessionId, SIGNBOARD), lat: '39.92898', lon: '116.41642', accuracy: '5' })}`, { method: 'POST', body: new Uint8Array(photo) });
      const refused = await send('gallery');
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toContain('不接受相册照片');
      expect(await srv.server.store.evidence.listBySession(c.sessionId)).toEqual([]);
      expect((await send('photo')).status).toBe(201);
      const page = await (await fetch(`${srv.url}/j/${c.token}`)).text();
      expect(page).toContain('"galleryUploads":false');
    } finally {
      await srv.stop();
    }
  });
});
