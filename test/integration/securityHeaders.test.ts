import fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { checkOrigin, CROSS_ORIGIN_MESSAGE } from '../../server/http/originCheck';
import { desktopContext, launchChromium, phoneContext } from '../support/browser';
import { expressRoutes } from '../support/expressRoutes';
import { testJpeg } from '../support/images';
import { rawRequest, type RawAnswer } from '../support/rawHttp';
import { recordedSegments } from '../support/recordedSegments';
import { captureTicket, INSPECTOR, startTestServer, type RunningServer } from '../support/testServer';

// Browser security (issue 9): the headers every response carries, the Origin rule on every
// state-changing request and on the socket handshake, and the two real pages working under the policy.

const ADDRESS = { text: '北京市东城区测试胡同1号', lat: 39.92893, lon: 116.41642 };
const PHONE_AT = { latitude: 39.92898, longitude: 116.41642, accuracy: 8 };
const SIGNBOARD = 'common.signboard_address';
const PUBLIC_URL = 'https://kanyan.example';
/** What the evidence byte routes send after their own authorization (the one widened answer; see server/http/securityHeaders.ts). */
const EVIDENCE_CACHE = 'private, max-age=31536000, immutable';

/** The values a route's path parameters are filled with: real ones, so the handlers run, not just the 404 path. */
interface Fixture {
  url: string;
  cookie: string;
  caseId: string;
  sessionId: string;
  token: string;
  joinUrl: string;
  accountId: string;
  linkId: string;
  stampedId: string;
  originalId: string;
  /** A recorded segment of the session, for the recording routes. */
  segmentId: string;
  /** The office log's latest checkpoint size and the case's number, for the public log routes. */
  checkpointSize: string;
  caseNumber: string;
}

async function prepare(srv: RunningServer): Promise<Fixture> {
  const url = srv.url;
  const login = await rawRequest(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(INSPECTOR) });
  expect(login.status).toBe(200);
  const cookie = String(login.headers['set-cookie']?.[0]).split(';')[0]!;
  const json = { 'Content-Type': 'application/json', cookie };
  const created = await rawRequest(`${url}/api/cases`, { method: 'POST', headers: json, body: JSON.stringify({ businessName: '测试餐馆', permitTypes: ['food_business'], address: ADDRESS }) });
  expect(created.status).toBe(201);
  const { caseRecord, session, joinUrl } = created.json() as { caseRecord: { id: string }; session: { id: string }; joinUrl: string };
  const token = joinUrl.split('/j/')[1]!;
  const me = (await rawRequest(`${url}/api/me`, { headers: { cookie } })).json() as { member: { id: string } };
  const detail = (await rawRequest(`${url}/api/cases/${caseRecord.id}`, { headers: { cookie } })).json() as { sessions: Array<{ links: Array<{ id: string }> }> };
  // The phone's upload, sent as the phone page sends it: with its own page's Origin. It must pass.
  const q = new URLSearchParams({ point: SIGNBOARD, requestId: 'req-sec-1', capture: await captureTicket(srv, session.id, SIGNBOARD), lat: '39.92898', lon: '116.41642', accuracy: '5', fixTime: String(Date.now() - 1000), deviceTime: String(Date.now()) });
  const photo = await rawRequest(`${url}/j/${token}/photos?${q}`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg', Origin: url }, body: await testJpeg(800, 600) });
  expect(photo.status).toBe(201);
  const now = Date.now();
  const [segment] = await recordedSegments(srv, { caseId: caseRecord.id, sessionId: session.id }, [{ track: 'phone', firstMediaAt: now - 2000, endedAt: now, startCause: 'phone_joined', endCause: 'call_ended', processed: true }]);
  return {
    url, cookie, caseId: caseRecord.id, sessionId: session.id, token, joinUrl, accountId: me.member.id, linkId: detail.sessions[0]!.links[0]!.id,
    stampedId: (photo.json() as { stampedId: string }).stampedId, originalId: (photo.json() as { evidenceId: string }).evidenceId, segmentId: segment!.id,
    checkpointSize: String((await srv.server.officeLog.latestCheckpoint()).checkpoint.treeSize), caseNumber: (await srv.server.store.cases.get(caseRecord.id))!.caseNumber,
  };
}

