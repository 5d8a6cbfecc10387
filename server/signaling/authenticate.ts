import { parse as parseCookie } from 'cookie';
import { z } from 'zod';
import { loginIdOf, type AccountService } from '../accounts/AccountService';
import { isAllowed, type Authorize } from '../accounts/authorize';
import type { AccessResources } from '../inspection/AccessResources';
import type { InspectionLifecycle } from '../inspection/InspectionLifecycle';
import type { SessionLinks } from '../inspection/SessionLinks';
import { Invalid } from '../platform/errors';
import { text } from '../platform/Text';
import type { RateLimiter } from '../platform/RateLimiter';
import { LOGIN_COOKIE } from '../protocol/cookies';
import type { PageIdentity } from './PageIdentity';

const HandshakeAuth = z.discriminatedUnion('role', [
  z.object({ role: z.literal('applicant'), token: z.string().min(1).max(512) }),
  z.object({ role: z.literal('inspector'), sessionId: z.string().min(1).max(100) }),
]);

export interface AuthDeps {
  links: SessionLinks;
  accounts: AccountService;
  lifecycle: InspectionLifecycle;
  resources: AccessResources;
  authorize: Authorize;
  limiter: RateLimiter;
}

/** Resolves a socket handshake to a page identity, or throws an AppError with a user message. */
export async function authenticate(deps: AuthDeps, rawAuth: unknown, cookieHeader: string | undefined, address: string): Promise<PageIdentity> {
  const parsed = HandshakeAuth.safeParse(rawAuth);
  if (!parsed.success) throw new Invalid(text('连接参数无效', 'Invalid connection parameters'), 'bad handshake auth');
  const auth = parsed.data;
  if (auth.role === 'applicant') {
    await deps.limiter.hit(address);
    const { link, session } = await deps.links.admit(auth.token);
    const { resource, caseRecord } = await deps.resources.ofSession(session.id);
    deps.authorize({ kind: 'applicant', sessionId: session.id, linkId: link.id }, 'applicant.join', resource);
    return { kind: 'applicant', sessionId: session.id, caseRecord, linkId: link.id };
  }
  const token = parseCookie(cookieHeader ?? '')[LOGIN_COOKIE];
  const member = await deps.accounts.authenticate(token);
  const { resource, session, caseRecord } = await deps.resources.ofSession(auth.sessionId);
  const actor = { kind: 'staff' as const, member };
  // An assigned inspector works the call; a supervisor who is not assigned watches it.
  const callRole = isAllowed(actor, 'session.join', resource) ? 'inspector' : 'observer';
  deps.authorize(actor, callRole === 'inspector' ? 'session.join' : 'session.observe', resource);
  deps.lifecycle.requireCallOpen(session);
  return { kind: 'staff', sessionId: session.id, caseRecord, member, callRole, loginId: loginIdOf(token!) };
}
