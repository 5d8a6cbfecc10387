import path from 'node:path';
import type { Page } from 'playwright-core';
import type { RecordingSegment } from '../../server/recording/RecordingSegment';
import { chromiumOffice } from '../support/chromiumOffice';
import { sleep, waitFor } from '../support/waiting';
import { openLiveCall, openPoint, waitForPhotos } from '../support/inspectionPages';
import { mediaSpan, probeMedia } from '../support/probe';
import { INSPECTOR } from '../support/testServer';

jest.setTimeout(300_000);

const REGISTERED = { text: '北京市东城区测试胡同8号', lat: 39.92893, lon: 116.41642 };
const PHONE_AT = { latitude: 39.92895, longitude: 116.41643, accuracy: 8 };
const SIGNBOARD = 'common.signboard_address';
const SURROUNDINGS = '周边污染源';

async function pass(inspector: Page, key: string): Promise<void> {
  await inspector.click(`.current-point[data-key="${key}"] button.result[data-result="pass"]`);
}

/**
 * The issue's own acceptance walk: a real call in Chromium with the fake camera, three checklist
 * points walked in the console (one with a phone photo, one needing 15 s of video), the checklist
 * closed; then the recording, its post-processing, its chapters and the replay a reviewer uses.
 */
describe('an inspection recorded on the server and replayed', () => {
  const office = chromiumOffice();

  test('three points walked with a photo and a 15 s video point: the recording, its jobs, chapters and the replay', async () => {
    const { srv, browser } = office;
    const c = await openLiveCall(srv, browser, '全程录像测试店', REGISTERED, PHONE_AT);
    office.contexts.push(c.phoneContext, c.inspector.context());
    const { inspector, sessionId } = c;
    const phoneSegment = () => srv.server.store.segments.listBySession(sessionId).then((l) => l.filter((s) => s.track === 'phone'));
    await waitFor(phoneSegment, (l) => l.some((s) => s.firstMediaAt !== undefined), 'the phone recording’s first key frame');

    const view = await srv.server.walks.view(sessionId);
    const surroundings = view.points.find((p) => p.title === SURROUNDINGS)!;
    expect(surroundings.evidence.minVideoSeconds).toBe(15);
    const plain = view.points.find((p) => p.applies && p.evidence.minPhotos === 0 && p.evidence.minVideoSeconds === 0 && p.results.includes('pass'))!;
    const walked = [SIGNBOARD, surroundings.key, plain.key];

    // 1. The signboard: the inspector asks for a photo, the phone sends it, the point passes.
    await openPoint(inspector, SIGNBOARD);
    await inspector.click(`.current-point[data-key="${SIGNBOARD}"] .ask-photo`);
    await waitForPhotos(inspector, SIGNBOARD, 1);
    await pass(inspector, SIGNBOARD);
    // 2. 周边污染源: 15 s of recorded video on the point meet its rule, then it passes.
    await openPoint(inspector, surroundings.key);
    await inspector.waitForSelector(`.current-point[data-key="${surroundings.key}"] .evidence-ok`, { timeout: 25_000 });
    await pass(inspector, surroundings.key);
    // 3. A point with no evidence rule.
    await openPoint(inspector, plain.key);
    await sleep(2000);
    await pass(inspector, plain.key);
    await waitFor(() => srv.server.walks.view(sessionId), (v) => walked.every((k) => v.points.find((p) => p.key === k)?.result === 'pass'), 'three results');

    // The rest of the walk is not what this test is about: the points left need an on-site check.
    for (const p of (await srv.server.walks.view(sessionId)).points.filter((x) => x.applies && !x.result)) {
      await srv.server.lifecycle.changeWalk(sessionId, { type: 'result_set', key: p.key, result: 'onsite_required' }, INSPECTOR.username);
    }
    for (const permit of (await srv.server.walks.view(sessionId)).outcome.permits) {
      await srv.server.lifecycle.changeWalk(sessionId, { type: 'permit_signed', permitType: permit.permitType }, INSPECTOR.username);
    }
    const closing = await srv.server.walks.view(sessionId);
    // The video point's rule is met by the recording: no override, no reason.
    expect(closing.points.find((p) => p.key === surroundings.key)!.evidenceGap).toBeUndefined();
    const callEndedAt = Date.now();
    await srv.server.lifecycle.closeWalk(sessionId, { outcome: closing.outcome.outcome, computed: closing.outcome.outcome }, INSPECTOR.username);
    expect((await srv.server.lifecycle.session(sessionId)).session.state).toBe('sealed');

    // Post-processing: every segment processed, the timeline chained.
    const segments: RecordingSegment[] = await waitFor(() => srv.server.store.segments.listBySession(sessionId), (l) => l.length > 0 && l.every((s) => s.state === 'processed'), 'every segment processed', 60_000);
    const caseId = segments[0]!.caseId;
    await waitFor(() => srv.server.store.evidenceRecords.list(caseId), (r) => r.some((x) => x.record.kind === 'timeline' && x.record.sessionId === sessionId), 'the chained timeline', 60_000);

    // The phone's segment and its seekable copy: video and audio of the call's length (within 1 s).
    const phoneSeg = segments.find((s) => s.track === 'phone')!;
    expect(segments.filter((s) => s.track === 'phone')).toHaveLength(1);
    // The call's length as recorded: from the phone's first key frame to the moment the checklist was closed.
    const callSeconds = (callEndedAt - phoneSeg.firstMediaAt!) / 1000;
    expect(Math.abs(phoneSeg.endedAt! - callEndedAt)).toBeLessThan(3000);
    const original = path.join(srv.config.recordingsDir, phoneSeg.file);
    const playback = path.join(srv.config.recordingsDir, phoneSeg.derived!.playback!.file);
    for (const file of [original, playback]) {
      const span = await mediaSpan(file);
      const probed = await probeMedia(file);
      expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      expect(Math.abs(span.video![1] - callSeconds)).toBeLessThan(1);
      expect(Math.abs(span.audio![1] - callSeconds)).toBeLessThan(1);
    }
    const av = await mediaSpan(original);
    console.log(`recorded call: ${callSeconds.toFixed(2)} s; video ${av.video![0].toFixed(3)}–${av.video![1].toFixed(2)} s, audio ${av.audio![0].toFixed(3)}–${av.audio![1].toFixed(2)} s (A/V start offset ${Math.round((av.audio![0] - av.video![0]) * 1000)} ms)`);

    // Chapters: one per point visited, in the order walked, the three points among them.
    const cookie = c.cookie;
    const vtt = await (await fetch(`${srv.url}/api/sessions/${sessionId}/chapters.vtt`, { headers: { cookie } })).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const titles = vtt.split('\n\n').slice(1).map((cue) => cue.trim().split('\n').at(-1)!);
    const titleOf = (key: string) => view.points.find((p) => p.key === key)!.title;
    const order = walked.map((k) => titles.indexOf(titleOf(k)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    // The replay page, as the inspector opens it from the case: it plays, jumps to a checklist point,
    // and shows the signboard photo on the timeline, opening it with its stamp.
    const replay = await inspector.context().newPage();
    await replay.goto(`/inspector#/replay/${sessionId}`);
    await replay.waitForSelector('.replay-video');
    await replay.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.readyState >= 1, undefined, { timeout: 20_000 });
    await replay.click('.replay-play');
    await replay.waitForFunction(() => document.querySelector<HTMLVideoElement>('.replay-video')!.currentTime > 1, undefined, { timeout: 20_000 });
    await replay.click('.replay-play');
    const replayView = await (await fetch(`${srv.url}/api/sessions/${sessionId}/replay`, { headers: { cookie } })).json();
    const chapter = replayView.chapters.find((ch: { key: string }) => ch.key === surroundings.key);
    await replay.click(`.chapter-jump[data-key="${surroundings.key}"]`);
    await replay.waitForFunction((ms) => Math.abs(Number(document.querySelector<HTMLElement>('.replay')!.dataset.positionMs) - ms) < 1500, chapter.startMs);
    const signboardPhoto = replayView.photos.findIndex((ph: { pointKey: string }) => ph.pointKey === SIGNBOARD);
    expect(signboardPhoto).toBeGreaterThanOrEqual(0);
    await replay.click(`.photo-mark[data-index="${signboardPhoto}"]`);
    await replay.waitForSelector(`dialog.photo-viewer[open][data-evidence-id="${replayView.photos[signboardPhoto].id}"]`);
    expect(await replay.getAttribute('dialog.photo-viewer .pv-image', 'src')).toContain('/stamped');
    await replay.keyboard.press('Escape');
    // Every file the replay rests on still matches its hash in the chain.
    await replay.click('[data-tab="files"]');
    await replay.waitForSelector('.files-summary.good');
    await replay.close();
  });
});
