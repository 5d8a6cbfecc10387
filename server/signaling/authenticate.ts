import { parse as parseCookie } from 'cookie';
import { z } from 'zod';
import type { CaseService } from '../cases/CaseService';
import type { InspectorAuth } from '../cases/InspectorAuth';
import type { JoinLinks } from '../cases/JoinLinks';
import { Gone, Invalid } from '../platform/errors';
import type { RateLimiter } from '../platform/RateLimiter';
import { LOGIN_COOKIE } from '../protocol/cookies';
import type { PageIdentity } from './PageIdentity';

const HandshakeAuth = z.discriminatedUnion('role', [
  z.object({ role: z.literal('applicant'), token: z.string().min(1).max(512) }),
  z.object({ role: z.literal('inspector'), sessionId: z.string().min(1).max(100) }),
]);

export interface AuthDeps {
  joinLinks: JoinLinks;
  auth: InspectorAuth;
  cases: CaseService;
  limiter: RateLimiter;
}

/** Resolves a socket handshake to a page identity, or throws an AppError with a user message. */
export async function authenticate(deps: AuthDeps, rawAuth: unknown, cookieHeader: string | undefined, address: string): Promise<PageIdentity> {
  const parsed = HandshakeAuth.safeParse(rawAuth);
  if (!parsed.success) throw new Invalid('连接参数无效', 'bad handshake auth');
  const auth = parsed.data;
  if (auth.role === 'applicant') {
    await deps.limiter.hit(address);
    const { link, session, caseRecord } = await deps.joinLinks.verify(auth.token);
    return { role: 'applicant', sessionId: session.id, caseRecord, linkId: link.id };
  }
  const inspector = await deps.auth.authenticate(parseCookie(cookieHeader ?? '')[LOGIN_COOKIE]);
  const { session, caseRecord } = await deps.cases.session(auth.sessionId);
  if (session.status === 'ended') throw new Gone('本次勘验已结束', 'session ended');
  return { role: 'inspector', sessionId: session.id, caseRecord, inspector };
}
