import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { EvidenceChain } from '../../server/evidence/EvidenceChain';
import { EvidenceFiles } from '../../server/evidence/EvidenceFiles';
import { EvidenceSigner } from '../../server/evidence/EvidenceSigner';
import { extractExport } from '../../server/evidence/verify/extractExport';
import { createLogger } from '../../server/platform/logger';
import { newId } from '../../server/platform/ids';
import { RecordingPipeline } from '../../server/recording/jobs/RecordingPipeline';
import type { RecordingSegment, SegmentTrack } from '../../server/recording/RecordingSegment';
import { sealSession } from '../support/office';
import { createCase, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// Post-processing of recorded segments as bullmq jobs, on the real server: real Redis (its private
// redis-server), real SQLite, real ffmpeg. Segments are made with ffmpeg the way the recorder
// writes them (VP8 + Opus Matroska for the phone, Opus for an inspector) and inserted as closed.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-recjobs-'));
const PHONE_MS = 6000;
const INSPECTOR_MS = 4000;

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function ffprobeJson(file: string): { streams: Array<{ codec_type: string; codec_name: string }>; format: { duration?: string } } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', file]).toString());
}

/** Mean RMS level (dB) of a file's audio between two times. */
function rmsDb(file: string, from: number, to: number): number {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', `atrim=${from}:end=${to},astats=measure_overall=RMS_level:measure_perchannel=none`, '-f', 'null', '-'], { encoding: 'utf8' });
  return Number(/RMS level dB: (-?[\d.]+)/.exec(r.stderr)![1]);
}

/** Mean brightness (0-255) of tile n of a sprite: a tile no frame reached stays black. */
function tileLuma(file: string, n: number, tile: { width: number; height: number; columns: number }): number {
  const x = (n % tile.columns) * tile.width;
  const y = Math.floor(n / tile.columns) * tile.height;
  const r = spawnSync('ffmpeg', ['-hide_banner', '-i', file, '-vf', `crop=${tile.width}:${tile.height}:${x}:${y},signalstats,metadata=print:key=lavfi.signalstats.YAVG`, '-f', 'null', '-'], { encoding: 'utf8' });
  return Number(/lavfi\.signalstats\.YAVG=([\d.]+)/.exec(r.stderr)![1]);
}

/** The IDs of a WebM's top-level elements inside its Segment, in file order (hex). */
function segmentChildren(buf: Buffer): string[] {
  let pos = 0;
  const vintLength = () => Math.clz32(buf[pos]!) - 24 + 1;
  const readId = () => {
    const n = vintLength();
    const id = buf.subarray(pos, pos + n).toString('hex');
    pos += n;
    return id;
  };
  const readSize = () => {
    const n = vintLength();
    let v = buf[pos]! & (0xff >> n);
    let allOnes = v === 0xff >> n;
    for (let i = 1; i < n; i++) {
      v = v * 256 + buf[pos + i]!;
      allOnes &&= buf[pos + i] === 0xff;
    }
    pos += n;
    return allOnes ? -1 : v;
  };
  expect(readId()).toBe('1a45dfa3');
  const headerSize = readSize();
  pos += headerSize;
  expect(readId()).toBe('18538067');
  readSize();
  const ids: string[] = [];
  while (pos < buf.length) {
    ids.push(readId());
    const size = readSize();
    if (size < 0) break;
    pos += size;
  }
  return ids;
}
const CUES = '1c53bb6b';
const CLUSTER = '1f43b675';

