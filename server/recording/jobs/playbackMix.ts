import type { RecordingSegment } from '../RecordingSegment';

/** Server time of a segment's time 0: its first key frame (or first audio packet), else when its recorder started. */
export const timeZeroOf = (s: Pick<RecordingSegment, 'firstMediaAt' | 'startedAt'>): number => s.firstMediaAt ?? s.startedAt;

/** Where a segment ends in server time, if known yet: by its probed length, else by when its recorder stopped. */
export function endOf(s: Pick<RecordingSegment, 'firstMediaAt' | 'startedAt' | 'durationMs' | 'endedAt'>): number | undefined {
  if (s.durationMs !== undefined) return timeZeroOf(s) + s.durationMs;
  return s.endedAt;
}

/**
 * The inspector microphones heard during a phone segment: every inspector segment of the same
 * session whose time overlaps the phone's, in server time (an inspector still recording has no end yet).
 */
export function overlappingInspectors(phone: RecordingSegment, session: readonly RecordingSegment[]): RecordingSegment[] {
  const from = timeZeroOf(phone);
  const to = endOf(phone) ?? Number.POSITIVE_INFINITY;
  return session.filter((s) => s.track === 'inspector' && s.id !== phone.id && timeZeroOf(s) < to && (endOf(s) ?? Number.POSITIVE_INFINITY) > from);
}

export interface MixInput {
  /** Absolute path. */
  file: string;
  /** Server time of the file's time 0. */
  timeZero: number;
}

/**
 * ffmpeg arguments for the playback copy of a phone segment: the video copied as it is (no
 * transcoding), one audio track (browsers play one) with the phone and every overlapping inspector
 * placed at its offset in server time, as WebM with the index in front so a browser can seek
 * before it has the whole file.
 */
export function playbackArgs(
  phone: MixInput & { durationMs: number; hasVideo: boolean; hasAudio: boolean },
  inspectors: readonly MixInput[],
  out: string,
): string[] {
  const args = ['-i', phone.file];
  for (const i of inspectors) args.push('-i', i.file);
  const maps: string[] = phone.hasVideo ? ['-map', '0:v:0', '-c:v', 'copy'] : [];
  if (inspectors.length === 0) {
    // Nothing to mix: the phone's own audio is copied, as untouched as its video.
    if (phone.hasAudio) maps.push('-map', '0:a:0', '-c:a', 'copy');
  } else {
    const filters: string[] = [];
    let base = '[0:a:0]';
    if (!phone.hasAudio) {
      // Silence as long as the phone's segment, so the mix ends where the video does.
      args.push('-f', 'lavfi', '-t', (phone.durationMs / 1000).toFixed(3), '-i', 'anullsrc=r=48000:cl=stereo');
      base = `[${inspectors.length + 1}:a]`;
    }
    const labels = inspectors.map((insp, n) => {
      const offsetMs = Math.round(insp.timeZero - phone.timeZero);
      const shift = offsetMs >= 0 ? `adelay=delays=${offsetMs}:all=1` : `atrim=start=${(-offsetMs / 1000).toFixed(3)},asetpts=PTS-STARTPTS`;
      filters.push(`[${n + 1}:a:0]${shift}[i${n}]`);
      return `[i${n}]`;
    });
    // duration=first: the phone's segment decides the length; no normalisation, so a lone voice keeps its level.
    filters.push(`${base}${labels.join('')}amix=inputs=${inspectors.length + 1}:duration=first:dropout_transition=0:normalize=0[mix]`);
    maps.push('-filter_complex', filters.join(';'), '-map', '[mix]', '-c:a', 'libopus', '-b:a', '64k');
  }
  return [...args, ...maps, '-f', 'webm', '-cues_to_front', '1', '-y', out];
}
