import type { RecordingSegment, SegmentCause, SegmentTrack } from './RecordingSegment';

/** Time a track was not recorded between two of its segments, and why. */
export interface RecordingGap {
  track: SegmentTrack;
  /** Server ms: the end of the segment before, and the first media of the one after. */
  from: number;
  to: number;
  cause: SegmentCause;
  /** The segments around it (ids). */
  after: string;
  before: string;
}

/**
 * The gaps of each track: between a segment's end and the next segment's first media (or start).
 * The phone's track is what matters to a reviewer; inspectors' microphones come and go with them.
 */
export function segmentGaps(segments: readonly RecordingSegment[]): RecordingGap[] {
  const gaps: RecordingGap[] = [];
  const byTrack = new Map<string, RecordingSegment[]>();
  for (const s of segments) {
    const key = s.track === 'phone' ? 'phone' : `inspector:${s.peer}`;
    byTrack.set(key, [...(byTrack.get(key) ?? []), s]);
  }
  for (const list of byTrack.values()) {
    const ordered = [...list].sort((a, b) => a.startedAt - b.startedAt);
    ordered.forEach((next, i) => {
      const prev = ordered[i - 1];
      if (!prev || prev.endedAt === undefined) return;
      const to = next.firstMediaAt ?? next.startedAt;
      gaps.push({ track: next.track, from: prev.endedAt, to: Math.max(prev.endedAt, to), cause: prev.endCause ?? next.startCause, after: prev.id, before: next.id });
    });
  }
  return gaps.sort((a, b) => a.from - b.from);
}
