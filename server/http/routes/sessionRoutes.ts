import express, { type Response } from 'express';
import type { CaseIntake } from '../../inspection/CaseIntake';
import { AbandonInput, InterruptInput } from '../../protocol/cases';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';
import { requestLang } from '../requestLang';

/** One inspection session: its state and history, its checklist, its join links, interrupt, resume, abandon, re-inspect. */
export function sessionRoutes({ deps, joinUrl, requireStaff, allow }: HttpContext, intake: CaseIntake): express.Router {
  const r = express.Router();
  const load = (id: unknown) => deps.resources.ofSession(String(id));

  r.get('/api/sessions/:id', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session, caseRecord } = await load(req.params.id);
    allow(res, 'session.read', resource);
    res.json({ session, caseRecord, transitions: await deps.lifecycle.history(session.id, requestLang(req)) });
  });

  r.get('/api/sessions/:id/walk', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.read', resource);
    res.json({ walk: await deps.walks.view(session.id, requestLang(req)) });
  });

  r.get('/api/sessions/:id/links', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.links', resource);
    res.json({ links: (await deps.links.list(session.id)).map(({ token, ...l }) => ({ ...l, url: joinUrl(req, token) })) });
  });

  // A new link revokes the previous one: a leaked link can always be killed by sending a new one.
  r.post('/api/sessions/:id/links', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.links', resource);
    const { link, token } = await deps.links.issue(session.id, res.locals.member.username);
    res.status(201).json({ id: link.id, url: joinUrl(req, token), expiresAt: link.expiresAt });
  });

  r.post('/api/links/:id/revoke', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const link = await deps.links.find(String(req.params.id));
    const { resource } = await load(link.sessionId);
    allow(res, 'session.links', resource);
    await deps.links.revoke(link.id, res.locals.member.username);
    res.json({ ok: true });
  });

  // A supervisor can end a call nobody is working any more (an inspector's crashed browser): with the
  // checklist open it becomes interrupted, and can then be resumed or abandoned.
  r.post('/api/sessions/:id/interrupt', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.manage', resource);
    const { reason } = parseBody(InterruptInput, req.body ?? {});
    await deps.lifecycle.endCall(session.id, res.locals.member.username, reason);
    res.json({ session: (await deps.lifecycle.session(session.id)).session });
  });

  r.post('/api/sessions/:id/resume', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.manage', resource);
    await deps.lifecycle.resume(session.id, res.locals.member.username);
    res.json({ session: (await deps.lifecycle.session(session.id)).session });
  });

  r.post('/api/sessions/:id/abandon', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.manage', resource);
    await deps.lifecycle.abandon(session.id, res.locals.member.username, parseBody(AbandonInput, req.body).reason);
    res.json({ session: (await deps.lifecycle.session(session.id)).session });
  });

  r.post('/api/sessions/:id/reinspect', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, session } = await load(req.params.id);
    allow(res, 'session.manage', resource);
    const opened = await intake.reinspect(session.id, res.locals.member.username);
    res.status(201).json({ session: opened.session, joinUrl: joinUrl(req, opened.token), expiresAt: opened.link.expiresAt });
  });
  return r;
}
