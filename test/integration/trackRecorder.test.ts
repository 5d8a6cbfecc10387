import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { SyntheticPhone } from '../../bench/support/SyntheticPhone';
import { DEFAULT_SYNTHETIC_MEDIA, syntheticMedia } from '../../bench/support/syntheticMedia';
import { systemClock } from '../../server/platform/clock';
import { createLogger } from '../../server/platform/logger';
import { TrackRecorder } from '../../server/recording/TrackRecorder';
import { MEDIA_CODECS } from '../../server/sfu/mediaCodecs';
import { mediaSpan } from '../support/probe';

jest.setTimeout(120_000);

// Small and short: encoded once per machine (cached), in seconds on a fresh CI box.
const SMALL = { ...DEFAULT_SYNTHETIC_MEDIA, seconds: 8, width: 640, height: 360, videoKbps: 600, keyFrameSeconds: 2 };

function running(pid: number | undefined): boolean {
  if (!pid || !fs.existsSync(`/proc/${pid}/stat`)) return false;
  return !/^\S+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** The recorder of one segment, on a real worker with a phone replayed by ffmpeg: it starts on a key frame and leaves nothing behind. */
describe('TrackRecorder', () => {
  let worker: types.Worker;
  let router: types.Router;
  let dir: string;
  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-track-'));
  });
  afterAll(async () => {
    worker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records video and audio from the first key frame, and stop() ends ffmpeg and its transports (twice is harmless)', async () => {
    const phone = await SyntheticPhone.start({ router, media: await syntheticMedia(SMALL) });
    try {
      await phone.waitForMedia();
      const before = (await router.dump()).transportIds.length;
      const file = path.join(dir, 'seg.mkv');
      const recorder = await TrackRecorder.start({
        router,
        inputs: { video: phone.video, audio: phone.audio },
        file,
        sdpFile: path.join(dir, 'seg.sdp'),
        ffmpeg: 'ffmpeg',
        keyFrameIntervalMs: 5000,
        clock: systemClock,
        log: createLogger('silent'),
      });
      expect((await router.dump()).transportIds.length).toBe(before + 2);
      await new Promise<void>((resolve) => (recorder.firstMediaAt !== undefined ? resolve() : recorder.observer.once('firstMedia', () => resolve())));
      await new Promise((r) => setTimeout(r, 3000));
      const pid = recorder.pid;
      expect(running(pid)).toBe(true);
      await recorder.stop();
      await recorder.stop();
      expect(recorder.closed).toBe(true);
      expect(running(pid)).toBe(false);
      expect((await router.dump()).transportIds.length).toBe(before);
      const span = await mediaSpan(file);
      expect(span.video![1]).toBeGreaterThan(2);
      expect(span.audio![1]).toBeGreaterThan(2);
    } finally {
      await phone.stop();
    }
  });

  it('reports its own death when ffmpeg is killed, and closes its transports', async () => {
    const phone = await SyntheticPhone.start({ router, media: await syntheticMedia(SMALL) });
    try {
      await phone.waitForMedia();
      const before = (await router.dump()).transportIds.length;
      const recorder = await TrackRecorder.start({
        router,
        inputs: { audio: phone.audio },
        file: path.join(dir, 'voice.mkv'),
        sdpFile: path.join(dir, 'voice.sdp'),
        ffmpeg: 'ffmpeg',
        keyFrameIntervalMs: 0,
        clock: systemClock,
        log: createLogger('silent'),
      });
      const died = new Promise((resolve) => recorder.observer.once('died', resolve));
      process.kill(recorder.pid!, 'SIGKILL');
      expect(await died).toMatchObject({ signal: 'SIGKILL' });
      expect(recorder.closed).toBe(true);
      expect((await router.dump()).transportIds.length).toBe(before);
    } finally {
      await phone.stop();
    }
  });
});
