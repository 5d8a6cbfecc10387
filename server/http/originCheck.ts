import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import { isLoopback } from '../platform/config';
import { Forbidden } from '../platform/errors';
import { pickLang, text } from '../platform/Text';

export const CROSS_ORIGIN_TEXT = text('请求来源无效', 'Cross-origin request refused');
/** The zh-CN refusal (the default language). */
export const CROSS_ORIGIN_MESSAGE = CROSS_ORIGIN_TEXT['zh-CN'];

/** GET, HEAD and OPTIONS change nothing; every other method is checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = { ok: true } | { ok: false; why: string };

/** `scheme://host[:port]` as a browser writes it in `Origin` (default port dropped, host lower-cased), or undefined. */
export function normalOrigin(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** The origin a request arrived on, from its scheme and Host header (undefined when the Host header is missing or malformed). */
export function arrivalOrigin(protocol: string, host: string | undefined): string | undefined {
  if (!host || /[\s/\\?#@]/.test(host)) return undefined;
  return normalOrigin(`${protocol}://${host}`);
}

/**
 * The one rule for state-changing requests and socket handshakes. A browser names the page that
 * sent a request in `Origin`; it must be one of this server's own origins. Without `Origin`,
 * `Sec-Fetch-Site: cross-site` is refused. A request with neither is not from a browser page
 * (curl, scripts, Node's fetch) and carries no ambient credentials to abuse, so it passes.
 */
export function checkOrigin(headers: IncomingHttpHeaders, ownOrigins: ReadonlyArray<string | undefined>): OriginVerdict {
  const origin = headers.origin;
  if (origin !== undefined) {
    const sent = normalOrigin(origin);
    if (sent && ownOrigins.some((o) => o !== undefined && normalOrigin(o) === sent)) return { ok: true };
    return { ok: false, why: `origin ${origin.slice(0, 100)} is not this server's` };
  }
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site') return { ok: false, why: 'sec-fetch-site: cross-site without origin' };
  return { ok: true };
}

/** Express middleware: a state-changing request from another site's page is refused (403) before any body is read. */
export function originGuard(publicUrl: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const verdict = checkOrigin(req.headers, [publicUrl, arrivalOrigin(req.protocol, req.get('host'))]);
    next(verdict.ok ? undefined : new Forbidden(CROSS_ORIGIN_TEXT, verdict.why, 'cross_origin'));
  };
}

/**
 * The scheme a raw request arrived with, as express computes `req.protocol` with
 * `trust proxy: 'loopback'` (HttpApp): `X-Forwarded-Proto` counts only from a proxy on this host.
 */
export function rawProtocol(req: IncomingMessage): string {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const forwarded = req.headers['x-forwarded-proto'];
  if (peer && isLoopback(peer) && typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  return (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
}

/**
 * socket.io's `allowRequest`: the same rule on the handshake (socket.io passes the raw request).
 * A browser always sends `Origin` on a WebSocket handshake, so another site's page is refused here.
 */
export function socketOriginGate(publicUrl?: string): (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    const verdict = checkOrigin(req.headers, [publicUrl, arrivalOrigin(rawProtocol(req), req.headers.host)]);
    // Only the URL is known this early: a page that wants English puts `lang` in its handshake query.
    const lang = pickLang(new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('lang'));
    callback(verdict.ok ? null : CROSS_ORIGIN_TEXT[lang], verdict.ok);
  };
}
