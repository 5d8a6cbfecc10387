/**
 * Why a point's clip was made: the point's `minVideoSeconds` was met by the time the phone was
 * recorded on it ('dwell'), or the inspector marked the point for recording ('marked').
 */
export type ClipCause = 'dwell' | 'marked';

/** pending: waits for its segment to close; cut: stored and chained; failed: ffmpeg gave up (the segment is untouched). */
export type ClipState = 'pending' | 'cut' | 'failed';

/**
 * A stretch of one phone segment that is a checklist point's video evidence. Registered the
 * moment the walk gets its video note (the note names `id` as its evidence id), cut by copy from
 * the segment once the segment's file is final. Kept in the database, so a restart cuts what a
 * crash left pending and never cuts anything twice.
 */
export interface PendingClip {
  /** Also the evidence item's id, and the `evidenceId` of the walk's video note. */
  id: string;
  sessionId: string;
  caseId: string;
  pointKey: string;
  segmentId: string;
  /** Server ms: the first key frame counted (the clip starts on it) and the end. */
  fromMs: number;
  toMs: number;
  /** What the walk's note says. */
  seconds: number;
  cause: ClipCause;
  /** `system` for a dwell clip, the inspector who marked the point otherwise. */
  requestedBy: string;
  createdAt: number;
  state: ClipState;
  attempts: number;
  /** Set once cut: the clip's bytes and the hash of its evidence record. */
  sha256?: string;
  recordHash?: string;
  failure?: string;
}

export interface PendingClipRepository {
  /**
   * Stores the clip unless one of the same point, segment, start and cause exists; returns the
   * stored one either way (a repeated check after a crash finds the clip it made before).
   */
  insert(c: PendingClip): Promise<PendingClip>;
  get(id: string): Promise<PendingClip | undefined>;
  listBySegment(segmentId: string): Promise<PendingClip[]>;
  listBySession(sessionId: string): Promise<PendingClip[]>;
  listInStates(states: readonly ClipState[]): Promise<PendingClip[]>;
  update(id: string, patch: Partial<Pick<PendingClip, 'state' | 'attempts' | 'sha256' | 'recordHash' | 'failure'>>): Promise<void>;
}
