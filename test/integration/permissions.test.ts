import { recordedSegments } from '../support/recordedSegments';
import { PERMIT_TYPES } from '../../server/protocol/cases';
import type { ClientToServerEvents } from '../../server/protocol/signaling';
import { IN_CALL_HANDLERS } from '../../server/signaling/handlers';
import { expressRoutes } from '../support/expressRoutes';
import { testJpeg } from '../support/images';
import { apiCall, createAccount, joinCall, openCase, sealSession, uploadFrame, type JoinedCall, type OpenedCase, type StaffLogin } from '../support/office';
import { ask, connect, connected, next, type Reply, type TestSocket } from '../support/sockets';
import { login, postJson } from '../support/staff';
import { captureTicket, INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The permission matrix: every principal against every HTTP route and every socket event, each
// answered by the running server. Routes are read from the express app and events from the handler
// map, so a route or an event without a line in these tables fails the test by name, and so does a
// line whose route or event is gone. The tables write out the README's "Permissions" for each
// route and event; authorize() is never consulted, only asked through the real requests.

/**
 * Who asks. Everyone but `reviewerFinished` addresses case A, an inspection in progress with a
 * food_business and a public_hygiene permit, which `inspector` and `newAccount` are assigned to;
 * `reviewerFinished` addresses case F, whose only session was abandoned (so it is finished).
 */
const PRINCIPALS = [
  'anonymous', // no cookie, no link
  'admin', // roles ['admin'] only
  'supervisor', // not assigned: supervisors see every case and watch calls
  'inspector', // assigned to the case; department public_hygiene only
  'otherInspector', // every department, not assigned to the case
  'reviewer', // addressing a case still in progress
  'reviewerFinished', // the same reviewer, addressing a case with a finished session
  'newAccount', // admin + supervisor + inspector, assigned, but the admin's first password not yet replaced
  'phone', // holds the join link of the case's session
  'otherPhone', // holds the join link of another case's session
] as const;
type Principal = (typeof PRINCIPALS)[number];
type Who = readonly Principal[];

const EVERYONE: Who = PRINCIPALS;
/** Logged in with a password of their own. */
const STAFF: Who = ['admin', 'supervisor', 'inspector', 'otherInspector', 'reviewer', 'reviewerFinished'];
/** "change one's own password: everyone; an account whose password was set by an admin can do nothing else until it does" (it may still see who it is and log out). */
const ANY_LOGIN: Who = [...STAFF, 'newAccount'];
/** "create a case: inspector, supervisor, admin". */
const CREATES_CASES: Who = ['admin', 'supervisor', 'inspector', 'otherInspector'];
/** "see a case, its sessions, checklist, evidence, export: admin and supervisor all; inspector assigned; reviewer once finished". */
const SEES_THE_CASE: Who = ['admin', 'supervisor', 'inspector', 'reviewerFinished'];
/** "assign inspectors to a case: admin, supervisor". */
const ASSIGNS: Who = ['admin', 'supervisor'];
/** "join the call and work it (results, facts, photo requests, camera, frames, close, end): an inspector assigned to the case". */
const WORKS_THE_CASE: Who = ['inspector'];
/** "issue, revoke and list join links; interrupt, resume, abandon, re-inspect: an assigned inspector, supervisor". */
const MANAGES_THE_SESSION: Who = ['supervisor', 'inspector'];
/**
 * "comment on and decide on a sealed inspection (复核): reviewer, supervisor; never one who took part
 * in it". Asked of sealed sessions none of the principals inspected (the seeded account did).
 */
const REVIEWS: Who = ['supervisor', 'reviewer', 'reviewerFinished'];
/** "manage accounts: admin". */
const MANAGES_ACCOUNTS: Who = ['admin'];
/** The assignment picker: whoever opens or assigns cases. */
const PICKS_STAFF: Who = ['admin', 'supervisor', 'inspector', 'otherInspector'];
/** A join link is the phone's credential: whoever holds this case's link is its phone. */
const HOLDS_THE_LINK: Who = PRINCIPALS.filter((p) => p !== 'otherPhone');

/**
 * Who may use each route. Everyone else is refused: 401 without a log-in, 403 with one or with a
 * link, and an account held at the password page is told to change its password first.
 */
const HTTP_RULES: Record<string, Who> = {
  'GET /healthz': EVERYONE,
  'GET /readyz': EVERYONE,
  'GET /': EVERYONE,
  'GET /inspector': EVERYONE,
  'GET /admin': EVERYONE,
  // The phone page: a bad link gets a page saying why, never a log-in prompt.
  'GET /j': EVERYONE,
  'GET /j/:token': EVERYONE,
  'GET /favicon.svg': EVERYONE,
  'GET /favicon.ico': EVERYONE,
  'POST /api/login': EVERYONE,
  'POST /api/logout': EVERYONE,
  'GET /api/me': ANY_LOGIN,
  'POST /api/me/password': ANY_LOGIN,
  'GET /api/accounts': MANAGES_ACCOUNTS,
  'POST /api/accounts': MANAGES_ACCOUNTS,
  'POST /api/accounts/:id': MANAGES_ACCOUNTS,
  'POST /api/accounts/:id/disable': MANAGES_ACCOUNTS,
  'POST /api/accounts/:id/enable': MANAGES_ACCOUNTS,
  'POST /api/accounts/:id/reset-password': MANAGES_ACCOUNTS,
  'POST /api/accounts/:id/unlock': MANAGES_ACCOUNTS,
  'GET /api/staff': PICKS_STAFF,
  // Every account gets the list of what it may see (which cases: checked below).
  'GET /api/cases': STAFF,
  'POST /api/cases': CREATES_CASES,
  'GET /api/cases/:id': SEES_THE_CASE,
  'POST /api/cases/:id/assignees': ASSIGNS,
  'GET /api/qr': STAFF,
  'GET /api/sessions/:id': SEES_THE_CASE,
  'GET /api/sessions/:id/walk': SEES_THE_CASE,
  'GET /api/sessions/:id/links': MANAGES_THE_SESSION,
  'POST /api/sessions/:id/links': MANAGES_THE_SESSION,
  'POST /api/links/:id/revoke': MANAGES_THE_SESSION,
  'POST /api/sessions/:id/interrupt': MANAGES_THE_SESSION,
  'POST /api/sessions/:id/resume': MANAGES_THE_SESSION,
  'POST /api/sessions/:id/abandon': MANAGES_THE_SESSION,
  'POST /api/sessions/:id/reinspect': MANAGES_THE_SESSION,
  'GET /api/sessions/:id/review': SEES_THE_CASE,
  'POST /api/sessions/:id/review/comments': REVIEWS,
  'POST /api/sessions/:id/review/decision': REVIEWS,
  'POST /api/sessions/:id/evidence/frame': WORKS_THE_CASE,
  // A photo answering this case's photo request; another case's link cannot send it.
  'POST /j/:token/photos': HOLDS_THE_LINK,
  'GET /.well-known/kanyan-evidence-key.pem': EVERYONE,
  'GET /api/evidence-key': EVERYONE,
  'GET /.well-known/kanyan-evidence-keys.json': EVERYONE,
  // Anyone holding a phone's receipt may check it (rate-limited per address).
  'POST /api/receipts/verify': EVERYONE,
  // The office log's checkpoints and proofs: public, so outsiders can keep checkpoints and check exports.
  'GET /.well-known/kanyan-log/checkpoint': EVERYONE,
  'GET /.well-known/kanyan-log/checkpoints/:treeSize': EVERYONE,
  'GET /.well-known/kanyan-log/proof/inclusion': EVERYONE,
  'GET /.well-known/kanyan-log/proof/consistency': EVERYONE,
  'GET /.well-known/kanyan-log/proof/case': EVERYONE,
  'GET /api/cases/:id/export': SEES_THE_CASE,
  'GET /api/evidence/:id/stamped': SEES_THE_CASE,
  'GET /api/evidence/:id/record': SEES_THE_CASE,
  'GET /api/evidence/:id': SEES_THE_CASE,
  'GET /api/sessions/:id/replay': SEES_THE_CASE,
  'GET /api/sessions/:id/chapters.vtt': SEES_THE_CASE,
  'GET /api/sessions/:id/stamps.vtt': SEES_THE_CASE,
  'GET /api/sessions/:id/thumbnails.vtt': SEES_THE_CASE,
  'GET /api/recordings/:segmentId/playback': SEES_THE_CASE,
  'GET /api/recordings/:segmentId/original': SEES_THE_CASE,
  'GET /api/recordings/:segmentId/thumbnails.jpg': SEES_THE_CASE,
  'GET /api/admin/recordings/failed': MANAGES_ACCOUNTS,
  'POST /api/admin/recordings/:segmentId/retry': MANAGES_ACCOUNTS,
  /** "rotate the evidence signing keys: admin" (the running server swaps its keys). */
  'POST /api/admin/evidence-keys/rotate': MANAGES_ACCOUNTS,
};

/** Who can open a page of the session's call, and as what (the handshake, then `call:join`). */
const HANDSHAKE: Record<Principal, string> = {
  anonymous: 'refused: unauthorized',
  admin: 'refused: forbidden',
  supervisor: 'observer',
  inspector: 'inspector',
  otherInspector: 'refused: forbidden',
  reviewer: 'refused: forbidden',
  reviewerFinished: 'refused: forbidden',
  newAccount: 'refused: forbidden (change password first)',
  phone: 'applicant of this case',
  // A link names its own session: asking for this one in the handshake changes nothing.
  otherPhone: 'applicant of its own case',
};

/** The pages in a call: the assigned inspector, a supervisor watching (旁听), the phone. */
type CallRole = 'inspector' | 'observer' | 'applicant';
const PLAYED_BY: Record<CallRole, Principal> = { inspector: 'inspector', observer: 'supervisor', applicant: 'phone' };
type Verdict = 'allow' | 'deny';
const Y: Verdict = 'allow';
const N: Verdict = 'deny';

/**
 * What each page may send once in the call, in the order the test sends them: `call:join` first
 * (the others need the call), `call:end` last (it ends the call). An observer only receives.
 */
const EVENT_RULES: Record<keyof ClientToServerEvents, Record<CallRole, Verdict>> = {
  'call:join': { inspector: Y, observer: Y, applicant: Y },
  'transport:connect': { inspector: Y, observer: Y, applicant: Y },
  'transport:produce': { inspector: Y, observer: N, applicant: Y },
  'consumer:resume': { inspector: Y, observer: Y, applicant: Y },
  position: { inspector: N, observer: N, applicant: Y },
  'camera:state': { inspector: N, observer: N, applicant: Y },
  'capture:progress': { inspector: N, observer: N, applicant: Y },
  'camera:request': { inspector: Y, observer: N, applicant: N },
  'capture:request': { inspector: Y, observer: N, applicant: N },
  'walk:open': { inspector: Y, observer: N, applicant: N },
  'walk:result': { inspector: Y, observer: N, applicant: N },
  'walk:note': { inspector: Y, observer: N, applicant: N },
  'walk:fact': { inspector: Y, observer: N, applicant: N },
  // For a permit of the inspector's own department; another department's is refused (below).
  'walk:sign': { inspector: Y, observer: N, applicant: N },
  // A photo that is not flagged is refused for that, after the rule.
  'walk:accept_reuse': { inspector: Y, observer: N, applicant: N },
  'walk:close': { inspector: Y, observer: N, applicant: N },
  'point:video': { inspector: Y, observer: N, applicant: N },
  'call:leave': { inspector: N, observer: N, applicant: Y },
  'call:end': { inspector: Y, observer: N, applicant: N },
};

// ---------------------------------------------------------------------------------------------

const PERMITS_OF_A = ['food_business', 'public_hygiene'];
const HAS_LOGIN: ReadonlySet<Principal> = new Set(ANY_LOGIN);
/** What an account held at the password page is told for anything else. */
/** In either language: the walk route is asked in English (`?lang=en`). */
const CHANGE_PASSWORD_FIRST = /请先修改密码|Change your password first/;

interface CaseFixture extends OpenedCase {
  evidenceId: string;
  stampedId: string;
  /** A recorded segment of the session (the recording routes find the session through it). */
  segmentId?: string;
}

/** What a principal sends for one route; parameters not named here come from its target case. */
interface RequestSpec {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  raw?: Buffer;
  /** Replaces the principal's own cookie (null: none). */
  cookie?: string | null;
}

describe('permission matrix', () => {
  let srv: RunningServer;
  /** The seeded first account: admin + supervisor + inspector, every department. */
  let adminCookie: string;
  const staff = {} as Record<'admin' | 'supervisor' | 'inspector' | 'otherInspector' | 'reviewer' | 'newAccount' | 'probe' | 'spare', StaffLogin>;
  /** In progress; its link is replaced often (the phone's current one is A.token). */
  let A: CaseFixture;
  /** Another case: the other phone's. */
  let B: OpenedCase;
  /** Finished: its session abandoned. */
  let F: CaseFixture;
  /** Sealed with a point to rectify: what a re-inspection follows. */
  let S: OpenedCase;
  let pointKey: string;
  let jpeg: Buffer;
  let serial = 0;
  const sockets: TestSocket[] = [];

  const accountOf = (p: Principal): StaffLogin | undefined => {
    if (p === 'reviewerFinished') return staff.reviewer;
    return p === 'anonymous' || p === 'phone' || p === 'otherPhone' ? undefined : staff[p];
  };
  const targetOf = (p: Principal): CaseFixture => (p === 'reviewerFinished' ? F : A);
  const api = (method: string, path: string, body?: unknown) => apiCall(srv.url, method, path, adminCookie, body);

  /** A case like A (same permits, same team) with a new scheduled session, for steps that change it. */
  const caseLikeA = (permitTypes: readonly string[] = PERMITS_OF_A) =>
    openCase(srv.url, adminCookie, { businessName: `同类店${++serial}`, permitTypes, assignees: [staff.inspector.id, staff.newAccount.id] });

  /** A new link for A's session, replacing the one before: the phone's current credential. */
  const freshLinkOfA = async (): Promise<{ id: string; token: string }> => {
    const link = await api('POST', `/api/sessions/${A.sessionId}/links`);
    A.token = link.url.split('/j/')[1];
    A.linkId = link.id;
    return { id: link.id, token: A.token };
  };

  const open = (auth: Record<string, string>, cookie?: string) => {
    const s = connect(srv.url, auth, cookie);
    sockets.push(s);
    return s;
  };
  const handshake = (s: TestSocket) =>
    new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err) => {
        const data = (err as Error & { data?: { code: string; message: string } }).data;
        resolve(`refused: ${data?.code}${CHANGE_PASSWORD_FIRST.test(data?.message ?? '') ? ' (change password first)' : ''}`);
      });
    });

  beforeAll(async () => {
    srv = await startTestServer({ RECONNECT_GRACE_SECONDS: '1' });
    adminCookie = await loginCookie(srv.url);
    jpeg = await testJpeg(640, 480);
    const account = (username: string, roles: string[], departments: readonly string[] = [], keepFirstPassword = false) =>
      createAccount(srv.url, adminCookie, { username, roles, departments: [...departments], keepFirstPassword });
    staff.admin = await account('perm-admin', ['admin']);
    staff.supervisor = await account('perm-supervisor', ['supervisor']);
    staff.inspector = await account('perm-inspector', ['inspector'], ['public_hygiene']);
    staff.otherInspector = await account('perm-other', ['inspector'], PERMIT_TYPES);
    staff.reviewer = await account('perm-reviewer', ['reviewer']);
    staff.newAccount = await account('perm-new', ['admin', 'supervisor', 'inspector'], PERMIT_TYPES, true);
    // Logs in, in the log-in row, for the principals that have no account.
    staff.probe = await account('perm-probe', ['reviewer']);
    // What the account routes act on: never one of the principals.
    staff.spare = await account('perm-spare', ['inspector'], [], true);

    const a = await caseLikeA();
    pointKey = (await srv.server.walks.view(a.sessionId)).points.find((p) => p.applies)!.key;
    A = { ...a, ...(await uploadFrame(srv.url, adminCookie, a.sessionId, pointKey, jpeg)) };
    B = await caseLikeA(['food_business']);
    const f = await caseLikeA();
    F = { ...f, ...(await uploadFrame(srv.url, adminCookie, f.sessionId, pointKey, jpeg)) };
    await api('POST', `/api/sessions/${F.sessionId}/abandon`, { reason: '申请人撤回了申请' });
    S = await caseLikeA(['food_business']);
    await sealSession(srv, adminCookie, S.sessionId);
    // A recorded segment each for A and F: an unknown segment would be a 404 before any permission check.
    const segment = { track: 'phone' as const, firstMediaAt: Date.now() - 3000, endedAt: Date.now(), startCause: 'phone_joined' as const, endCause: 'call_ended' as const, processed: true };
    for (const fixture of [A, F]) fixture.segmentId = (await recordedSegments(srv, { caseId: fixture.caseId, sessionId: fixture.sessionId }, [segment]))[0]!.id;
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv?.stop());

  // --- HTTP ------------------------------------------------------------------------------------

  /** Valid input wherever it can be, so a refusal cannot be a 400 and an allowed step really runs. */
  const specFor = async (route: string, p: Principal): Promise<RequestSpec> => {
    const me = accountOf(p);
    switch (route) {
      case 'POST /api/login':
        return { json: { username: (me ?? staff.probe).username, password: (me ?? staff.probe).password } };
      case 'POST /api/logout':
        // A fresh log-in of its own, so logging out leaves the principal's cookie for the rows after.
        return { cookie: me ? await login(srv.url, me.username, me.password) : null };
      case 'POST /api/me/password':
        // The right current password and the same one again: refused as invalid after the rule, so nothing changes.
        return { json: { current: me?.password ?? 'not-a-password', next: me?.password ?? 'not-a-password' } };
      case 'POST /api/accounts':
        return { json: { username: `perm-made-${++serial}`, displayName: '新同事', password: 'first-password-9', roles: ['reviewer'], departments: [] } };
      case 'POST /api/accounts/:id':
        return { json: { displayName: `改名${++serial}` } };
      case 'POST /api/accounts/:id/reset-password':
        return { json: { password: 'temporary-password-9' } };
      case 'POST /api/cases':
        return { json: { businessName: `新店${++serial}`, permitTypes: ['food_business'], address: { text: '新地址', lat: 39.9, lon: 116.4 } } };
      case 'POST /api/cases/:id/assignees':
        return { json: { accountId: staff.inspector.id, assigned: true } };
      case 'GET /api/qr':
        return { query: { text: `${srv.url}/j/${A.token}` } };
      case 'GET /api/sessions/:id/walk':
        return { query: { lang: 'en' } };
      case 'POST /api/links/:id/revoke':
        // An active link of A, issued for this request (F's session can hold no new link).
        return { params: { id: p === 'reviewerFinished' ? F.linkId : (await freshLinkOfA()).id } };
      case 'POST /api/sessions/:id/resume': {
        if (p === 'reviewerFinished') return {};
        // A case like A, interrupted as an inspector's call:end with the checklist open leaves it.
        const c = await caseLikeA();
        await srv.server.lifecycle.endCall(c.sessionId, INSPECTOR.username);
        return { params: { id: c.sessionId } };
      }
      case 'POST /api/sessions/:id/interrupt':
        return { params: p === 'reviewerFinished' ? {} : { id: (await caseLikeA()).sessionId }, json: { reason: '审批人员浏览器崩溃' } };
      case 'POST /api/sessions/:id/abandon':
        return { params: p === 'reviewerFinished' ? {} : { id: (await caseLikeA()).sessionId }, json: { reason: '申请人撤回了申请' } };
      case 'POST /api/sessions/:id/reinspect':
        // Only a sealed session can be re-inspected: S, a case like A whose session is sealed.
        return { params: p === 'reviewerFinished' ? {} : { id: S.sessionId } };
      case 'POST /api/sessions/:id/review/comments':
        // Comments stay open on S whatever was decided on it.
        return { params: { id: S.sessionId }, json: { offsetMs: 1000, body: '权限矩阵：这里需要看清楚' } };
      case 'POST /api/sessions/:id/review/decision': {
        // A session sealed for this request, so an allowed decision really is the first one.
        const c = await caseLikeA(['food_business']);
        await sealSession(srv, adminCookie, c.sessionId);
        return { params: { id: c.sessionId }, json: { decision: 'approve', reason: '权限矩阵：记录完整' } };
      }
      case 'POST /api/sessions/:id/evidence/frame':
        return { query: { point: pointKey }, raw: jpeg };
      case 'POST /api/admin/recordings/:segmentId/retry':
        // An admin is told there is no such segment (404): allowed, and nothing is queued.
        return { params: { segmentId: 'no-such-segment' } };
      case 'GET /.well-known/kanyan-log/checkpoints/:treeSize':
        return { params: { treeSize: String((await srv.server.officeLog.latestCheckpoint()).checkpoint.treeSize) } };
      case 'GET /.well-known/kanyan-log/proof/inclusion':
        return { query: { leaf: '0', size: String((await srv.server.officeLog.latestCheckpoint()).checkpoint.treeSize) } };
      case 'GET /.well-known/kanyan-log/proof/consistency':
        return { query: { from: '1', to: String((await srv.server.officeLog.latestCheckpoint()).checkpoint.treeSize) } };
      case 'GET /.well-known/kanyan-log/proof/case': {
        const caseNumber = (await srv.server.store.cases.get(A.caseId))!.caseNumber;
        return { query: { case: caseNumber, size: String((await srv.server.officeLog.latestCheckpoint()).checkpoint.treeSize) } };
      }
      case 'GET /j/:token':
        return { params: { token: p === 'otherPhone' ? B.token : (await freshLinkOfA()).token } };
      case 'POST /j/:token/photos':
        return {
          params: { token: p === 'otherPhone' ? B.token : (await freshLinkOfA()).token },
          query: { point: pointKey, requestId: `perm-photo-${++serial}`, capture: await captureTicket(srv, A.sessionId, pointKey), lat: '39.9', lon: '116.4', accuracy: '5' },
          raw: jpeg,
        };
      default:
        return {};
    }
  };

  /** Fills a route's parameters from the spec, or else from the principal's target case. */
  const pathFor = (route: string, p: Principal, spec: RequestSpec): string => {
    const path = route.slice(route.indexOf(' ') + 1);
    const t = targetOf(p);
    const byPrefix: Array<[string, string]> = [
      ['/api/cases/', t.caseId],
      ['/api/sessions/', t.sessionId],
      ['/api/evidence/:id/stamped', t.stampedId],
      ['/api/evidence/', t.evidenceId],
      ['/api/accounts/', staff.spare.id],
      ['/api/recordings/', t.segmentId ?? ''],
    ];
    return path.replace(/:(\w+)/g, (_m, name: string) => {
      const value = spec.params?.[name] ?? byPrefix.find(([prefix]) => path.startsWith(prefix))?.[1];
      if (!value) throw new Error(`no value for :${name} in ${route}: give it in specFor`);
      return encodeURIComponent(value);
    });
  };

  /** 'allow', or 'deny 401' / 'deny 403'; a server error on an allowed request is no pass either. */
  const observe = async (route: string, p: Principal): Promise<string> => {
    const spec = await specFor(route, p);
    const method = route.slice(0, route.indexOf(' '));
    const cookie = spec.cookie === undefined ? accountOf(p)?.cookie : (spec.cookie ?? undefined);
    const headers: Record<string, string> = cookie ? { cookie } : {};
    let body: BodyInit | undefined;
    if (spec.raw) body = new Uint8Array(spec.raw);
    else if (spec.json !== undefined || method === 'POST') {
      body = JSON.stringify(spec.json ?? {});
      headers['Content-Type'] = 'application/json';
    }
    const query = spec.query ? `?${new URLSearchParams(spec.query)}` : '';
    const res = await fetch(`${srv.url}${pathFor(route, p, spec)}${query}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    if (res.status === 403 && CHANGE_PASSWORD_FIRST.test(text)) return 'deny 403: change password first';
    if (res.status === 401 || res.status === 403) return `deny ${res.status}`;
    return res.status >= 500 ? `error ${res.status}` : 'allow';
  };

  const expected = (route: string, p: Principal): string => {
    if (HTTP_RULES[route]!.includes(p)) return 'allow';
    if (p === 'newAccount' && !route.includes(' /j/')) return 'deny 403: change password first';
    // Staff routes ask who is logged in first; a link's routes know the caller by its link.
    return HAS_LOGIN.has(p) || route.includes(' /j/') ? 'deny 403' : 'deny 401';
  };

  it('has a rule for every route of the express app, and no rule without a route', () => {
    const routes = expressRoutes(srv.server.httpApp);
    const ruled = Object.keys(HTTP_RULES);
    expect({ routesWithoutRule: routes.filter((r) => !ruled.includes(r)), rulesWithoutRoute: ruled.filter((r) => !routes.includes(r)) }).toEqual({
      routesWithoutRule: [],
      rulesWithoutRoute: [],
    });
  });

  describe.each(Object.keys(HTTP_RULES))('%s', (route) => {
    it('answers each principal as the rules say', async () => {
      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const p of PRINCIPALS) {
        seen[p] = await observe(route, p);
        want[p] = expected(route, p);
      }
      expect(seen).toEqual(want);
    });
  });

  it('lists to each account exactly the cases it may see', async () => {
    const seen: Record<string, unknown> = {};
    for (const p of ['admin', 'supervisor', 'inspector', 'otherInspector', 'reviewer'] as const) {
      const { cases } = await apiCall(srv.url, 'GET', '/api/cases', staff[p].cookie);
      const ids = new Set((cases as Array<{ id: string }>).map((c) => c.id));
      seen[p] = { inProgress: ids.has(A.caseId), finished: ids.has(F.caseId) };
    }
    expect(seen).toEqual({
      admin: { inProgress: true, finished: true },
      supervisor: { inProgress: true, finished: true },
      inspector: { inProgress: true, finished: true },
      otherInspector: { inProgress: false, finished: false },
      reviewer: { inProgress: false, finished: true },
    });
  });

  it('lets only those who assign choose the team of a new case', async () => {
    const newCase = (cookie: string) =>
      postJson(`${srv.url}/api/cases`, cookie, { businessName: `带团队的店${++serial}`, permitTypes: ['food_business'], address: { text: '地址', lat: 39.9, lon: 116.4 }, assignees: [staff.otherInspector.id] });
    expect({ inspector: (await newCase(staff.inspector.cookie)).status, supervisor: (await newCase(staff.supervisor.cookie)).status }).toEqual({ inspector: 403, supervisor: 201 });
  });

  it('shows a reviewer a finished inspection, never one still running: not through the case export either', async () => {
    const sealed = await caseLikeA(['food_business']);
    await sealSession(srv, adminCookie, sealed.sessionId);
    const running: string = (await api('POST', `/api/sessions/${sealed.sessionId}/reinspect`)).session.id;
    const frame = await uploadFrame(srv.url, adminCookie, running, (await srv.server.walks.view(running)).points[0]!.key, jpeg);
    const status = async (path: string) => (await fetch(`${srv.url}${path}`, { headers: { cookie: staff.reviewer.cookie } })).status;
    expect({
      finishedWalk: await status(`/api/sessions/${sealed.sessionId}/walk`),
      runningWalk: await status(`/api/sessions/${running}/walk`),
      runningEvidence: await status(`/api/evidence/${frame.evidenceId}`),
    }).toEqual({ finishedWalk: 200, runningWalk: 403, runningEvidence: 403 });

    // The export carries the case's whole chain: refused while anything in it still runs...
    const exportAs = () => fetch(`${srv.url}/api/cases/${sealed.caseId}/export`, { headers: { cookie: staff.reviewer.cookie } });
    expect((await exportAs()).status).toBe(403);
    // ...and the case detail lists only the finished session.
    const detail = await (await fetch(`${srv.url}/api/cases/${sealed.caseId}`, { headers: { cookie: staff.reviewer.cookie } })).json();
    expect(detail.sessions.map((x: { id: string }) => x.id)).toEqual([sealed.sessionId]);

    // Once every session is over, the reviewer gets the whole archive.
    expect((await postJson(`${srv.url}/api/sessions/${running}/abandon`, adminCookie, { reason: '申请人撤回复验申请' })).status).toBe(200);
    const archive = await exportAs();
    expect(archive.status).toBe(200);
    const tar = Buffer.from(await archive.arrayBuffer()).toString('latin1');
    expect(tar.includes(frame.sha256)).toBe(true);
  });

  // --- Socket events ---------------------------------------------------------------------------

  it('has a rule for every socket event of the handler map and call:join, and no rule without an event', () => {
    const events = ['call:join', ...Object.keys(IN_CALL_HANDLERS)];
    const ruled = Object.keys(EVENT_RULES);
    expect({ eventsWithoutRule: events.filter((e) => !ruled.includes(e)), rulesWithoutEvent: ruled.filter((e) => !events.includes(e)) }).toEqual({
      eventsWithoutRule: [],
      rulesWithoutEvent: [],
    });
  });

  it('opens a page of the call only for those who may work or watch it', async () => {
    const c = await caseLikeA();
    const seen = {} as Record<Principal, string>;
    for (const p of PRINCIPALS) {
      const s =
        p === 'phone' || p === 'otherPhone'
          ? open({ role: 'applicant', token: p === 'phone' ? c.token : B.token, sessionId: c.sessionId })
          : open({ role: 'inspector', sessionId: p === 'reviewerFinished' ? F.sessionId : c.sessionId }, accountOf(p)?.cookie);
      const outcome = await handshake(s);
      if (outcome === 'connected') {
        const joined = await joinCall(srv, s);
        const whose = joined.caseSummary.caseId === c.caseId ? 'this case' : joined.caseSummary.caseId === B.caseId ? 'its own case' : joined.caseSummary.caseId;
        seen[p] = joined.role === 'applicant' ? `applicant of ${whose}` : joined.role;
      } else seen[p] = outcome;
      s.disconnect();
    }
    expect(seen).toEqual(HANDSHAKE);
  });

  describe.each(Object.keys(PLAYED_BY) as CallRole[])('in the call, the %s', (role) => {
    it('may send exactly the events the rules give it', async () => {
      const c = await caseLikeA();
      // Someone else in the call already sends media, so this page has a consumer to resume; and the
      // phone is in every call, so the inspector's camera and photo requests reach someone.
      const phone = open({ role: 'applicant', token: c.token });
      await connected(phone);
      let me = phone;
      if (role === 'applicant') {
        const inspector = open({ role: 'inspector', sessionId: c.sessionId }, adminCookie);
        await connected(inspector);
        const j = await joinCall(srv, inspector);
        expect((await ask(inspector, 'transport:produce', { transportId: j.sendTransport.id, kind: 'audio', source: 'mic', rtpParameters: OPUS_PARAMETERS })).ok).toBe(true);
      } else {
        const j = await joinCall(srv, phone);
        expect((await ask(phone, 'transport:produce', { transportId: j.sendTransport.id, kind: 'video', source: 'camera', rtpParameters: VP8_PARAMETERS })).ok).toBe(true);
        me = open({ role: 'inspector', sessionId: c.sessionId }, accountOf(PLAYED_BY[role])!.cookie);
        await connected(me);
      }
      const walk = await srv.server.walks.view(c.sessionId);
      const point = walk.points.find((p) => p.applies)!;
      const fact = walk.facts[0]!;
      let joined: JoinedCall | undefined;

      const payloads: Record<keyof ClientToServerEvents, () => unknown> = {
        'call:join': () => ({ rtpCapabilities: srv.server.pool.routerRtpCapabilities }),
        'transport:connect': () => ({ transportId: joined?.recvTransport.id ?? 'none', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: FINGERPRINT }] } }),
        'transport:produce': () =>
          role === 'applicant'
            ? { transportId: joined?.sendTransport.id ?? 'none', kind: 'video', source: 'camera', rtpParameters: VP8_PARAMETERS }
            : { transportId: joined?.sendTransport.id ?? 'none', kind: 'audio', source: 'mic', rtpParameters: OPUS_PARAMETERS },
        'consumer:resume': () => ({ consumerId: joined?.consumers[0]?.id ?? 'none' }),
        position: () => ({ lat: 39.9001, lon: 116.4001, accuracy: 8, fixTime: Date.now() }),
        'camera:state': () => ({ facing: 'environment', torch: { available: false, on: false }, zoom: null }),
        'capture:progress': () => ({ requestId: `perm-progress-${++serial}`, pointKey: point.key, state: 'taking' }),
        'camera:request': () => ({ action: 'rear' }),
        'capture:request': () => ({ pointKey: point.key }),
        'walk:open': () => ({ key: point.key }),
        'walk:result': () => ({ key: point.key, result: point.results[0] }),
        'walk:note': () => ({ key: point.key, note: '门口整洁' }),
        'walk:fact': () => ({ fact: fact.key, value: fact.type === 'number' ? 12 : fact.type === 'boolean' ? true : (fact.values?.[0] ?? '') }),
        'walk:sign': () => ({ permitType: 'public_hygiene' }),
        'walk:accept_reuse': () => ({ key: point.key, evidenceId: 'not-flagged', reason: '现场核实为同一门店' }),
        // Its points are open, so closing is refused for that (and so is signing), after the rule.
        'walk:close': () => ({ outcome: 'pass', computed: 'pass' }),
        // Stopping a recording that never started: allowed, and changes nothing.
        'point:video': () => ({ key: point.key, record: false }),
        'call:leave': () => ({}),
        'call:end': () => ({}),
      };

      const seen: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const [event, rule] of Object.entries(EVENT_RULES) as Array<[keyof ClientToServerEvents, Record<CallRole, Verdict>]>) {
        const r: Reply = await ask(me, event, payloads[event]());
        if (event === 'call:join' && r.ok) joined = r.data;
        // Allowed may still be refused for the business (a checklist not ready): anything but 'forbidden'.
        seen[event] = r.ok ? 'allow' : r.error.code === 'forbidden' ? 'deny' : r.error.code === 'internal' ? `error: ${r.error.message}` : 'allow';
        want[event] = rule[role];
      }
      expect(seen).toEqual(want);
    });
  });

  it('lets an assigned inspector sign off only the permits of their department', async () => {
    const c = await caseLikeA();
    const s = open({ role: 'inspector', sessionId: c.sessionId }, staff.inspector.cookie);
    await connected(s);
    await joinCall(srv, s);
    const other = await ask(s, 'walk:sign', { permitType: 'food_business' });
    expect(!other.ok && other.error.code).toBe('forbidden');
    const own = await ask(s, 'walk:sign', { permitType: 'public_hygiene' });
    // Its points are still open: refused for that, not by the rules.
    expect(!own.ok && own.error.code).toBe('conflict');
  });

  it('checks the case as it is now: an inspector taken off the case is taken out of the call at once', async () => {
    const c = await caseLikeA();
    const s = open({ role: 'inspector', sessionId: c.sessionId }, staff.inspector.cookie);
    await connected(s);
    await joinCall(srv, s);
    const point = (await srv.server.walks.view(c.sessionId)).points.find((p) => p.applies)!;
    expect((await ask(s, 'walk:note', { key: point.key, note: '仍在案件中' })).ok).toBe(true);
    const out = next(s, 'call:ended');
    expect((await postJson(`${srv.url}/api/cases/${c.caseId}/assignees`, adminCookie, { accountId: staff.inspector.id, assigned: false })).status).toBe(200);
    expect((await out).reason).toBe('access_changed');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.connected).toBe(false);
    expect((await srv.server.walks.view(c.sessionId)).points.find((p) => p.key === point.key)!.note).toBe('仍在案件中');
  });
});

/** A well-formed DTLS fingerprint: connecting a transport only records the remote parameters. */
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, '0').toUpperCase()).join(':');
const OPUS_PARAMETERS = {
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'permissions', reducedSize: true },
};
const VP8_PARAMETERS = {
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: 'permissions', reducedSize: true },
};