describe('recording post-processing jobs', () => {
  let srv: RunningServer;
  let cookie: string;
  const phoneMkv = path.join(fixtures, 'phone.mkv');
  const inspectorMkv = path.join(fixtures, 'inspector.mkv');
  const killedMkv = path.join(fixtures, 'killed.mkv');

  beforeAll(async () => {
    // Key frames every 2 s, as the recorder's periodic key-frame request gives them.
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(PHONE_MS / 1000), '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-g', '50', '-c:a', 'libopus', '-f', 'matroska', phoneMkv]);
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000', '-t', String(INSPECTOR_MS / 1000), '-c:a', 'libopus', '-f', 'matroska', inspectorMkv]);
    // What a recorder killed with -9 leaves: clusters written as they came, no duration, no index.
    spawnSync('timeout', ['-s', 'KILL', '2.5', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-g', '25', '-c:a', 'libopus', '-flush_packets', '1', '-f', 'matroska', '-cluster_time_limit', '1000', killedMkv]);
    srv = await startTestServer({ RECORDING: 'false' });
    cookie = await loginCookie(srv.url);
  });
  afterAll(async () => {
    await srv?.stop();
    fs.rmSync(fixtures, { recursive: true, force: true });
  });

  const store = () => srv.server.store;
  const pipeline = () => srv.server.recordingPipeline;

  /** A closed segment as the recorder leaves it: the file under the recordings root, the row in state 'closed'. */
  async function closedSegment(c: { caseId: string; sessionId: string }, track: SegmentTrack, source: string | Buffer, timeZero: number, lengthMs: number): Promise<RecordingSegment> {
    const seq = (await store().segments.listBySession(c.sessionId)).length + 1;
    const file = `${c.caseId}/${c.sessionId}/${seq}-${track}.mkv`;
    const abs = path.join(srv.config.recordingsDir, file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof source === 'string') fs.copyFileSync(source, abs);
    else fs.writeFileSync(abs, source);
    return store().segments.insert({
      id: newId(),
      sessionId: c.sessionId,
      caseId: c.caseId,
      track,
      peer: track === 'phone' ? 'applicant' : 'inspector',
      file,
      startedAt: timeZero - 300,
      firstMediaAt: timeZero,
      endedAt: timeZero + lengthMs,
      startCause: 'call_started',
      endCause: 'call_ended',
      state: 'closed',
      attempts: 0,
    });
  }

  async function until(id: string, ok: (s: RecordingSegment) => boolean, timeoutMs = 60_000): Promise<RecordingSegment> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = (await store().segments.get(id))!;
      if (ok(s)) return s;
      if (Date.now() > deadline) throw new Error(`segment ${s.seq} still ${s.state} (attempts ${s.attempts}, failure ${s.failure ?? '-'})`);
      await sleep(100);
    }
  }
  const done = (s: RecordingSegment) => s.state === 'processed' || s.state === 'failed';
  const abs = (relative: string) => path.join(srv.config.recordingsDir, relative);
  const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  it('makes a seekable WebM with the inspector mixed in, a thumbnail sprite, and chains original and copy', async () => {
    const c = await createCase(srv.url, cookie);
    const t0 = Date.now();
    const phone = await closedSegment(c, 'phone', phoneMkv, t0, PHONE_MS);
    // The inspector's microphone starts 1.5 s into the phone's segment.
    const inspector = await closedSegment(c, 'inspector', inspectorMkv, t0 + 1500, INSPECTOR_MS);
    const started = Date.now();
    await pipeline().segmentClosed(phone.id);
    await pipeline().segmentClosed(phone.id);
    await pipeline().segmentClosed(inspector.id);
    const p = await until(phone.id, done);
    const i = await until(inspector.id, done);
    console.log(`post-processing of a ${PHONE_MS / 1000} s phone segment and a ${INSPECTOR_MS / 1000} s inspector segment: ${Date.now() - started} ms`);
    expect([p.state, p.failure, i.state, i.failure]).toEqual(['processed', undefined, 'processed', undefined]);
    expect(p).toMatchObject({ hasVideo: true, hasAudio: true, attempts: 1, sha256: sha256Of(phoneMkv), bytes: fs.statSync(phoneMkv).size });
    expect(Math.abs(p.durationMs! - PHONE_MS)).toBeLessThan(150);
    expect(i).toMatchObject({ hasVideo: false, hasAudio: true, attempts: 1 });
    // An inspector-only segment needs no playback copy and has no picture.
    expect(i.derived?.playback).toBeUndefined();
    expect(i.derived?.thumbnails).toBeUndefined();

    // The playback copy: VP8 copied, one Opus track, the index (Cues) ahead of the first Cluster.
    const playback = p.derived!.playback!;
    expect(playback).toMatchObject({ mediaType: 'video/webm', mixedSegmentIds: [inspector.id] });
    const webm = abs(playback.file);
    expect(sha256Of(webm)).toBe(playback.sha256);
    const probed = ffprobeJson(webm);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:vp8', 'audio:opus']);
    expect(Math.abs(Number(probed.format.duration) * 1000 - PHONE_MS)).toBeLessThan(150);
    const layout = segmentChildren(fs.readFileSync(webm));
    expect(layout.indexOf(CUES)).toBeGreaterThanOrEqual(0);
    expect(layout.indexOf(CUES)).toBeLessThan(layout.indexOf(CLUSTER));
    // The inspector is heard from 1.5 s on: louder there than where the phone is alone.
    const alone = rmsDb(webm, 0.2, 1.3);
    const together = rmsDb(webm, 2, 5);
    console.log(`playback audio RMS: phone alone ${alone} dB, with the inspector ${together} dB`);
    expect(together - alone).toBeGreaterThan(2);

    // Thumbnails: one 160x90 tile every 5 s → 2 tiles for 6 s.
    const thumbs = p.derived!.thumbnails!;
    expect(thumbs.sprite).toEqual({ intervalMs: 5000, width: 160, height: 90, columns: 2, rows: 1, count: 2 });
    const jpeg = ffprobeJson(abs(thumbs.file)).streams[0] as unknown as { width: number; height: number };
    expect([jpeg.width, jpeg.height]).toEqual([320, 90]);
    // Both tiles show the picture: the last one (5 s, past the last key frame at 4 s) is not left black.
    const lumas = [0, 1].map((n) => tileLuma(abs(thumbs.file), n, thumbs.sprite!));
    console.log(`sprite tile brightness: ${lumas.join(', ')}`);
    for (const l of lumas) expect(l).toBeGreaterThan(40);

    // The chain: both originals, and the playback copy naming the phone's original.
    const records = (await srv.server.store.evidenceRecords.list(c.caseId)).filter((r) => r.record.sessionId === c.sessionId);
    const recording = records.filter((r) => r.record.kind === 'recording');
    expect(recording.map((r) => [r.record.sha256, r.record.checked.segmentId, r.record.file])).toEqual([
      [p.sha256, p.id, `recordings/${p.sha256}.mkv`],
      [i.sha256, i.id, `recordings/${i.sha256}.mkv`],
    ]);
    expect(recording[0]!.hash).toBe(p.recordHash);
    expect(recording[0]!.record.checked).toMatchObject({ seq: p.seq, track: 'phone', startedAt: p.startedAt, firstMediaAt: p.firstMediaAt, endedAt: p.endedAt, startCause: 'call_started', endCause: 'call_ended', durationMs: PHONE_MS });
    const copies = records.filter((r) => r.record.kind === 'playback');
    expect(copies.map((r) => [r.record.sha256, r.record.parentSha256, r.record.file])).toEqual([[playback.sha256, p.sha256, `playback/${playback.sha256}.webm`]]);
    expect(copies[0]!.hash).toBe(p.derived!.recordHash);
    // The original is untouched.
    expect(sha256Of(abs(p.file))).toBe(p.sha256);

    // Idempotent: the same segment closed again adds no record and changes nothing.
    await pipeline().segmentClosed(phone.id);
    await sleep(1500);
    expect((await srv.server.store.evidenceRecords.list(c.caseId)).length).toBe(records.length);
    expect(await store().segments.get(phone.id)).toEqual(p);
  });

  it('reads the length of a segment a killed recorder left without one, and still makes its seekable copy', async () => {
    expect(ffprobeJson(killedMkv).format.duration).toBeUndefined();
    const c = await createCase(srv.url, cookie);
    const seg = await closedSegment(c, 'phone', killedMkv, Date.now(), 2500);
    await pipeline().segmentClosed(seg.id);
    const s = await until(seg.id, done);
    expect([s.state, s.failure]).toEqual(['processed', undefined]);
    console.log(`killed recorder's segment: ${s.durationMs} ms read from its packets`);
    // What ffmpeg finds reading every packet of the fixture itself (the kill's timing varies with load).
    const read = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-v', 'error', '-i', killedMkv, '-map', '0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1'], { encoding: 'utf8' });
    const lastMs = Number([...read.stdout.matchAll(/^out_time_us=(\d+)$/gm)].at(-1)![1]) / 1000;
    expect(lastMs).toBeGreaterThan(300);
    expect(Math.abs(s.durationMs! - lastMs)).toBeLessThan(50);
    const webm = abs(s.derived!.playback!.file);
    expect(Math.abs(Number(ffprobeJson(webm).format.duration) * 1000 - s.durationMs!)).toBeLessThan(150);
    const layout = segmentChildren(fs.readFileSync(webm));
    expect(layout.indexOf(CUES)).toBeLessThan(layout.indexOf(CLUSTER));
    expect(fs.existsSync(abs(s.derived!.thumbnails!.file))).toBe(true);
  });

  it('marks a corrupt segment failed, keeps and chains its original, lists it for the admin, and retries on request', async () => {
    const c = await createCase(srv.url, cookie);
    const garbage = crypto.randomBytes(64 * 1024);
    const bad = await closedSegment(c, 'phone', garbage, Date.now(), 3000);
    await pipeline().segmentClosed(bad.id);
    const failed = await until(bad.id, done);
    expect(failed.state).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.failure).toMatch(/^unreadable: ffprobe: .*Invalid data/);
    // Chained first: the bytes are evidence even though no tool can read them; the file is still there.
    expect(fs.readFileSync(abs(bad.file)).equals(garbage)).toBe(true);
    const chained = (await srv.server.store.evidenceRecords.list(c.caseId)).filter((r) => r.record.kind === 'recording');
    expect(chained.map((r) => r.record.sha256)).toEqual([crypto.createHash('sha256').update(garbage).digest('hex')]);

    const listed = (await pipeline().failed()).find((f) => f.segment.id === bad.id);
    expect(listed).toMatchObject({ caseNumber: expect.stringMatching(/^KY-/), job: { state: 'failed', attemptsMade: 1 } });

    // The admin page's API: the reason in the asked language, the retry.
    const res = await fetch(`${srv.url}/api/admin/recordings/failed`, { headers: { cookie, 'x-kanyan-lang': 'en' } });
    expect(res.status).toBe(200);
    const row = ((await res.json()) as { failed: Array<{ segmentId: string; attempts: number; failure: { code: string; text: string } }> }).failed.find((f) => f.segmentId === bad.id);
    expect(row).toMatchObject({ attempts: 1, failure: { code: 'unreadable', text: expect.stringMatching(/cannot be read/) } });
    const retried = await fetch(`${srv.url}/api/admin/recordings/${bad.id}/retry`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(retried.status).toBe(200);
    // Nothing was replaced: it fails again, and the attempts keep counting; the job is visible again.
    const again = await until(bad.id, (s) => s.state === 'failed' && s.attempts === 2);
    expect(again.failure).toMatch(/^unreadable:/);
    expect((await pipeline().failed()).find((f) => f.segment.id === bad.id)?.job?.state).toBe('failed');
    expect(fs.readFileSync(abs(bad.file)).equals(garbage)).toBe(true);
    // Chained once, not once per attempt.
    expect((await srv.server.store.evidenceRecords.list(c.caseId)).filter((r) => r.record.kind === 'recording')).toHaveLength(1);

    // Retrying what has not failed is refused; an unknown segment is not found.
    const processed = await closedSegment(c, 'inspector', inspectorMkv, Date.now(), INSPECTOR_MS);
    await pipeline().segmentClosed(processed.id);
    await until(processed.id, done);
    const refused = await fetch(`${srv.url}/api/admin/recordings/${processed.id}/retry`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(409);
    const unknown = await fetch(`${srv.url}/api/admin/recordings/no-such-segment/retry`, { method: 'POST', headers: { cookie, 'Content-Type': 'application/json' }, body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('close() waits a bounded time, stops a running ffmpeg, puts its job back, and leaves no process, connection or timer', async () => {
    const c = await createCase(srv.url, cookie);
    const seg = await closedSegment(c, 'phone', phoneMkv, Date.now(), PHONE_MS);
    // An ffmpeg that never finishes (a fake only at the process boundary): the playback step hangs in it.
    const stuck = path.join(fixtures, 'stuck-ffmpeg.sh');
    fs.writeFileSync(stuck, '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
    const redisPath = srv.server.redisProcess!.socketPath;
    const countClients = async () => String(await srv.server.redis.call('CLIENT', 'LIST')).trim().split('\n').length;
    // A client's disconnect reaches the server a moment after close() returns: wait for the count to settle.
    const clients = async (expected?: number) => {
      for (let i = 0; i < 20 && expected !== undefined && (await countClients()) !== expected; i++) await sleep(100);
      return countClients();
    };
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const clientsBefore = await clients();
    const timersBefore = timers();
    const deps = {
      store: store(),
      chain: new EvidenceChain(store(), EvidenceSigner.loadOrCreate(srv.dataDir, Date.now())),
      evidenceFiles: new EvidenceFiles(path.join(srv.dataDir, 'evidence')),
      clock: { now: () => Date.now() },
      log: createLogger('silent'),
      recordingsDir: srv.config.recordingsDir,
      redis: { socketPath: redisPath },
      prefix: `close-${newId(4)}`,
    };
    const hung = await RecordingPipeline.create({ ...deps, ffmpeg: stuck, ffprobe: 'ffprobe', closeTimeoutMs: 500 });
    await hung.segmentClosed(seg.id);
    // Hashed, chained and probed: now inside the hung ffmpeg.
    await until(seg.id, (s) => s.durationMs !== undefined);
    await sleep(300);
    const sleeping = () => execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).toString().split('\n').filter((n) => n.trim() === 'sleep').length;
    expect(sleeping()).toBe(1);
    const closing = Date.now();
    await hung.close();
    await hung.close();
    const tookMs = Date.now() - closing;
    console.log(`close() with a hung ffmpeg took ${tookMs} ms (bounded wait 500 ms)`);
    expect(tookMs).toBeLessThan(4000);
    expect(hung.closed).toBe(true);
    expect(sleeping()).toBe(0);
    expect(await clients(clientsBefore)).toBe(clientsBefore);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    // The job went back to wait, not into the failed list; the segment is untouched.
    const inspect = new Queue('recording-jobs', { connection: { path: redisPath }, prefix: deps.prefix });
    try {
      expect(await (await inspect.getJob(`segment-${seg.id}`))?.getState()).toBe('delayed');
    } finally {
      await inspect.close();
    }
    expect(await store().segments.get(seg.id)).toMatchObject({ state: 'closed', attempts: 1 });
    expect(fs.readFileSync(abs(seg.file)).equals(fs.readFileSync(phoneMkv))).toBe(true);

    // The next worker on that queue picks the job up and finishes it with a real ffmpeg.
    const next = await RecordingPipeline.create({ ...deps, ffmpeg: 'ffmpeg' });
    try {
      expect(await until(seg.id, done)).toMatchObject({ state: 'processed', attempts: 2 });
    } finally {
      await next.close();
    }
    expect(await clients(clientsBefore)).toBe(clientsBefore);
  });

  it('finishes every queued job when Redis is killed and restarted meanwhile', async () => {
    const c = await createCase(srv.url, cookie);
    const t0 = Date.now();
    const segments: RecordingSegment[] = [];
    for (let n = 0; n < 4; n++) segments.push(await closedSegment(c, n % 2 ? 'inspector' : 'phone', n % 2 ? inspectorMkv : phoneMkv, t0 + n * 10_000, n % 2 ? INSPECTOR_MS : PHONE_MS));
    for (const s of segments) await pipeline().segmentClosed(s.id);
    const redis = srv.server.redisProcess!;
    const restartsBefore = redis.restarts;
    const pendingAtKill = (await Promise.all(segments.map((s) => store().segments.get(s.id)))).filter((s) => s!.state === 'closed').length;
    process.kill(redis.pid!, 'SIGKILL');
    const killedAt = Date.now();
    const finished = await Promise.all(segments.map((s) => until(s.id, done, 90_000)));
    console.log(`redis killed with ${pendingAtKill} of ${segments.length} jobs still queued: all finished ${Date.now() - killedAt} ms later`);
    expect(pendingAtKill).toBeGreaterThanOrEqual(2);
    expect(redis.restarts).toBe(restartsBefore + 1);
    expect(finished.map((s) => s.state)).toEqual(['processed', 'processed', 'processed', 'processed']);
    // Each chained exactly once, however often its job ran.
    const recordings = (await srv.server.store.evidenceRecords.list(c.caseId)).filter((r) => r.record.kind === 'recording');
    expect(recordings.map((r) => r.record.checked.segmentId).sort()).toEqual(segments.map((s) => s.id).sort());
  });

  it('exports recordings, playback copies and the timeline; the export verifies and a flipped byte is caught', async () => {
    const c = await createCase(srv.url, cookie);
    const t0 = Date.now();
    const phone = await closedSegment(c, 'phone', phoneMkv, t0, PHONE_MS);
    const inspector = await closedSegment(c, 'inspector', inspectorMkv, t0 + 500, INSPECTOR_MS);
    await pipeline().segmentClosed(phone.id);
    await pipeline().segmentClosed(inspector.id);
    await sealSession(srv, cookie, c.sessionId);
    const p = await until(phone.id, done);
    expect(p.state).toBe('processed');
    // The session is sealed and every segment processed: its timeline joins the chain.
    const deadline = Date.now() + 30_000;
    let timeline;
    while (!(timeline = (await store().evidenceRecords.list(c.caseId)).find((r) => r.record.kind === 'timeline' && r.record.sessionId === c.sessionId))) {
      if (Date.now() > deadline) throw new Error('timeline never chained');
      await sleep(100);
    }
    expect(timeline.record).toMatchObject({ file: `timelines/${timeline.record.sha256}.json`, mediaType: 'application/json', checked: { segments: 2, processed: 2 } });

    const res = await fetch(`${srv.url}/api/cases/${c.caseId}/export`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-recexport-'));
    try {
      const tar = path.join(work, 'case.tar');
      fs.writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
      const verified = execFileSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', tar]).toString();
      expect(verified).toMatch(/^OK: /);
      const dir = extractExport(tar, fs.mkdtempSync(path.join(work, 'x-')));
      const original = path.join(dir, `recordings/${p.sha256}.mkv`);
      expect(fs.readFileSync(original).equals(fs.readFileSync(phoneMkv))).toBe(true);
      expect(fs.existsSync(path.join(dir, `recordings/${(await store().segments.get(inspector.id))!.sha256}.mkv`))).toBe(true);
      expect(sha256Of(path.join(dir, `playback/${p.derived!.playback!.sha256}.webm`))).toBe(p.derived!.playback!.sha256);
      expect(fs.existsSync(path.join(dir, timeline.record.file))).toBe(true);

      // One flipped byte in the middle of the segment: npm run verify fails and names the file.
      const bytes = fs.readFileSync(original);
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 0x01;
      fs.writeFileSync(original, bytes);
      let out = '';
      let code = 0;
      try {
        execFileSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', dir]);
      } catch (err) {
        out = String((err as { stdout: Buffer }).stdout);
        code = (err as { status: number }).status;
      }
      expect(code).toBe(1);
      expect(out).toContain(`file recordings/${p.sha256}.mkv was changed`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('re-queues from the database on start when Redis lost every job', async () => {
    const c = await createCase(srv.url, cookie);
    // Closed while the queue was gone: no job exists for them anywhere.
    const lost = [await closedSegment(c, 'phone', phoneMkv, Date.now(), PHONE_MS), await closedSegment(c, 'inspector', inspectorMkv, Date.now() + 1000, INSPECTOR_MS)];
    await srv.stop({ keepData: true });
    // Redis's own files gone: nothing of the queue survives.
    fs.rmSync(path.join(srv.dataDir, 'redis'), { recursive: true, force: true });
    srv = await startTestServer({ RECORDING: 'false' }, { dataDir: srv.dataDir });
    const after = await Promise.all(lost.map((s) => until(s.id, done)));
    expect(after.map((s) => s.state)).toEqual(['processed', 'processed']);
  });
});
