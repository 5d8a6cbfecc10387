import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { arrivalOrigin, normalOrigin } from './originCheck';

export interface SecurityHeaderOptions {
  /** The server runs TLS itself (HttpDeps.secureCookies): browsers are told to keep using HTTPS. */
  tls: boolean;
  /** PUBLIC_URL: the pages may also be served from (and open their socket to) this origin. */
  publicUrl?: string;
}

/** The socket.io origin (ws/wss) matching an http(s) origin. */
const socketOriginOf = (origin: string | undefined) => origin?.replace(/^http/, 'ws');

/**
 * The pages' policy. Scripts only from the bundle (the boot data is a `type="application/json"`
 * block, never executed); styles only from style.css (no page sets a `style` attribute or a
 * `<style>` element; CSSOM writes are not governed by CSP); images are the server's, QR codes and
 * photo previews (data:, blob:); the socket goes to this origin (CSP3 browsers match ws/wss with
 * 'self'; older WebKit needs it named). Nothing may frame the pages or change their base URL.
 */
export function contentSecurityPolicy(socketOrigins: ReadonlyArray<string | undefined>): string {
  const sockets = [...new Set(socketOrigins.filter((o): o is string => !!o))];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    `connect-src ${["'self'", ...sockets].join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** API answers and join pages (the token is in the path) are never stored by a browser or proxy. */
const neverStored = (path: string) => path === '/api' || path.startsWith('/api/') || path.startsWith('/j/');

/**
 * Headers on every response. API answers start from `no-store`; a route may widen that for what it
 * serves after its own authorization. Only the evidence bytes do (`/api/evidence/:id[/stamped]`:
 * `private, max-age=31536000, immutable`): an id's bytes never change, the console's photo strip
 * would otherwise re-fetch and re-scale every thumbnail, and `private` keeps them out of shared
 * caches. The cost: the browser's own cache on a shared office PC keeps the photos it has shown.
 * An error is never cached (errorsNeverStored), even one raised after such a route set its header.
 */
export function securityHeaders(o: SecurityHeaderOptions): RequestHandler {
  const publicOrigin = normalOrigin(o.publicUrl);
  return (req: Request, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([socketOriginOf(arrivalOrigin(req.protocol, req.get('host'))), socketOriginOf(publicOrigin)]));
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Join links carry their token in the path: no page may send it on in a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=(self)');
    // Only over TLS: on plain HTTP (loopback development) a browser ignores it anyway.
    if (o.tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    if (neverStored(req.path)) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/** An error answer is never cached, whatever the route had set before it failed. */
export const errorsNeverStored: ErrorRequestHandler = (err, _req, res, next) => {
  if (!res.headersSent) res.setHeader('Cache-Control', 'no-store');
  next(err);
};
