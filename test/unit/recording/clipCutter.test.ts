import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EvidenceFiles } from '../../../server/evidence/EvidenceFiles';
import { createLogger } from '../../../server/platform/logger';
import { ClipCutter } from '../../../server/recording/clips/ClipCutter';
import type { PendingClip } from '../../../server/recording/clips/PendingClip';
import { probeMedia } from '../../support/probe';
import { waitFor } from '../../support/waiting';

/** What post-processing leaves on a segment once it has chained the original (its first step). */
const CHAINED = 'segment-record-hash';
import { openDomain } from '../../support/domain';

// Cutting by copy with Debian's ffmpeg from a Matroska file shaped like a phone segment: VP8 with a
// key frame every 5 s (the recorder's request interval) and Opus, 24 s long.

jest.setTimeout(60_000);

type Domain = Awaited<ReturnType<typeof openDomain>>;
const FIRST_MEDIA = 1_800_000_100_000;
const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('clip cutter', () => {
  let dir: string;
  let d: Domain;
  let sid: string;
  let caseId: string;
  let segmentFile: string;
  let cutter: ClipCutter;
  let files: EvidenceFiles;

  const clip = (over: Partial<PendingClip> = {}): PendingClip => ({
    id: `clip-${crypto.randomBytes(4).toString('hex')}`,
    sessionId: sid,
    caseId,
    pointKey: 'tiny.licence',
    segmentId: 'seg-1',
    fromMs: FIRST_MEDIA + 10_000,
    toMs: FIRST_MEDIA + 22_000,
    seconds: 12,
    cause: 'dwell',
    requestedBy: 'system',
    createdAt: FIRST_MEDIA + 22_000,
    state: 'pending',
    attempts: 0,
    ...over,
  });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-clips-'));
    segmentFile = path.join(dir, 'segment-source.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '24', '-c:v', 'libvpx', '-g', '150', '-keyint_min', '150', '-b:v', '300k', '-c:a', 'libopus', segmentFile]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    const run = fs.mkdtempSync(path.join(dir, 'run-'));
    d = await openDomain(run);
    const caseRecord = await d.newCase();
    caseId = caseRecord.id;
    sid = (await d.lifecycle.schedule(caseRecord, 'inspector')).id;
    const recordingsDir = path.join(run, 'recordings');
    fs.mkdirSync(path.join(recordingsDir, caseId, sid), { recursive: true });
    fs.copyFileSync(segmentFile, path.join(recordingsDir, caseId, sid, 'phone.mkv'));
    await d.store.segments.insert({ id: 'seg-1', sessionId: sid, caseId, track: 'phone', peer: 'applicant', file: path.join(caseId, sid, 'phone.mkv'), startedAt: FIRST_MEDIA - 300, firstMediaAt: FIRST_MEDIA, startCause: 'phone_joined', state: 'recording', attempts: 0 });
    files = new EvidenceFiles(path.join(run, 'evidence'));
    cutter = new ClipCutter({ store: d.store, files, chain: d.chain, log: createLogger('silent'), recordingsDir, ffmpeg: 'ffmpeg', workDir: path.join(run, 'tmp') });
  });
  afterEach(async () => {
    await cutter.close();
    await d.store.close();
  });

  test('waits for the segment to close, then cuts from the key frame, stores, chains and names the segment', async () => {
    const c = await d.store.pendingClips.insert(clip());
    cutter.added(c);
    await cutter.idle();
    expect((await d.store.pendingClips.get(c.id))!.state).toBe('pending');

    // Closed, but post-processing has not chained the segment yet: a clip naming it would come first.
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended' });
    cutter.segmentClosed((await d.store.segments.get('seg-1'))!);
    await new Promise((r) => setTimeout(r, 50));
    await cutter.idle();
    expect((await d.store.pendingClips.get(c.id))!.state).toBe('pending');
    await d.store.segments.update('seg-1', { recordHash: CHAINED });
    await waitFor(async () => (await d.store.pendingClips.get(c.id))!.state, (st) => st !== 'pending', 'the clip cut once its segment is chained', 10_000, 100);
    await cutter.idle();

    const done = (await d.store.pendingClips.get(c.id))!;
    expect(done.state).toBe('cut');
    const segmentSha = sha256(path.join(dir, path.basename(segmentFile)));
    const item = (await d.store.evidence.get(c.id))!;
    expect(item).toMatchObject({ kind: 'video', grade: 'clip', mediaType: 'video/x-matroska', parentSha256: segmentSha, sha256: done.sha256, checked: { segmentId: 'seg-1', fromMs: c.fromMs, toMs: c.toMs, seconds: 12 } });
    const stored = files.pathOf(item.sha256, 'mkv');
    expect(sha256(stored)).toBe(item.sha256);
    const probed = await probeMedia(stored);
    // 10 s is a key frame: the clip holds 10–22 s of the segment, video and audio.
    expect(probed.duration).toBeGreaterThanOrEqual(11.9);
    expect(probed.duration).toBeLessThanOrEqual(12.2);
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    const records = (await d.chain.list(caseId)).filter((r) => r.record.kind === 'clip');
    expect(records).toHaveLength(1);
    expect(records[0]!.hash).toBe(done.recordHash);
    expect(records[0]!.record).toMatchObject({ sha256: item.sha256, parentSha256: segmentSha, pointKey: 'tiny.licence', file: `clips/${item.sha256}.mkv`, checked: { segmentId: 'seg-1', fromMs: c.fromMs, toMs: c.toMs, seconds: 12 } });
  });

  test('a start between key frames is widened to the key frame before it, never cut short', async () => {
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended', recordHash: CHAINED });
    const c = await d.store.pendingClips.insert(clip({ fromMs: FIRST_MEDIA + 7_000, toMs: FIRST_MEDIA + 14_000, seconds: 7, cause: 'marked' }));
    cutter.added(c);
    await cutter.idle();
    const item = (await d.store.evidence.get(c.id))!;
    // From the key frame at 5 s to 14 s.
    expect((await probeMedia(files.pathOf(item.sha256, 'mkv'))).duration).toBeCloseTo(9, 0);
  });

  test('cutting again after a crash before the bookkeeping makes no second item or record', async () => {
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended', recordHash: CHAINED });
    const c = await d.store.pendingClips.insert(clip());
    cutter.added(c);
    await cutter.idle();
    const first = (await d.store.pendingClips.get(c.id))!;
    await d.store.pendingClips.update(c.id, { state: 'pending' });
    await cutter.resume();
    await cutter.idle();
    const second = (await d.store.pendingClips.get(c.id))!;
    expect(second).toMatchObject({ state: 'cut', sha256: first.sha256, recordHash: first.recordHash });
    expect((await d.chain.list(caseId)).filter((r) => r.record.kind === 'clip')).toHaveLength(1);
    expect((await d.store.evidence.listBySession(sid)).filter((e) => e.grade === 'clip')).toHaveLength(1);
  });

  test('a clip whose segment file is gone fails for good, with the reason kept', async () => {
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended', recordHash: CHAINED });
    const c = await d.store.pendingClips.insert(clip({ segmentId: 'seg-unknown' }));
    cutter.added(c);
    await cutter.idle();
    expect(await d.store.pendingClips.get(c.id)).toMatchObject({ state: 'failed', attempts: 1, failure: expect.stringContaining('seg-unknown') });
  });

  test('a span the segment does not hold is refused for good, not cut from somewhere else', async () => {
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended', recordHash: CHAINED });
    const c = await d.store.pendingClips.insert(clip({ fromMs: FIRST_MEDIA + 60_000, toMs: FIRST_MEDIA + 70_000 }));
    cutter.added(c);
    await cutter.idle();
    expect(await d.store.pendingClips.get(c.id)).toMatchObject({ state: 'failed', failure: expect.stringContaining('asked for') });
    expect(await d.store.evidence.get(c.id)).toBeUndefined();
  });

  test('a failing ffmpeg is retried later; close is idempotent and leaves no retry timer behind', async () => {
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: FIRST_MEDIA + 24_000, endCause: 'call_ended', recordHash: CHAINED });
    const broken = new ClipCutter({ store: d.store, files, chain: d.chain, log: createLogger('silent'), recordingsDir: path.join(dir, 'unused'), ffmpeg: '/nonexistent/ffmpeg', workDir: path.join(dir, 'tmp') });
    const before = timers();
    const c = await d.store.pendingClips.insert(clip());
    // The segment's path is resolved against this cutter's recordings dir: give it the file there.
    const seg = (await d.store.segments.get('seg-1'))!;
    fs.mkdirSync(path.dirname(path.join(dir, 'unused', seg.file)), { recursive: true });
    fs.copyFileSync(segmentFile, path.join(dir, 'unused', seg.file));
    broken.added(c);
    await broken.idle();
    expect(await d.store.pendingClips.get(c.id)).toMatchObject({ state: 'pending', attempts: 1, failure: expect.stringContaining('ffmpeg') });
    // Other work in this process (a failed child's timers, under load) can hold a timer a moment
    // longer: the count must settle at exactly the one retry, and at none after close.
    await waitFor(async () => timers(), (n) => n === before + 1, 'exactly one retry timer', 5000, 20);
    await broken.close();
    await broken.close();
    await waitFor(async () => timers(), (n) => n === before, 'no timer left after close', 5000, 20);
  });
});
