import type { StaffMember } from '../accounts/Account';
import type { CaseRecord } from '../cases/CaseRecord';
import type { CaseService } from '../cases/CaseService';
import type { JoinLinkRecord } from '../cases/JoinLinkRecord';
import type { AccountService } from '../accounts/AccountService';
import { Invalid } from '../platform/errors';
import { text } from '../platform/Text';
import type { NewCaseInput } from '../protocol/cases';
import type { Store } from '../store/Store';
import type { InspectionLifecycle } from './InspectionLifecycle';
import type { InspectionSession } from './InspectionSession';
import type { SessionLinks } from './SessionLinks';

export interface OpenedInspection {
  caseRecord: CaseRecord;
  session: InspectionSession;
  link: JoinLinkRecord;
  token: string;
}

/**
 * Opening work: a new case with its assignees, its first scheduled session and the phone's link;
 * or a re-inspection (复验) of a finished session. The order of these steps lives here.
 */
export class CaseIntake {
  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
    private readonly accounts: AccountService,
    private readonly lifecycle: InspectionLifecycle,
    private readonly links: SessionLinks,
  ) {}

  async open(input: NewCaseInput, by: StaffMember, assignees: readonly string[] = []): Promise<OpenedInspection> {
    const staff = await this.accounts.members(assignees);
    for (const id of assignees) {
      const m = staff.find((s) => s.id === id);
      if (!m || !m.roles.includes('inspector')) throw new Invalid(text('只能指派给审批人员账号', 'Cases can only be assigned to inspector accounts'), `assignee ${id} is not an inspector`);
    }
    const opened = await this.store.transaction(async () => {
      const caseRecord = await this.cases.create(input, by.username);
      // An inspector who opens a case works it; supervisors and admins assign others.
      const team = new Set(assignees);
      if (by.roles.includes('inspector')) team.add(by.id);
      for (const id of team) await this.cases.assign(caseRecord.id, id, by.username);
      const session = await this.lifecycle.schedule(caseRecord, by.username);
      return { caseRecord, session };
    });
    const { link, token } = await this.links.issue(opened.session.id, by.username);
    return { ...opened, link, token };
  }

  async reinspect(parentSessionId: string, by: string): Promise<OpenedInspection> {
    const { caseRecord } = await this.lifecycle.session(parentSessionId);
    const session = await this.lifecycle.schedule(caseRecord, by, parentSessionId);
    const { link, token } = await this.links.issue(session.id, by);
    return { caseRecord, session, link, token };
  }
}
