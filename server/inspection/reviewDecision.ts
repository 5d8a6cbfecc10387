import type { SessionState } from './SessionState';
import type { SessionTransition, TransitionTrigger } from './SessionTransition';
import { canTransition } from './transitions';

/** What a reviewer decides on a sealed inspection: it stands, or it goes back to the inspector. */
export const REVIEW_DECISIONS = ['approve', 'send_back'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Each decision as the lifecycle step it is. */
export const DECISION_STEPS: Readonly<Record<ReviewDecision, { trigger: TransitionTrigger; to: SessionState }>> = {
  approve: { trigger: 'review_approved', to: 'approved' },
  send_back: { trigger: 'review_sent_back', to: 'sent_back' },
};

/** The decision taken, as read back from the session's stored lifecycle. */
export interface TakenDecision {
  decision: ReviewDecision;
  reason: string;
  /** The reviewer's username. */
  by: string;
  at: number;
}

/** Whether a decision can still be taken in this state (the transition table decides: only from sealed, once). */
export const awaitsDecision = (state: SessionState): boolean => REVIEW_DECISIONS.some((d) => canTransition(state, DECISION_STEPS[d].trigger, DECISION_STEPS[d].to));

/** The review decision in a session's transitions, if one was taken. */
export function decisionIn(transitions: readonly SessionTransition[]): TakenDecision | undefined {
  for (const t of [...transitions].reverse()) {
    const decision = REVIEW_DECISIONS.find((d) => DECISION_STEPS[d].trigger === t.trigger);
    if (decision) return { decision, reason: t.reason ?? '', by: t.actor, at: t.at };
  }
  return undefined;
}
