import { TooMany } from '../platform/errors';

/** A log-in refused before its password was checked (429), saying how long to wait. */
export class LoginRefused extends TooMany {
  constructor(
    userMessage: string,
    detail: string,
    reason: 'account_locked' | 'address_limited' | 'busy',
    /** How long until trying again can succeed; sent as Retry-After. */
    readonly retryAfterMs: number,
  ) {
    super(userMessage, detail, reason);
  }
}

/** "5 分钟" / "30 秒": rounded up, so the wait said is never too short (a lock of 1 min says "1 分钟" while it lasts most of it). */
export function waitText(ms: number): string {
  return ms > 45_000 ? `${Math.ceil(ms / 60_000)} 分钟` : `${Math.max(1, Math.ceil(ms / 1000))} 秒`;
}
