import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import type { StaffMember } from '../accounts/Account';
import type { AccountService } from '../accounts/AccountService';
import type { Action, Authorize, Resource } from '../accounts/authorize';
import type { CaseService } from '../cases/CaseService';
import type { CaptureTickets } from '../evidence/CaptureTickets';
import type { CaseExporter } from '../evidence/CaseExporter';
import type { EvidenceIntake } from '../evidence/EvidenceIntake';
import type { EvidenceSigner } from '../evidence/EvidenceSigner';
import type { AccessResources } from '../inspection/AccessResources';
import type { InspectionLifecycle } from '../inspection/InspectionLifecycle';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import type { SessionLinks } from '../inspection/SessionLinks';
import { isLoopback } from '../platform/config';
import type { HealthMonitor } from '../platform/HealthMonitor';
import type { Logger } from '../platform/logger';
import type { RateLimiter } from '../platform/RateLimiter';
import { LOGIN_COOKIE } from '../protocol/cookies';

export interface HttpDeps {
  accounts: AccountService;
  cases: CaseService;
  lifecycle: InspectionLifecycle;
  links: SessionLinks;
  resources: AccessResources;
  authorize: Authorize;
  walks: InspectionWalks;
  evidence: EvidenceIntake;
  captureTickets: CaptureTickets;
  exporter: CaseExporter;
  signer: EvidenceSigner;
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
  /**
   * The host names this server answers for when PUBLIC_URL is unset (its LAN addresses and
   * loopback): a join link never names a host taken from an arbitrary Host header.
   */
  knownHosts: readonly string[];
  secureCookies: boolean;
  /** The office lets businesses send existing photos from the phone's gallery (EXIF-checked, flagged on mismatch). */
  galleryUploads: boolean;
  /** The approval office's name in both languages (OFFICE_NAME, OFFICE_NAME_EN), shown on the phone pages. */
  office: { 'zh-CN': string; en: string };
  health: HealthMonitor;
  log: Logger;
}

export type Locals = { member: StaffMember };

/** What every route file shares: the domain services and request helpers. */
export interface HttpContext {
  deps: HttpDeps;
  /** Join links name the public origin; see HttpDeps.publicUrl and lanHost. */
  joinUrl(req: Request, token: string): string;
  /** Establishes the logged-in staff member (401 otherwise); every route then authorizes its action. */
  requireStaff(req: Request, res: Response<unknown, Locals>, next: NextFunction): Promise<void>;
  allow(res: Response<unknown, Locals>, action: Action, resource: Resource): void;
}

export function httpContext(deps: HttpDeps): HttpContext {
  const known = new Set(deps.knownHosts.map((h) => h.toLowerCase()));
  const originOf = (req: Request) => {
    if (deps.publicUrl) return deps.publicUrl;
    let url: URL;
    try {
      url = new URL(`${req.protocol}://${req.get('host') ?? 'localhost'}`);
    } catch {
      url = new URL(`${req.protocol}://localhost`);
    }
    const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    // A Host header this server does not answer for (DNS rebinding, a proxy's mistake) never reaches a link.
    if (!known.has(hostname) && !isLoopback(hostname) && deps.lanHost) url.hostname = deps.lanHost;
    if (deps.lanHost && req.protocol === 'https' && isLoopback(hostname)) url.hostname = deps.lanHost;
    return url.origin;
  };
  return {
    deps,
    joinUrl: (req, token) => `${originOf(req)}/j/${token}`,
    requireStaff: async (req, res, next) => {
      res.locals.member = await deps.accounts.authenticate(parseCookie(req.headers.cookie ?? '')[LOGIN_COOKIE]);
      next();
    },
    allow: (res, action, resource) => deps.authorize({ kind: 'staff', member: res.locals.member }, action, resource),
  };
}
