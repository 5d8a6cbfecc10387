/** A reviewer's remark pinned to a moment of a session's recording (offset from the recording start). */
export interface ReviewComment {
  id: string;
  sessionId: string;
  /** Milliseconds from the session's recording start; null for a remark on the whole inspection. */
  offsetMs: number | null;
  body: string;
  author: string;
  at: number;
}
