import type { AccountRepository, LoginRepository } from '../accounts/Account';
import type { CaseRecord } from '../cases/CaseRecord';
import type { InspectionSession } from '../inspection/InspectionSession';
import type { JoinLinkRecord } from '../cases/JoinLinkRecord';
import type { SessionState } from '../inspection/SessionState';
import type { SessionTransition } from '../inspection/SessionTransition';
import type { LocationFix } from '../cases/LocationFix';
import type { StoredTemplateVersion, StoredWalk } from '../checklist/StoredWalk';
import type { WalkEvent } from '../checklist/WalkEvent';
import type { EvidenceItem } from '../evidence/EvidenceItem';
import type { SignedRecord } from '../evidence/EvidenceRecord';
import type { CaptureTicket } from '../evidence/CaptureTickets';
import type { SignedCheckpoint } from '../evidence/log/Checkpoint';
import type { CaseHead, LoggedRecord, LogLeafInput, UnloggedRecord } from '../evidence/log/LogLeaf';
import type { PendingClipRepository } from '../recording/clips/PendingClip';
import type { PhotoFingerprintRepository } from '../evidence/reuse/PhotoFingerprint';
import type { RecordingSegment, SegmentState } from '../recording/RecordingSegment';
import type { ReviewComment } from '../review/ReviewComment';

// The persistence port. Methods are async even though SQLite is synchronous, so a PostgreSQL
// store can take its place for multi-node deployments without touching the domain.

export interface CaseRepository {
  /**
   * Inserts the case under the next number of the day (`<prefix>0001`, `<prefix>0002`, ...), the
   * number assigned by the database in the same statement so concurrent creators never collide.
   */
  insertNumbered(c: Omit<CaseRecord, 'caseNumber'>, prefix: string): Promise<CaseRecord>;
  get(id: string): Promise<CaseRecord | undefined>;
  list(limit: number): Promise<CaseRecord[]>;
}

export interface CaseAssignmentRepository {
  assign(caseId: string, accountId: string, at: number, by: string): Promise<void>;
  unassign(caseId: string, accountId: string): Promise<void>;
  accountsOf(caseId: string): Promise<string[]>;
  casesOf(accountId: string): Promise<string[]>;
}

export interface SessionRepository {
  insert(s: InspectionSession): Promise<void>;
  get(id: string): Promise<InspectionSession | undefined>;
  listByCase(caseId: string): Promise<InspectionSession[]>;
  listInStates(states: readonly SessionState[]): Promise<InspectionSession[]>;
  /**
   * Moves the session from `t.from` to `t.to` and logs the step with the next sequence number, in
   * one transaction; false (nothing written) when the session is no longer in `t.from`.
   */
  transition(t: Omit<SessionTransition, 'seq'>, extra?: { endReason?: string; outcome?: string }): Promise<boolean>;
  transitions(sessionId: string): Promise<SessionTransition[]>;
}

export interface JoinLinkRepository {
  insert(l: JoinLinkRecord): Promise<void>;
  get(id: string): Promise<JoinLinkRecord | undefined>;
  listBySession(sessionId: string): Promise<JoinLinkRecord[]>;
  revoke(id: string, at: number, reason: string): Promise<boolean>;
  markUsed(id: string, at: number): Promise<void>;
}

export interface LocationFixRepository {
  append(f: LocationFix): Promise<void>;
  latest(sessionId: string): Promise<LocationFix | undefined>;
  trace(sessionId: string): Promise<LocationFix[]>;
}

export interface TemplateVersionRepository {
  /** Written once per content hash; later edits of a template file become new rows. */
  save(t: StoredTemplateVersion, at: number): Promise<void>;
  get(hash: string): Promise<StoredTemplateVersion | undefined>;
}

export interface WalkRepository {
  insert(w: StoredWalk): Promise<void>;
  get(sessionId: string): Promise<StoredWalk | undefined>;
  /** Appends with the next sequence number, assigned by the database; returns the stored event. */
  appendEvent(sessionId: string, e: Omit<WalkEvent, 'seq'>): Promise<WalkEvent>;
  events(sessionId: string): Promise<WalkEvent[]>;
}

export interface EvidenceRepository {
  insert(e: EvidenceItem): Promise<void>;
  /** All or nothing: an original is never stored without its stamped copy. */
  insertAll(items: EvidenceItem[]): Promise<void>;
  byRequest(sessionId: string, requestId: string): Promise<EvidenceItem | undefined>;
  listBySession(sessionId: string): Promise<EvidenceItem[]>;
  get(id: string): Promise<EvidenceItem | undefined>;
}

