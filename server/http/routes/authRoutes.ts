import express, { type Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { LoginInput } from '../../protocol/cases';
import { LOGIN_COOKIE } from '../../protocol/cookies';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';

/** Inspector login, logout and who is logged in. */
export function authRoutes({ deps, requireInspector }: HttpContext): express.Router {
  const r = express.Router();
  r.post('/api/login', async (req, res) => {
    const input = parseBody(LoginInput, req.body);
    await deps.loginLimiter.hit(`${req.ip}:${input.username}`);
    const { token, inspector, expiresAt } = await deps.auth.login(input.username, input.password);
    res.cookie(LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, expires: new Date(expiresAt), path: '/' });
    res.json({ inspector });
  });

  r.post('/api/logout', async (req, res) => {
    const token = parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE];
    if (token) await deps.auth.logout(token);
    res.clearCookie(LOGIN_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  r.get('/api/me', requireInspector, (_req, res: Response<unknown, Locals>) => {
    res.json({ inspector: res.locals.inspector });
  });
  return r;
}
