import express, { type Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { Invalid, NotFound } from '../../platform/errors';
import { NewCaseInput } from '../../protocol/cases';
import { parseInput as parseBody } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';

/** Cases, sessions, join links and their QR codes, checklists and re-inspections. */
export function caseRoutes({ deps, joinUrl, requireInspector }: HttpContext): express.Router {
  const r = express.Router();
  r.get('/api/cases', requireInspector, async (_req, res) => {
    res.json({ cases: await deps.cases.list() });
  });

  r.post('/api/cases', requireInspector, async (req, res: Response<unknown, Locals>) => {
    const input = parseBody(NewCaseInput, req.body);
    const created = await deps.cases.create(input, res.locals.inspector.username);
    res.status(201).json({
      caseRecord: created.caseRecord,
      session: created.session,
      joinUrl: joinUrl(req, created.token),
      expiresAt: created.expiresAt,
    });
  });

  r.get('/api/cases/:id', requireInspector, async (req, res) => {
    const detail = await deps.cases.detail(String(req.params.id));
    res.json({
      caseRecord: detail.caseRecord,
      sessions: detail.sessions.map((s) => ({
        ...s,
        applicant: deps.calls.get(s.id)?.applicantPresence ?? null,
        links: s.links.map(({ token, ...l }) => ({ ...l, url: joinUrl(req, token) })),
      })),
    });
  });

  r.post('/api/sessions/:id/links', requireInspector, async (req, res) => {
    const { session } = await deps.cases.session(String(req.params.id));
    if (session.status === 'ended') throw new Invalid('本次勘验已结束，不能再发链接', 'session ended');
    const { link, token } = await deps.joinLinks.issue(session.caseId, session.id);
    res.status(201).json({ id: link.id, url: joinUrl(req, token), expiresAt: link.expiresAt });
  });

  r.post('/api/links/:id/revoke', requireInspector, async (req, res) => {
    const revoked = await deps.joinLinks.revoke(String(req.params.id));
    if (!revoked) throw new NotFound('链接不存在或已撤销', 'link not found or already revoked');
    deps.calls.get(revoked.sessionId)?.expelLink(revoked.id);
    res.json({ ok: true });
  });

  r.get('/api/qr', requireInspector, async (req, res) => {
    const text = z.string().url().max(1000).refine((u) => /^https?:\/\//.test(u)).safeParse(req.query.text);
    if (!text.success) throw new Invalid('二维码内容无效', 'bad qr text');
    res.type('image/svg+xml').send(await QRCode.toString(text.data, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
  });

  r.get('/api/sessions/:id/walk', requireInspector, async (req, res) => {
    const { session } = await deps.cases.session(String(req.params.id));
    res.json({ walk: await deps.walks.view(session.id, req.query.lang === 'en' ? 'en' : 'zh-CN') });
  });

  r.post('/api/sessions/:id/reinspect', requireInspector, async (req, res) => {
    const created = await deps.cases.reinspect(String(req.params.id));
    res.status(201).json({ session: created.session, joinUrl: joinUrl(req, created.token), expiresAt: created.expiresAt });
  });
  return r;
}
