import type { SessionState } from './SessionState';

/** One video inspection of a case; a re-inspection is another session of the same case. */
export interface InspectionSession {
  id: string;
  caseId: string;
  state: SessionState;
  createdAt: number;
  stateChangedAt: number;
  /** When the call ended (ended, interrupted or abandoned), and why. */
  endedAt?: number;
  endReason?: string;
  /** The decision the closed checklist recorded. */
  outcome?: string;
}
