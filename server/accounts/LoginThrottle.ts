import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { Clock } from '../platform/clock';
import { Unavailable } from '../platform/errors';
import { text } from '../platform/Text';
import type { Logger } from '../platform/logger';
import type { LoginAttempt, LoginGuard } from './LoginGuard';
import { LoginRefused, tryAgainIn } from './LoginRefused';
import { PasswordGate } from './PasswordGate';
import { DUMMY_HASH, verifyPassword } from './passwords';

export interface LoginLimits {
  /** Per username: after `failures` in a row it is locked for `firstLockMs`, doubling with each further failure up to `maxLockMs`; forgotten `memoryMs` after the last attempt (or lock end). */
  account: { failures: number; firstLockMs: number; maxLockMs: number; memoryMs: number };
  /** Per address, across usernames: failed log-ins in a fixed window before 429. */
  address: { failures: number; windowMs: number };
  /** The whole office: above this many failures per window, unknown usernames cost no scrypt at all. */
  office: { failures: number; windowMs: number };
  /** scrypt checks at once, and how many checks from unfamiliar addresses may wait for one. */
  checks: { concurrent: number; queued: number };
  /** How long a successful log-in makes its address familiar to the account (first in line, not limited by the address count). */
  trustMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  account: { failures: 5, firstLockMs: 60_000, maxLockMs: 3600_000, memoryMs: 24 * 3600_000 },
  address: { failures: 20, windowMs: 10 * 60_000 },
  office: { failures: 100, windowMs: 60_000 },
  checks: { concurrent: 2, queued: 32 },
  trustMs: 30 * 24 * 3600_000,
};

// Counts the attempt before its password is checked, as if it failed (a success takes it back):
// two hundred concurrent guesses cannot all pass the check before the first failure is recorded.
// KEYS: account state (hash fails, lockedUntil), address counter, office counter, trust marker.
// ARGV: now, account failures, first lock, max lock, memory, address failures, address window, office window.
const ADMIT = `
local now = tonumber(ARGV[1])
local lockedUntil = tonumber(redis.call('HGET', KEYS[1], 'lockedUntil') or '0')
if lockedUntil > now then return {'account', lockedUntil - now, 0} end
local trusted = redis.call('EXISTS', KEYS[4])
local addr = tonumber(redis.call('GET', KEYS[2]) or '0')
if trusted == 0 and addr >= tonumber(ARGV[6]) then return {'address', redis.call('PTTL', KEYS[2]), 0} end
redis.call('INCR', KEYS[2])
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[7]) end
local office = redis.call('INCR', KEYS[3])
if redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[8]) end
local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
local lockMs = 0
if fails >= tonumber(ARGV[2]) then
  lockMs = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(fails - tonumber(ARGV[2]), 40))
  redis.call('HSET', KEYS[1], 'lockedUntil', string.format('%d', now + lockMs))
end
redis.call('PEXPIRE', KEYS[1], string.format('%d', lockMs + tonumber(ARGV[5])))
return {'admitted', office, trusted, lockMs}
`;

// Takes an attempt back. ARGV[1] 'success': the password was right, so the username's streak is
// forgotten and the address becomes familiar for ARGV[2] ms. 'refund': refused before its check
// (busy), so only this attempt is taken back; a lock it started stays.
const RELEASE = `
if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[2])
elseif tonumber(redis.call('HGET', KEYS[1], 'fails') or '0') > 0 then
  redis.call('HINCRBY', KEYS[1], 'fails', -1)
end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
return 1
`;

const PREFIX = 'login';
const BUSY_WAIT_MS = 5000;

interface Admitted {
  /** Failed (or pending) attempts across the office in the current window, this one included. */
  office: number;
  /** The account logged in from this address before. */
  trusted: boolean;
  /** This attempt reached the lock threshold: the username is locked this long unless it succeeds. */
  lockMs: number;
}

/**
 * Log-in abuse limits kept in Redis, so they hold across nodes: a lock per username with
 * exponential back-off, a failure budget per address, and an office-wide ceiling. Requests over a
 * limit are answered 429 before any scrypt; the checks that do run pass a PasswordGate, where an
 * existing account goes before a flood of unknown usernames, so the real user still gets in.
 */
