import express from 'express';
import { AppError } from '../../platform/errors';
import { PERMIT_TYPES } from '../../protocol/cases';
import { renderLinkError, renderShell } from '../pages';
import type { HttpContext } from '../HttpContext';

/** The console shell, and the phone page behind each join link (a clear Chinese page for bad links). */
export function pageRoutes({ deps }: HttpContext): express.Router {
  const r = express.Router();
  // Each dependency's state; not ok (503) when one is down, so monitoring sees it.
  r.get('/healthz', async (_req, res) => {
    const report = await deps.health.check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.ok ? 200 : 503).json(report);
  });
  // For load balancers: take this node out while a dependency is down.
  r.get('/readyz', async (_req, res) => {
    const report = await deps.health.check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.ok ? 200 : 503).type('text').send(report.ok ? 'ready' : `not ready: ${Object.keys(report.checks).filter((k) => !report.checks[k]!.ok).join(', ')}`);
  });
  r.get('/', (_req, res) => res.redirect('/inspector'));

  r.get('/inspector', (_req, res) => {
    res.type('html').send(renderShell({ title: '勘验 · 审批人员工作台', script: 'inspector', boot: { rtpCapabilities: deps.routerRtpCapabilities, permitTypes: PERMIT_TYPES } }));
  });

  r.get('/admin', (_req, res) => {
    res.type('html').send(renderShell({ title: '勘验 · 账号管理', script: 'admin', boot: { permitTypes: PERMIT_TYPES } }));
  });

  r.get('/j/:token', async (req, res) => {
    try {
      await deps.linkLimiter.hit(req.ip ?? 'unknown');
      const { caseRecord, session } = await deps.links.admit(req.params.token);
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(
        renderShell({
          title: '视频勘验',
          script: 'applicant',
          earlyScript: 'applicant-early',
          boot: { token: req.params.token, sessionId: session.id, businessName: caseRecord.businessName, caseNumber: caseRecord.caseNumber, rtpCapabilities: deps.routerRtpCapabilities, galleryUploads: deps.galleryUploads },
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      res.status(err.status).type('html').send(renderLinkError(err.userMessage, err.reason));
    }
  });
  return r;
}
