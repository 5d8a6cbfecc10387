import crypto from 'node:crypto';
import type { Clock } from '../platform/clock';
import { Conflict, Forbidden, Gone } from '../platform/errors';
import { text } from '../platform/Text';
import type { Store } from '../store/Store';

/** One inspector request for a photo: a camera photo from the phone must answer one. */
export interface CaptureTicket {
  id: string;
  sessionId: string;
  pointKey: string;
  issuedAt: number;
  issuedBy: string;
  /** The phone's upload id that used it; retries of that same upload may use it again. */
  usedByRequest?: string;
  /** On a challenge point: the code the applicant must hold in the picture, issued with the ticket. */
  challenge?: { code: string; issuedAt: number };
}

/** Digits and capitals a person writes and reads back without doubt: no 0/O, 1/I/L, 2/Z, 5/S, 8/B. */
export const CHALLENGE_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const CHALLENGE_LENGTH = 6;

/** A fresh code from the OS's random source, each character drawn without bias. */
export function challengeCode(): string {
  let code = '';
  while (code.length < CHALLENGE_LENGTH) code += CHALLENGE_ALPHABET[crypto.randomInt(CHALLENGE_ALPHABET.length)];
  return code;
}

/** A photo waiting on a weak connection may take a long time to arrive, but not longer than a join link lives. */
const TICKET_LIFETIME_MS = 24 * 3600_000;

/**
 * Ties camera photos to the inspector's requests. Without this the phone alone would decide whether
 * an upload is a live camera photo or an old picture from its gallery; with it, a "camera photo" is
 * one the server asked for, for that point, in that session, and each request yields one photo.
 */
export class CaptureTickets {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async issue(sessionId: string, pointKey: string, issuedBy: string, opts: { challenge: boolean } = { challenge: false }): Promise<CaptureTicket> {
    const issuedAt = this.clock.now();
    const ticket: CaptureTicket = { id: crypto.randomBytes(12).toString('base64url'), sessionId, pointKey, issuedAt, issuedBy };
    if (opts.challenge) ticket.challenge = { code: challengeCode(), issuedAt };
    await this.store.captureTickets.insert(ticket);
    return ticket;
  }

  /**
   * Says in the phone's words why this upload cannot use the ticket, without using it up: run before
   * the body is read, so an upload without a valid ticket costs the server no decoding.
   */
  async check(ticketId: string | undefined, sessionId: string, pointKey: string, requestId: string): Promise<CaptureTicket> {
    const ticket = ticketId ? await this.store.captureTickets.get(ticketId) : undefined;
    if (!ticket || ticket.sessionId !== sessionId) {
      throw new Forbidden(text('现场照片须在检查人员发出拍照请求后拍摄', 'An on-site photo must be taken after the inspector asks for it'), 'camera photo without a capture ticket');
    }
    if (ticket.pointKey !== pointKey) throw new Forbidden(text('照片与检查人员请求的检查项不一致', 'The photo does not match the checklist point the inspector asked about'), `ticket for ${ticket.pointKey}, upload for ${pointKey}`);
    if (this.clock.now() - ticket.issuedAt > TICKET_LIFETIME_MS) throw new Gone(text('拍照请求已过期，请检查人员重新请求', 'The photo request has expired; the inspector needs to ask again'), 'capture ticket expired');
    if (ticket.usedByRequest !== undefined && ticket.usedByRequest !== requestId) {
      throw new Conflict(text('这次拍照请求已经收到过一张照片，请检查人员再次请求', 'A photo was already received for this request; the inspector needs to ask again'), 'capture ticket already used');
    }
    return ticket;
  }

  /** Marks the ticket used by this upload, or says in the phone's words why it cannot be. */
  async redeem(ticketId: string | undefined, sessionId: string, pointKey: string, requestId: string): Promise<CaptureTicket> {
    const ticket = await this.check(ticketId, sessionId, pointKey, requestId);
    if (!(await this.store.captureTickets.markUsed(ticket.id, requestId))) {
      throw new Conflict(text('这次拍照请求已经收到过一张照片，请检查人员再次请求', 'A photo was already received for this request; the inspector needs to ask again'), 'capture ticket already used');
    }
    return { ...ticket, usedByRequest: requestId };
  }
}
