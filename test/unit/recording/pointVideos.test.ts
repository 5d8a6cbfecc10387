import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WalkEvent } from '../../../server/checklist/WalkEvent';
import { createLogger } from '../../../server/platform/logger';
import type { PointVideoStatus } from '../../../server/protocol/signaling';
import type { PendingClip } from '../../../server/recording/clips/PendingClip';
import { PointVideos } from '../../../server/recording/clips/PointVideos';
import { openDomain } from '../../support/domain';
import { tinyTemplate } from '../checklist/fixtures';

// The live count on the real inspection domain (SQLite, lifecycle, walk) with the server's clock in
// the test's hands; only the phone's key frames (a media-side fact) are told by the test.

type Domain = Awaited<ReturnType<typeof openDomain>>;
const VIDEO_POINT = 'tiny.licence';
const OTHER_POINT = 'tiny.sign';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('point videos: the recorded time counted on the open point', () => {
  let dir: string;
  let d: Domain;
  let sid: string;
  let caseId: string;
  let keyFrames: number[];
  let asked: number;
  let added: PendingClip[];
  let statuses: Array<PointVideoStatus | null>;
  let pv: PointVideos;

  const now = () => d.clock.t;
  const at = (t: number) => (d.clock.t = t);
  const open = (key: string) => d.lifecycle.changeWalk(sid, { type: 'point_opened', key }, 'inspector');
  const videoNotes = async (key: string) =>
    (await d.walks.eventLog(sid)).filter((e): e is Extract<WalkEvent, { type: 'evidence_attached' }> => e.type === 'evidence_attached' && e.key === key && e.evidence.kind === 'video');
  const service = () =>
    new PointVideos({
      store: d.store,
      inspection: d.lifecycle,
      walks: d.walks,
      keyFrames: { times: () => keyFrames, request: async () => void asked++ },
      clips: { added: (c) => void added.push(c) },
      clock: d.clock,
      log: createLogger('silent'),
      tickMs: 10,
    });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-point-video-'));
    // The tiny template with a 15 s video rule on its first point.
    const template = tinyTemplate();
    template.sections[0].points[0].evidence = { minPhotos: 0, minVideoSeconds: 15 };
    fs.mkdirSync(path.join(dir, 'templates'));
    fs.writeFileSync(path.join(dir, 'templates', 'tiny.json'), JSON.stringify(template));
    d = await openDomain(dir);
    const caseRecord = await d.newCase();
    caseId = caseRecord.id;
    sid = (await d.lifecycle.schedule(caseRecord, 'inspector')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await d.store.segments.insert({ id: 'seg-1', sessionId: sid, caseId, track: 'phone', peer: 'applicant', file: 'a.mkv', startedAt: now(), firstMediaAt: now() + 5, startCause: 'phone_joined', state: 'recording', attempts: 0 });
    at(now() + 1000);
    keyFrames = [];
    asked = 0;
    added = [];
    statuses = [];
    pv = service();
    pv.events.on('status', (_sid, s) => void statuses.push(s));
    pv.watch(sid, caseId);
  });
  afterEach(async () => {
    await pv.close();
    await d.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a 5 s visit gives no note; 15 s from the key frame after the point opened gives one, exactly once', async () => {
    await open(VIDEO_POINT);
    await until(() => asked, (n) => n === 1, 'a key frame asked for the opened point');
    const first = now();
    keyFrames.push(first + 200);
    at(first + 5200);
    await open(OTHER_POINT);
    await sleep(60);
    expect(await videoNotes(VIDEO_POINT)).toEqual([]);

    await open(VIDEO_POINT);
    await until(() => asked, (n) => n === 2, 'a key frame asked for the reopened point');
    const kf = now() + 300;
    keyFrames.push(kf);
    at(kf + 14_000);
    const counting = await until(() => pv.status(sid), (s) => s?.seconds === 14, 'the count at 14 s');
    expect(counting).toEqual({ pointKey: VIDEO_POINT, neededSeconds: 15, seconds: 14, counting: true, met: false, marked: null });
    expect(await videoNotes(VIDEO_POINT)).toEqual([]);

    at(kf + 15_000);
    const [note] = await until(() => videoNotes(VIDEO_POINT), (n) => n.length === 1, 'the video note');
    expect(note!).toMatchObject({ actor: 'system', evidence: { kind: 'video', seconds: 15 } });
    expect(added).toEqual([expect.objectContaining({ id: note!.evidence.evidenceId, pointKey: VIDEO_POINT, segmentId: 'seg-1', fromMs: kf, toMs: kf + 15_000, seconds: 15, cause: 'dwell', state: 'pending' })]);
    expect((await d.walks.view(sid)).points.find((p) => p.key === VIDEO_POINT)!.evidenceGap).toBeUndefined();
    await until(() => pv.status(sid), (s) => s?.met === true, 'the status saying the rule is met');

    // Staying on, and a second service after a restart, add nothing more.
    at(kf + 40_000);
    await sleep(60);
    const again = service();
    await again.recover();
    await again.close();
    expect(await videoNotes(VIDEO_POINT)).toHaveLength(1);
    expect(await d.store.pendingClips.listBySession(sid)).toHaveLength(1);
    expect(statuses.filter((s) => s?.pointKey === VIDEO_POINT).map((s) => s!.seconds)).toContain(14);
  });

  test('a gap (the phone dropping) starts the count again from nothing', async () => {
    await open(VIDEO_POINT);
    keyFrames.push(now() + 100);
    at(now() + 10_000);
    await d.lifecycle.presence(sid, { applicant: 'reconnecting', inspectors: 1 });
    await d.store.segments.update('seg-1', { state: 'closed', endedAt: now() + 300, endCause: 'phone_left' });
    at(now() + 3000);
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await d.store.segments.insert({ id: 'seg-2', sessionId: sid, caseId, track: 'phone', peer: 'applicant', file: 'b.mkv', startedAt: now(), firstMediaAt: now() + 500, startCause: 'phone_reconnected', state: 'recording', attempts: 0 });
    at(now() + 10_000);
    await until(() => pv.status(sid), (s) => s?.seconds === 9, 'the count of the second run');
    expect(await videoNotes(VIDEO_POINT)).toEqual([]);
    at(now() + 6000);
    const [note] = await until(() => videoNotes(VIDEO_POINT), (n) => n.length === 1, 'the note from the second run');
    expect(added[0]).toMatchObject({ id: note!.evidence.evidenceId, segmentId: 'seg-2' });
  });

  test('"record this point": start and stop make a clip and a note of the recorded time; only the open point can be recorded', async () => {
    await open(OTHER_POINT);
    await expect(pv.mark(sid, VIDEO_POINT, true, 'inspector')).rejects.toMatchObject({ status: 409 });
    const started = await pv.mark(sid, OTHER_POINT, true, 'inspector');
    expect(started?.marked).toEqual({ since: expect.any(Number), seconds: 0 });
    expect(asked).toBeGreaterThanOrEqual(1);
    const kf = now() + 250;
    keyFrames.push(kf);
    at(kf + 6400);
    const stopped = await pv.mark(sid, OTHER_POINT, false, 'inspector');
    expect(stopped?.marked).toBeNull();
    const [note] = await videoNotes(OTHER_POINT);
    expect(note).toMatchObject({ actor: 'inspector', evidence: { kind: 'video', seconds: 6 } });
    expect(added).toEqual([expect.objectContaining({ cause: 'marked', requestedBy: 'inspector', fromMs: kf, seconds: 6 })]);
    expect(added[0]!.toMs - added[0]!.fromMs).toBeGreaterThanOrEqual(6400);
  });

  test('leaving the point ends its recording there; a recording without a key frame holds nothing', async () => {
    await open(OTHER_POINT);
    await pv.mark(sid, OTHER_POINT, true, 'inspector');
    const kf = now() + 100;
    keyFrames.push(kf);
    at(kf + 4000);
    await open(VIDEO_POINT);
    const left = (await d.walks.eventLog(sid)).at(-1)!.at;
    const [note] = await until(() => videoNotes(OTHER_POINT), (n) => n.length === 1, 'the note of the recording ended by leaving');
    expect(note!.evidence.seconds).toBe(4);
    expect(added).toEqual([expect.objectContaining({ pointKey: OTHER_POINT, cause: 'marked', fromMs: kf, toMs: left })]);
    expect(pv.status(sid)?.marked).toBeNull();

    // Recorded, but no key frame came: a clip could not start anywhere, so none is made.
    await pv.mark(sid, VIDEO_POINT, true, 'inspector');
    at(now() + 3000);
    await pv.mark(sid, VIDEO_POINT, false, 'inspector');
    expect(await videoNotes(VIDEO_POINT)).toEqual([]);
    expect(added).toHaveLength(1);
  });

  test('a clip registered just before a crash gets its note back on restart', async () => {
    await d.store.pendingClips.insert({ id: 'clip-x', sessionId: sid, caseId, pointKey: OTHER_POINT, segmentId: 'seg-1', fromMs: now(), toMs: now() + 4000, seconds: 4, cause: 'marked', requestedBy: 'inspector', createdAt: now(), state: 'pending', attempts: 0 });
    const again = service();
    await again.recover();
    await again.recover();
    await again.close();
    expect((await videoNotes(OTHER_POINT)).map((n) => n.evidence.evidenceId)).toEqual(['clip-x']);
  });

  test('close stops every timer, twice over', async () => {
    await open(VIDEO_POINT);
    keyFrames.push(now() + 10);
    at(now() + 2000);
    await until(() => pv.status(sid), (s) => s?.counting === true, 'counting');
    const before = timers();
    await pv.close();
    await pv.close();
    expect(timers()).toBeLessThan(before);
    expect(pv.status(sid)).toBeNull();
    const count = statuses.length;
    at(now() + 20_000);
    await sleep(50);
    expect(statuses.length).toBe(count);
    // Nothing of the service is left running: what remains are the test's own.
    pv.watch(sid, caseId);
    expect(pv.status(sid)).toBeNull();
    expect(timers()).toBeLessThan(before);
  });
});
