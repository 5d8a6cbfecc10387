import crypto from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import { Gone, NotFound } from '../platform/errors';
import { newId } from '../platform/ids';
import type { Store } from '../store/Store';
import type { CaseRecord } from './CaseRecord';
import type { InspectionSession } from './InspectionSession';
import type { JoinLinkRecord } from './JoinLinkRecord';

const Payload = z.object({ l: z.string(), s: z.string(), e: z.number() });

export interface VerifiedJoin {
  link: JoinLinkRecord;
  session: InspectionSession;
  caseRecord: CaseRecord;
}

/**
 * Issues and checks the phone's join links: `/j/<token>`. The token is an HMAC-signed payload
 * naming the link, its session and its expiry, so forged or altered tokens are rejected before
 * any lookup; the link row makes it revocable.
 */
export class JoinLinks {
  constructor(
    private readonly store: Store,
    private readonly secret: Buffer,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async issue(caseId: string, sessionId: string, ttlMs = this.ttlMs): Promise<{ link: JoinLinkRecord; token: string }> {
    const now = this.clock.now();
    const link: JoinLinkRecord = { id: newId(), caseId, sessionId, createdAt: now, expiresAt: now + ttlMs };
    await this.store.joinLinks.insert(link);
    return { link, token: this.sign(link) };
  }

  async verify(token: string): Promise<VerifiedJoin> {
    const payload = this.parse(token);
    const link = await this.store.joinLinks.get(payload.l);
    if (!link || link.sessionId !== payload.s) throw new NotFound('链接无效，请向审批人员索取新的链接。', 'unknown join link');
    if (link.revokedAt !== undefined) throw new Gone('此链接已被撤销，请向审批人员索取新的链接。', 'join link revoked');
    if (this.clock.now() > link.expiresAt) throw new Gone('此链接已过期，请向审批人员索取新的链接。', 'join link expired');
    const session = await this.store.sessions.get(link.sessionId);
    const caseRecord = await this.store.cases.get(link.caseId);
    if (!session || !caseRecord) throw new NotFound('链接无效，请向审批人员索取新的链接。', 'join link target missing');
    if (session.status === 'ended') throw new Gone('本次视频勘验已结束，无需再次进入。', 'session ended');
    return { link, session, caseRecord };
  }

  /** Returns the revoked link, or undefined when it did not exist or was already revoked. */
  async revoke(linkId: string): Promise<JoinLinkRecord | undefined> {
    if (!(await this.store.joinLinks.revoke(linkId, this.clock.now()))) return undefined;
    return this.store.joinLinks.get(linkId);
  }

  /** Rebuilds the token of a stored link (the token is derived, so it is never stored). */
  tokenFor(link: JoinLinkRecord): string {
    return this.sign(link);
  }

  private sign(link: JoinLinkRecord): string {
    const body = Buffer.from(JSON.stringify({ l: link.id, s: link.sessionId, e: link.expiresAt })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }

  private parse(token: string): z.infer<typeof Payload> {
    const invalid = new NotFound('链接无效，请检查链接是否完整，或向审批人员索取新的链接。', 'malformed join token');
    const [body, sig, extra] = token.split('.');
    if (!body || !sig || extra !== undefined || token.length > 512) throw invalid;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw invalid;
    try {
      return Payload.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw invalid;
    }
  }
}
