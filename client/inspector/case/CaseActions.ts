import type { Member } from '../../shared/api';

/** What the parts of a case page share: who is looking, and how a step runs and reports back. */
export interface CaseActions {
  member: Member;
  /** Runs a request; on success toasts `done` and reloads the case, on failure shows why. */
  act(request: () => Promise<unknown>, done?: string): void;
  fail(err: unknown): void;
}
