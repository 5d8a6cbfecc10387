import type { Logger } from '../platform/logger';
import { Forbidden } from '../platform/errors';
import { text, type Text } from '../platform/Text';
import { acceptsCall, isFinished, type SessionState } from '../inspection/SessionState';
import type { StaffMember, StaffRole } from './Account';

/** Who asks: a logged-in staff member, a phone holding a join link of one session, or nobody. */
export type Actor =
  | { kind: 'staff'; member: StaffMember }
  | { kind: 'applicant'; sessionId: string; linkId: string }
  | { kind: 'anonymous' };

export type Action =
  | 'case.create'
  | 'case.list'
  | 'case.read'
  | 'case.assign'
  | 'case.export'
  | 'session.read'
  | 'session.join'
  | 'session.observe'
  | 'session.work'
  | 'session.sign'
  | 'session.links'
  | 'session.manage'
  | 'evidence.read'
  | 'account.manage'
  | 'account.self'
  | 'staff.list'
  | 'applicant.join'
  | 'applicant.upload';

/** What is acted on, with just the facts the rules need. */
export type Resource =
  | { kind: 'office' }
  | { kind: 'case'; caseId: string; assignees: readonly string[]; hasFinishedSession: boolean; allSessionsFinished: boolean }
  | { kind: 'session'; caseId: string; sessionId: string; state: SessionState; assignees: readonly string[]; permitType?: string }
  | { kind: 'account'; accountId: string };

const has = (m: StaffMember, ...roles: StaffRole[]) => roles.some((r) => m.roles.includes(r));
const assigned = (m: StaffMember, r: Resource) => (r.kind === 'case' || r.kind === 'session') && r.assignees.includes(m.id);
/** Reviewers see inspections once they are over, never while they run. */
const finishedFor = (r: Resource) => (r.kind === 'case' ? r.hasFinishedSession : r.kind === 'session' ? isFinished(r.state) : false);

type Rule = (m: StaffMember, r: Resource) => boolean;

// Deny by default: an action missing here is refused to every staff member.
const STAFF_RULES: Record<Exclude<Action, 'applicant.join' | 'applicant.upload'>, Rule> = {
  'case.create': (m, r) => r.kind === 'office' && has(m, 'inspector', 'supervisor', 'admin'),
  'case.list': (m, r) => r.kind === 'office' && m.roles.length > 0,
  'case.read': (m, r) => r.kind === 'case' && (has(m, 'admin', 'supervisor') || (has(m, 'inspector') && assigned(m, r)) || (has(m, 'reviewer') && finishedFor(r))),
  'case.assign': (m, r) => (r.kind === 'case' || r.kind === 'office') && has(m, 'admin', 'supervisor'),
  // The export holds the case's whole evidence chain: a reviewer gets it only once nothing in it is still running.
  'case.export': (m, r) => r.kind === 'case' && (has(m, 'admin', 'supervisor') || (has(m, 'inspector') && assigned(m, r)) || (has(m, 'reviewer') && r.allSessionsFinished)),
  'session.read': (m, r) => r.kind === 'session' && (has(m, 'admin', 'supervisor') || (has(m, 'inspector') && assigned(m, r)) || (has(m, 'reviewer') && finishedFor(r))),
  'session.join': (m, r) => r.kind === 'session' && has(m, 'inspector') && assigned(m, r),
  'session.observe': (m, r) => r.kind === 'session' && has(m, 'supervisor'),
  'session.work': (m, r) => r.kind === 'session' && has(m, 'inspector') && assigned(m, r),
  'session.sign': (m, r) => r.kind === 'session' && has(m, 'inspector') && assigned(m, r) && !!r.permitType && m.departments.includes(r.permitType as never),
  'session.links': (m, r) => r.kind === 'session' && (has(m, 'supervisor') || (has(m, 'inspector') && assigned(m, r))),
  'session.manage': (m, r) => r.kind === 'session' && (has(m, 'supervisor') || (has(m, 'inspector') && assigned(m, r))),
  'evidence.read': (m, r) => r.kind === 'session' && (has(m, 'admin', 'supervisor') || (has(m, 'inspector') && assigned(m, r)) || (has(m, 'reviewer') && finishedFor(r))),
  'account.manage': (m, r) => (r.kind === 'office' || r.kind === 'account') && has(m, 'admin'),
  'account.self': (m, r) => r.kind === 'account' && r.accountId === m.id,
  // Who can be assigned to a case: needed by whoever creates or assigns cases.
  'staff.list': (m, r) => r.kind === 'office' && has(m, 'admin', 'supervisor', 'inspector'),
};

/** The rule table itself, without logging: true when the actor may do the action on the resource. */
export function isAllowed(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.kind === 'anonymous') return false;
  if (actor.kind === 'applicant') {
    // A link sees only its own session, and only while that session holds calls.
    if (action !== 'applicant.join' && action !== 'applicant.upload') return false;
    return resource.kind === 'session' && resource.sessionId === actor.sessionId && acceptsCall(resource.state);
  }
  if (action === 'applicant.join' || action === 'applicant.upload') return false;
  // A reset password must be replaced before the account does anything else.
  if (actor.member.mustChangePassword && action !== 'account.self') return false;
  return STAFF_RULES[action](actor.member, resource);
}

export type Authorize = (actor: Actor, action: Action, resource: Resource) => void;

/**
 * The one gate every HTTP route and socket event passes: throws Forbidden (with a message for the
 * user) unless the rule table allows the action, and logs every denial.
 */
export function createAuthorize(log: Logger): Authorize {
  return (actor, action, resource) => {
    if (isAllowed(actor, action, resource)) return;
    log.warn({ actor: describeActor(actor), action, resource: describeResource(resource) }, 'access denied');
    throw new Forbidden(denialMessage(actor, action), `${describeActor(actor)} may not ${action}`);
  };
}

function denialMessage(actor: Actor, action: Action): Text {
  if (actor.kind === 'staff' && actor.member.mustChangePassword) return text('请先修改密码', 'Change your password first');
  if (action === 'session.sign') return text('只有该许可主管部门的审批人员可以签字确认', 'Only an inspector of the permit’s department can sign off');
  if (actor.kind === 'applicant') return text('此链接无权进行该操作', 'This link may not do that');
  return text('您没有权限进行此操作', 'You do not have permission to do this');
}

export function describeActor(a: Actor): string {
  if (a.kind === 'staff') return `staff:${a.member.username}`;
  if (a.kind === 'applicant') return `applicant:${a.sessionId}`;
  return 'anonymous';
}

function describeResource(r: Resource): string {
  if (r.kind === 'case') return `case:${r.caseId}`;
  if (r.kind === 'session') return `session:${r.sessionId}${r.permitType ? `/${r.permitType}` : ''}`;
  if (r.kind === 'account') return `account:${r.accountId}`;
  return 'office';
}
