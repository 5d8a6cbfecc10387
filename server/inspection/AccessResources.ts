import type { Resource } from '../accounts/authorize';
import type { CaseRecord } from '../cases/CaseRecord';
import type { CaseService } from '../cases/CaseService';
import type { InspectionLifecycle } from './InspectionLifecycle';
import type { InspectionSession } from './InspectionSession';
import { isFinished } from './SessionState';

/** Loads what `authorize` needs to know about a case or a session (assignees, state). */
export class AccessResources {
  constructor(
    private readonly cases: CaseService,
    private readonly lifecycle: InspectionLifecycle,
  ) {}

  async ofSession(sessionId: string, permitType?: string): Promise<{ resource: Resource; session: InspectionSession; caseRecord: CaseRecord }> {
    const { session, caseRecord } = await this.lifecycle.session(sessionId);
    const assignees = await this.cases.assignees(caseRecord.id);
    return { resource: { kind: 'session', caseId: caseRecord.id, sessionId, state: session.state, assignees, permitType }, session, caseRecord };
  }

  /**
   * The session with who did the inspection (`inspectedBy`), for the review rules: reading those logs
   * costs more than the other rules need, so only review routes ask for it.
   */
  async ofReview(sessionId: string): Promise<{ resource: Resource; session: InspectionSession; caseRecord: CaseRecord }> {
    const [{ session, caseRecord }, inspectedBy] = await Promise.all([this.lifecycle.session(sessionId), this.lifecycle.inspectedBy(sessionId)]);
    const assignees = await this.cases.assignees(caseRecord.id);
    return { resource: { kind: 'session', caseId: caseRecord.id, sessionId, state: session.state, assignees, inspectedBy }, session, caseRecord };
  }

  async ofCase(caseId: string): Promise<{ resource: Resource; caseRecord: CaseRecord; sessions: InspectionSession[]; assignees: string[] }> {
    const caseRecord = await this.cases.get(caseId);
    return this.forRecord(caseRecord);
  }

  async forRecord(caseRecord: CaseRecord): Promise<{ resource: Resource; caseRecord: CaseRecord; sessions: InspectionSession[]; assignees: string[] }> {
    const [assignees, sessions] = await Promise.all([this.cases.assignees(caseRecord.id), this.lifecycle.sessionsOf(caseRecord.id)]);
    return {
      resource: {
        kind: 'case',
        caseId: caseRecord.id,
        assignees,
        hasFinishedSession: sessions.some((s) => isFinished(s.state)),
        allSessionsFinished: sessions.length > 0 && sessions.every((s) => isFinished(s.state)),
      },
      caseRecord,
      sessions,
      assignees,
    };
  }
}
