import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RecordingSegment, SegmentCause, SegmentTrack } from '../../server/recording/RecordingSegment';
import type { RunningServer } from './testServer';

const run = promisify(execFile);

/** One segment a recorder would have left, at the server times given. */
export interface RecordedSegmentSpec {
  track: SegmentTrack;
  /** 'applicant' for the phone; an inspector's account id for a microphone. */
  peer?: string;
  firstMediaAt: number;
  endedAt: number;
  startCause: SegmentCause;
  endCause: SegmentCause;
  /** Make the seekable WebM copy (phone segments) and the thumbnail sprite, as post-processing would. */
  processed?: boolean;
}

/** Thumbnail tiles of the fixture's sprites. */
export const SPRITE = { intervalMs: 2000, width: 160, height: 90 } as const;

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Until the recorder runs in these tests, segments as it would leave them: real VP8 + Opus Matroska
 * made with ffmpeg (lavfi testsrc2 and a sine tone, the length the server times say), a WebM copy
 * as the playback file and a thumbnail sprite, and the rows in the store as a recorder and its
 * post-processing would write them ('processed', with `derived`). No chain records: the caller
 * chains what it needs.
 */
export async function recordedSegments(srv: RunningServer, ids: { caseId: string; sessionId: string }, specs: readonly RecordedSegmentSpec[]): Promise<RecordingSegment[]> {
  const dir = path.join(srv.config.recordingsDir, ids.caseId, ids.sessionId);
  fs.mkdirSync(dir, { recursive: true });
  const out: RecordingSegment[] = [];
  for (const [i, spec] of specs.entries()) {
    const name = `${i + 1}-${spec.track}`;
    const rel = (suffix: string) => path.join(ids.caseId, ids.sessionId, `${name}${suffix}`);
    const abs = (suffix: string) => path.join(srv.config.recordingsDir, rel(suffix));
    const seconds = ((spec.endedAt - spec.firstMediaAt) / 1000).toFixed(3);
    const video = spec.track === 'phone';
    await run('ffmpeg', [
      '-v', 'error', '-y',
      ...(video ? ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=15:duration=${seconds}`] : []),
      '-f', 'lavfi', '-i', `sine=frequency=${video ? 440 : 660}:sample_rate=48000:duration=${seconds}`,
      ...(video ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '15'] : []),
      '-c:a', 'libopus', '-b:a', '32k',
      '-f', 'matroska', abs('.mkv'),
    ]);
    const base: Omit<RecordingSegment, 'seq'> = {
      id: `seg-${crypto.randomUUID()}`,
      sessionId: ids.sessionId,
      caseId: ids.caseId,
      track: spec.track,
      peer: spec.peer ?? (video ? 'applicant' : 'inspector'),
      file: rel('.mkv'),
      startedAt: spec.firstMediaAt - 300,
      startCause: spec.startCause,
      state: 'recording',
      attempts: 0,
    };
    const segment = await srv.server.store.segments.insert(base);
    const durationMs = Math.round(Number(seconds) * 1000);
    const patch: Partial<RecordingSegment> = {
      firstMediaAt: spec.firstMediaAt,
      endedAt: spec.endedAt,
      endCause: spec.endCause,
      state: spec.processed ? 'processed' : 'closed',
      sha256: sha256(abs('.mkv')),
      bytes: fs.statSync(abs('.mkv')).size,
      durationMs,
      hasVideo: video,
      hasAudio: true,
    };
    if (spec.processed && video) {
      await run('ffmpeg', ['-v', 'error', '-y', '-i', abs('.mkv'), '-c', 'copy', '-cues_to_front', '1', '-f', 'webm', abs('.playback.webm')]);
      const count = Math.max(1, Math.ceil(durationMs / SPRITE.intervalMs));
      const columns = Math.min(10, count);
      const rows = Math.ceil(count / columns);
      await run('ffmpeg', ['-v', 'error', '-y', '-i', abs('.mkv'), '-vf', `fps=1000/${SPRITE.intervalMs},scale=${SPRITE.width}:${SPRITE.height},tile=${columns}x${rows}`, '-frames:v', '1', '-q:v', '5', abs('.thumbs.jpg')]);
      patch.derived = {
        playback: { file: rel('.playback.webm'), sha256: sha256(abs('.playback.webm')), bytes: fs.statSync(abs('.playback.webm')).size, mediaType: 'video/webm' },
        thumbnails: { file: rel('.thumbs.jpg'), sha256: sha256(abs('.thumbs.jpg')), bytes: fs.statSync(abs('.thumbs.jpg')).size, mediaType: 'image/jpeg', sprite: { ...SPRITE, columns, rows, count } },
      };
    }
    await srv.server.store.segments.update(segment.id, patch);
    out.push((await srv.server.store.segments.get(segment.id))!);
  }
  return out;
}
