import { execFile } from 'node:child_process';
import path from 'node:path';
import { UnreadableRecording } from './UnreadableRecording';

export interface MediaProbe {
  durationMs: number;
  hasVideo: boolean;
  hasAudio: boolean;
  videoCodec?: string;
  audioCodec?: string;
}

/** What ffmpeg prints when the input itself is the problem (not the machine, not the output). */
const INPUT_FAULT = /Invalid data found when processing input|EBML header parsing failed|could not find codec parameters|No such file or directory|Error opening input|End of file|moov atom not found/i;

/**
 * Runs Debian's ffmpeg and ffprobe for post-processing: each call can be aborted (shutdown kills
 * the child), and an input the tools cannot read becomes UnreadableRecording, not a retry.
 */
export class MediaTools {
  readonly ffprobe: string;

  constructor(
    readonly ffmpeg: string,
    ffprobe?: string,
  ) {
    // FFMPEG_PATH names ffmpeg only; its ffprobe sits beside it in every packaging we know.
    this.ffprobe = ffprobe ?? (ffmpeg.includes('/') ? path.join(path.dirname(ffmpeg), 'ffprobe') : 'ffprobe');
  }

  /** Streams, and the duration (from the container, or by reading every packet when a killed recorder left none). */
  async probe(file: string, signal?: AbortSignal): Promise<MediaProbe> {
    const out = await this.run(this.ffprobe, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name', '-of', 'json', file], file, signal);
    let parsed: { streams?: Array<{ codec_type?: string; codec_name?: string }>; format?: { duration?: string } };
    try {
      parsed = JSON.parse(out.stdout) as typeof parsed;
    } catch {
      throw new UnreadableRecording(file, 'ffprobe gave no readable answer');
    }
    const streams = parsed.streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    if (!video && !audio) throw new UnreadableRecording(file, 'no audio or video stream');
    const declared = Number(parsed.format?.duration);
    const durationMs = Number.isFinite(declared) && declared > 0 ? Math.round(declared * 1000) : await this.readDuration(file, signal);
    return { durationMs, hasVideo: !!video, hasAudio: !!audio, videoCodec: video?.codec_name, audioCodec: audio?.codec_name };
  }

  /** The end of the last packet, by copying the file to nowhere (fast: nothing is decoded). */
  private async readDuration(file: string, signal?: AbortSignal): Promise<number> {
    const out = await this.run(this.ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-i', file, '-map', '0', '-c', 'copy', '-f', 'null', '-', '-progress', 'pipe:1'], file, signal);
    const last = [...out.stdout.matchAll(/^out_time_us=(\d+)$/gm)].at(-1)?.[1];
    if (!last) throw new UnreadableRecording(file, 'no packet with a time stamp');
    return Math.round(Number(last) / 1000);
  }

  /** Runs ffmpeg with these arguments; `inputs` are the files a failure may be blamed on. */
  async ffmpegRun(args: string[], inputs: readonly string[], signal?: AbortSignal): Promise<void> {
    await this.run(this.ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', ...args], inputs[0] ?? '', signal);
  }

  private run(binary: string, args: string[], blame: string, signal?: AbortSignal): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      execFile(binary, args, { signal, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        if (signal?.aborted) return reject(new Error(`${path.basename(binary)} stopped: post-processing is shutting down`));
        const said = lastLines(stderr) || err.message;
        // A missing tool is the machine's fault, not the recording's: retry later.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${binary} is not installed (${err.message})`));
        if (INPUT_FAULT.test(stderr)) return reject(new UnreadableRecording(blame, `${path.basename(binary)}: ${said}`));
        reject(new Error(`${path.basename(binary)} failed (exit ${String((err as { code?: unknown }).code)}): ${said}`));
      });
    });
  }
}

function lastLines(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}
