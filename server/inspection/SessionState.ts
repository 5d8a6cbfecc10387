/**
 * The lifecycle of one inspection session (one video inspection of a case):
 *
 *   scheduled ─▶ waiting_for_applicant ─▶ live ⇄ applicant_reconnecting
 *        │               │                 │            │
 *        │               └──────┬──────────┴────────────┘
 *        │                      ├─ walk closed ─▶ checklist_closed ─▶ ended ─▶ sealed ─┬─ review ─▶ approved
 *        │                      │                                                      └─ review ─▶ sent_back
 *        │                      └─ call ended with the walk open ─▶ interrupted
 *        └─ abandon                        interrupted ─ resume ─▶ scheduled
 *                                          interrupted ─ abandon ─▶ abandoned
 *
 * A reviewer (never one who inspected) decides on a sealed session once: approved, or sent back to
 * the inspector with a reason. Sent back does not reopen the sealed walk; a re-inspection (复验)
 * follows it as a new session.
 */
export const SESSION_STATES = [
  'scheduled',
  'waiting_for_applicant',
  'live',
  'applicant_reconnecting',
  'checklist_closed',
  'ended',
  'sealed',
  'approved',
  'sent_back',
  'interrupted',
  'abandoned',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** States in which a call can be held: pages may join, the phone's link works. */
const IN_CALL: ReadonlySet<SessionState> = new Set(['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed']);
/** States in which the checklist may change. */
const WALK_OPEN: ReadonlySet<SessionState> = new Set(['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting']);
const FINISHED: ReadonlySet<SessionState> = new Set(['ended', 'sealed', 'approved', 'sent_back', 'abandoned']);
/** Sealed, and decided on or not: what a reviewer comments on, and what a re-inspection may follow. */
const REVIEWABLE: ReadonlySet<SessionState> = new Set(['sealed', 'approved', 'sent_back']);

export const acceptsCall = (s: SessionState): boolean => IN_CALL.has(s);
export const acceptsWalkChanges = (s: SessionState): boolean => WALK_OPEN.has(s);
/** Ended for good: what reviewers see, what a re-inspection may follow. */
export const isFinished = (s: SessionState): boolean => FINISHED.has(s);
/** The inspection's record is sealed (a review decision may have followed): reviewers comment on it, a re-inspection may follow it. */
export const isSealedRecord = (s: SessionState): boolean => REVIEWABLE.has(s);
