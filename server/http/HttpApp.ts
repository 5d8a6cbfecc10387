import fs from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type Request, type Response, type NextFunction } from 'express';
import { parse as parseCookie } from 'cookie';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { CallRegistry } from '../call/CallRegistry';
import type { CaseService } from '../cases/CaseService';
import type { InspectorAuth, AuthenticatedInspector } from '../cases/InspectorAuth';
import type { JoinLinks } from '../cases/JoinLinks';
import type { CaseExporter } from '../evidence/CaseExporter';
import type { EvidenceIntake } from '../evidence/EvidenceIntake';
import type { EvidenceSigner } from '../evidence/EvidenceSigner';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import { isLoopback } from '../platform/config';
import { AppError, Invalid, NotFound } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { RateLimiter } from '../platform/RateLimiter';
import { LoginInput, NewCaseInput, PERMIT_TYPES } from '../protocol/cases';
import { LOGIN_COOKIE } from '../protocol/cookies';
import { errorMiddleware } from './errorMiddleware';
import { precompressedAssets } from './precompressedAssets';
import { renderLinkError, renderShell } from './pages';
import { parseInput as parseBody } from '../protocol/parseInput';

export interface HttpDeps {
  walks: InspectionWalks;
  evidence: EvidenceIntake;
  exporter: CaseExporter;
  signer: EvidenceSigner;
  cases: CaseService;
  auth: InspectorAuth;
  joinLinks: JoinLinks;
  calls: CallRegistry;
  loginLimiter: RateLimiter;
  linkLimiter: RateLimiter;
  routerRtpCapabilities: unknown;
  clientDir: string;
  /** Origin used in join links; falls back to the origin the console was opened on. */
  publicUrl?: string;
  /**
   * A console opened on localhost would hand out localhost links that no phone can open; over
   * HTTPS they name this LAN address instead.
   */
  lanHost?: string;
  secureCookies: boolean;
  log: Logger;
}

type Locals = { inspector: AuthenticatedInspector };

