// A phone's camera and microphone as a file: 720p VP8 at about 1.5 Mbit/s with a key frame every
// few seconds (what a browser sends), and Opus voice. Encoded once with Debian's ffmpeg and cached,
// so the synthetic phones that replay it with `-c copy` cost almost nothing themselves.
//
// The picture and the sound carry a sync mark: once a second (at t = 0, 1, 2 ... s of the file) a
// white square in the top-left corner (otherwise black) and a 1 kHz beep (otherwise silence) start
// together and last 100 ms. A recording of it says how far audio and video drifted apart on the
// way (see recordedFile.ts).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SyntheticMediaOptions {
  /** Seconds of media in the file (the phone replays it in a loop; loop points are key frames). */
  seconds: number;
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  /** Seconds between key frames. */
  keyFrameSeconds: number;
  audioKbps: number;
}

export const DEFAULT_SYNTHETIC_MEDIA: SyntheticMediaOptions = {
  seconds: 30,
  width: 1280,
  height: 720,
  fps: 30,
  videoKbps: 1500,
  keyFrameSeconds: 3,
  audioKbps: 32,
};

export interface SyntheticMedia {
  /** A WebM file: stream 0 VP8, stream 1 Opus (48 kHz stereo). */
  file: string;
  options: SyntheticMediaOptions;
}

/** The corner square that flashes with the beep (also read back by the sync check). */
export const SYNC_MARK = { x: 0, y: 0, size: 160, flashSeconds: 0.1, beepHz: 1000 } as const;

export function defaultCacheDir(): string {
  return path.join(os.homedir(), '.cache', 'kanyan', 'bench');
}

/** The cached file for these options, encoding it first if it is not there yet. */
export async function syntheticMedia(opts: SyntheticMediaOptions = DEFAULT_SYNTHETIC_MEDIA, cacheDir = defaultCacheDir(), ffmpeg = 'ffmpeg'): Promise<SyntheticMedia> {
  const args = encodeArgs(opts);
  // The name depends on the exact command, so changing a parameter encodes a new file.
  const key = crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 12);
  const file = path.join(cacheDir, `synthetic-phone-${opts.height}p-${key}.webm`);
  if (fs.existsSync(file)) return { file, options: opts };
  await fs.promises.mkdir(cacheDir, { recursive: true });
  // Encode beside the final name and rename: a run interrupted mid-encode leaves no half file behind
  // under the name the next run trusts.
  const tmp = `${file}.${process.pid}.tmp.webm`;
  try {
    await run(ffmpeg, [...args, tmp], { maxBuffer: 16 * 1024 * 1024 });
    await fs.promises.rename(tmp, file);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
  return { file, options: opts };
}

function encodeArgs(o: SyntheticMediaOptions): string[] {
  const m = SYNC_MARK;
  const flashing = `lt(mod(t,1),${m.flashSeconds})`;
  const video = [
    `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
    `drawbox=x=${m.x}:y=${m.y}:w=${m.size}:h=${m.size}:color=black:t=fill`,
    `drawbox=x=${m.x}:y=${m.y}:w=${m.size}:h=${m.size}:color=white:t=fill:enable='${flashing}'`,
  ].join(',');
  // Between beeps, quiet noise (-40 dBFS) like a room: pure silence would shrink Opus to a few
  // bytes a frame, cheaper than any real microphone.
  const channel = `if(lt(mod(t,1),${m.flashSeconds}),0.5*sin(2*PI*${m.beepHz}*t),0)+0.01*(2*random(0)-1)`;
  const audio = `aevalsrc='${channel}|${channel}':s=48000`;
  const gop = Math.round(o.keyFrameSeconds * o.fps);
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', video,
    '-f', 'lavfi', '-i', audio,
    '-t', String(o.seconds),
    '-map', '0:v', '-map', '1:a',
    // Constant bitrate and a fixed key-frame interval, as a browser's real-time VP8 encoder runs.
    '-c:v', 'libvpx', '-b:v', `${o.videoKbps}k`, '-minrate', `${o.videoKbps}k`, '-maxrate', `${o.videoKbps}k`,
    '-g', String(gop), '-keyint_min', String(gop), '-deadline', 'realtime', '-cpu-used', '8', '-error-resilient', '1',
    '-c:a', 'libopus', '-b:a', `${o.audioKbps}k`, '-application', 'voip', '-frame_duration', '20',
    '-f', 'webm',
  ];
}

/**
 * A camera for Chromium's `--use-file-for-fake-video-capture` (Motion JPEG: far smaller than y4m):
 * the test pattern with sensor-like noise, so the browser's encoder spends bits as on a real
 * camera. Chromium's built-in fake camera (a flat picture) makes key frames barely larger than
 * other frames and would hide what a key frame costs.
 */
export async function fakeCameraFile(cacheDir = defaultCacheDir(), ffmpeg = 'ffmpeg', o = { width: 1280, height: 720, fps: 24, seconds: 10, noise: 6 }): Promise<string> {
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps},noise=alls=${o.noise}:allf=t`,
    '-t', String(o.seconds), '-c:v', 'mjpeg', '-q:v', '4', '-pix_fmt', 'yuvj420p', '-f', 'mjpeg',
  ];
  const key = crypto.createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 12);
  const file = path.join(cacheDir, `fake-camera-${o.height}p-${key}.mjpeg`);
  if (fs.existsSync(file)) return file;
  await fs.promises.mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await run(ffmpeg, [...args, tmp], { maxBuffer: 16 * 1024 * 1024 });
    await fs.promises.rename(tmp, file);
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
  return file;
}
