import { INSPECTOR } from './testServer';

/** Logs in over HTTP and returns the cookie header value (for any account). */
export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

export async function postJson(url: string, cookie: string, body: unknown = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie }, body: JSON.stringify(body) });
}

export interface StaffAccount {
  id: string;
  username: string;
  cookie: string;
}

/**
 * Creates an account through the admin API (as the seeded first admin), logs it in and replaces its
 * first password, as a new colleague would on their first day.
 */
export async function createStaff(url: string, adminCookie: string, spec: { username: string; roles: string[]; departments?: string[] }): Promise<StaffAccount> {
  const first = 'first-password-1';
  const res = await postJson(`${url}/api/accounts`, adminCookie, { username: spec.username, displayName: spec.username, password: first, roles: spec.roles, departments: spec.departments ?? [] });
  if (res.status !== 201) throw new Error(`create ${spec.username}: ${res.status} ${await res.text()}`);
  const { account } = (await res.json()) as { account: { id: string } };
  const cookie = await login(url, spec.username, first);
  const changed = await postJson(`${url}/api/me/password`, cookie, { current: first, next: `${spec.username}-password-2` });
  if (!changed.ok) throw new Error(`password change of ${spec.username}: ${changed.status}`);
  return { id: account.id, username: spec.username, cookie };
}

export const seededAdmin = INSPECTOR;
