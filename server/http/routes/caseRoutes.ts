import express, { type Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { isAllowed } from '../../accounts/authorize';
import { caseStatus } from '../../inspection/caseStatus';
import type { CaseIntake } from '../../inspection/CaseIntake';
import { Invalid } from '../../platform/errors';
import { AssignInput, NewCaseRequest } from '../../protocol/cases';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';

/** Cases: list (what the account may see), create, detail with sessions and assignees, assignment. */
export function caseRoutes({ deps, joinUrl, requireStaff, allow }: HttpContext, intake: CaseIntake): express.Router {
  const r = express.Router();

  r.get('/api/cases', requireStaff, async (_req, res: Response<unknown, Locals>) => {
    allow(res, 'case.list', { kind: 'office' });
    const actor = { kind: 'staff' as const, member: res.locals.member };
    const visible = [];
    for (const c of await deps.cases.list()) {
      const { resource, sessions } = await deps.resources.forRecord(c);
      if (isAllowed(actor, 'case.read', resource)) visible.push({ ...c, status: caseStatus(sessions) });
    }
    res.json({ cases: visible });
  });

  r.post('/api/cases', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'case.create', { kind: 'office' });
    const input = parseBody(NewCaseRequest, req.body);
    if (input.assignees.length) allow(res, 'case.assign', { kind: 'office' });
    const opened = await intake.open(input, res.locals.member, input.assignees);
    res.status(201).json({ caseRecord: opened.caseRecord, session: opened.session, joinUrl: joinUrl(req, opened.token), expiresAt: opened.link.expiresAt });
  });

  r.get('/api/cases/:id', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, caseRecord, sessions, assignees } = await deps.resources.ofCase(String(req.params.id));
    allow(res, 'case.read', resource);
    const actor = { kind: 'staff' as const, member: res.locals.member };
    res.json({
      caseRecord,
      status: caseStatus(sessions),
      assignees: await deps.accounts.members(assignees),
      canAssign: isAllowed(actor, 'case.assign', resource),
      // A reviewer sees the finished sessions of a case, not the ones still running.
      sessions: await Promise.all(
        sessions
          .filter((s) => isAllowed(actor, 'session.read', { kind: 'session', caseId: caseRecord.id, sessionId: s.id, state: s.state, assignees }))
          .map(async (s) => {
            const sessionResource = { kind: 'session' as const, caseId: caseRecord.id, sessionId: s.id, state: s.state, assignees };
            const links = isAllowed(actor, 'session.links', sessionResource)
              ? (await deps.links.list(s.id)).map(({ token, ...l }) => ({ ...l, url: joinUrl(req, token) }))
              : [];
            return {
              ...s,
              parentSessionId: await deps.walks.parentOf(s.id),
              links,
              canWork: isAllowed(actor, 'session.join', sessionResource),
              canObserve: isAllowed(actor, 'session.observe', sessionResource),
              canManage: isAllowed(actor, 'session.manage', sessionResource),
            };
          }),
      ),
    });
  });

  r.post('/api/cases/:id/assignees', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, caseRecord } = await deps.resources.ofCase(String(req.params.id));
    allow(res, 'case.assign', resource);
    const input = parseBody(AssignInput, req.body);
    const [member] = await deps.accounts.members([input.accountId]);
    if (!member || !member.roles.includes('inspector')) throw new Invalid('只能指派给审批人员账号', 'assignee is not an inspector');
    if (input.assigned) await deps.cases.assign(caseRecord.id, member.id, res.locals.member.username);
    else await deps.cases.unassign(caseRecord.id, member.id);
    res.json({ assignees: await deps.accounts.members(await deps.cases.assignees(caseRecord.id)) });
  });

  r.get('/api/qr', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'case.list', { kind: 'office' });
    const text = z.string().url().max(1000).refine((u) => /^https?:\/\//.test(u)).safeParse(req.query.text);
    if (!text.success) throw new Invalid('二维码内容无效', 'bad qr text');
    res.type('image/svg+xml').send(await QRCode.toString(text.data, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
  });
  return r;
}
