import crypto from 'node:crypto';
import type { Clock } from '../platform/clock';
import { Conflict, Invalid, NotFound, Unauthorized } from '../platform/errors';
import { text } from '../platform/Text';
import { newId, sha256Hex } from '../platform/ids';
import type { Logger } from '../platform/logger';
import { TypedEvents } from '../platform/TypedEvents';
import { PERMIT_TYPES, type PermitType } from '../protocol/cases';
import { staffView, type Account, type AccountRepository, type LoginRepository, type StaffMember, type StaffRole } from './Account';
import { unguardedLogin, type LoginGuard } from './LoginGuard';
import { hashPassword, verifyPassword } from './passwords';

const LOGIN_TTL_MS = 12 * 3600_000;

export interface AccountEvents {
  /** Every login of the account ended (disabled, password reset): its open pages must go too. */
  'logins.ended': [accountId: string, reason: 'disabled' | 'password_reset'];
  /** One login ended (log-out): the pages opened with it must stop acting for it. */
  'login.ended': [loginId: string];
  /** Roles or departments changed: open call pages must re-enter under the new rules. */
  'access.changed': [accountId: string];
}

export interface NewAccount {
  username: string;
  displayName: string;
  password: string;
  roles: StaffRole[];
  departments: PermitType[];
}

