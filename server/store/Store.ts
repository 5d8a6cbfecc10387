import type { CaseRecord, CaseStatus } from '../cases/CaseRecord';
import type { InspectionSession, SessionStatus } from '../cases/InspectionSession';
import type { JoinLinkRecord } from '../cases/JoinLinkRecord';
import type { InspectorAccount, LoginSession } from '../cases/InspectorAccount';
import type { LocationFix } from '../cases/LocationFix';

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

export interface Store {
  cases: CaseRepository;
  sessions: SessionRepository;
  joinLinks: JoinLinkRepository;
  inspectors: InspectorRepository;
  logins: LoginRepository;
  fixes: LocationFixRepository;
  close(): Promise<void>;
}
