import type { StaffMember } from '../accounts/Account';
import type { Actor } from '../accounts/authorize';
import type { CaseRecord } from '../cases/CaseRecord';

/** Who is on the other end of a socket, established once at connection time. */
export type PageIdentity =
  | { kind: 'applicant'; sessionId: string; caseRecord: CaseRecord; linkId: string }
  | { kind: 'staff'; sessionId: string; caseRecord: CaseRecord; member: StaffMember; callRole: 'inspector' | 'observer'; loginId: string };

export function actorOf(identity: PageIdentity): Actor {
  return identity.kind === 'applicant'
    ? { kind: 'applicant', sessionId: identity.sessionId, linkId: identity.linkId }
    : { kind: 'staff', member: identity.member };
}

/** The name written into the walk's events and the lifecycle's transitions. */
export function actorName(identity: PageIdentity): string {
  return identity.kind === 'applicant' ? 'applicant' : identity.member.username;
}
