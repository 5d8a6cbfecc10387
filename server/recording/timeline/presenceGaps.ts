import type { SessionState } from '../../inspection/SessionState';
import { timelineEnd } from './chapters';
import type { SessionTimeline } from './SessionTimeline';

/** A stretch of the call in which the phone was not there: reconnecting, or waited for. */
export interface PresenceGap {
  /** The state it began with (applicant_reconnecting, or waiting_for_applicant). */
  state: SessionState;
  fromAt: number;
  toAt: number;
  fromMs: number;
  toMs: number;
}

const ABSENT: ReadonlySet<SessionState> = new Set(['applicant_reconnecting', 'waiting_for_applicant']);

/**
 * From the lifecycle transitions: each stretch spent in applicant_reconnecting or waiting_for_applicant
 * (one after the other counts as one gap), until the phone is back or the call moves on.
 */
export function presenceGaps(t: SessionTimeline): PresenceGap[] {
  const gaps: PresenceGap[] = [];
  let open: { state: SessionState; at: number } | undefined;
  for (const e of t.entries) {
    if (e.kind !== 'transition') continue;
    if (ABSENT.has(e.to)) {
      open ??= { state: e.to, at: e.at };
    } else if (open) {
      gaps.push({ state: open.state, fromAt: open.at, toAt: e.at, fromMs: open.at - t.originAt, toMs: e.at - t.originAt });
      open = undefined;
    }
  }
  if (open) {
    const end = timelineEnd(t);
    gaps.push({ state: open.state, fromAt: open.at, toAt: end, fromMs: open.at - t.originAt, toMs: end - t.originAt });
  }
  return gaps;
}
