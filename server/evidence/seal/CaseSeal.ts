/**
 * The lifecycle steps after which a case is sealed: each one adds evidence or a decision, and the
 * seal that follows it states how many records the case had and which was the last.
 */
export const SEAL_STEPS = ['closed', 'abandoned', 'reviewed', 'recordings_finished'] as const;
export type SealStep = (typeof SEAL_STEPS)[number];

/** The document a seal record names (`seals/<sha256>.json`), in canonical JSON. */
export interface CaseSeal {
  v: 1;
  type: 'case_seal';
  caseNumber: string;
  caseId: string;
  sessionId: string;
  step: SealStep;
  /** The session's lifecycle state right after the step. */
  lifecycleState: string;
  /** The case's records before this seal: their count and the hash of the last (the seal's own prevHash). */
  records: number;
  headHash: string | null;
  at: number;
  actor: string;
  case: unknown;
  /** For a review: the decision, its reason, and every comment the reviewer pinned. */
  review?: { decision: string; reason: string; by: string; comments: Array<{ author: string; at: number; offsetMs: number | null; body: string }> };
}