/** Express adapter: parses requests, calls the domain, renders pages. No domain logic here. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=(self)');
    next();
  });
  // Phones on weak signal: the page bundle shrinks about 3x with gzip.
  app.use(compression());
  app.use(express.json({ limit: '64kb' }));
  app.use('/assets', precompressedAssets(deps.clientDir), express.static(deps.clientDir, { maxAge: '1h', fallthrough: false }));

  const originOf = (req: Request) => {
    if (deps.publicUrl) return deps.publicUrl;
    const host = req.get('host') ?? 'localhost';
    const url = new URL(`${req.protocol}://${host}`);
    if (deps.lanHost && req.protocol === 'https' && isLoopback(url.hostname)) url.hostname = deps.lanHost;
    return url.origin;
  };
  const joinUrl = (req: Request, token: string) => `${originOf(req)}/j/${token}`;

  const requireInspector = async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    res.locals.inspector = await deps.auth.authenticate(parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE]);
    next();
  };

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/', (_req, res) => res.redirect('/inspector'));

  app.get('/inspector', (_req, res) => {
    res.type('html').send(renderShell({ title: '勘验 · 审批人员工作台', script: 'inspector', boot: { rtpCapabilities: deps.routerRtpCapabilities, permitTypes: PERMIT_TYPES } }));
  });

  app.get('/j/:token', async (req, res) => {
    try {
      await deps.linkLimiter.hit(req.ip ?? 'unknown');
      const { caseRecord } = await deps.joinLinks.verify(req.params.token);
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(
        renderShell({
          title: '视频勘验',
          script: 'applicant',
          earlyScript: 'applicant-early',
          boot: { token: req.params.token, businessName: caseRecord.businessName, caseNumber: caseRecord.caseNumber, rtpCapabilities: deps.routerRtpCapabilities },
        }),
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      res.status(err.status).type('html').send(renderLinkError(err.userMessage));
    }
  });

  app.post('/api/login', async (req, res) => {
    const input = parseBody(LoginInput, req.body);
    await deps.loginLimiter.hit(`${req.ip}:${input.username}`);
    const { token, inspector, expiresAt } = await deps.auth.login(input.username, input.password);
    res.cookie(LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, expires: new Date(expiresAt), path: '/' });
    res.json({ inspector });
  });

  app.post('/api/logout', async (req, res) => {
    const token = parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE];
    if (token) await deps.auth.logout(token);
    res.clearCookie(LOGIN_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  app.get('/api/me', requireInspector, (_req, res: Response<unknown, Locals>) => {
    res.json({ inspector: res.locals.inspector });
  });

  app.get('/api/cases', requireInspector, async (_req, res) => {
    res.json({ cases: await deps.cases.list() });
  });

  app.post('/api/cases', requireInspector, async (req, res: Response<unknown, Locals>) => {
    const input = parseBody(NewCaseInput, req.body);
    const created = await deps.cases.create(input, res.locals.inspector.username);
    res.status(201).json({
      caseRecord: created.caseRecord,
      session: created.session,
      joinUrl: joinUrl(req, created.token),
      expiresAt: created.expiresAt,
    });
  });

  app.get('/api/cases/:id', requireInspector, async (req, res) => {
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

  app.post('/api/sessions/:id/links', requireInspector, async (req, res) => {
    const { session } = await deps.cases.session(String(req.params.id));
    if (session.status === 'ended') throw new Invalid('本次勘验已结束，不能再发链接', 'session ended');
    const { link, token } = await deps.joinLinks.issue(session.caseId, session.id);
    res.status(201).json({ id: link.id, url: joinUrl(req, token), expiresAt: link.expiresAt });
  });

  app.post('/api/links/:id/revoke', requireInspector, async (req, res) => {
    const revoked = await deps.joinLinks.revoke(String(req.params.id));
    if (!revoked) throw new NotFound('链接不存在或已撤销', 'link not found or already revoked');
    deps.calls.get(revoked.sessionId)?.expelLink(revoked.id);
    res.json({ ok: true });
  });

  app.get('/api/qr', requireInspector, async (req, res) => {
    const text = z.string().url().max(1000).refine((u) => /^https?:\/\//.test(u)).safeParse(req.query.text);
    if (!text.success) throw new Invalid('二维码内容无效', 'bad qr text');
    res.type('image/svg+xml').send(await QRCode.toString(text.data, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
  });

  app.get('/api/sessions/:id/walk', requireInspector, async (req, res) => {
    const { session } = await deps.cases.session(String(req.params.id));
    res.json({ walk: await deps.walks.view(session.id, req.query.lang === 'en' ? 'en' : 'zh-CN') });
  });

  app.post('/api/sessions/:id/reinspect', requireInspector, async (req, res) => {
    const created = await deps.cases.reinspect(String(req.params.id));
    res.status(201).json({ session: created.session, joinUrl: joinUrl(req, created.token), expiresAt: created.expiresAt });
  });

  const publish = async (sessionId: string) => {
    deps.calls.get(sessionId)?.publishWalk(await deps.walks.view(sessionId), await deps.walks.prompt(sessionId));
  };
  const pointParam = (v: unknown) => {
    const r = z.string().min(1).max(200).safeParse(v);
    if (!r.success) throw new Invalid('请指定检查项', 'missing point');
    return r.data;
  };
  const imageBody = (req: Request): Buffer => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new Invalid('没有收到图片', 'empty body');
    return req.body;
  };

  // Frames grabbed from the live video by the inspector (lower-grade evidence than a phone photo).
  app.post(
    '/api/sessions/:id/evidence/frame',
    requireInspector,
    express.raw({ type: () => true, limit: MAX_FRAME_BYTES }),
    async (req, res: Response<unknown, Locals>) => {
      const point = pointParam(req.query.point);
      const bytes = imageBody(req);
      const { session, caseRecord } = await deps.cases.session(String(req.params.id));
      const fix = await deps.cases.latestFix(session.id);
      const result = await deps.evidence.accept({
        caseRecord,
        sessionId: session.id,
        pointKey: point,
        bytes,
        capturedBy: res.locals.inspector.username,
        source: 'frame',
        claim: fix ? { lat: fix.lat, lon: fix.lon, accuracyM: fix.accuracyM, fixTime: fix.fixTime } : {},
      });
      await publish(session.id);
      res.status(201).json({ evidence: result.original, stamped: result.stamped });
    },
  );

  // Full-resolution photos from the phone, authorised by its join link; `requestId` makes retries safe.
  app.post('/j/:token/photos', express.raw({ type: () => true, limit: MAX_PHOTO_BYTES }), async (req, res) => {
    const { session, caseRecord } = await deps.joinLinks.verify(String(req.params.token));
    const q = PhotoUploadQuery.safeParse(req.query);
    if (!q.success) throw new Invalid(`照片参数无效：${q.error.issues.map((i) => i.path.join('.')).join('、')}`, 'bad photo query');
    if (q.data.filename && /[\\/]|\.\./.test(q.data.filename)) throw new Invalid('文件名不能包含路径', 'path in file name');
    const bytes = imageBody(req);
    const result = await deps.evidence.accept({
      caseRecord,
      sessionId: session.id,
      pointKey: q.data.point,
      bytes,
      capturedBy: 'applicant',
      source: q.data.source,
      requestId: q.data.requestId,
      claim: { lat: q.data.lat, lon: q.data.lon, accuracyM: q.data.accuracy, fixTime: q.data.fixTime, deviceTime: q.data.deviceTime },
    });
    if (!result.duplicate) await publish(session.id);
    // Also on a duplicate: the phone may have reported "retrying" after the first copy arrived.
    deps.calls.get(session.id)?.captureProgress({ requestId: q.data.requestId, pointKey: q.data.point, state: 'received', evidenceId: result.stamped.id });
    res.status(result.duplicate ? 200 : 201).json({ requestId: q.data.requestId, evidenceId: result.original.id, stampedId: result.stamped.id, duplicate: result.duplicate });
  });

  app.get('/.well-known/kanyan-evidence-key.pem', (_req, res) => {
    res.type('application/x-pem-file').send(deps.signer.publicKeyPem);
  });
  app.get('/api/evidence-key', (_req, res) => {
    res.json({ alg: 'Ed25519', keyId: deps.signer.keyId, publicKeyPem: deps.signer.publicKeyPem });
  });

  app.get('/api/cases/:id/export', requireInspector, async (req, res) => {
    const caseRecord = await deps.cases.get(String(req.params.id));
    const archive = await deps.exporter.export(caseRecord);
    res.setHeader('Content-Disposition', `attachment; filename="${caseRecord.caseNumber}-evidence.tar"`);
    res.type('application/x-tar').sendFile(archive, (err) => {
      void fs.promises.rm(path.dirname(archive), { recursive: true, force: true });
      if (err && !res.headersSent) res.status(500).end();
    });
  });

  // The stamped copy of a photo, full size or as a thumbnail for the console's strip.
  app.get('/api/evidence/:id/stamped', requireInspector, async (req, res) => {
    const item = await deps.evidence.stampedOf(String(req.params.id));
    const width = z.coerce.number().int().min(32).max(1600).optional().safeParse(req.query.w);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    if (width.success && width.data) {
      res.type('image/jpeg').send(await deps.evidence.thumbnail(item, width.data));
      return;
    }
    res.type(item.mediaType).sendFile(deps.evidence.fileOf(item));
  });

  app.get('/api/evidence/:id', requireInspector, async (req, res) => {
    const item = await deps.evidence.get(String(req.params.id));
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.type(item.mediaType).sendFile(deps.evidence.fileOf(item));
  });

  app.use('/api', (_req, _res, next) => next(new NotFound('接口不存在', 'no such api route')));
  app.use(errorMiddleware(deps.log));
  return app;
}

export const CLIENT_DIST = path.resolve(__dirname, '../../client/dist');

const MAX_PHOTO_BYTES = '25mb';
const MAX_FRAME_BYTES = '8mb';

const PhotoUploadQuery = z.object({
  point: z.string().min(1).max(200),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  source: z.enum(['photo', 'gallery']).default('photo'),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
  accuracy: z.coerce.number().min(0).max(100_000).optional(),
  fixTime: z.coerce.number().int().positive().optional(),
  deviceTime: z.coerce.number().int().positive().optional(),
  filename: z.string().max(255).optional(),
});
