import type { CaseRecord } from '../cases/CaseRecord';
import type { JoinLinkRecord, JoinLinkState } from '../cases/JoinLinkRecord';
import { linkState } from '../cases/JoinLinkRecord';
import type { JoinLinks } from '../cases/JoinLinks';
import type { Clock } from '../platform/clock';
import { Conflict, Gone, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import type { Logger } from '../platform/logger';
import type { TypedEvents } from '../platform/TypedEvents';
import type { InspectionEvents } from './InspectionEvents';
import type { InspectionLifecycle } from './InspectionLifecycle';
import type { InspectionSession } from './InspectionSession';
import { acceptsCall } from './SessionState';

/** A phone whose link was revoked, whenever it finds out (opening the link, or already in the call). */
export const LINK_REVOKED = text('此链接已被撤销，请向审批人员索取新的链接。', 'This link was revoked. Please ask the inspector for a new link.');

export interface AdmittedPhone {
  link: JoinLinkRecord;
  session: InspectionSession;
  caseRecord: CaseRecord;
}

export type LinkView = JoinLinkRecord & { state: JoinLinkState; token: string };

/**
 * The phone's way into a session. One link is live at a time: issuing a new one revokes the
 * previous (so a leaked link can always be killed), and a revoked link takes its phone out of the
 * call. Expiry stops new joins, not a phone already in the call.
 */
export class SessionLinks {
  constructor(
    private readonly links: JoinLinks,
    private readonly lifecycle: InspectionLifecycle,
    private readonly clock: Clock,
    private readonly events: TypedEvents<InspectionEvents>,
    private readonly log: Logger,
  ) {}

  async issue(sessionId: string, actor: string): Promise<{ link: JoinLinkRecord; token: string }> {
    const { session } = await this.lifecycle.session(sessionId);
    if (session.state === 'interrupted') throw new Conflict(text('本次勘验已中断，请先“恢复勘验”，再发链接', 'This inspection is interrupted; choose “Resume inspection” first, then send a link'), 'session is interrupted');
    if (!acceptsCall(session.state)) throw new Conflict(text('本次勘验已结束，不能再发链接', 'This inspection has ended; no more links can be sent'), `session is ${session.state}`);
    // Every earlier link goes, expired ones too: a phone that joined with one could still come back.
    for (const old of await this.links.listBySession(sessionId)) {
      if (old.revokedAt === undefined) await this.revokeOne(old, actor, 'replaced');
    }
    return this.links.issue(session.caseId, session.id);
  }

  async find(linkId: string): Promise<JoinLinkRecord> {
    const link = await this.links.get(linkId);
    if (!link) throw new NotFound(text('链接不存在', 'No such link'), 'link not found');
    return link;
  }

  async revoke(linkId: string, actor: string): Promise<JoinLinkRecord> {
    const link = await this.links.get(linkId);
    if (!link || link.revokedAt !== undefined) throw new NotFound(text('链接不存在或已撤销', 'No such link, or it was already revoked'), 'link not found or already revoked');
    await this.revokeOne(link, actor, 'revoked');
    return link;
  }

  async list(sessionId: string): Promise<LinkView[]> {
    const now = this.clock.now();
    return (await this.links.listBySession(sessionId)).map((l) => ({ ...l, state: linkState(l, now), token: this.links.tokenFor(l) }));
  }

  /** Which link a token names, without deciding whether it may enter (for routing a request). */
  resolve(token: string): Promise<JoinLinkRecord> {
    return this.links.resolve(token);
  }

  /** Whether a phone holding this token may enter its session now; the refusal says why, for the right screen. */
  async admit(token: string): Promise<AdmittedPhone> {
    const link = await this.links.resolve(token);
    if (link.revokedAt !== undefined) {
      if (link.revokeReason === 'replaced') throw new Gone(text('此链接已被新的链接取代，请使用审批人员最新发给您的链接。', 'This link was replaced by a newer one. Please use the latest link the inspector sent you.'), 'join link replaced', 'link_replaced');
      throw new Gone(LINK_REVOKED, 'join link revoked', 'link_revoked');
    }
    const { session, caseRecord } = await this.lifecycle.session(link.sessionId);
    if (session.state === 'interrupted') throw new Gone(text('本次视频勘验已暂停，审批人员会与您联系后再继续。', 'This video inspection is paused. The inspector will contact you before it continues.'), 'session interrupted', 'session_interrupted');
    if (!acceptsCall(session.state)) throw new Gone(text('本次视频勘验已结束，无需再次进入。', 'This video inspection has ended; there is no need to join again.'), 'session ended', 'session_ended');
    if (this.clock.now() > link.expiresAt && link.firstUsedAt === undefined) {
      throw new Gone(text('此链接已过期，请向审批人员索取新的链接。', 'This link has expired. Please ask the inspector for a new link.'), 'join link expired', 'link_expired');
    }
    return { link, session, caseRecord };
  }

  /** The link's phone joined the call: from now on it may rejoin after expiry, for the session's lifetime. */
  markUsed(linkId: string): Promise<void> {
    return this.links.markUsed(linkId);
  }

  private async revokeOne(link: JoinLinkRecord, actor: string, reason: 'revoked' | 'replaced'): Promise<void> {
    if (!(await this.links.revoke(link.id, reason))) return;
    this.log.info({ sessionId: link.sessionId, linkId: link.id, actor, reason }, 'join link revoked');
    this.events.emit('link.revoked', { sessionId: link.sessionId, linkId: link.id, reason });
  }
}
