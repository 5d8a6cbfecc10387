import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** ffprobe beside the configured ffmpeg (FFMPEG_PATH names ffmpeg only). */
export function ffprobeBeside(ffmpeg: string): string {
  return ffmpeg.includes('/') ? path.join(path.dirname(ffmpeg), 'ffprobe') : 'ffprobe';
}

function run(cmd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { signal, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(cmd)} failed: ${String(stderr).trim().split('\n').slice(-3).join(' | ') || err.message}`));
      else resolve(String(stdout));
    });
  });
}

/**
 * Copies `[fromS, toS]` (seconds into the file) of a Matroska recording into a new file without
 * re-encoding. Input seeking with stream copy starts on the key frame at or before `fromS`: time is
 * added at the start rather than lost. Bit-exact output, so cutting the same span again (a retry
 * after a crash) gives the same bytes and the same hash.
 */
export async function cutByCopy(ffmpeg: string, input: string, output: string, fromS: number, toS: number, signal?: AbortSignal): Promise<void> {
  await run(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-y', '-ss', fromS.toFixed(3), '-to', toS.toFixed(3), '-i', input, '-map', '0', '-c', 'copy', '-map_metadata', '-1', '-fflags', '+bitexact', '-f', 'matroska', output],
    signal,
  );
}

/** The clip's length as its container states it (ms), and whether it holds video. */
export async function probeClip(ffprobe: string, file: string, signal?: AbortSignal): Promise<{ durationMs: number; hasVideo: boolean }> {
  const out = await run(ffprobe, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file], signal);
  const parsed = JSON.parse(out) as { streams?: Array<{ codec_type?: string }>; format?: { duration?: string } };
  const seconds = Number(parsed.format?.duration);
  return { durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0, hasVideo: (parsed.streams ?? []).some((s) => s.codec_type === 'video') };
}

/** SHA-256 of a file read as a stream (segments can be hundreds of megabytes). */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
