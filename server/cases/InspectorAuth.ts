import crypto from 'node:crypto';
import type { Clock } from '../platform/clock';
import { Unauthorized } from '../platform/errors';
import { newId, sha256Hex } from '../platform/ids';
import type { Store } from '../store/Store';
import type { InspectorAccount } from './InspectorAccount';
import { hashPassword, verifyPassword } from './passwords';

const LOGIN_TTL_MS = 12 * 3600_000;

export interface AuthenticatedInspector {
  id: string;
  username: string;
  displayName: string;
}

/** Inspector accounts and their login sessions (cookie token -> SQLite row). */
export class InspectorAuth {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates the first account on an empty database. Returns the password when it had to be
   * generated, so the caller can tell the operator once.
   */
  async seed(username: string, password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.store.inspectors.count()) > 0) return { created: false };
    const generated = password ? undefined : crypto.randomBytes(9).toString('base64url');
    await this.store.inspectors.insert({
      id: newId(),
      username,
      displayName: username,
      passwordHash: await hashPassword(password ?? generated!),
      createdAt: this.clock.now(),
    });
    return { created: true, generatedPassword: generated };
  }

  async login(username: string, password: string): Promise<{ token: string; inspector: AuthenticatedInspector; expiresAt: number }> {
    const account = await this.store.inspectors.getByUsername(username);
    // Verify against a dummy hash when the user is unknown so timing does not reveal usernames.
    const ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
    if (!account || !ok) throw new Unauthorized('用户名或密码错误', 'bad credentials');
    const token = newId(32);
    const now = this.clock.now();
    const expiresAt = now + LOGIN_TTL_MS;
    await this.store.logins.insert({ tokenHash: sha256Hex(token), inspectorId: account.id, createdAt: now, expiresAt });
    return { token, inspector: publicView(account), expiresAt };
  }

  async authenticate(token: string | undefined): Promise<AuthenticatedInspector> {
    if (!token) throw new Unauthorized('请先登录', 'no login cookie');
    const login = await this.store.logins.get(sha256Hex(token));
    if (!login || login.expiresAt < this.clock.now()) throw new Unauthorized('登录已过期，请重新登录', 'login expired');
    const account = await this.store.inspectors.get(login.inspectorId);
    if (!account) throw new Unauthorized('请先登录', 'account gone');
    return publicView(account);
  }

  async logout(token: string): Promise<void> {
    await this.store.logins.delete(sha256Hex(token));
  }
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function publicView(a: InspectorAccount): AuthenticatedInspector {
  return { id: a.id, username: a.username, displayName: a.displayName };
}
