import { text, type Text } from '../platform/Text';
import type { SessionState } from './SessionState';
import type { TransitionTrigger } from './SessionTransition';

/** Every allowed step: trigger -> from -> the states it may lead to. Anything else is refused. */
export const TRANSITIONS: Readonly<Record<TransitionTrigger, Partial<Record<SessionState, readonly SessionState[]>>>> = {
  inspector_joined: { scheduled: ['waiting_for_applicant', 'live'] },
  applicant_joined: { waiting_for_applicant: ['live'], applicant_reconnecting: ['live'] },
  applicant_dropped: { live: ['applicant_reconnecting'] },
  applicant_absent: { live: ['waiting_for_applicant'], applicant_reconnecting: ['waiting_for_applicant'] },
  walk_closed: {
    scheduled: ['checklist_closed'],
    waiting_for_applicant: ['checklist_closed'],
    live: ['checklist_closed'],
    applicant_reconnecting: ['checklist_closed'],
  },
  call_ended: {
    checklist_closed: ['ended'],
    scheduled: ['interrupted'],
    waiting_for_applicant: ['interrupted'],
    live: ['interrupted'],
    applicant_reconnecting: ['interrupted'],
  },
  sealed: { ended: ['sealed'] },
  // One decision per sealed session: a second one (or one on an unsealed session) is refused.
  review_approved: { sealed: ['approved'] },
  review_sent_back: { sealed: ['sent_back'] },
  resumed: { interrupted: ['scheduled'] },
  abandoned: { scheduled: ['abandoned'], interrupted: ['abandoned'] },
  server_restarted: { waiting_for_applicant: ['scheduled'], live: ['scheduled'], applicant_reconnecting: ['scheduled'] },
};

export function canTransition(from: SessionState, trigger: TransitionTrigger, to: SessionState): boolean {
  return TRANSITIONS[trigger][from]?.includes(to) ?? false;
}

/** Who is in the call right now, as the call reports it. */
export interface PresenceSnapshot {
  applicant: 'waiting' | 'live' | 'reconnecting' | 'absent';
  inspectors: number;
}

/**
 * The state the call's presence implies, and the trigger naming why; undefined when presence
 * changes nothing (e.g. a phone waiting before any inspector has opened the call).
 */
export function presenceStep(state: SessionState, p: PresenceSnapshot): { trigger: TransitionTrigger; to: SessionState } | undefined {
  const applicantIn = p.applicant === 'live';
  switch (state) {
    case 'scheduled':
      if (p.inspectors === 0) return undefined;
      return { trigger: 'inspector_joined', to: applicantIn ? 'live' : 'waiting_for_applicant' };
    case 'waiting_for_applicant':
      return applicantIn ? { trigger: 'applicant_joined', to: 'live' } : undefined;
    case 'live':
      if (p.applicant === 'reconnecting') return { trigger: 'applicant_dropped', to: 'applicant_reconnecting' };
      if (p.applicant === 'absent' || p.applicant === 'waiting') return { trigger: 'applicant_absent', to: 'waiting_for_applicant' };
      return undefined;
    case 'applicant_reconnecting':
      if (applicantIn) return { trigger: 'applicant_joined', to: 'live' };
      if (p.applicant === 'absent' || p.applicant === 'waiting') return { trigger: 'applicant_absent', to: 'waiting_for_applicant' };
      return undefined;
    default:
      return undefined;
  }
}

const LABELS: Record<SessionState, Text> = {
  scheduled: text('待开始', 'not started'),
  waiting_for_applicant: text('等待申请人', 'waiting for the applicant'),
  live: text('勘验中', 'in progress'),
  applicant_reconnecting: text('申请人重连中', 'waiting for the applicant to reconnect'),
  checklist_closed: text('清单已结束', 'checklist closed'),
  ended: text('已结束', 'ended'),
  sealed: text('已封存', 'sealed'),
  approved: text('已复核通过', 'approved on review'),
  sent_back: text('已退回审批人员', 'sent back to the inspector'),
  interrupted: text('已中断', 'interrupted'),
  abandoned: text('已放弃', 'abandoned'),
};

/** The state as a person reads it, in both languages (messages that say why a step is refused). */
export const stateLabel = (s: SessionState): Text => LABELS[s];