/** Staff accounts, their roles and departments, and their logins (cookie token -> stored hash). */
export class AccountService {
  readonly events: TypedEvents<AccountEvents>;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly logins: LoginRepository,
    private readonly clock: Clock,
    log: Logger,
    /** Log-in abuse limits (LoginThrottle); none by default. */
    private readonly guard: LoginGuard = unguardedLogin,
  ) {
    this.events = new TypedEvents<AccountEvents>(log);
  }

  /**
   * Creates the first account on an empty database: an administrator who can also inspect and
   * supervise, so a new office can try everything before creating its staff. Returns the password
   * when it had to be generated, so the caller can tell the operator once.
   */
  async seed(username: string, password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.accounts.count()) > 0) return { created: false };
    const generated = password ? undefined : crypto.randomBytes(9).toString('base64url');
    await this.accounts.insert({
      id: newId(),
      username,
      displayName: username,
      passwordHash: await hashPassword(password ?? generated!),
      roles: ['admin', 'supervisor', 'inspector'],
      departments: [...PERMIT_TYPES],
      mustChangePassword: false,
      createdAt: this.clock.now(),
    });
    return { created: true, generatedPassword: generated };
  }

  /** `address` is the client's, for the per-address limit; over a limit this throws LoginRefused (429) before any password work. */
  async login(username: string, password: string, address = 'unknown'): Promise<{ token: string; member: StaffMember; expiresAt: number }> {
    const account = await this.accounts.getByUsername(username);
    // The guard answers an unknown username in about the time of a real check, so timing does not reveal usernames.
    const ok = await this.guard.check({ username, address, account }, password);
    if (!account || !ok) throw new Unauthorized(text('用户名或密码错误', 'Wrong username or password'), 'bad credentials');
    if (account.disabledAt !== undefined) throw new Unauthorized(text('该账号已停用，请联系管理员', 'This account is disabled; please contact an administrator'), 'account disabled');
    const token = newId(32);
    const now = this.clock.now();
    const expiresAt = now + LOGIN_TTL_MS;
    await this.logins.insert({ tokenHash: sha256Hex(token), accountId: account.id, createdAt: now, expiresAt });
    return { token, member: staffView(account), expiresAt };
  }

  async authenticate(token: string | undefined): Promise<StaffMember> {
    if (!token) throw new Unauthorized(text('请先登录', 'Please log in first'), 'no login cookie');
    const login = await this.logins.get(sha256Hex(token));
    if (!login || login.expiresAt < this.clock.now()) throw new Unauthorized(text('登录已过期，请重新登录', 'Your login has expired; please log in again'), 'login expired');
    const account = await this.accounts.get(login.accountId);
    if (!account || account.disabledAt !== undefined) throw new Unauthorized(text('请先登录', 'Please log in first'), 'account gone or disabled');
    return staffView(account);
  }

  /** The account as it is now (roles and departments may have changed since its page connected). */
  async current(id: string): Promise<StaffMember> {
    const a = await this.accounts.get(id);
    if (!a || a.disabledAt !== undefined) throw new Unauthorized(text('账号已停用，请联系管理员', 'The account is disabled; please contact an administrator'), 'account gone or disabled');
    return staffView(a);
  }

  async logout(token: string): Promise<void> {
    await this.logins.delete(sha256Hex(token));
    this.events.emit('login.ended', loginIdOf(token));
  }

  async list(): Promise<Array<StaffMember & { disabledAt?: number; createdAt: number }>> {
    return (await this.accounts.list()).map((a) => ({ ...staffView(a), disabledAt: a.disabledAt, createdAt: a.createdAt }));
  }

  /** The admin's view: every account, with `lockedUntil` while its log-ins are locked after failed attempts. */
  async listWithLocks(): Promise<Array<StaffMember & { disabledAt?: number; lockedUntil?: number; createdAt: number }>> {
    const all = await this.list();
    const locks = await this.guard.lockedUntil(all.map((a) => a.username));
    return all.map((a) => ({ ...a, lockedUntil: locks.get(a.username) }));
  }

  /** An admin lifts a log-in lock: the account's failed attempts are forgotten. */
  async unlock(id: string): Promise<void> {
    await this.guard.unlock((await this.get(id)).username);
  }

  async get(id: string): Promise<Account> {
    const a = await this.accounts.get(id);
    if (!a) throw new NotFound(text('账号不存在', 'No such account'), `account ${id} not found`);
    return a;
  }

  /** An admin creates an account with a first password that its owner must replace at first log-in. */
  async create(input: NewAccount): Promise<StaffMember> {
    if (await this.accounts.getByUsername(input.username)) throw new Conflict(text('用户名已被使用', 'This username is already taken'), 'username taken');
    checkRoles(input.roles, input.departments);
    const account: Account = {
      id: newId(),
      username: input.username,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      roles: [...new Set(input.roles)],
      departments: [...new Set(input.departments)],
      mustChangePassword: true,
      createdAt: this.clock.now(),
    };
    await this.accounts.insert(account);
    return staffView(account);
  }

  async update(id: string, byId: string, patch: { displayName?: string; roles?: StaffRole[]; departments?: PermitType[] }): Promise<StaffMember> {
    const a = await this.get(id);
    const roles = patch.roles ?? a.roles;
    const departments = patch.departments ?? a.departments;
    checkRoles(roles, departments);
    if (id === byId && a.roles.includes('admin') && !roles.includes('admin')) throw new Conflict(text('不能取消自己的管理员角色', 'You cannot remove your own administrator role'), 'own admin role');
    if (a.roles.includes('admin') && !roles.includes('admin')) await this.keepAnAdmin(id);
    await this.accounts.update(id, { displayName: patch.displayName ?? a.displayName, roles: [...new Set(roles)], departments: [...new Set(departments)] });
    if (patch.roles || patch.departments) this.events.emit('access.changed', id);
    return staffView(await this.get(id));
  }

  /** Disabling ends every login of the account at once, including open consoles. */
  async disable(id: string, byId: string): Promise<void> {
    if (id === byId) throw new Conflict(text('不能停用自己的账号', 'You cannot disable your own account'), 'own account');
    const a = await this.get(id);
    if (a.disabledAt !== undefined) return;
    if (a.roles.includes('admin')) await this.keepAnAdmin(id);
    await this.accounts.update(id, { disabledAt: this.clock.now() });
    await this.logins.deleteForAccount(id);
    this.events.emit('logins.ended', id, 'disabled');
  }

  async enable(id: string): Promise<void> {
    await this.get(id);
    await this.accounts.update(id, { disabledAt: undefined });
  }

  /** A temporary password from an admin: the user must choose a new one at next log-in. */
  async resetPassword(id: string, temporary: string): Promise<void> {
    await this.get(id);
    await this.accounts.update(id, { passwordHash: await hashPassword(temporary), mustChangePassword: true });
    await this.logins.deleteForAccount(id);
    this.events.emit('logins.ended', id, 'password_reset');
  }

  async changeOwnPassword(id: string, current: string, next: string): Promise<StaffMember> {
    const a = await this.get(id);
    if (!(await verifyPassword(current, a.passwordHash))) throw new Invalid(text('当前密码不正确', 'The current password is not correct'), 'wrong current password');
    if (current === next) throw new Invalid(text('新密码不能与当前密码相同', 'The new password must differ from the current one'), 'same password');
    await this.accounts.update(id, { passwordHash: await hashPassword(next), mustChangePassword: false });
    return staffView(await this.get(id));
  }

  async members(ids: readonly string[]): Promise<StaffMember[]> {
    const out: StaffMember[] = [];
    for (const id of ids) {
      const a = await this.accounts.get(id);
      if (a) out.push(staffView(a));
    }
    return out;
  }

  private async keepAnAdmin(leaving: string): Promise<void> {
    const others = (await this.accounts.list()).filter((a) => a.id !== leaving && a.disabledAt === undefined && a.roles.includes('admin'));
    if (!others.length) throw new Conflict(text('至少需要保留一名可用的管理员', 'At least one active administrator must remain'), 'last admin');
  }
}

/** A name for a login that says nothing about its token (a hash of the hash the store keeps). */
export function loginIdOf(token: string): string {
  return sha256Hex(`login:${sha256Hex(token)}`).slice(0, 32);
}

function checkRoles(roles: StaffRole[], departments: PermitType[]): void {
  if (!roles.length) throw new Invalid(text('请至少选择一个角色', 'Choose at least one role'), 'no roles');
  if (departments.length && !roles.includes('inspector')) throw new Invalid(text('只有审批人员（inspector）需要所属部门', 'Only inspectors belong to departments'), 'departments without inspector role');
}
