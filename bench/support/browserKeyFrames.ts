// What a periodic key-frame request costs, measured on a real call: the synthetic phones cannot
// answer key-frame requests (ffmpeg replays fixed key frames), so here the real server records a
// real phone page (Chromium, its fake camera fed a noisy 720p test pattern, see fakeCameraFile)
// once with the recorder's periodic request and once without, and the two phone segments are compared.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { bothLive, CHROMIUM_ARGS, phoneContext } from '../../test/support/browser';
import { openCaseInConsole } from '../../test/support/inspectionPages';
import { startTestServer } from '../../test/support/testServer';
import { packetSummary, type PacketSummary } from './recordedFile';
import { fakeCameraFile } from './syntheticMedia';

export interface BrowserRecording {
  keyFrameSeconds: number;
  /** The phone's segments in this call (one expected). */
  segments: number;
  /** Whole file. */
  file: PacketSummary;
  /** After the sender's bitrate ramp-up (from `steadyFromSeconds`). */
  steady: PacketSummary;
  steadyFromSeconds: number;
  /** Segment start (recorder asked to start) -> first key frame sent to ffmpeg: the file's time 0. */
  startToFirstMediaMs?: number;
}

/** One call of `seconds` with RECORDING_KEYFRAME_SECONDS = keyFrameSeconds (0: never ask again). */
export async function recordBrowserCall(keyFrameSeconds: number, seconds: number, steadyFromSeconds: number): Promise<BrowserRecording> {
  const camera = await fakeCameraFile();
  const srv = await startTestServer({ RECORDING_KEYFRAME_SECONDS: String(keyFrameSeconds) });
  const browser = await chromium
    .launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${camera}`] })
    .catch(async (err: unknown) => {
      await srv.stop();
      throw err;
    });
  try {
    const c = await openCaseInConsole(srv, browser, '录像基准店', { text: '北京市东城区测试胡同1号', lat: 39.92893, lon: 116.41642 });
    const phoneCtx = await phoneContext(browser, srv.url, { latitude: 39.92893, longitude: 116.41642, accuracy: 10 });
    try {
      const phone = await phoneCtx.newPage();
      await phone.goto(c.joinUrl);
      await bothLive(phone, c.inspector);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      await srv.server.recordings.stopAll('call_ended');
    } finally {
      await phoneCtx.close();
      await c.close();
    }
    const segs = (await srv.server.store.segments.listBySession(c.sessionId)).filter((s) => s.track === 'phone' && s.state !== 'failed');
    const first = segs[0];
    if (!first) throw new Error('the call left no phone segment');
    const file = path.join(srv.config.recordingsDir, first.file);
    return {
      keyFrameSeconds,
      segments: segs.length,
      file: await packetSummary(file),
      steady: await packetSummary(file, steadyFromSeconds),
      steadyFromSeconds,
      startToFirstMediaMs: first.firstMediaAt !== undefined ? first.firstMediaAt - first.startedAt : undefined,
    };
  } finally {
    await browser.close();
    await srv.stop();
  }
}
