import express, { type Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { isAllowed } from '../../accounts/authorize';
import { caseStatus } from '../../inspection/caseStatus';
import type { CaseIntake } from '../../inspection/CaseIntake';
import { Invalid } from '../../platform/errors';
import { text } from '../../platform/Text';
import { AssignInput, NewCaseRequest } from '../../protocol/cases';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';
import { requestLang } from '../requestLang';

/** Cases: list (what the account may see), create, detail with sessions and assignees, assignment. */
export function caseRoutes({ deps, joinUrl, requireStaff, allow }: HttpContext, intake: CaseIntake): express.Router {
  const r = express.Router();

  // What the case list shows of each case, in one pass: its status, the outcome of its latest closed
  // inspection, its inspectors' names and when anything last happened to it.
  r.get('/api/cases', requireStaff, async (_req, res: Response<unknown, Locals>) => {
    allow(res, 'case.list', { kind: 'office' });
    const actor = { kind: 'staff' as const, member: res.locals.member };
    const visible = [];
    for (const c of await deps.cases.list()) {
      const { resource, sessions, assignees } = await deps.resources.forRecord(c);
      if (!isAllowed(actor, 'case.read', resource)) continue;
      // The status is the case's; the rest comes only from the sessions this account may see (a reviewer: finished ones).
      const seen = sessions.filter((s) => isAllowed(actor, 'session.read', { kind: 'session', caseId: c.id, sessionId: s.id, state: s.state, assignees }));
      visible.push({ c, status: caseStatus(sessions), sessions: seen, assignees });
    }
    const members = new Map((await deps.accounts.members([...new Set(visible.flatMap((v) => v.assignees))])).map((m) => [m.id, m]));
    res.json({
      cases: visible.map(({ c, status, sessions, assignees }) => {
        const decided = sessions.filter((s) => s.outcome).sort((a, b) => b.createdAt - a.createdAt)[0];
        return {
          ...c,
          status,
          outcome: decided?.outcome,
          sessionCount: sessions.length,
          lastActivityAt: Math.max(c.createdAt, ...sessions.map((s) => Math.max(s.createdAt, s.stateChangedAt, s.endedAt ?? 0))),
          assignees: assignees.flatMap((id) => {
            const m = members.get(id);
            return m ? [{ id: m.id, displayName: m.displayName }] : [];
          }),
        };
      }),
    });
  });

  r.post('/api/cases', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'case.create', { kind: 'office' });
    const input = parseBody(NewCaseRequest, req.body);
    if (input.assignees.length) allow(res, 'case.assign', { kind: 'office' });
    const opened = await intake.open(input, res.locals.member, input.assignees);
    res.status(201).json({ caseRecord: opened.caseRecord, session: opened.session, joinUrl: joinUrl(req, opened.token), expiresAt: opened.link.expiresAt });
  });

  // One case with everything its page shows: each session the account may see with its links, its
  // history and its checklist as decided so far, and the names of the staff who appear in them.
  r.get('/api/cases/:id', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, caseRecord, sessions, assignees } = await deps.resources.ofCase(String(req.params.id));
    allow(res, 'case.read', resource);
    const actor = { kind: 'staff' as const, member: res.locals.member };
    const lang = requestLang(req);
    const shown = await Promise.all(
      // A reviewer sees the finished sessions of a case, not the ones still running.
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
            transitions: await deps.lifecycle.history(s.id, lang),
            walk: await deps.walks.view(s.id, lang),
            canWork: isAllowed(actor, 'session.join', sessionResource),
            canObserve: isAllowed(actor, 'session.observe', sessionResource),
            canManage: isAllowed(actor, 'session.manage', sessionResource),
          };
        }),
    );
    res.json({
      caseRecord,
      status: caseStatus(sessions),
      assignees: await deps.accounts.members(assignees),
      canAssign: isAllowed(actor, 'case.assign', resource),
      canExport: isAllowed(actor, 'case.export', resource),
      sessions: shown,
      names: await staffNames(shown.flatMap((s) => [
        ...s.transitions.map((t) => t.actor.replace(/^staff:/, '')),
        ...s.walk.outcome.permits.flatMap((p) => [p.signedBy, p.withdrawn?.by, p.withdrawn?.withdrawnBy]),
      ])),
    });
  });

  /** Display names of the staff a page names by username (sign-offs, history), and of nobody else. */
  async function staffNames(usernames: Array<string | undefined>): Promise<Record<string, string>> {
    const wanted = new Set(usernames.filter((u): u is string => !!u));
    if (!wanted.size) return {};
    return Object.fromEntries((await deps.accounts.list()).filter((m) => wanted.has(m.username)).map((m) => [m.username, m.displayName]));
  }

  r.post('/api/cases/:id/assignees', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, caseRecord } = await deps.resources.ofCase(String(req.params.id));
    allow(res, 'case.assign', resource);
    const input = parseBody(AssignInput, req.body);
    const [member] = await deps.accounts.members([input.accountId]);
    if (!member || !member.roles.includes('inspector')) throw new Invalid(text('只能指派给审批人员账号', 'Cases can only be assigned to inspector accounts'), 'assignee is not an inspector');
    if (input.assigned) await deps.cases.assign(caseRecord.id, member.id, res.locals.member.username);
    else await deps.cases.unassign(caseRecord.id, member.id);
    res.json({ assignees: await deps.accounts.members(await deps.cases.assignees(caseRecord.id)) });
  });

  r.get('/api/qr', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'case.list', { kind: 'office' });
    const content = z.string().url().max(1000).refine((u) => /^https?:\/\//.test(u)).safeParse(req.query.text);
    if (!content.success) throw new Invalid(text('二维码内容无效', 'Invalid QR code content'), 'bad qr text');
    res.type('image/svg+xml').send(await QRCode.toString(content.data, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
  });
  return r;
}
