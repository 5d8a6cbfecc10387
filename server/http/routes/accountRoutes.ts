import express, { type Response } from 'express';
import { NewAccountInput, ResetPasswordInput, UpdateAccountInput } from '../../protocol/accounts';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';

/** The admin's account management: create, change roles and departments, disable, reset passwords, lift log-in locks. */
export function accountRoutes({ deps, requireStaff, allow }: HttpContext): express.Router {
  const r = express.Router();
  const target = (id: string) => ({ kind: 'account' as const, accountId: id });

  r.get('/api/accounts', requireStaff, async (_req, res: Response<unknown, Locals>) => {
    allow(res, 'account.manage', { kind: 'office' });
    res.json({ accounts: await deps.accounts.listWithLocks() });
  });

  r.post('/api/accounts', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'account.manage', { kind: 'office' });
    const input = parseBody(NewAccountInput, req.body);
    res.status(201).json({ account: await deps.accounts.create(input) });
  });

  r.post('/api/accounts/:id', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const id = String(req.params.id);
    allow(res, 'account.manage', target(id));
    const input = parseBody(UpdateAccountInput, req.body);
    res.json({ account: await deps.accounts.update(id, res.locals.member.id, input) });
  });

  r.post('/api/accounts/:id/disable', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const id = String(req.params.id);
    allow(res, 'account.manage', target(id));
    await deps.accounts.disable(id, res.locals.member.id);
    res.json({ ok: true });
  });

  r.post('/api/accounts/:id/enable', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const id = String(req.params.id);
    allow(res, 'account.manage', target(id));
    await deps.accounts.enable(id);
    res.json({ ok: true });
  });

  // Lifts a log-in lock after failed attempts (shown as `lockedUntil` in the list).
  r.post('/api/accounts/:id/unlock', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const id = String(req.params.id);
    allow(res, 'account.manage', target(id));
    await deps.accounts.unlock(id);
    res.json({ ok: true });
  });

  r.post('/api/accounts/:id/reset-password', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const id = String(req.params.id);
    allow(res, 'account.manage', target(id));
    await deps.accounts.resetPassword(id, parseBody(ResetPasswordInput, req.body).password);
    res.json({ ok: true });
  });

  // Who can be put on a case: active inspectors with their departments.
  r.get('/api/staff', requireStaff, async (_req, res: Response<unknown, Locals>) => {
    allow(res, 'staff.list', { kind: 'office' });
    const staff = (await deps.accounts.list()).filter((a) => a.disabledAt === undefined && a.roles.includes('inspector'));
    res.json({ staff: staff.map((a) => ({ id: a.id, username: a.username, displayName: a.displayName, departments: a.departments })) });
  });
  return r;
}
