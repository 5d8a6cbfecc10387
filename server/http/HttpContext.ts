import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import type { CallRegistry } from '../call/CallRegistry';
import type { CaseService } from '../cases/CaseService';
import type { AuthenticatedInspector, InspectorAuth } from '../cases/InspectorAuth';
import type { JoinLinks } from '../cases/JoinLinks';
import type { CaseExporter } from '../evidence/CaseExporter';
import type { EvidenceIntake } from '../evidence/EvidenceIntake';
import type { EvidenceSigner } from '../evidence/EvidenceSigner';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import { isLoopback } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { RateLimiter } from '../platform/RateLimiter';
import { LOGIN_COOKIE } from '../protocol/cookies';

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
  /** The office lets businesses send existing photos from the phone's gallery (EXIF-checked, flagged on mismatch). */
  galleryUploads: boolean;
  log: Logger;
}

export type Locals = { inspector: AuthenticatedInspector };

/** What every route file shares: the domain services and two request helpers. */
export interface HttpContext {
  deps: HttpDeps;
  /** Join links name the public origin; see HttpDeps.publicUrl and lanHost. */
  joinUrl(req: Request, token: string): string;
  requireInspector(req: Request, res: Response<unknown, Locals>, next: NextFunction): Promise<void>;
}

export function httpContext(deps: HttpDeps): HttpContext {
  const originOf = (req: Request) => {
    if (deps.publicUrl) return deps.publicUrl;
    const host = req.get('host') ?? 'localhost';
    const url = new URL(`${req.protocol}://${host}`);
    if (deps.lanHost && req.protocol === 'https' && isLoopback(url.hostname)) url.hostname = deps.lanHost;
    return url.origin;
  };
  return {
    deps,
    joinUrl: (req, token) => `${originOf(req)}/j/${token}`,
    requireInspector: async (req, res, next) => {
      res.locals.inspector = await deps.auth.authenticate(parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE]);
      next();
    },
  };
}