/** "GET /api/cases/:id" with real values; a parameter this test does not know fails loudly, so a new route is looked at. */
function pathOf(route: string, f: Fixture): string {
  const path = route.slice(route.indexOf(' ') + 1);
  const filled = path.replace(/\/([\w-]+)\/:(\w+)/g, (_m, parent: string) => {
    const value = ({ cases: f.caseId, sessions: f.sessionId, accounts: f.accountId, links: f.linkId, evidence: f.stampedId, j: f.token, recordings: f.segmentId, checkpoints: f.checkpointSize } as Record<string, string>)[parent];
    if (!value) throw new Error(`no test value for a parameter under /${parent}/ in ${route}`);
    return `/${parent}/${value}`;
  });
  if (filled.includes(':')) throw new Error(`unfilled parameter in ${route}`);
  const logQueries: Record<string, string> = {
    '/.well-known/kanyan-log/proof/inclusion': `?leaf=0&size=${f.checkpointSize}`,
    '/.well-known/kanyan-log/proof/consistency': `?from=1&to=${f.checkpointSize}`,
    '/.well-known/kanyan-log/proof/case': `?case=${encodeURIComponent(f.caseNumber)}&size=${f.checkpointSize}`,
  };
  if (logQueries[filled]) return `${filled}${logQueries[filled]}`;
  return filled === '/api/qr' ? `${filled}?text=${encodeURIComponent('https://example.org/j/x')}` : filled;
}

