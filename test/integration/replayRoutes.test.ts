import fs from 'node:fs';
import path from 'node:path';
import { EvidenceChain } from '../../server/evidence/EvidenceChain';
import { EvidenceSigner } from '../../server/evidence/EvidenceSigner';
import { recordingRecord } from '../../server/recording/jobs/segmentEvidence';
import type { RecordingSegment } from '../../server/recording/RecordingSegment';
import type { ReplayView } from '../../server/recording/timeline/ReplayView';
import { closedInspection, EXTINGUISHERS, SIGNBOARD, type ClosedInspection } from '../support/closedInspection';
import { apiCall, createAccount, openCase, type StaffLogin } from '../support/office';
import { recordedSegments } from '../support/recordedSegments';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The replay's routes against the real server: who may see a session's recordings, the files served
// with HTTP ranges, the WebVTT tracks, the verification of every chained file, and the view log.

describe('replay routes', () => {
  let srv: RunningServer;
  let admin: string;
  let closed: ClosedInspection;
  let reviewer: StaffLogin;
  let stranger: StaffLogin;
  let running: { sessionId: string };
  let segments: RecordingSegment[];
  let phone: RecordingSegment;

  const get = (url: string, cookie?: string, headers: Record<string, string> = {}) => fetch(`${srv.url}${url}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const views = () => srv.server.store.recordingViews.listBySession(closed.sessionId);

  beforeAll(async () => {
    srv = await startTestServer();
    admin = await loginCookie(srv.url);
    closed = await closedInspection(srv, admin, '回放小吃店');
    reviewer = await createAccount(srv.url, admin, { username: 'reviewer1', roles: ['reviewer'] });
    stranger = await createAccount(srv.url, admin, { username: 'other.inspector', roles: ['inspector'], departments: ['food_business'] });
    running = await openCase(srv.url, admin, { businessName: '尚未勘验店', permitTypes: ['food_business'], assignees: [] });

    // The session as a recorder would have left it: the phone from the first event to a drop, back
    // after a gap, to the end; the inspector's microphone throughout (closed, not yet chained).
    const events = await srv.server.store.walks.events(closed.sessionId);
    const first = events[0]!.at - 2000;
    const last = events.at(-1)!.at + 1000;
    const mid = Math.round((first + last) / 2);
    segments = await recordedSegments(srv, closed, [
      { track: 'phone', firstMediaAt: first, endedAt: mid, startCause: 'phone_joined', endCause: 'phone_left', processed: true },
      { track: 'phone', firstMediaAt: mid + 1500, endedAt: last + 1500, startCause: 'phone_reconnected', endCause: 'call_ended', processed: true },
      { track: 'inspector', peer: 'acct-1', firstMediaAt: first - 500, endedAt: last + 1500, startCause: 'inspector_joined', endCause: 'call_ended' },
    ]);
    phone = segments[0]!;
    // The first phone segment's original is chained as post-processing would chain it.
    const chain = new EvidenceChain(srv.server.store, EvidenceSigner.loadOrCreate(srv.config.dataDir));
    const caseRecord = (await srv.server.store.cases.get(closed.caseId))!;
    const signed = await chain.append(recordingRecord(caseRecord, phone, { sha256: phone.sha256!, bytes: phone.bytes! }, Date.now()));
    await srv.server.store.segments.update(phone.id, { recordHash: signed.hash });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('gives the replay to those who may see the evidence, and to a reviewer only once the session is over', async () => {
    const statusOf = async (sessionId: string, cookie?: string) => (await get(`/api/sessions/${sessionId}/replay`, cookie)).status;
    expect({
      assigned: await statusOf(closed.sessionId, admin),
      reviewerFinished: await statusOf(closed.sessionId, reviewer.cookie),
      reviewerRunning: await statusOf(running.sessionId, reviewer.cookie),
      notAssigned: await statusOf(closed.sessionId, stranger.cookie),
      anonymous: await statusOf(closed.sessionId),
    }).toEqual({ assigned: 200, reviewerFinished: 200, reviewerRunning: 403, notAssigned: 403, anonymous: 401 });
    // The same rule for the files and the tracks.
    expect({
      playback: (await get(`/api/recordings/${phone.id}/playback`, stranger.cookie)).status,
      original: (await get(`/api/recordings/${phone.id}/original`)).status,
      thumbnails: (await get(`/api/recordings/${phone.id}/thumbnails.jpg`, stranger.cookie)).status,
      chapters: (await get(`/api/sessions/${closed.sessionId}/chapters.vtt`, stranger.cookie)).status,
      runningChapters: (await get(`/api/sessions/${running.sessionId}/chapters.vtt`, reviewer.cookie)).status,
    }).toEqual({ playback: 403, original: 401, thumbnails: 403, chapters: 403, runningChapters: 403 });
  });

  it('lays the segments, gap, chapters, photos, trace and results on one clock', async () => {
    const res = await get(`/api/sessions/${closed.sessionId}/replay`, reviewer.cookie);
    const v = (await res.json()) as ReplayView;
    // Time 0 is the inspector's microphone, half a second before the phone's first key frame.
    expect(v.recordingStartedAt).toBe(segments[2]!.firstMediaAt);
    expect(v.segments.map((s) => [s.track, s.offsetMs, s.durationMs, !!s.playbackUrl, !!s.thumbnailsUrl])).toEqual([
      ['phone', 500, segments[0]!.durationMs, true, true],
      ['phone', segments[1]!.firstMediaAt! - v.originAt, segments[1]!.durationMs, true, true],
      ['inspector', 0, segments[2]!.durationMs, false, false],
    ]);
    expect(v.gaps).toEqual([{ track: 'phone', peer: 'applicant', fromMs: segments[0]!.endedAt! - v.originAt, toMs: segments[1]!.firstMediaAt! - v.originAt, cause: 'phone_left' }]);
    expect(v.chapters.length).toBeGreaterThan(3);
    expect(v.chapters.map((c) => c.key)).toEqual(expect.arrayContaining([SIGNBOARD, EXTINGUISHERS]));
    expect(v.points.find((p) => p.key === EXTINGUISHERS)).toMatchObject({ result: 'fail', note: expect.any(String), answeredMs: expect.any(Number) });
    expect(v.photos.map((p) => p.id).sort()).toEqual(Object.values(closed.photos).sort());
    expect(v.photos.every((p) => p.offsetMs > 0 && p.offsetMs < v.durationMs)).toBe(true);
    expect(v.registered).toMatchObject({ lat: expect.any(Number), lon: expect.any(Number), text: expect.any(String) });
    expect(v.thumbnails[0]).toMatchObject({ segmentId: phone.id, startMs: 500, url: `/api/recordings/${phone.id}/thumbnails.jpg#xywh=0,0,160,90` });
    expect(v.timeline.entries.length).toBeGreaterThan(20);
  });

  it('says of every chained file whether its bytes still match, and catches a changed byte', async () => {
    const files = async () => ((await (await get(`/api/sessions/${closed.sessionId}/replay`, admin)).json()) as ReplayView).files;
    const before = await files();
    const stateOf = (list: ReplayView['files'], match: (f: ReplayView['files'][number]) => boolean) => list.filter(match).map((f) => f.state);
    expect(stateOf(before, (f) => f.segmentId === phone.id && f.kind === 'recording')).toEqual(['verified']);
    // Not chained yet: post-processing has not reached them.
    expect(stateOf(before, (f) => f.segmentId === segments[2]!.id)).toEqual(['unchained']);
    expect(stateOf(before, (f) => f.kind === 'playback')).toEqual(['unchained', 'unchained']);
    // The photos and the sealed checklist log were chained as they came in.
    expect(stateOf(before, (f) => f.evidenceId === closed.photos.signboardNear)).toEqual(['verified']);
    expect(stateOf(before, (f) => f.kind === 'stamped').every((s) => s === 'verified')).toBe(true);
    expect(stateOf(before, (f) => f.kind === 'walk_log')).toEqual(['verified']);

    // One byte of the chained recording flipped, a photo deleted.
    const original = path.join(srv.config.recordingsDir, phone.file);
    const bytes = fs.readFileSync(original);
    const flip = () => bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
    flip();
    fs.writeFileSync(original, bytes);
    const photo = (await srv.server.store.evidence.get(closed.photos.extinguishers))!;
    const photoFile = path.join(srv.config.dataDir, 'evidence', photo.sha256.slice(0, 2), `${photo.sha256}.jpg`);
    const kept = fs.readFileSync(photoFile);
    fs.rmSync(photoFile);
    try {
      const after = await files();
      expect(stateOf(after, (f) => f.segmentId === phone.id && f.kind === 'recording')).toEqual(['mismatch']);
      expect(stateOf(after, (f) => f.evidenceId === closed.photos.extinguishers)).toEqual(['missing']);
      // Evidence is stored by content: the test's phone photos are one JPEG, so all of them lost their file; the stamped copies differ and are intact.
      expect(stateOf(after, (f) => f.sha256 === photo.sha256).every((s) => s === 'missing')).toBe(true);
      expect(stateOf(after, (f) => f.kind === 'stamped').every((s) => s === 'verified')).toBe(true);
      expect(stateOf(after, (f) => f.kind === 'walk_log')).toEqual(['verified']);
    } finally {
      flip();
      fs.writeFileSync(original, bytes);
      fs.writeFileSync(photoFile, kept);
    }
    expect(stateOf(await files(), (f) => f.segmentId === phone.id && f.kind === 'recording')).toEqual(['verified']);
  });

  it('serves the playback copy with ranges: 206 with Content-Range, and the whole file without one', async () => {
    const size = phone.derived!.playback!.bytes;
    const part = await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: 'bytes=100-1123' });
    expect(part.status).toBe(206);
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${size}`);
    expect(part.headers.get('content-type')).toBe('video/webm');
    const body = Buffer.from(await part.arrayBuffer());
    expect(body.length).toBe(1024);
    const file = fs.readFileSync(path.join(srv.config.recordingsDir, phone.derived!.playback!.file));
    expect(body.equals(file.subarray(100, 1124))).toBe(true);

    const tail = await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: `bytes=${size - 10}-` });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);

    const whole = await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie);
    expect(whole.status).toBe(200);
    expect(Number(whole.headers.get('content-length'))).toBe(size);
    expect(whole.headers.get('cache-control')).toBe('no-store');
    await whole.arrayBuffer();

    const beyond = await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: `bytes=${size + 10}-` });
    expect(beyond.status).toBe(416);
    await beyond.arrayBuffer();
  });

  it('serves the untouched original as a download and the sprite as a JPEG; a file not made yet is a 404 that says so', async () => {
    const original = await get(`/api/recordings/${phone.id}/original`, admin);
    expect(original.status).toBe(200);
    expect(original.headers.get('content-type')).toBe('video/x-matroska');
    expect(original.headers.get('content-disposition')).toContain(`${closed.caseNumber}-${phone.seq}-phone.mkv`);
    expect(Buffer.from(await original.arrayBuffer()).subarray(0, 4).toString('hex')).toBe('1a45dfa3');

    const sprite = await get(`/api/recordings/${phone.id}/thumbnails.jpg`, admin);
    expect(sprite.status).toBe(200);
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await sprite.arrayBuffer()).subarray(0, 2).toString('hex')).toBe('ffd8');

    const noCopy = await get(`/api/recordings/${segments[2]!.id}/playback?lang=en`, admin);
    expect(noCopy.status).toBe(404);
    expect(((await noCopy.json()) as { error: { message: string } }).error.message).toBe('The playback copy of this recording is not ready yet');
    expect((await get('/api/recordings/no-such-segment/original', admin)).status).toBe(404);
  });

  it('writes the chapters, stamps and thumbnails as WebVTT, the chapters in the asked language', async () => {
    const vtt = async (name: string, lang = '') => {
      const res = await get(`/api/sessions/${closed.sessionId}/${name}.vtt${lang}`, reviewer.cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
      return res.text();
    };
    const zh = await vtt('chapters');
    const en = await vtt('chapters', '?lang=en');
    const walkEn = await apiCall(srv.url, 'GET', `/api/sessions/${closed.sessionId}/walk?lang=en`, admin);
    const walkZh = await apiCall(srv.url, 'GET', `/api/sessions/${closed.sessionId}/walk`, admin);
    const titleOf = (w: { walk: { points: Array<{ key: string; title: string }> } }) => w.walk.points.find((p) => p.key === EXTINGUISHERS)!.title;
    expect(zh.startsWith('WEBVTT')).toBe(true);
    expect(zh).toContain(`${EXTINGUISHERS}\n`);
    expect(zh).toContain(titleOf(walkZh));
    expect(en).toContain(titleOf(walkEn));
    expect(en).not.toMatch(/[\u3400-\u9fff]/);
    expect(zh.match(/ --> /g)!.length).toBe(((await (await get(`/api/sessions/${closed.sessionId}/replay`, admin)).json()) as ReplayView).chapters.length);

    // closedInspection's phone sent no GPS over the socket: the stamps track is empty but valid.
    expect((await vtt('stamps')).trim()).toBe('WEBVTT - stamps');
    const thumbs = await vtt('thumbnails');
    // The first tile: two seconds of the first phone segment (or all of it, when shorter), 0.5 s into the session.
    const firstEnd = (500 + Math.min(2000, phone.durationMs!)) / 1000;
    expect(thumbs).toContain(`00:00:00.500 --> 00:00:0${firstEnd.toFixed(3)}\n/api/recordings/${phone.id}/thumbnails.jpg#xywh=0,0,160,90`);
  });

  it('logs every view once: a page load, and each file from its first byte, not each range a player asks for', async () => {
    const count = async () => (await views()).length;
    const start = await count();
    await (await get(`/api/sessions/${closed.sessionId}/replay`, reviewer.cookie)).arrayBuffer();
    await (await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: 'bytes=0-' })).arrayBuffer();
    await (await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: 'bytes=2000-' })).arrayBuffer();
    await (await get(`/api/recordings/${phone.id}/playback`, reviewer.cookie, { Range: 'bytes=500-900' })).arrayBuffer();
    await (await get(`/api/recordings/${phone.id}/original`, admin)).arrayBuffer();
    // Refused requests are not views.
    await (await get(`/api/recordings/${phone.id}/playback`, stranger.cookie)).arrayBuffer();
    await (await get(`/api/sessions/${closed.sessionId}/chapters.vtt`, reviewer.cookie)).arrayBuffer();
    const logged = (await views()).slice(start);
    expect(logged.map((v) => [v.viewer, v.what, v.segmentId])).toEqual([
      ['reviewer1', 'replay', null],
      ['reviewer1', 'playback', phone.id],
      ['inspector', 'original', phone.id],
    ]);
    expect(logged.every((v) => v.sessionId === closed.sessionId && Math.abs(v.at - Date.now()) < 60_000)).toBe(true);
    expect(await count()).toBe(start + 3);
  });
});
