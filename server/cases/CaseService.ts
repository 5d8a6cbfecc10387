import type { Clock } from '../platform/clock';
import { Conflict, NotFound } from '../platform/errors';
import { newId } from '../platform/ids';
import type { NewCaseInput } from '../protocol/cases';
import type { Store } from '../store/Store';
import type { CaseRecord } from './CaseRecord';
import type { InspectionSession } from './InspectionSession';
import type { JoinLinks } from './JoinLinks';

export interface CaseWithLink {
  caseRecord: CaseRecord;
  session: InspectionSession;
  token: string;
  expiresAt: number;
}

export interface CaseDetail {
  caseRecord: CaseRecord;
  sessions: Array<InspectionSession & { links: Array<{ id: string; token: string; expiresAt: number; revokedAt?: number }> }>;
}

/** Called when a session opens, so its checklist pins the template versions of that moment. */
export interface SessionStarter {
  start(caseRecord: CaseRecord, sessionId: string, parentSessionId?: string): Promise<void>;
}

/** Creating and reading case records; every new case gets its first session and a join link. */
export class CaseService {
  constructor(
    private readonly store: Store,
    private readonly links: JoinLinks,
    private readonly clock: Clock,
    private readonly starter?: SessionStarter,
  ) {}

  async create(input: NewCaseInput, createdBy: string): Promise<CaseWithLink> {
    const now = this.clock.now();
    const caseRecord: CaseRecord = {
      id: newId(12),
      caseNumber: await this.nextCaseNumber(now),
      businessName: input.businessName,
      permitTypes: [...new Set(input.permitTypes)],
      address: input.address,
      status: 'open',
      createdAt: now,
      createdBy,
    };
    await this.store.cases.insert(caseRecord);
    const session = await this.openSession(caseRecord);
    const { token, link } = await this.links.issue(caseRecord.id, session.id);
    return { caseRecord, session, token, expiresAt: link.expiresAt };
  }

  /** A new session of the case; with a parent it is a re-inspection (复验) of that session's failed points. */
  async openSession(caseRecord: CaseRecord, parentSessionId?: string): Promise<InspectionSession> {
    const session: InspectionSession = { id: newId(12), caseId: caseRecord.id, status: 'waiting', createdAt: this.clock.now() };
    await this.store.sessions.insert(session);
    await this.starter?.start(caseRecord, session.id, parentSessionId);
    return session;
  }

  async reinspect(parentSessionId: string): Promise<CaseWithLink> {
    const { session: parent, caseRecord } = await this.session(parentSessionId);
    if (parent.status !== 'ended') throw new Conflict('原勘验尚未结束，不能发起复验', 'parent session not ended');
    const session = await this.openSession(caseRecord, parent.id);
    const { token, link } = await this.links.issue(caseRecord.id, session.id);
    return { caseRecord, session, token, expiresAt: link.expiresAt };
  }

  async get(caseId: string): Promise<CaseRecord> {
    const c = await this.store.cases.get(caseId);
    if (!c) throw new NotFound('案件不存在', `case ${caseId} not found`);
    return c;
  }

  async detail(caseId: string): Promise<CaseDetail> {
    const caseRecord = await this.get(caseId);
    const sessions = await this.store.sessions.listByCase(caseId);
    return {
      caseRecord,
      sessions: await Promise.all(
        sessions.map(async (s) => ({
          ...s,
          links: (await this.store.joinLinks.listBySession(s.id)).map((l) => ({
            id: l.id,
            token: this.links.tokenFor(l),
            expiresAt: l.expiresAt,
            revokedAt: l.revokedAt,
          })),
        })),
      ),
    };
  }

  async list(limit = 100): Promise<CaseRecord[]> {
    return this.store.cases.list(limit);
  }

  async session(sessionId: string): Promise<{ session: InspectionSession; caseRecord: CaseRecord }> {
    const session = await this.store.sessions.get(sessionId);
    if (!session) throw new NotFound('勘验会话不存在', `session ${sessionId} not found`);
    return { session, caseRecord: await this.get(session.caseId) };
  }

  async latestFix(sessionId: string) {
    return this.store.fixes.latest(sessionId);
  }

  private async nextCaseNumber(now: number): Promise<string> {
    // Case numbers restart every day in Asia/Shanghai, like the offices' own registers.
    const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
    const startOfDay = Date.parse(`${day}T00:00:00+08:00`);
    const n = (await this.store.cases.countCreatedSince(startOfDay)) + 1;
    return `KY-${day.replace(/-/g, '')}-${String(n).padStart(4, '0')}`;
  }
}
