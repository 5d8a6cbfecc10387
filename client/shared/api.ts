import type { StaffMember } from '../../server/accounts/Account';
import { lang, t } from './i18n';

/** The logged-in staff account as the server describes it (GET /api/me). */
export type Member = StaffMember;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** JSON fetch against our own API; failures carry the server's user-facing message. */
export async function api<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      // The server words its messages in the page's language (it never guesses from the browser).
      headers: { 'X-Kanyan-Lang': lang, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', t('err.network'));
  }
  const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(res.status, data.error?.code ?? 'error', data.error?.message ?? `HTTP ${res.status}`);
  return data as T;
}

/** The logged-in account, or undefined when nobody is logged in (401). */
export async function currentMember(): Promise<Member | undefined> {
  try {
    return (await api<{ member: Member }>('GET', '/api/me')).member;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return undefined;
    throw err;
  }
}
