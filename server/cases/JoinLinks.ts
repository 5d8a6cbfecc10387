import crypto from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import { NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import { newId } from '../platform/ids';
import type { Store } from '../store/Store';
import type { JoinLinkRecord } from './JoinLinkRecord';

const Payload = z.object({ l: z.string(), s: z.string(), e: z.number() });

/**
 * The phone's join links: `/j/<token>`. The token is an HMAC-signed payload naming the link, its
 * session and its expiry, so forged or altered tokens are rejected before any lookup; the link row
 * makes it revocable. Whether a valid link may enter its session now is the inspection's rule.
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

  /** The stored link a token names, or NotFound for a forged, altered or unknown token. */
  async resolve(token: string): Promise<JoinLinkRecord> {
    const payload = this.parse(token);
    const link = await this.store.joinLinks.get(payload.l);
    if (!link || link.sessionId !== payload.s) throw new NotFound(text('链接无效，请向审批人员索取新的链接。', 'This link is not valid. Please ask the inspector for a new link.'), 'unknown join link', 'link_invalid');
    return link;
  }

  get(id: string): Promise<JoinLinkRecord | undefined> {
    return this.store.joinLinks.get(id);
  }

  listBySession(sessionId: string): Promise<JoinLinkRecord[]> {
    return this.store.joinLinks.listBySession(sessionId);
  }

  /** True when this call revoked it (false: it did not exist or was revoked already). */
  revoke(linkId: string, reason: string): Promise<boolean> {
    return this.store.joinLinks.revoke(linkId, this.clock.now(), reason);
  }

  markUsed(linkId: string): Promise<void> {
    return this.store.joinLinks.markUsed(linkId, this.clock.now());
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
    const invalid = new NotFound(text('链接无效，请检查链接是否完整，或向审批人员索取新的链接。', 'This link is not valid. Check that it is complete, or ask the inspector for a new link.'), 'malformed join token', 'link_invalid');
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
