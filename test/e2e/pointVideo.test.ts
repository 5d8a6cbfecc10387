import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { WalkEvent } from '../../server/checklist/WalkEvent';
import type { PendingClip } from '../../server/recording/clips/PendingClip';
import { chromiumOffice } from '../support/chromiumOffice';
import { sleep, waitFor } from '../support/waiting';
import { openLiveCall, openPoint } from '../support/inspectionPages';
import { probeMedia } from '../support/probe';
import { checkState, CLEAN } from '../support/screens';
import type { RunningServer } from '../support/testServer';

jest.setTimeout(240_000);

const REGISTERED = { text: '北京市东城区测试胡同1号', lat: 39.92893, lon: 116.41642 };
const PHONE_AT = { latitude: 39.92893, longitude: 116.41642, accuracy: 10 };
const SURROUNDINGS = '周边污染源';

/** The video notes the stored walk holds for a point. */
async function videoNotes(srv: RunningServer, sessionId: string, key: string): Promise<Array<Extract<WalkEvent, { type: 'evidence_attached' }>>> {
  const events = await srv.server.walks.eventLog(sessionId);
  return events.filter((e): e is Extract<WalkEvent, { type: 'evidence_attached' }> => e.type === 'evidence_attached' && e.key === key && e.evidence.kind === 'video');
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('video evidence per checklist point, cut from the recording', () => {
  const office = chromiumOffice();

  test('staying on 周边污染源 while the phone is recorded meets its 15 s rule; leaving after 5 s does not; the clip is cut and chained', async () => {
    const { srv, browser } = office;
    const c = await openLiveCall(srv, browser, '点位录像测试店', REGISTERED, PHONE_AT);
    office.contexts.push(c.phoneContext, c.inspector.context());
    const { inspector, sessionId } = c;

    const view = await srv.server.walks.view(sessionId);
    const point = view.points.find((p) => p.title === SURROUNDINGS)!;
    expect(point.evidence.minVideoSeconds).toBe(15);
    const other = view.points.find((p) => p.applies && p.key !== point.key && p.evidence.minVideoSeconds === 0)!;
    // The phone's first segment must be recording media before the count can start.
    await waitFor(() => srv.server.store.segments.listBySession(sessionId), (s) => s.some((x) => x.track === 'phone' && x.firstMediaAt !== undefined), 'the phone segment’s first key frame');

    // 1. Five seconds on the point, then another point: no video note.
    await openPoint(inspector, point.key);
    await sleep(5000);
    await openPoint(inspector, other.key);
    await sleep(1500);
    expect(await videoNotes(srv, sessionId, point.key)).toEqual([]);
    expect((await srv.server.walks.view(sessionId)).points.find((p) => p.key === point.key)!.evidenceGap).toMatch(/15 秒/);

    // 2. Back on the point: the console counts, and the note comes once 15 s are recorded.
    const reopenedAt = Date.now();
    await openPoint(inspector, point.key);
    // Checked a few seconds in: axe takes its time, and at 15 s the count gives way to "evidence complete".
    await inspector.waitForFunction(() => Number(/已连续录像 (\d+)\/15 秒/.exec(document.querySelector('.current-point .cp-video')?.textContent ?? '')?.[1]) >= 4, undefined, { timeout: 20_000 });
    expect(await checkState(inspector, 'console-point-video-counter', ['.current-point .cp-video', '.current-point .record-point', '.current-point .next'])).toEqual(CLEAN);
    const [note] = await waitFor(() => videoNotes(srv, sessionId, point.key), (n) => n.length > 0, 'the point’s video note', 20_000);
    const noteAfterMs = Date.now() - reopenedAt;
    expect(note!.evidence.seconds).toBe(15);
    expect(note!.actor).toBe('system');
    // Counted from a key frame asked for when the point opened: the note comes 15–17 s after.
    expect(noteAfterMs).toBeGreaterThanOrEqual(15_000);
    expect(noteAfterMs).toBeLessThan(18_500);
    const walked = (await srv.server.walks.view(sessionId)).points.find((p) => p.key === point.key)!;
    expect(walked.evidenceGap).toBeUndefined();
    await inspector.waitForSelector('.current-point .evidence-ok');
    expect(await inspector.$('.current-point .cp-video')).toBeNull();
    await sleep(Math.max(0, 16_000 - (Date.now() - reopenedAt)));

    // 3. "Record this point" on a point without a video rule, in the English console: start, about 4 s, stop.
    await inspector.goto(`/inspector?lang=en#/session/${sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence === 'live', undefined, { timeout: 20_000 });
    await openPoint(inspector, other.key);
    await inspector.click('.current-point .record-point');
    await inspector.waitForFunction(() => /● Recording this point: [3-9] s/.test(document.querySelector('.current-point .cp-video')?.textContent ?? ''), undefined, { timeout: 15_000 });
    expect(await inspector.textContent('.current-point .record-point')).toBe('Stop recording');
    expect(await checkState(inspector, 'console-point-recording-en', ['.current-point .cp-video', '.current-point .record-point', '.current-point .next'])).toEqual(CLEAN);
    await inspector.click('.current-point .record-point');
    const [marked] = await waitFor(() => videoNotes(srv, sessionId, other.key), (n) => n.length > 0, 'the marked recording’s note', 10_000);
    expect(marked!.evidence.seconds).toBeGreaterThanOrEqual(3);
    expect(marked!.actor).toBe('inspector');

    // 4. The call ends (interrupted): the segment closes and its clips are cut, stored and chained.
    await srv.server.lifecycle.endCall(sessionId, 'inspector', '测试结束通话');
    const clips: PendingClip[] = await waitFor(() => srv.server.store.pendingClips.listBySession(sessionId), (l) => l.length === 2 && l.every((x) => x.state !== 'pending'), 'both clips cut', 30_000);
    expect(clips.map((x) => x.state)).toEqual(['cut', 'cut']);
    const dwell = clips.find((x) => x.cause === 'dwell')!;
    const mark = clips.find((x) => x.cause === 'marked')!;
    expect(dwell).toMatchObject({ pointKey: point.key, id: note!.evidence.evidenceId, seconds: 15 });
    expect(mark).toMatchObject({ pointKey: other.key, id: marked!.evidence.evidenceId });

    const segment = (await srv.server.store.segments.get(dwell.segmentId))!;
    expect(segment.state).not.toBe('recording');
    const segmentSha = sha256(path.join(srv.config.recordingsDir, segment.file));
    const caseId = (await srv.server.store.sessions.get(sessionId))!.caseId;
    const records = await srv.server.store.evidenceRecords.list(caseId);

    for (const [clip, lo, hi] of [[dwell, 14.5, 17], [mark, marked!.evidence.seconds! - 0.5, marked!.evidence.seconds! + 2]] as const) {
      const item = (await srv.server.store.evidence.get(clip.id))!;
      expect(item).toMatchObject({ kind: 'video', grade: 'clip', mediaType: 'video/x-matroska', parentSha256: segmentSha, pointKey: clip.pointKey });
      const file = path.join(srv.dataDir, 'evidence', item.sha256.slice(0, 2), `${item.sha256}.mkv`);
      expect(sha256(file)).toBe(item.sha256);
      const probed = await probeMedia(file);
      expect(probed.streams.map((s) => s.codec_type)).toContain('video');
      expect(probed.duration).toBeGreaterThanOrEqual(lo);
      expect(probed.duration).toBeLessThanOrEqual(hi);
      const record = records.find((r) => r.record.kind === 'clip' && r.record.sha256 === item.sha256)!;
      expect(record.record).toMatchObject({ parentSha256: segmentSha, pointKey: clip.pointKey, sessionId, checked: { segmentId: segment.id, fromMs: clip.fromMs, toMs: clip.toMs, seconds: clip.seconds } });
      expect(record.hash).toBe(clip.recordHash);
    }
    // Only one clip per rule met: the 5 s visit and the time after the note made none.
    expect(await videoNotes(srv, sessionId, point.key)).toHaveLength(1);
  });
});
