import type { CaseRecord, CaseStatus } from '../cases/CaseRecord';
import type { InspectionSession, SessionStatus } from '../cases/InspectionSession';
import type { JoinLinkRecord } from '../cases/JoinLinkRecord';
import type { InspectorAccount, LoginSession } from '../cases/InspectorAccount';
import type { LocationFix } from '../cases/LocationFix';
import type { StoredTemplateVersion, StoredWalk } from '../checklist/StoredWalk';
import type { WalkEvent } from '../checklist/WalkEvent';
import type { EvidenceItem } from '../evidence/EvidenceItem';
import type { SignedRecord } from '../evidence/EvidenceRecord';
import type { CaptureTicket } from '../evidence/CaptureTickets';

// The persistence port. Methods are async even though SQLite is synchronous, so a PostgreSQL
// store can take its place for multi-node deployments without touching the domain.

export interface CaseRepository {
  insert(c: CaseRecord): Promise<void>;
  get(id: string): Promise<CaseRecord | undefined>;
  list(limit: number): Promise<CaseRecord[]>;
  setStatus(id: string, status: CaseStatus): Promise<void>;
  countCreatedSince(since: number): Promise<number>;
}

export interface SessionRepository {
  insert(s: InspectionSession): Promise<void>;
  get(id: string): Promise<InspectionSession | undefined>;
  listByCase(caseId: string): Promise<InspectionSession[]>;
  setStatus(id: string, status: SessionStatus, at: number, reason?: string): Promise<void>;
}

export interface JoinLinkRepository {
  insert(l: JoinLinkRecord): Promise<void>;
  get(id: string): Promise<JoinLinkRecord | undefined>;
  listBySession(sessionId: string): Promise<JoinLinkRecord[]>;
  revoke(id: string, at: number): Promise<boolean>;
}

export interface InspectorRepository {
  insert(a: InspectorAccount): Promise<void>;
  getByUsername(username: string): Promise<InspectorAccount | undefined>;
  get(id: string): Promise<InspectorAccount | undefined>;
  count(): Promise<number>;
}

export interface LoginRepository {
  insert(l: LoginSession): Promise<void>;
  get(tokenHash: string): Promise<LoginSession | undefined>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
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
  /** Appends with the next sequence number; fails rather than overwriting an existing one. */
  appendEvent(sessionId: string, e: WalkEvent): Promise<void>;
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

export interface CaptureTicketRepository {
  insert(t: CaptureTicket): Promise<void>;
  get(id: string): Promise<CaptureTicket | undefined>;
  /** True when the ticket was unused or already used by this same upload id. */
  markUsed(id: string, requestId: string): Promise<boolean>;
}

export interface Store {
  evidenceRecords: EvidenceRecordRepository;
  captureTickets: CaptureTicketRepository;
  templates: TemplateVersionRepository;
  walks: WalkRepository;
  evidence: EvidenceRepository;
  cases: CaseRepository;
  sessions: SessionRepository;
  joinLinks: JoinLinkRepository;
  inspectors: InspectorRepository;
  logins: LoginRepository;
  fixes: LocationFixRepository;
  close(): Promise<void>;
}