function directives(csp: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

const same = (a: string[] | undefined, b: string[]) => !!a && a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');

/** Everything wrong with one response's headers, as readable lines (empty when all is well). */
function headerProblems(where: string, a: RawAnswer, o: { tls: boolean; socketOrigins: string[]; cache: 'no-store' | 'evidence' | 'any' }): string[] {
  const p: string[] = [];
  const h = a.headers;
  const want = (name: string, value: string | undefined) => {
    if (header(h, name) !== value) p.push(`${where}: ${name} is ${JSON.stringify(header(h, name))}, expected ${JSON.stringify(value)}`);
  };
  const csp = directives(header(h, 'content-security-policy'));
  const expectDirective = (name: string, values: string[]) => {
    if (!same(csp.get(name), values)) p.push(`${where}: CSP ${name} is ${JSON.stringify(csp.get(name))}, expected ${JSON.stringify(values)}`);
  };
  expectDirective('default-src', ["'self'"]);
  expectDirective('script-src', ["'self'"]);
  expectDirective('style-src', ["'self'"]);
  expectDirective('img-src', ["'self'", 'data:', 'blob:']);
  expectDirective('media-src', ["'self'", 'blob:']);
  expectDirective('connect-src', ["'self'", ...o.socketOrigins]);
  expectDirective('object-src', ["'none'"]);
  expectDirective('base-uri', ["'none'"]);
  expectDirective('form-action', ["'self'"]);
  expectDirective('frame-ancestors', ["'none'"]);
  for (const [name, values] of csp) {
    if (values.some((v) => /unsafe-(inline|eval|hashes)|^\*$|^https?:$/.test(v))) p.push(`${where}: CSP ${name} allows ${values.join(' ')}`);
  }
  want('x-frame-options', 'DENY');
  want('x-content-type-options', 'nosniff');
  want('referrer-policy', 'no-referrer');
  want('permissions-policy', 'camera=(self), microphone=(self), geolocation=(self)');
  want('strict-transport-security', o.tls ? 'max-age=31536000' : undefined);
  if (o.cache === 'no-store') want('cache-control', 'no-store');
  if (o.cache === 'evidence') want('cache-control', EVIDENCE_CACHE);
  if (/\bpublic\b/.test(header(h, 'cache-control') ?? '') && where.includes('/api/')) p.push(`${where}: an API answer may be stored by shared caches`);
  if (a.status >= 500) p.push(`${where}: answered ${a.status}`);
  return p;
}

const isApiOrLink = (path: string) => path.startsWith('/api/') || path.startsWith('/j/');
/** Bytes that never change once made (a photo, its stamped copy, a recording's thumbnail sprite): cached privately for good. */
const isEvidenceBytes = (route: string) => /^GET \/api\/(evidence\/:id(\/stamped)?|recordings\/:segmentId\/thumbnails\.jpg)$/.test(route);
const refusedForOrigin = (a: RawAnswer) => a.status === 403 && a.text().includes(CROSS_ORIGIN_MESSAGE) && (a.json() as { error: { reason?: string } }).error.reason === 'cross_origin';

describe('browser security: headers, origin checks, pages under the policy', () => {
  let plain: RunningServer;
  let secure: RunningServer;
  let p: Fixture;
  let s: Fixture;
  let routes: string[];

  beforeAll(async () => {
    [plain, secure] = await Promise.all([startTestServer(), startTestServer({ TLS: 'auto', PUBLIC_URL })]);
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    [p, s] = await Promise.all([prepare(plain), prepare(secure)]);
    routes = expressRoutes(plain.server.httpApp);
    // The walk found the app's routes, both kinds (a broken walk would make every check below vacuous).
    expect(routes.filter((r) => r.startsWith('GET ')).length).toBeGreaterThan(15);
    expect(routes.filter((r) => r.startsWith('POST ')).length).toBeGreaterThan(15);
    expect(expressRoutes(secure.server.httpApp)).toEqual(routes);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop()]);
  });

  const servers = () => [
    { name: 'plain HTTP', f: p, tls: false, socketOrigins: [p.url.replace(/^http/, 'ws')] },
    { name: 'TLS + PUBLIC_URL', f: s, tls: true, socketOrigins: [s.url.replace(/^http/, 'ws'), 'wss://kanyan.example'] },
  ];

  it('every GET route, logged in and not, answers with the policy headers; API and link answers are never stored', async () => {
    const problems: string[] = [];
    const statuses: string[] = [];
    for (const { name, f, tls, socketOrigins } of servers()) {
      for (const route of routes.filter((r) => r.startsWith('GET '))) {
        const path = pathOf(route, f);
        for (const withCookie of [true, false]) {
          const a = await rawRequest(`${f.url}${path}`, { headers: withCookie ? { cookie: f.cookie } : {} });
          const where = `${name} ${route}${withCookie ? '' : ' (no login)'} -> ${a.status}`;
          statuses.push(where);
          // The evidence bytes are the one widened answer: private, and only once authorized.
          const cache = isEvidenceBytes(route) && a.status === 200 ? 'evidence' : isApiOrLink(path) ? 'no-store' : 'any';
          problems.push(...headerProblems(where, a, { tls, socketOrigins, cache }));
        }
      }
      // Not routes, but answered: the bundle, the API's and the site's 404s, a bad link's page.
      for (const path of ['/assets/applicant.js', '/assets/style.css', '/assets/nope.js', '/api/nope', '/nope', `/j/${f.token.slice(0, -2)}xx`]) {
        const a = await rawRequest(`${f.url}${path}`, { headers: { cookie: f.cookie } });
        problems.push(...headerProblems(`${name} GET ${path} -> ${a.status}`, a, { tls, socketOrigins, cache: isApiOrLink(path) ? 'no-store' : 'any' }));
      }
    }
    expect(problems).toEqual([]);
    // The handlers really ran with the filled-in values (a page, a JSON answer, both evidence files).
    for (const must of ['GET /inspector -> 200', 'GET /j/:token -> 200', 'GET /api/cases/:id -> 200', 'GET /api/evidence/:id -> 200', 'GET /api/evidence/:id/stamped -> 200', 'GET /api/evidence/:id (no login) -> 401']) {
      expect(statuses.filter((w) => w.endsWith(must) && w.startsWith('plain')).length).toBe(1);
      expect(statuses.filter((w) => w.endsWith(must) && w.startsWith('TLS')).length).toBe(1);
    }
  });

  it('an error is never cached, even from a route that widens caching for its success', async () => {
    const item = (await plain.server.store.evidence.listBySession(p.sessionId)).find((i) => i.id === p.originalId)!;
    const file = join(plain.dataDir, 'evidence', item.sha256.slice(0, 2), `${item.sha256}.jpg`);
    const ok = await rawRequest(`${p.url}/api/evidence/${p.originalId}`, { headers: { cookie: p.cookie } });
    expect([ok.status, ok.headers['cache-control']]).toEqual([200, EVIDENCE_CACHE]);
    // The file vanishes from disk after the route has set its cache header and authorized the caller.
    fs.renameSync(file, `${file}.away`);
    try {
      const gone = await rawRequest(`${p.url}/api/evidence/${p.originalId}`, { headers: { cookie: p.cookie } });
      expect(gone.status).toBe(404);
      expect(gone.headers['cache-control']).toBe('no-store');
    } finally {
      fs.renameSync(`${file}.away`, file);
    }
  });

  it('HSTS only over TLS, and the policy names the socket origins the page may reach', async () => {
    const page = await rawRequest(`${p.url}/inspector`);
    const tlsPage = await rawRequest(`${s.url}/inspector`);
    expect(page.headers['strict-transport-security']).toBeUndefined();
    expect(tlsPage.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(directives(header(page.headers, 'content-security-policy')).get('connect-src')).toEqual(["'self'", p.url.replace('http://', 'ws://')]);
    expect(directives(header(tlsPage.headers, 'content-security-policy')).get('connect-src')).toEqual(["'self'", s.url.replace('https://', 'wss://'), 'wss://kanyan.example']);
    expect(directives(header(tlsPage.headers, 'content-security-policy')).get('script-src')).not.toContain("'unsafe-inline'");
    // A Host header cannot write into the policy.
    const forged = await rawRequest(`${p.url}/inspector`, { headers: { Host: "evil.example; script-src 'unsafe-inline'" } });
    expect(header(forged.headers, 'content-security-policy')).not.toContain('unsafe-inline');
    expect(directives(header(forged.headers, 'content-security-policy')).get('script-src')).toEqual(["'self'"]);
  });

  it('refuses every POST route from a foreign page (403, Chinese message) and lets the same POST through from its own origin', async () => {
    const problems: string[] = [];
    for (const { name, f } of servers()) {
      const u = new URL(f.url);
      const otherPort = `${u.protocol}//${u.hostname}:${Number(u.port) + 1}`;
      const otherScheme = `${u.protocol === 'https:' ? 'http:' : 'https:'}//${u.host}`;
      const foreign: Array<Record<string, string>> = [
        { Origin: 'http://evil.example' },
        { Origin: 'null' },
        { Origin: otherPort },
        { Origin: otherScheme },
        { Origin: `${f.url}.evil.example` },
        { 'Sec-Fetch-Site': 'cross-site' },
      ];
      const own: Array<Record<string, string>> = [{ Origin: f.url }, { 'Sec-Fetch-Site': 'same-origin' }, {}];
      if (f === s) own.push({ Origin: PUBLIC_URL });
      for (const route of routes.filter((r) => r.startsWith('POST '))) {
        const path = pathOf(route, f);
        // The forged request carries the staff's cookie, as a cross-site form post would.
        for (const h of foreign) {
          const a = await rawRequest(`${f.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: f.cookie, ...h }, body: '{}' });
          if (!refusedForOrigin(a)) problems.push(`${name} ${route} with ${JSON.stringify(h)}: ${a.status} ${a.text().slice(0, 120)}`);
          if (!isApiOrLink(path) || header(a.headers, 'cache-control') !== 'no-store') problems.push(`${name} ${route}: refusal without no-store`);
        }
        // From its own origin (no cookie, so nothing changes): it reaches the route, whatever the route then says.
        for (const h of own) {
          const a = await rawRequest(`${f.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...h }, body: '{}' });
          if (a.status === 403 && a.text().includes(CROSS_ORIGIN_MESSAGE)) problems.push(`${name} ${route} with ${JSON.stringify(h)}: refused for origin`);
          if (a.status >= 500) problems.push(`${name} ${route} with ${JSON.stringify(h)}: ${a.status}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a forged cross-site POST with a valid body and cookie changes nothing; the same from the page works', async () => {
    const count = async () => ((await rawRequest(`${p.url}/api/cases`, { headers: { cookie: p.cookie } })).json() as { cases: unknown[] }).cases.length;
    const body = JSON.stringify({ businessName: '跨站伪造', permitTypes: ['food_business'], address: ADDRESS });
    const before = await count();
    const forged = await rawRequest(`${p.url}/api/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: p.cookie, Origin: 'https://evil.example' }, body });
    expect(forged.status).toBe(403);
    expect(forged.json()).toEqual({ error: { code: 'forbidden', message: CROSS_ORIGIN_MESSAGE, reason: 'cross_origin' } });
    expect(await count()).toBe(before);
    const real = await rawRequest(`${p.url}/api/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: p.cookie, Origin: p.url }, body });
    expect(real.status).toBe(201);
    // Node's fetch (scripts, these tests' helpers) sends neither Origin nor Sec-Fetch-Site: allowed.
    const viaFetch = await fetch(`${p.url}/api/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: p.cookie }, body });
    expect(viaFetch.status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('a forged cross-site POST cannot rotate the evidence keys; the admin page\'s own POST does, with no-store', async () => {
    const active = async () => ((await rawRequest(`${p.url}/.well-known/kanyan-evidence-keys.json`)).json() as { active: string }).active;
    const before = await active();
    const forged = await rawRequest(`${p.url}/api/admin/evidence-keys/rotate`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: p.cookie, Origin: 'https://evil.example' }, body: '{}' });
    expect(refusedForOrigin(forged)).toBe(true);
    expect(await active()).toBe(before);
    const real = await rawRequest(`${p.url}/api/admin/evidence-keys/rotate`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie: p.cookie, Origin: p.url }, body: '{}' });
    expect(real.status).toBe(200);
    expect(headerProblems('POST /api/admin/evidence-keys/rotate', real, { tls: false, socketOrigins: [p.url.replace('http://', 'ws://')], cache: 'no-store' })).toEqual([]);
    expect(await active()).not.toBe(before);
  });

  it('other state-changing methods get the same rule', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const refused = await rawRequest(`${p.url}/api/cases/${p.caseId}`, { method, headers: { cookie: p.cookie, Origin: 'http://evil.example' } });
      expect(refusedForOrigin(refused)).toBe(true);
      const own = await rawRequest(`${p.url}/api/cases/${p.caseId}`, { method, headers: { cookie: p.cookie, Origin: p.url } });
      expect(own.status).toBe(404);
    }
  });

  it('refuses the socket.io handshake from a foreign page and accepts it from its own', async () => {
    const handshake = (f: Fixture, h: Record<string, string>) => rawRequest(`${f.url}/socket.io/?EIO=4&transport=polling`, { headers: h });
    for (const { f } of servers()) {
      const refused: Array<Record<string, string>> = [{ Origin: 'http://evil.example' }, { Origin: 'null' }, { Origin: f.url.replace(/^https?/, (x) => (x === 'https' ? 'http' : 'https')) }, { 'Sec-Fetch-Site': 'cross-site' }];
      for (const h of refused) {
        const a = await handshake(f, h);
        expect({ h, status: a.status }).toEqual({ h, status: 403 });
        expect(a.json()).toEqual({ code: 4, message: CROSS_ORIGIN_MESSAGE });
      }
      const accepted: Array<Record<string, string>> = [{ Origin: f.url }, { 'Sec-Fetch-Site': 'same-origin' }, {}];
      for (const h of accepted) {
        const a = await handshake(f, h);
        expect({ h, status: a.status }).toEqual({ h, status: 200 });
        expect(a.text()).toContain('"sid"');
      }
    }

    // A real client over WebSocket, as a phone page would open it, with a valid link.
    const open = (origin: string) => {
      const sock = io(p.url, { auth: { role: 'applicant', token: p.token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin } });
      return new Promise<string>((resolve) => {
        sock.once('connect', () => resolve('connected'));
        sock.once('connect_error', (err) => resolve(`refused: ${err.message}`));
      }).finally(() => sock.close());
    };
    expect(await open('http://evil.example')).toMatch(/^refused/);
    expect(await open(p.url)).toBe('connected');
  });

  it('the origin rule itself: exact scheme, host and port, normalised as browsers send them', () => {
    const own = ['http://127.0.0.1:8080', undefined];
    expect(checkOrigin({ origin: 'http://127.0.0.1:8080' }, own)).toEqual({ ok: true });
    expect(checkOrigin({ origin: 'https://kanyan.example' }, ['https://kanyan.example:443/'])).toEqual({ ok: true });
    expect(checkOrigin({}, own)).toEqual({ ok: true });
    expect(checkOrigin({ 'sec-fetch-site': 'same-site' }, own)).toEqual({ ok: true });
    for (const origin of ['http://127.0.0.1:8081', 'https://127.0.0.1:8080', 'http://127.0.0.1', 'null', '', 'http://127.0.0.1:8080, http://evil.example', 'file://', 'http://127.0.0.1:8080.evil.example']) {
      expect({ origin, ok: checkOrigin({ origin }, own).ok }).toEqual({ origin, ok: false });
    }
    expect(checkOrigin({ origin: 'http://127.0.0.1:8080' }, [undefined]).ok).toBe(false);
    expect(checkOrigin({ 'sec-fetch-site': 'cross-site' }, own).ok).toBe(false);
  });

  describe('the real pages in Chromium', () => {
    let browser: Browser;
    let phoneCtx: BrowserContext;
    let consoleCtx: BrowserContext;
    const reported: string[] = [];

    /** Every CSP violation a page reports, from its console and from `securitypolicyviolation` events. */
    const watch = async (ctx: BrowserContext) => {
      await ctx.addInitScript(() => {
        const w = window as unknown as { __csp: string[] };
        w.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
      });
      ctx.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) reported.push(`${m.location().url}: ${m.text()}`);
      });
    };
    const events = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

    beforeAll(async () => {
      browser = await launchChromium();
      phoneCtx = await phoneContext(browser, plain.url, PHONE_AT);
      consoleCtx = await desktopContext(browser, plain.url);
      await watch(phoneCtx);
      await watch(consoleCtx);
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('the phone page reaches its waiting screen and the console logs in and goes live, with no CSP violation', async () => {
      const phone = await phoneCtx.newPage();
      const doc = await phone.goto(p.joinUrl);
      // The policy is really in force on the document (this is what makes "no violation" mean something).
      expect(directives(doc!.headers()['content-security-policy']).get('script-src')).toEqual(["'self'"]);
      await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen === 'waiting_inspector', undefined, { timeout: 20_000 });

      const desk = await consoleCtx.newPage();
      await desk.goto('/inspector');
      await desk.fill('input[name=username]', INSPECTOR.username);
      await desk.fill('input[name=password]', INSPECTOR.password);
      await desk.click('button[type=submit]');
      await desk.waitForSelector('.case-list .case-row');
      await desk.goto(`/inspector#/session/${p.sessionId}`);
      await desk.waitForFunction(() => (window as unknown as { __kanyanCall?: { presence: string } }).__kanyanCall?.presence === 'live', undefined, { timeout: 20_000 });
      await phone.waitForFunction(() => (window as unknown as { __kanyan: { screen: string } }).__kanyan.screen === 'live', undefined, { timeout: 20_000 });
      // The uploaded photo's thumbnail (an <img> from the API) loads under img-src.
      await desk.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img[src*="/api/evidence/"]')].some((i) => i.complete && i.naturalWidth > 0), undefined, { timeout: 20_000 });

      const admin = await consoleCtx.newPage();
      await admin.goto('/admin');
      await admin.waitForFunction(() => (document.getElementById('app')?.childElementCount ?? 0) > 0);
      await admin.waitForLoadState('networkidle');

      expect(reported).toEqual([]);
      expect(await events(phone)).toEqual([]);
      expect(await events(desk)).toEqual([]);
      expect(await events(admin)).toEqual([]);

      // The watch sees violations, and the policy stops what it should: an injected inline script
      // does not run and an inline style attribute is refused, each reported both ways.
      await phone.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.body.append(s);
        const d = document.createElement('div');
        d.innerHTML = '<p style="color: red">x</p>';
        document.body.append(d);
      });
      await phone.waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.length >= 2);
      expect(await phone.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
      const seen = await events(phone);
      expect(seen.some((v) => v.startsWith('script-src-elem blocked inline'))).toBe(true);
      expect(seen.some((v) => v.startsWith('style-src-attr blocked inline'))).toBe(true);
      for (let i = 0; i < 40 && reported.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(reported.filter((m) => m.includes('Content Security Policy')).length).toBeGreaterThanOrEqual(2);
    });
  });
});
