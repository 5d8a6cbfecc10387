import type Database from 'better-sqlite3';
import type { Account, LoginSession, StaffRole } from '../../accounts/Account';
import type { PermitType } from '../../protocol/cases';
import type { Row } from './Row';

/** Staff accounts and their log-in sessions. */
export function accountRows(db: Database.Database) {
  return {
      insert: async (a: Account) => {
        db
          .prepare(
            `INSERT INTO accounts (id, username, display_name, password_hash, roles, departments, disabled_at, must_change_password, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(a.id, a.username, a.displayName, a.passwordHash, JSON.stringify(a.roles), JSON.stringify(a.departments), a.disabledAt ?? null, a.mustChangePassword ? 1 : 0, a.createdAt);
      },
      getByUsername: async (username: string) => {
        const row = db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as Row | undefined;
        return row ? toAccount(row) : undefined;
      },
      get: async (id: string) => {
        const row = db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as Row | undefined;
        return row ? toAccount(row) : undefined;
      },
      list: async () => (db.prepare('SELECT * FROM accounts ORDER BY created_at').all() as Row[]).map(toAccount),
      count: async () => (db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n,
      update: async (id: string, patch: Partial<Pick<Account, 'displayName' | 'passwordHash' | 'roles' | 'departments' | 'disabledAt' | 'mustChangePassword'>>) => {
        const cols: Record<string, unknown> = {};
        if ('displayName' in patch) cols.display_name = patch.displayName;
        if ('passwordHash' in patch) cols.password_hash = patch.passwordHash;
        if ('roles' in patch) cols.roles = JSON.stringify(patch.roles);
        if ('departments' in patch) cols.departments = JSON.stringify(patch.departments);
        if ('disabledAt' in patch) cols.disabled_at = patch.disabledAt ?? null;
        if ('mustChangePassword' in patch) cols.must_change_password = patch.mustChangePassword ? 1 : 0;
        const names = Object.keys(cols);
        if (!names.length) return;
        db.prepare(`UPDATE accounts SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(cols), id);
      },
  };
}

export function loginRows(db: Database.Database) {
  return {
      insert: async (l: LoginSession) => {
        db
          .prepare('INSERT INTO login_sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
          .run(l.tokenHash, l.accountId, l.createdAt, l.expiresAt);
      },
      get: async (tokenHash: string): Promise<LoginSession | undefined> => {
        const row = db.prepare('SELECT * FROM login_sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined;
        return row
          ? { tokenHash: String(row.token_hash), accountId: String(row.account_id), createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }
          : undefined;
      },
      delete: async (tokenHash: string) => {
        db.prepare('DELETE FROM login_sessions WHERE token_hash = ?').run(tokenHash);
      },
      deleteForAccount: async (accountId: string) => db.prepare('DELETE FROM login_sessions WHERE account_id = ?').run(accountId).changes,
      deleteExpired: async (now: number) => db.prepare('DELETE FROM login_sessions WHERE expires_at < ?').run(now).changes,
  };
}

function toAccount(r: Row): Account {
  return {
    id: String(r.id),
    username: String(r.username),
    displayName: String(r.display_name),
    passwordHash: String(r.password_hash),
    roles: JSON.parse(String(r.roles)) as StaffRole[],
    departments: JSON.parse(String(r.departments)) as PermitType[],
    disabledAt: r.disabled_at == null ? undefined : Number(r.disabled_at),
    mustChangePassword: Number(r.must_change_password) === 1,
    createdAt: Number(r.created_at),
  };
}
