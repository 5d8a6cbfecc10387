import type { PermitType } from '../protocol/cases';

/** What a staff account may do; an account may hold several. Applicants never have accounts. */
export const STAFF_ROLES = ['admin', 'supervisor', 'inspector', 'reviewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Account {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  roles: StaffRole[];
  /** The permit types this account's department signs off (一业一证: each department signs its own permit). */
  departments: PermitType[];
  /** Set when an admin disabled the account; its logins end at once. */
  disabledAt?: number;
  /** After an admin reset, the user must choose a new password before anything else. */
  mustChangePassword: boolean;
  createdAt: number;
}

/** What the rest of the server knows about a logged-in account: never the password hash. */
export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  roles: StaffRole[];
  departments: PermitType[];
  mustChangePassword: boolean;
}

export function staffView(a: Account): StaffMember {
  return { id: a.id, username: a.username, displayName: a.displayName, roles: [...a.roles], departments: [...a.departments], mustChangePassword: a.mustChangePassword };
}

export interface LoginSession {
  /** SHA-256 of the cookie token: a leaked database does not leak live logins. */
  tokenHash: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
}

export interface AccountRepository {
  insert(a: Account): Promise<void>;
  getByUsername(username: string): Promise<Account | undefined>;
  get(id: string): Promise<Account | undefined>;
  list(): Promise<Account[]>;
  count(): Promise<number>;
  update(id: string, patch: Partial<Pick<Account, 'displayName' | 'passwordHash' | 'roles' | 'departments' | 'disabledAt' | 'mustChangePassword'>>): Promise<void>;
}

export interface LoginRepository {
  insert(l: LoginSession): Promise<void>;
  get(tokenHash: string): Promise<LoginSession | undefined>;
  delete(tokenHash: string): Promise<void>;
  deleteForAccount(accountId: string): Promise<number>;
  deleteExpired(now: number): Promise<number>;
}
