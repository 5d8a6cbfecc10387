import { performance } from 'node:perf_hooks';
import { LoginRefused } from '../../server/accounts/LoginRefused';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from '../../server/accounts/LoginThrottle';
import { hashPassword } from '../../server/accounts/passwords';
import { createLogger } from '../../server/platform/logger';
import { postJson } from '../support/staff';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The app trusts X-Forwarded-For from loopback (HttpApp: trust proxy 'loopback'), so each request
// below is seen as coming from the address it names, as behind the office's reverse proxy.

type Attempt = { status: number; body: { error?: { code: string; message: string; reason?: string } }; retryAfter: string | null; ms: number };

describe('log-in abuse limits', () => {
  let srv: RunningServer;
  let adminCookie: string;
  let inspectorId: string;
  /** Moves the server's clock forward, to see a lock end without waiting for it. */
  let skewMs = 0;

  const attempt = async (username: string, password: string, address?: string): Promise<Attempt> => {
    const started = performance.now();
    const res = await fetch(`${srv.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(address ? { 'X-Forwarded-For': address } : {}) },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as Attempt['body'];
    return { status: res.status, body, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
  };
  const accounts = async () => ((await (await fetch(`${srv.url}/api/accounts`, { headers: { cookie: adminCookie } })).json()) as { accounts: Array<{ id: string; username: string; lockedUntil?: number }> }).accounts;
  const now = () => Date.now() + skewMs;

  beforeAll(async () => {
    srv = await startTestServer({}, { clock: { now } });
    // The seeded account is also the admin: its page stays logged in while its log-ins are locked.
    adminCookie = await loginCookie(srv.url);
    inspectorId = (await accounts()).find((a) => a.username === INSPECTOR.username)!.id;
  });
  afterAll(() => srv.stop());

  it('forgets failures after a success: four wrong, one right, four wrong is not a lock', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await attempt(INSPECTOR.username, `wrong-${i}`, `10.9.${round}.${i}`)).status).toBe(401);
      if (round === 0) expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.9.9.9')).status).toBe(200);
    }
    expect((await accounts()).find((a) => a.id === inspectorId)!.lockedUntil).toBeUndefined();
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.9.9.9')).status).toBe(200);
  });

  it('locks an account after wrong passwords from 30 addresses, with a wait that doubles, until an admin unlocks it', async () => {
    const results: Attempt[] = [];
    for (let i = 1; i <= 30; i++) results.push(await attempt(INSPECTOR.username, `guess-${i}`, `10.1.0.${i}`));
    // Five are checked (and wrong); the rest are refused before any password check.
    expect(results.map((r) => r.status)).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);
    const refused = results[5]!;
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', reason: 'account_locked', message: '登录失败次数过多，请在 1 分钟后再试' });
    expect(Number(refused.retryAfter)).toBeGreaterThan(50);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    // Refused attempts cost no scrypt: they come back faster than a checked one.
    console.log(`locked account: checked attempts took ${Math.round(results[0]!.ms)} ms, refused ones ${Math.round(Math.max(...results.slice(5).map((r) => r.ms)))} ms at most`);

    // Locked means locked: the right password from a fresh address is refused too.
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.1.1.1')).status).toBe(429);
    const locked = (await accounts()).find((a) => a.id === inspectorId)!;
    expect(locked.lockedUntil! - now()).toBeGreaterThan(50_000);
    expect(locked.lockedUntil! - now()).toBeLessThanOrEqual(60_000);

    // After the lock ends, each further failure locks again for twice as long (capped at an hour).
    const waits: string[] = [];
    for (let k = 0; k < 3; k++) {
      skewMs += 61 * 60_000;
      expect((await attempt(INSPECTOR.username, `late-guess-${k}`, `10.1.2.${k}`)).status).toBe(401);
      waits.push((await attempt(INSPECTOR.username, 'again', `10.1.3.${k}`)).body.error!.message);
    }
    expect(waits).toEqual(['登录失败次数过多，请在 2 分钟后再试', '登录失败次数过多，请在 4 分钟后再试', '登录失败次数过多，请在 8 分钟后再试']);

    // Only the admin lifts it.
    const other = await postJson(`${srv.url}/api/accounts/${inspectorId}/unlock`, '');
    expect(other.status).toBe(401);
    const unlock = await postJson(`${srv.url}/api/accounts/${inspectorId}/unlock`, adminCookie);
    expect(unlock.status).toBe(200);
    expect((await accounts()).find((a) => a.id === inspectorId)!.lockedUntil).toBeUndefined();
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.1.1.1')).status).toBe(200);
  });

  it('refuses an address that tries many usernames, but not the account that logged in from it before', async () => {
    const limit = DEFAULT_LOGIN_LIMITS.address.failures;
    const statuses: number[] = [];
    let last: Attempt | undefined;
    for (let i = 0; i < 25; i++) {
      last = await attempt(`nobody-${i}`, 'some-password', '10.2.0.1');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(limit).fill(401), ...Array(25 - limit).fill(429)]);
    expect(last!.body.error).toMatchObject({ reason: 'address_limited', message: '此网络登录失败次数过多，请在 10 分钟后再试' });
    // A real name from that address is refused too, before its password is checked...
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.2.0.1')).status).toBe(429);
    // ...and other addresses are not affected.
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.2.0.2')).status).toBe(200);

    // An office address the inspector logged in from before: someone else there guessing names
    // uses up the address's budget, but not the inspector's way in.
    for (let i = 0; i < 25; i++) await attempt(`someone-${i}`, 'some-password', '10.2.0.2');
    expect((await attempt('someone-new', 'some-password', '10.2.0.2')).status).toBe(429);
    expect((await attempt(INSPECTOR.username, INSPECTOR.password, '10.2.0.2')).status).toBe(200);
  });

  it('keeps one budget for an IPv6 /64, whose host can pick any address in it', async () => {
    const limit = DEFAULT_LOGIN_LIMITS.address.failures;
    for (let i = 1; i <= limit; i++) expect((await attempt(`v6-${i}`, 'some-password', `2001:db8:0:7::${i.toString(16)}`)).status).toBe(401);
    expect((await attempt('v6-next', 'some-password', '2001:db8:0:7:ffff:1:2:3')).body.error?.reason).toBe('address_limited');
    expect((await attempt('v6-next', 'some-password', '2001:db8:0:8::1')).status).toBe(401);
  });

  it('answers "busy" at once when too many checks wait, and a busy refusal neither counts nor clears failures', async () => {
    // The server's Redis, with a gate of one check at a time and two waiting.
    const throttle = new LoginThrottle(srv.server.redis, { now }, createLogger('silent'), { ...DEFAULT_LOGIN_LIMITS, checks: { concurrent: 1, queued: 2 } });
    const account = { id: 'busy-account', passwordHash: await hashPassword('right-password') };
    const check = (username: string, password = 'wrong-password') => throttle.check({ username, address: '10.6.0.1', account }, password);
    for (let i = 0; i < 3; i++) expect(await check('busy-user')).toBe(false);

    const settled = await Promise.allSettled([check('busy-a'), check('busy-b'), check('busy-c'), check('busy-user')]);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as LoginRefused).reason))).toEqual([false, false, false, 'busy']);
    expect((settled[3] as PromiseRejectedResult).reason.userMessage).toBe('登录请求过多，请在 5 秒后再试');

    // Still three failures: the fourth locks nothing, the fifth does.
    expect(await check('busy-user')).toBe(false);
    expect((await throttle.lockedUntil(['busy-user'])).size).toBe(0);
    expect(await check('busy-user')).toBe(false);
    expect((await throttle.lockedUntil(['busy-user'])).get('busy-user')! - now()).toBeGreaterThan(50_000);
  });

  it('lets the real user in during a flood of 200 random usernames from 200 addresses (latency measured, not asserted)', async () => {
    const quiet: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await attempt(INSPECTOR.username, INSPECTOR.password);
      expect(r.status).toBe(200);
      quiet.push(r.ms);
    }

    const flood = Array.from({ length: 200 }, (_, i) => attempt(`random-${i}-${Math.random().toString(36).slice(2)}`, `pw-${i}`, `10.3.${i >> 8}.${i & 255}`));
    await new Promise((r) => setTimeout(r, 20));
    // From the address the user always logs in from (loopback here), and from a new one.
    const [familiar, fresh] = await Promise.all([attempt(INSPECTOR.username, INSPECTOR.password), attempt(INSPECTOR.username, INSPECTOR.password, '10.4.0.1')]);
    const floodResults = await Promise.all(flood);

    expect(familiar.status).toBe(200);
    expect(fresh.status).toBe(200);
    const floodStatuses = [...new Set(floodResults.map((r) => r.status))];
    expect(floodStatuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const floodMs = floodResults.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      `log-in latency: quiet ${quiet.map((m) => Math.round(m)).join('/')} ms; during a flood of 200 random usernames: ` +
        `${Math.round(familiar.ms)} ms from the user's usual address, ${Math.round(fresh.ms)} ms from a new address ` +
        `(flood answers ${floodStatuses.join('/')}, median ${Math.round(floodMs[100]!)} ms, slowest ${Math.round(floodMs[199]!)} ms)`,
    );
  });
});
