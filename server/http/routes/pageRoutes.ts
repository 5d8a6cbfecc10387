import express from 'express';
import type { CaseRecord } from '../../cases/CaseRecord';
import { AppError, NotFound } from '../../platform/errors';
import { pickLang, say, text } from '../../platform/Text';
import { PERMIT_TYPES } from '../../protocol/cases';
import { FAVICON_SVG } from '../favicon';
import type { HttpContext, HttpDeps } from '../HttpContext';
import { renderLinkError, renderShell } from '../pages';

/** A join link with its token cut off (or never pasted): the same page as any other invalid link. */
const NO_TOKEN = new NotFound(text('链接不完整，缺少链接末尾的字符。', 'The link is incomplete: its end is missing.'), 'join link without a token', 'link_invalid');

/** Who works the case, as the phone shows them: the assigned inspectors' display names. */
async function inspectorNames(deps: HttpDeps, caseRecord: CaseRecord): Promise<string[]> {
  const members = await deps.accounts.members(await deps.cases.assignees(caseRecord.id));
  return members.filter((m) => m.roles.includes('inspector')).map((m) => m.displayName);
}

/** The console shell, the phone page behind each join link, and a clear page (Chinese, or English with ?lang=en) for bad links. */
export function pageRoutes({ deps }: HttpContext): express.Router {
  const r = express.Router();
  r.get('/favicon.svg', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').send(FAVICON_SVG);
  });
  // Browsers ask for /favicon.ico on pages without an icon link (a saved error page, a raw API answer).
  r.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'));
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

  const linkError = (req: express.Request, res: express.Response, err: AppError) => {
    const lang = pickLang(req.query.lang);
    res.setHeader('Cache-Control', 'no-store');
    res.status(err.status).type('html').send(renderLinkError({ message: say(err.userText, lang), reason: err.reason, lang, office: deps.office }));
  };

  // Without strict routing this also answers /j/.
  r.get('/j', (req, res) => linkError(req, res, NO_TOKEN));

  r.get('/j/:token', async (req, res) => {
    const lang = pickLang(req.query.lang);
    try {
      await deps.linkLimiter.hit(req.ip ?? 'unknown');
      const { caseRecord, session } = await deps.links.admit(req.params.token);
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(
        renderShell({
          title: lang === 'en' ? `Video inspection · ${deps.office.en}` : `视频勘验 · ${deps.office['zh-CN']}`,
          lang,
          script: 'applicant',
          earlyScript: 'applicant-early',
          boot: {
            token: req.params.token,
            sessionId: session.id,
            businessName: caseRecord.businessName,
            caseNumber: caseRecord.caseNumber,
            office: deps.office,
            inspectors: await inspectorNames(deps, caseRecord),
            rtpCapabilities: deps.routerRtpCapabilities,
            galleryUploads: deps.galleryUploads,
          },
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      linkError(req, res, err);
    }
  });
  return r;
}
