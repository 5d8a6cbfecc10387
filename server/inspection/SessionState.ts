/**
 * The lifecycle of one inspection session (one video inspection of a case):
 *
 *   scheduled ─▶ waiting_for_applicant ─▶ live ⇄ applicant_reconnecting
 *        │               │                 │            │
 *        │               └──────┬──────────┴────────────┘
 *        │                      ├─ walk closed ─▶ checklist_closed ─▶ ended ─▶ sealed
 *        │                      └─ call ended with the walk open ─▶ interrupted
 *        └─ abandon                        interrupted ─ resume ─▶ scheduled
 *                                          interrupted ─ abandon ─▶ abandoned
 */
export const SESSION_STATES = [
  'scheduled',
  'waiting_for_applicant',
  'live',
  'applicant_reconnecting',
  'checklist_closed',
  'ended',
  'sealed',
  'interrupted',
  'abandoned',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** States in which a call can be held: pages may join, the phone's link works. */
const IN_CALL: ReadonlySet<SessionState> = new Set(['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed']);
/** States in which the checklist may change. */
const WALK_OPEN: ReadonlySet<SessionState> = new Set(['scheduled', 'waiting_for_applicant', 'live', 'applicant_reconnecting']);
const FINISHED: ReadonlySet<SessionState> = new Set(['ended', 'sealed', 'abandoned']);

export const acceptsCall = (s: SessionState): boolean => IN_CALL.has(s);
export const acceptsWalkChanges = (s: SessionState): boolean => WALK_OPEN.has(s);
/** Ended for good: what reviewers see, what a re-inspection may follow. */
export const isFinished = (s: SessionState): boolean => FINISHED.has(s);