export class LoginThrottle implements LoginGuard {
  private readonly gate: PasswordGate;
  private readonly log: Logger;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    log: Logger,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.gate = new PasswordGate(limits.checks.concurrent, limits.checks.queued);
    this.log = log.child({ part: 'login-throttle' });
  }

  async check(attempt: LoginAttempt, password: string): Promise<boolean> {
    const keys = this.keysOf(attempt);
    const admitted = await this.admit(attempt, keys);
    let ok = false;
    let checked = false;
    try {
      ok = await this.checkPassword(attempt, password, admitted);
      checked = true;
    } finally {
      // A right password, or an attempt refused before its check, is not a failure.
      if (ok || !checked) await this.release(keys, ok ? 'success' : 'refund');
    }
    if (!ok && admitted.lockMs > 0) {
      this.log.warn({ username: attempt.username, known: !!attempt.account, lockedForMs: admitted.lockMs }, 'log-ins of this username locked after failed attempts');
    }
    return ok;
  }

  private async checkPassword(attempt: LoginAttempt, password: string, admitted: Admitted): Promise<boolean> {
    const account = attempt.account;
    if (!account) {
      await this.imitateCheck(password, admitted.office > this.limits.office.failures);
      return false;
    }
    const lane = admitted.trusted ? 'trusted' : 'known';
    if (!this.gate.hasRoom(lane)) throw new LoginRefused(tryAgainIn('登录请求过多', 'Too many log-in requests', BUSY_WAIT_MS), 'password checks queue full', 'busy', BUSY_WAIT_MS);
    return this.gate.run(lane, () => verifyPassword(password, account.passwordHash));
  }

  async lockedUntil(usernames: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!usernames.length) return out;
    const now = this.clock.now();
    const replies = await this.guarded(() => {
      const p = this.redis.pipeline();
      for (const u of usernames) p.hget(this.accountKey(u), 'lockedUntil');
      return p.exec();
    });
    usernames.forEach((u, i) => {
      const until = Number(replies?.[i]?.[1] ?? 0);
      if (until > now) out.set(u, until);
    });
    return out;
  }

  async unlock(username: string): Promise<void> {
    await this.guarded(() => this.redis.del(this.accountKey(username)));
    this.log.info({ username }, 'log-in lock lifted');
  }

  private async admit(attempt: LoginAttempt, keys: string[]): Promise<Admitted> {
    const { account, address, office } = this.limits;
    const reply = (await this.guarded(() =>
      this.redis.eval(
        ADMIT,
        keys.length,
        ...keys,
        this.clock.now(),
        account.failures,
        account.firstLockMs,
        account.maxLockMs,
        account.memoryMs,
        address.failures,
        address.windowMs,
        office.windowMs,
      ),
    )) as [string, number, number, number?];
    const [verdict, value, trusted, lockMs = 0] = reply;
    if (verdict === 'account') {
      throw new LoginRefused(tryAgainIn('登录失败次数过多', 'Too many failed log-ins', value), `account locked for ${value} ms`, 'account_locked', value);
    }
    if (verdict === 'address') {
      const wait = value > 0 ? value : address.windowMs;
      this.log.debug({ address: attempt.address }, 'log-in refused: address over its failure budget');
      throw new LoginRefused(tryAgainIn('此网络登录失败次数过多', 'Too many failed log-ins from this network', wait), `address ${attempt.address} over ${address.failures} failures`, 'address_limited', wait);
    }
    if (value === office.failures + 1) this.log.warn({ failures: value, windowMs: office.windowMs }, 'office-wide log-in failures over the ceiling: unknown usernames no longer get a password check');
    return { office: value, trusted: trusted === 1, lockMs };
  }

  /**
   * An unknown username gets the same answer after about the same time as a wrong password, but
   * spends a check only when one is free and the office is not under a flood; otherwise a timer
   * stands in for it, so a flood of made-up names costs no CPU.
   */
  private async imitateCheck(password: string, overCeiling: boolean): Promise<void> {
    const running = overCeiling ? undefined : this.gate.tryRun(() => verifyPassword(password, DUMMY_HASH));
    if (running) await running;
    else await sleep(Math.round(this.gate.typicalMs * (0.8 + 0.4 * Math.random())));
  }

  private async release(keys: string[], how: 'success' | 'refund'): Promise<void> {
    try {
      await this.redis.eval(RELEASE, keys.length, ...keys, how, this.limits.trustMs);
    } catch (err) {
      // The user proved the password: a counter left one too high must not keep them out.
      this.log.warn({ err: (err as Error).message }, 'could not take back a log-in attempt');
    }
  }

  private keysOf(attempt: LoginAttempt): string[] {
    return [
      this.accountKey(attempt.username),
      `${PREFIX}:addr:${addressBucket(attempt.address)}`,
      `${PREFIX}:office`,
      `${PREFIX}:trust:${attempt.account?.id ?? '-'}:${addressBucket(attempt.address)}`,
    ];
  }

  /** Unknown usernames are tracked like real ones, so a lock says nothing about which names exist. */
  private accountKey(username: string): string {
    return `${PREFIX}:user:${username}`;
  }

  private async guarded<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      // Redis is being restarted: a clear "try again" rather than a 500, and no guessing let through.
      throw new Unavailable(text('服务暂时不可用，请几秒后重试', 'The service is temporarily unavailable; please try again in a few seconds.'), `login throttle: ${(err as Error).message}`, 'dependency_down');
    }
  }
}

/**
 * The unit an address budget is kept for: an IPv4 address, or the /64 an IPv6 host can pick
 * addresses from at will.
 */
export function addressBucket(address: string): string {
  const ip = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
