import type { Logger } from '../platform/logger';
import { Forbidden } from '../platform/errors';
import { text, type Text } from '../platform/Text';
import { acceptsCall, isFinished, isSealedRecord, type SessionState } from '../inspection/SessionState';
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
  | 'session.review'
  | 'evidence.read'
  | 'evidence.accept_reuse'
  | 'recording.view'
  | 'account.manage'
  | 'account.self'
  | 'staff.list'
  | 'recording.admin'
  | 'evidence.rotate_key'
  | 'applicant.join'
  | 'applicant.upload';

/** What is acted on, with just the facts the rules need. */
export type Resource =
  | { kind: 'office' }
  | { kind: 'case'; caseId: string; assignees: readonly string[]; hasFinishedSession: boolean; allSessionsFinished: boolean }
  | {
      kind: 'session';
      caseId: string;
      sessionId: string;
      state: SessionState;
      assignees: readonly string[];
      permitType?: string;
      /** Usernames of who did the inspection; loaded only for the review rules (AccessResources.ofReview), which deny without it. */
      inspectedBy?: readonly string[];
    }
  | { kind: 'account'; accountId: string };

const has = (m: StaffMember, ...roles: StaffRole[]) => roles.some((r) => m.roles.includes(r));
const assigned = (m: StaffMember, r: Resource) => (r.kind === 'case' || r.kind === 'session') && r.assignees.includes(m.id);
/** Reviewers see inspections once they are over, never while they run. */
const finishedFor = (r: Resource) => (r.kind === 'case' ? r.hasFinishedSession : r.kind === 'session' ? isFinished(r.state) : false);

/** The member did the inspection (unknown counts as yes: deny by default). */
const tookPart = (m: StaffMember, r: Resource) => r.kind === 'session' && (!r.inspectedBy || r.inspectedBy.includes(m.username));

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
  // Comment on and decide on a sealed inspection (复核): a reviewer or supervisor who did not take part
  // in it. Comments stay open after the decision; the lifecycle takes one decision, from sealed only.
  'session.review': (m, r) => r.kind === 'session' && has(m, 'reviewer', 'supervisor') && isSealedRecord(r.state) && !tookPart(m, r),
  'evidence.read': (m, r) => r.kind === 'session' && (has(m, 'admin', 'supervisor') || (has(m, 'inspector') && assigned(m, r)) || (has(m, 'reviewer') && finishedFor(r))),
  // Counting a photo flagged as reused anyway, with a written reason: the inspector working the session.
  'evidence.accept_reuse': (m, r) => r.kind === 'session' && has(m, 'inspector') && assigned(m, r),
  // The recordings and their replay: who may see the session's evidence (reviewers once it is over); every view is logged.
  'recording.view': (m, r) => STAFF_RULES['evidence.read'](m, r),
  'account.manage': (m, r) => (r.kind === 'office' || r.kind === 'account') && has(m, 'admin'),
  'account.self': (m, r) => r.kind === 'account' && r.accountId === m.id,
  // Who can be assigned to a case: needed by whoever creates or assigns cases.
  'staff.list': (m, r) => r.kind === 'office' && has(m, 'admin', 'supervisor', 'inspector'),
  // Post-processing that gave up (a damaged file, a tool that kept failing): the admin sees it and retries.
  'recording.admin': (m, r) => r.kind === 'office' && has(m, 'admin'),
  // Retires the office's evidence signing keys (running server): an office-wide act, the admin's alone.
  'evidence.rotate_key': (m, r) => r.kind === 'office' && has(m, 'admin'),
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
    throw new Forbidden(denialMessage(actor, action, resource), `${describeActor(actor)} may not ${action}`);
  };
}

function denialMessage(actor: Actor, action: Action, resource: Resource): Text {
  if (actor.kind === 'staff' && actor.member.mustChangePassword) return text('请先修改密码', 'Change your password first');
  // A reviewer is told why this one is not theirs to review; anyone else gets the plain refusal.
  if (action === 'session.review' && actor.kind === 'staff' && resource.kind === 'session' && has(actor.member, 'reviewer', 'supervisor')) {
    if (resource.inspectedBy?.includes(actor.member.username)) return text('您参与了本次勘验，不能复核', 'You took part in this inspection, so you cannot review it');
    if (!isSealedRecord(resource.state)) return text('勘验结束并封存后才能复核', 'An inspection can be reviewed only once it has ended and been sealed');
  }
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
