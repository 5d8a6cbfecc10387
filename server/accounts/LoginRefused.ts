import { TooMany } from '../platform/errors';
import { text, type Text } from '../platform/Text';

/** A log-in refused before its password was checked (429), saying how long to wait. */
export class LoginRefused extends TooMany {
  constructor(
    userMessage: Text,
    detail: string,
    reason: 'account_locked' | 'address_limited' | 'busy',
    /** How long until trying again can succeed; sent as Retry-After. */
    readonly retryAfterMs: number,
  ) {
    super(userMessage, detail, reason);
  }
}

/** "5 分钟" / "30 秒": rounded up, so the wait said is never too short (a lock of 1 min says "1 分钟" while it lasts most of it). */
export function waitText(ms: number): Text {
  if (ms > 45_000) {
    const minutes = Math.ceil(ms / 60_000);
    return text(`${minutes} 分钟`, `${minutes} minute${minutes === 1 ? '' : 's'}`);
  }
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return text(`${seconds} 秒`, `${seconds} second${seconds === 1 ? '' : 's'}`);
}

/** "<zh>在 <wait>后再试" / "<en> in <wait>": the refusal with how long to wait, in both languages. */
export function tryAgainIn(zhWhat: string, enWhat: string, ms: number): Text {
  const wait = waitText(ms);
  return text(`${zhWhat}，请在 ${wait['zh-CN']}后再试`, `${enWhat}; try again in ${wait.en}.`);
}
