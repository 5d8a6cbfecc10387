import express, { type Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { ChangePasswordInput } from '../../protocol/accounts';
import { LoginInput } from '../../protocol/cases';
import { LOGIN_COOKIE } from '../../protocol/cookies';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';

/** Staff log-in, log-out, who is logged in, and changing one's own password. */
export function authRoutes({ deps, requireStaff, allow }: HttpContext): express.Router {
  const r = express.Router();
  r.post('/api/login', async (req, res) => {
    const input = parseBody(LoginInput, req.body);
    // Limits per username, per address and office-wide live in the account service's LoginThrottle.
    const { token, member, expiresAt } = await deps.accounts.login(input.username, input.password, req.ip ?? 'unknown');
    res.cookie(LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, expires: new Date(expiresAt), path: '/' });
    res.json({ member });
  });

  r.post('/api/logout', async (req, res) => {
    const token = parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE];
    if (token) await deps.accounts.logout(token);
    res.clearCookie(LOGIN_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  r.get('/api/me', requireStaff, (_req, res: Response<unknown, Locals>) => {
    res.json({ member: res.locals.member });
  });

  r.post('/api/me/password', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const me = res.locals.member;
    allow(res, 'account.self', { kind: 'account', accountId: me.id });
    const input = parseBody(ChangePasswordInput, req.body);
    res.json({ member: await deps.accounts.changeOwnPassword(me.id, input.current, input.next) });
  });
  return r;
}
