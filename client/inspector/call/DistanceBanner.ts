import type { PositionUpdate } from '../../../server/protocol/signaling';
import { distanceVerdict } from '../../../server/geo/distanceVerdict';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { fill } from '../../shared/staff';
import { formatDistance } from './format';

/** A fix older than this says little about where the phone is now. */
export const STALE_FIX_MS = 60_000;

export type PositionAlertKind = 'far' | 'coarse' | 'no_fix' | 'stale';

export interface PositionAlertInput {
  position: PositionUpdate | null;
  /** When this page received `position` (its own clock). */
  receivedAt: number;
  now: number;
  /** The current point's distance rule, when it has one. */
  pointLimitM?: number;
  /** The widest distance rule of the applicable points: a phone beyond it is wrong for every point. */
  walkLimitM?: number;
  /** Whether the applicant is in the call: before that, no fix is expected yet. */
  applicantLive: boolean;
}

/**
 * What the inspector must know about where the phone is, or null when nothing is wrong. The age of
 * a fix is its age when the server got it plus the time since: the phone's clock is not trusted
 * beyond that difference.
 */
export function positionAlert(a: PositionAlertInput): { kind: PositionAlertKind; text: string } | null {
  const p = a.position;
  if (!p) return a.applicantLive ? { kind: 'no_fix', text: t('call.banner.noFix') } : null;
  const ageMs = Math.max(0, p.serverTime - p.fixTime) + Math.max(0, a.now - a.receivedAt);
  const d = formatDistance(p.distanceM);
  if (ageMs > STALE_FIX_MS) return { kind: 'stale', text: fill('call.banner.stale', { n: Math.floor(ageMs / 60_000), d }) };
  const limit = a.pointLimitM ?? a.walkLimitM;
  if (limit === undefined) return null;
  const verdict = distanceVerdict(p.distanceM, p.accuracyM, limit);
  if (verdict === 'fail') return { kind: 'far', text: fill(a.pointLimitM !== undefined ? 'call.banner.farPoint' : 'call.banner.farWalk', { d, limit }) };
  if (verdict === 'uncertain') return { kind: 'coarse', text: fill('call.banner.coarse', { acc: Math.round(p.accuracyM), d, limit }) };
  return null;
}

/**
 * The banner across the top of the video. Its live region stays in the page and its text changes
 * only when the message does, so a screen reader announces a new problem once, not every second.
 */
export class DistanceBanner {
  readonly root = h('div', { class: 'distance-banner', role: 'alert', hidden: true });

  show(alert: { kind: PositionAlertKind; text: string } | null): void {
    const text = alert?.text ?? '';
    this.root.hidden = !alert;
    this.root.dataset.kind = alert?.kind ?? '';
    if (this.root.textContent !== text) this.root.textContent = text;
  }
}
