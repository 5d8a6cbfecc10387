import compression from 'compression';
import express from 'express';
import path from 'node:path';
import { NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import { errorMiddleware } from './errorMiddleware';
import { httpContext, type HttpDeps } from './HttpContext';
import { originGuard } from './originCheck';
import { precompressedAssets } from './precompressedAssets';
import { errorsNeverStored, securityHeaders } from './securityHeaders';
import type { CaseIntake } from '../inspection/CaseIntake';
import { accountRoutes } from './routes/accountRoutes';
import { authRoutes } from './routes/authRoutes';
import { caseRoutes } from './routes/caseRoutes';
import { evidenceRoutes } from './routes/evidenceRoutes';
import { evidenceKeyRoutes, type KeyRotator } from './routes/evidenceKeyRoutes';
import { logRoutes, type PublishedLog } from './routes/logRoutes';
import { pageRoutes } from './routes/pageRoutes';
import { receiptRoutes, type ReceiptDesk } from './routes/receiptRoutes';
import { recordingAdminRoutes, type RecordingAdmin } from './routes/recordingAdminRoutes';
import { replayRoutes } from './routes/replayRoutes';
import type { SessionReplay } from '../recording/timeline/SessionReplay';
import { reviewRoutes } from './routes/reviewRoutes';
import type { ReviewDesk } from '../review/ReviewDesk';
import { sessionRoutes } from './routes/sessionRoutes';

export type { HttpDeps } from './HttpContext';

/** Express adapter: parses requests, calls the domain, renders pages. No domain logic here. */
export function createHttpApp(deps: HttpDeps & { intake: CaseIntake; recordingAdmin: RecordingAdmin; keyRotation: KeyRotator; officeLog: PublishedLog; receipts: ReceiptDesk; replay: SessionReplay; reviews: ReviewDesk }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders({ tls: deps.secureCookies, publicUrl: deps.publicUrl }));
  // Another site's page cannot post here with the staff's cookies or a phone's link (checked before any body is read).
  app.use(originGuard(deps.publicUrl));
  // Phones on weak signal: the page bundle shrinks about 3x with gzip.
  app.use(compression());
  app.use(express.json({ limit: '64kb' }));
  app.use('/assets', precompressedAssets(deps.clientDir), express.static(deps.clientDir, { maxAge: '1h', fallthrough: false }));

  const ctx = httpContext(deps);
  app.use(pageRoutes(ctx), authRoutes(ctx), accountRoutes(ctx), caseRoutes(ctx, deps.intake), sessionRoutes(ctx, deps.intake), evidenceRoutes(ctx));
  app.use(recordingAdminRoutes(ctx, deps.recordingAdmin));
  app.use(evidenceKeyRoutes(ctx, deps.keyRotation));
  app.use(logRoutes(deps.officeLog));
  app.use(receiptRoutes(ctx, deps.receipts));
  app.use(replayRoutes(ctx, deps.replay));
  app.use(reviewRoutes(ctx, deps.reviews));

  app.use('/api', (_req, _res, next) => next(new NotFound(text('接口不存在', 'No such API route'), 'no such api route')));
  // Every other unknown path gets the same headers and a plain answer (express's own 404 page sets its own policy).
  app.use((_req, _res, next) => next(new NotFound(text('页面不存在', 'Page not found'), 'no such route')));
  app.use(errorsNeverStored, errorMiddleware(deps.log));
  return app;
}

export const CLIENT_DIST = path.resolve(__dirname, '../../client/dist');
