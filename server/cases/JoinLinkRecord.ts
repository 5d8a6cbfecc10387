export interface JoinLinkRecord {
  id: string;
  caseId: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  /** Why it was revoked: by hand, replaced by a newer link, account action. */
  revokeReason?: string;
  /** When a phone first joined the call with it: such a phone keeps reconnecting after expiry. */
  firstUsedAt?: number;
}

export type JoinLinkState = 'active' | 'used' | 'revoked' | 'expired';

/** A used link stays "used" after its expiry: its phone may still come back, so it must stay revocable. */
export function linkState(l: JoinLinkRecord, now: number): JoinLinkState {
  if (l.revokedAt !== undefined) return 'revoked';
  if (l.firstUsedAt !== undefined) return 'used';
  return now > l.expiresAt ? 'expired' : 'active';
}