export interface EvidenceRecordRepository {
  insert(r: SignedRecord): Promise<void>;
  last(caseId: string): Promise<SignedRecord | undefined>;
  list(caseId: string): Promise<SignedRecord[]>;
}

/** The office-wide append-only log (RFC 6962 leaves) and its kept checkpoints. */
export interface LogRepository {
  /** Appends under the next index, assigned by the database in the same statement: dense from 0, office-wide. */
  appendLeaf(l: LogLeafInput): Promise<number>;
  size(): Promise<number>;
  /** Leaf hashes from `start` on, in index order. */
  leafHashesFrom(start: number): Promise<Buffer[]>;
  leafOfRecord(recordHash: string): Promise<number | undefined>;
  /** An office statement's canonical JSON, by its leaf index. */
  officeEntry(leafIndex: number): Promise<string | undefined>;
  /** A case's records among the first `belowSize` leaves, in log order. */
  caseRecords(caseId: string, belowSize: number): Promise<LoggedRecord[]>;
  caseHeads(belowSize: number): Promise<CaseHead[]>;
  caseIdOfNumber(caseNumber: string): Promise<string | undefined>;
  /** Chained records without a leaf (made before the log existed), by (serverTime, case, seq). */
  unloggedRecords(): Promise<UnloggedRecord[]>;
  /** Keeps a checkpoint for good; a second one of the same size is ignored. `body` is its canonical JSON. */
  insertCheckpoint(s: SignedCheckpoint, body: string, madeAt: number): Promise<void>;
  checkpoint(treeSize: number): Promise<SignedCheckpoint | undefined>;
  latestCheckpoint(): Promise<SignedCheckpoint | undefined>;
  setTsaToken(treeSize: number, token: Buffer): Promise<void>;
}

export interface CaptureTicketRepository {
  insert(t: CaptureTicket): Promise<void>;
  get(id: string): Promise<CaptureTicket | undefined>;
  /** True when the ticket was unused or already used by this same upload id. */
  markUsed(id: string, requestId: string): Promise<boolean>;
}

export interface RecordingSegmentRepository {
  /** Inserts under the next `seq` of the session, assigned in the same statement. */
  insert(s: Omit<RecordingSegment, 'seq'>): Promise<RecordingSegment>;
  get(id: string): Promise<RecordingSegment | undefined>;
  listBySession(sessionId: string): Promise<RecordingSegment[]>;
  listByCase(caseId: string): Promise<RecordingSegment[]>;
  listInStates(states: readonly SegmentState[]): Promise<RecordingSegment[]>;
  /** Forgets a segment whose recorder never received media (no file was ever written). */
  discard(id: string): Promise<void>;
  /** Changes what a recorder or a job learned; identity fields (session, seq, file, track) never change. */
  update(id: string, patch: Partial<Omit<RecordingSegment, 'id' | 'sessionId' | 'caseId' | 'seq' | 'file' | 'track' | 'peer'>>): Promise<void>;
}

export interface ReviewCommentRepository {
  insert(c: ReviewComment): Promise<void>;
  listBySession(sessionId: string): Promise<ReviewComment[]>;
}

/** Who watched which recording when (全程留痕 covers the review too). */
export interface RecordingViewRepository {
  log(v: { sessionId: string; segmentId: string | null; viewer: string; at: number; what: string }): Promise<void>;
  listBySession(sessionId: string): Promise<Array<{ sessionId: string; segmentId: string | null; viewer: string; at: number; what: string }>>;
}

export interface Store {
  segments: RecordingSegmentRepository;
  /** Points' video clips, waiting for their segment or cut (the repository sits beside its record). */
  pendingClips: PendingClipRepository;
  reviewComments: ReviewCommentRepository;
  recordingViews: RecordingViewRepository;
  /** Original photos' exact and perceptual hashes, for finding reused photos (the repository sits beside its record). */
  fingerprints: PhotoFingerprintRepository;
  evidenceRecords: EvidenceRecordRepository;
  officeLog: LogRepository;
  captureTickets: CaptureTicketRepository;
  templates: TemplateVersionRepository;
  walks: WalkRepository;
  evidence: EvidenceRepository;
  cases: CaseRepository;
  sessions: SessionRepository;
  joinLinks: JoinLinkRepository;
  accounts: AccountRepository;
  assignments: CaseAssignmentRepository;
  logins: LoginRepository;
  fixes: LocationFixRepository;
  /**
   * Runs `work` as one transaction: every store call made inside it commits or rolls back together,
   * and other writers wait until it is done. Nested calls join the outer transaction.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Throws unless the database answers (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
