import type { CaseRecord } from '../../../server/cases/CaseRecord';
import type { JoinLinkState } from '../../../server/cases/JoinLinkRecord';
import type { CaseStatus } from '../../../server/inspection/caseStatus';
import type { InspectionSession } from '../../../server/inspection/InspectionSession';
import type { SessionTransition } from '../../../server/inspection/SessionTransition';
import type { WalkView } from '../../../server/protocol/walk';
import type { Member } from '../../shared/api';

// What the case routes (server/http/routes/caseRoutes.ts) answer, as the case pages read it.

/** One row of GET /api/cases. */
export type CaseRow = CaseRecord & {
  status: CaseStatus;
  /** The outcome the latest closed inspection recorded. */
  outcome?: string;
  sessionCount: number;
  lastActivityAt: number;
  assignees: Array<{ id: string; displayName: string }>;
};

export interface LinkRow {
  id: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  revokeReason?: string;
  firstUsedAt?: number;
  state: JoinLinkState;
  url: string;
}

export type SessionRow = InspectionSession & {
  /** The session this one re-inspects (复验). */
  parentSessionId?: string;
  links: LinkRow[];
  transitions: SessionTransition[];
  walk: WalkView;
  canWork: boolean;
  canObserve: boolean;
  canManage: boolean;
};

/** GET /api/cases/:id. */
export interface CaseDetail {
  caseRecord: CaseRecord;
  status: CaseStatus;
  assignees: Member[];
  canAssign: boolean;
  canExport: boolean;
  sessions: SessionRow[];
  /** Display names of the staff the sessions name by username. */
  names: Record<string, string>;
}

export interface StaffRow {
  id: string;
  username: string;
  displayName: string;
  departments: string[];
}

/** A session with its place in the case: 第 N 次勘验, and the re-inspections on either side of it. */
export interface NumberedSession {
  s: SessionRow;
  n: number;
  parent?: NumberedSession;
  child?: NumberedSession;
}

/** Numbers the sessions in the order they were made and links each re-inspection to its original both ways. */
export function numberSessions(sessions: readonly SessionRow[]): NumberedSession[] {
  const numbered: NumberedSession[] = [...sessions].sort((a, b) => a.createdAt - b.createdAt).map((s, i) => ({ s, n: i + 1 }));
  const byId = new Map(numbered.map((x) => [x.s.id, x]));
  for (const x of numbered) {
    const parent = x.s.parentSessionId ? byId.get(x.s.parentSessionId) : undefined;
    if (!parent) continue;
    x.parent = parent;
    // An abandoned re-inspection does not count: the original can be re-inspected again.
    if (x.s.state !== 'abandoned' || !parent.child) parent.child = x;
  }
  return numbered;
}
