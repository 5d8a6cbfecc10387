// What a recording holds, read back with ffprobe/ffmpeg: where each stream starts, how many bytes
// its key frames and other frames take, and how far the synthetic phone's sync marks (a corner
// flash and a beep that start together, see syntheticMedia.ts) ended up apart.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SYNC_MARK } from './syntheticMedia';

const run = promisify(execFile);

export interface StreamPackets {
  /** pts of the first packet, seconds. */
  first: number;
  last: number;
  packets: number;
  bytes: number;
  keyFrames: number;
  keyFrameBytes: number;
}

export interface PacketSummary {
  video?: StreamPackets;
  audio?: StreamPackets;
  /** First audio packet minus first video packet, ms (positive: the audio starts later). */
  firstPacketOffsetMs?: number;
}

interface ProbePacket {
  codec_type?: string;
  pts_time?: string;
  size?: string;
  flags?: string;
}

/** Packets per stream; `fromSeconds` leaves out the packets before that pts (e.g. a bitrate ramp-up). */
export async function packetSummary(file: string, fromSeconds = -Infinity, ffprobe = 'ffprobe'): Promise<PacketSummary> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,size,flags', '-of', 'json', file], { maxBuffer: 256 * 1024 * 1024 });
  const packets = (JSON.parse(stdout) as { packets?: ProbePacket[] }).packets ?? [];
  const out: PacketSummary = {};
  for (const p of packets) {
    const kind = p.codec_type;
    const t = Number(p.pts_time);
    if ((kind !== 'video' && kind !== 'audio') || !Number.isFinite(t) || t < fromSeconds) continue;
    const size = Number(p.size ?? 0);
    const s = (out[kind] ??= { first: t, last: t, packets: 0, bytes: 0, keyFrames: 0, keyFrameBytes: 0 });
    s.first = Math.min(s.first, t);
    s.last = Math.max(s.last, t);
    s.packets++;
    s.bytes += size;
    if (kind === 'video' && p.flags?.includes('K')) {
      s.keyFrames++;
      s.keyFrameBytes += size;
    }
  }
  if (out.video && out.audio) out.firstPacketOffsetMs = (out.audio.first - out.video.first) * 1000;
  return out;
}

export interface SyncOffset {
  /** Median of (beep onset - flash onset) over the marks found, ms (positive: sound late). */
  medianMs: number;
  minMs: number;
  maxMs: number;
  marks: number;
  /** Each mark: where the flash is in the file (s) and the beep's offset from it (ms). */
  each: Array<{ at: number; ms: number }>;
}

/**
 * Decodes the first `seconds` of a file and pairs each flash of the corner square with the beep
 * nearest to it. In the source file they coincide (within an audio frame); in a recording the
 * difference is the audio/video misalignment a viewer would see.
 */
export async function syncOffset(file: string, seconds = 12, ffmpeg = 'ffmpeg'): Promise<SyncOffset | undefined> {
  const m = SYNC_MARK;
  const { stderr } = await run(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-loglevel', 'info', '-t', String(seconds), '-i', file,
      '-filter_complex',
      `[0:v:0]crop=${m.size}:${m.size}:${m.x}:${m.y},signalstats,metadata=print:key=lavfi.signalstats.YAVG[v];` +
        `[0:a:0]pan=mono|c0=c0,silencedetect=n=-30dB:d=0.05[a]`,
      '-map', '[v]', '-map', '[a]', '-f', 'null', '-',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const flashes: number[] = [];
  let pts: number | undefined;
  let wasWhite = false;
  for (const line of stderr.split('\n')) {
    const frame = /pts_time:(-?[\d.]+)/.exec(line);
    if (frame && line.includes('Parsed_metadata')) pts = Number(frame[1]);
    const yavg = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(line);
    if (yavg && pts !== undefined) {
      const white = Number(yavg[1]) > 128;
      if (white && !wasWhite) flashes.push(pts);
      wasWhite = white;
    }
  }
  const beeps = [...stderr.matchAll(/silence_end: (-?[\d.]+)/g)].map((x) => Number(x[1]));
  const each: Array<{ at: number; ms: number }> = [];
  for (const f of flashes) {
    let best: number | undefined;
    for (const b of beeps) if (best === undefined || Math.abs(b - f) < Math.abs(best - f)) best = b;
    // Marks are a second apart: a pair further than 400 ms apart is two different marks.
    if (best !== undefined && Math.abs(best - f) < 0.4) each.push({ at: f, ms: (best - f) * 1000 });
  }
  if (each.length === 0) return undefined;
  const offsets = each.map((e) => e.ms).sort((a, b) => a - b);
  return { medianMs: offsets[Math.floor(offsets.length / 2)]!, minMs: offsets[0]!, maxMs: offsets[offsets.length - 1]!, marks: offsets.length, each };
}
