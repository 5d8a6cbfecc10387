import type { Account } from './Account';
import { DUMMY_HASH, verifyPassword } from './passwords';

/** One log-in attempt as the guard sees it, before any password work. */
export interface LoginAttempt {
  username: string;
  /** The client's address as the HTTP layer resolved it (behind a trusted proxy: X-Forwarded-For). */
  address: string;
  /** The account the username names, when there is one. */
  account?: Pick<Account, 'id' | 'passwordHash'>;
}

/**
 * Decides whether and when a log-in's password is checked, and remembers how it went. The
 * account service asks it for every log-in; LoginThrottle is the Redis-backed one.
 */
export interface LoginGuard {
  /** True when the password is the account's; throws LoginRefused (429) without checking when over a limit. */
  check(attempt: LoginAttempt, password: string): Promise<boolean>;
  /** Usernames whose log-ins are locked now, with the time the lock ends. */
  lockedUntil(usernames: readonly string[]): Promise<Map<string, number>>;
  /** Lifts a lock and forgets the username's failed attempts. */
  unlock(username: string): Promise<void>;
}

/** No limits: every password is checked (an unknown username against a dummy hash). */
export const unguardedLogin: LoginGuard = {
  async check(attempt, password) {
    const ok = await verifyPassword(password, attempt.account?.passwordHash ?? DUMMY_HASH);
    return ok && !!attempt.account;
  },
  lockedUntil: async () => new Map(),
  unlock: async () => undefined,
};
