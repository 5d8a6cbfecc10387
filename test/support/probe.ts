import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedStream {
  codec_type: 'video' | 'audio';
  codec_name: string;
  width?: number;
  height?: number;
}

/** ffprobe's view of a media file: its streams and duration (seconds), or the error ffprobe gave. */
export async function probeMedia(file: string): Promise<{ streams: ProbedStream[]; duration: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
  const parsed = JSON.parse(stdout) as { streams: ProbedStream[]; format: { duration?: string } };
  return { streams: parsed.streams, duration: Number(parsed.format.duration ?? 0) };
}

/** The last packet's end time per stream (seconds): how much media a file really holds, even without an index. */
export async function mediaSpan(file: string): Promise<{ video: [number, number] | null; audio: [number, number] | null }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,duration_time', '-of', 'csv=p=0', file], { maxBuffer: 64 * 1024 * 1024 });
  const span: Record<string, [number, number]> = {};
  for (const line of stdout.trim().split('\n')) {
    const [type, pts, dur] = line.split(',');
    const t = Number(pts);
    if (!type || !Number.isFinite(t)) continue;
    const end = t + (Number(dur) || 0);
    const cur = span[type];
    span[type] = cur ? [Math.min(cur[0], t), Math.max(cur[1], end)] : [t, end];
  }
  return { video: span.video ?? null, audio: span.audio ?? null };
}
