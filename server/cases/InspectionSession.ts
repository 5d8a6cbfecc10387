export type SessionStatus = 'waiting' | 'live' | 'ended';

/** One video inspection of a case; a re-inspection is another session of the same case. */
export interface InspectionSession {
  id: string;
  caseId: string;
  status: SessionStatus;
  createdAt: number;
  endedAt?: number;
  endReason?: string;
}
