import type { SessionTimeline } from './SessionTimeline';
import { webVtt, type VttCue } from './webvtt';

/** One stretch of the recording spent on one checklist point (a point visited twice has two). */
export interface Chapter {
  key: string;
  title: string;
  /** Server times, and the same on the recording's clock (ms from its start; negative before it). */
  startAt: number;
  endAt: number;
  startMs: number;
  endMs: number;
}

export interface ChapterOptions {
  /** The point's title in the reader's language (from the walk view); the key when unknown. */
  titleOf: (key: string) => string | undefined;
  /** The point the console shows before anyone opens one (the walk plan's first): it counts from the start. */
  firstPointKey?: string;
}

/** Where the session's timeline ends: its last entry (the recording's end is one of them). */
export function timelineEnd(t: SessionTimeline): number {
  return Math.max(t.originAt, t.recordingEndedAt ?? t.originAt, t.entries.at(-1)?.at ?? t.originAt);
}

/**
 * The points in the order the inspector worked them. A point is on screen from when it was opened
 * to when the next one was (or the checklist closed, or the timeline ends); a result or a note
 * given to another point than the one open means the inspector went to that point, so it starts
 * a chapter too. Evidence arriving later (a photo upload) does not move the chapter.
 */
export function chaptersOf(t: SessionTimeline, opts: ChapterOptions): Chapter[] {
  const chapters: Chapter[] = [];
  const firstWalkAt = t.entries.find((e) => e.kind === 'point_opened' || e.kind === 'result_set' || e.kind === 'note_set' || e.kind === 'fact_answered')?.at;
  // The first point is on screen from the start, but one left at once was never really visited.
  let open: { key: string; at: number; implicit?: boolean } | undefined =
    opts.firstPointKey !== undefined && (t.recordingStartedAt !== null || firstWalkAt !== undefined)
      ? { key: opts.firstPointKey, at: Math.min(t.originAt, firstWalkAt ?? t.originAt), implicit: true }
      : undefined;
  const close = (at: number) => {
    if (open && (open.implicit ? at > open.at : at >= open.at)) {
      chapters.push({ key: open.key, title: opts.titleOf(open.key) ?? open.key, startAt: open.at, endAt: at, startMs: open.at - t.originAt, endMs: at - t.originAt });
    }
    open = undefined;
  };
  let closed = false;
  for (const e of t.entries) {
    if (closed) break;
    if (e.kind === 'closed') {
      close(e.at);
      closed = true;
    } else if (e.kind === 'point_opened' || e.kind === 'result_set' || e.kind === 'note_set') {
      if (open?.key === e.key) continue;
      close(e.at);
      open = { key: e.key, at: e.at };
    }
  }
  if (!closed) close(timelineEnd(t));
  return chapters;
}

/** The chapters as a WebVTT chapters track on the recording's clock (what lies before its start is cut). */
export function chaptersVtt(chapters: readonly Chapter[]): string {
  const seen = new Map<string, number>();
  const cues: VttCue[] = [];
  for (const c of chapters) {
    const n = (seen.get(c.key) ?? 0) + 1;
    seen.set(c.key, n);
    if (c.endMs <= 0 && c.startMs < 0) continue;
    cues.push({ id: n > 1 ? `${c.key} #${n}` : c.key, startMs: Math.max(0, c.startMs), endMs: Math.max(0, c.endMs), text: c.title });
  }
  return webVtt(cues, 'chapters');
}
