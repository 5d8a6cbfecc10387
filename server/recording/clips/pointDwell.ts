import type { WalkEvent } from '../../checklist/WalkEvent';
import type { SessionTransition } from '../../inspection/SessionTransition';
import type { RecordingSegment } from '../RecordingSegment';

// How long a checklist point was recorded while it was open: pure interval arithmetic over what
// the server stored (walk events, lifecycle steps, segments), so a restart computes the same.

/** A stretch of server time; `to: null` while it still goes on. */
export interface Span {
  from: number;
  to: number | null;
}

export interface PointSpan extends Span {
  pointKey: string;
}

export interface SegmentSpan extends Span {
  segmentId: string;
}

/** Time a point was open while the phone was live and its segment was recording media. */
export interface DwellRun {
  pointKey: string;
  segmentId: string;
  from: number;
  /** null: the point is still open, the phone live and recorded. */
  to: number | null;
}

/**
 * When each point was the one being inspected: from its `point_opened` to the next one (or the
 * walk's close). Opening the point that is already open again changes nothing.
 */
export function pointSpans(events: readonly WalkEvent[]): PointSpan[] {
  const spans: PointSpan[] = [];
  let open: PointSpan | undefined;
  for (const e of events) {
    if (e.type === 'point_opened') {
      if (open?.pointKey === e.key) continue;
      if (open) open.to = e.at;
      open = { pointKey: e.key, from: e.at, to: null };
      spans.push(open);
    } else if (e.type === 'closed' && open) {
      open.to = e.at;
      open = undefined;
    }
  }
  return spans;
}

/** When the phone was live in the call: the session's time in the 'live' state. */
export function liveSpans(transitions: readonly Pick<SessionTransition, 'from' | 'to' | 'at'>[]): Span[] {
  const spans: Span[] = [];
  let open: Span | undefined;
  for (const t of transitions) {
    if (t.to === 'live' && !open) {
      open = { from: t.at, to: null };
      spans.push(open);
    } else if (t.to !== 'live' && open) {
      open.to = t.at;
      open = undefined;
    }
  }
  return spans;
}

/**
 * What each phone segment holds: from its first key frame (the file's time 0) to its end. A
 * segment without media recorded nothing; one still recording goes on.
 */
export function phoneSegmentSpans(segments: readonly Pick<RecordingSegment, 'id' | 'track' | 'state' | 'firstMediaAt' | 'endedAt'>[]): SegmentSpan[] {
  return segments
    .filter((s) => s.track === 'phone' && s.firstMediaAt !== undefined)
    .map((s) => ({ segmentId: s.id, from: s.firstMediaAt!, to: s.state === 'recording' ? null : Math.max(s.firstMediaAt!, s.endedAt ?? s.firstMediaAt!) }));
}

/** The overlap of two spans, or undefined when they do not overlap for any time. */
function overlap(a: Span, b: Span): Span | undefined {
  const from = Math.max(a.from, b.from);
  const to = a.to === null ? b.to : b.to === null ? a.to : Math.min(a.to, b.to);
  if (to !== null && to <= from) return undefined;
  return { from, to };
}

/**
 * Every stretch in which a point was open, the phone live and one phone segment recording: the
 * only time that counts as video of the point. A gap in any of the three ends a run; the next one
 * starts from nothing. Runs never span two segments, so each is cut from one file.
 */
export function dwellRuns(points: readonly PointSpan[], live: readonly Span[], segments: readonly SegmentSpan[]): DwellRun[] {
  const runs: DwellRun[] = [];
  for (const p of points) {
    for (const l of live) {
      const pl = overlap(p, l);
      if (!pl) continue;
      for (const s of segments) {
        const all = overlap(pl, s);
        if (all) runs.push({ pointKey: p.pointKey, segmentId: s.segmentId, from: all.from, to: all.to });
      }
    }
  }
  return runs.sort((a, b) => a.from - b.from);
}

/**
 * Where a run's counted time starts: its first key frame. A clip cut by copy starts on a key
 * frame, so counting from one makes the clip hold exactly the time counted (the recorder asks
 * for a key frame when a point is opened, so the wait is a fraction of a second).
 */
export function countedFrom(run: Pick<DwellRun, 'from' | 'to'>, keyFrames: readonly number[]): number | undefined {
  let first: number | undefined;
  for (const k of keyFrames) if (k >= run.from && (run.to === null || k < run.to) && (first === undefined || k < first)) first = k;
  return first;
}

/** The counted milliseconds of a run at `now` (0 before its first key frame). */
export function countedMs(run: Pick<DwellRun, 'from' | 'to'>, keyFrames: readonly number[], now: number): number {
  const from = countedFrom(run, keyFrames);
  if (from === undefined) return 0;
  return Math.max(0, (run.to ?? now) - from);
}

/** A run cut down to a window (an inspector's explicit recording), or undefined outside it. */
export function withinWindow(run: DwellRun, window: Span): DwellRun | undefined {
  const o = overlap(run, window);
  return o ? { ...run, from: o.from, to: o.to } : undefined;
}
