import type { SessionState } from './SessionState';

/** What moved a session from one state to another. */
export type TransitionTrigger =
  | 'inspector_joined'
  | 'applicant_joined'
  | 'applicant_dropped'
  | 'applicant_absent'
  | 'walk_closed'
  | 'call_ended'
  | 'sealed'
  | 'review_approved'
  | 'review_sent_back'
  | 'resumed'
  | 'abandoned'
  | 'server_restarted';

/** One stored step of a session's lifecycle: who, when and why. */
export interface SessionTransition {
  sessionId: string;
  seq: number;
  from: SessionState;
  to: SessionState;
  trigger: TransitionTrigger;
  /** `staff:<username>`, `applicant`, or `system`. */
  actor: string;
  reason?: string;
  at: number;
}
