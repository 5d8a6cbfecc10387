import { ask, connect, connected, type TestSocket } from './sockets';
import { login } from './staff';
import type { RunningServer } from './testServer';

// An office set up through its own API, as people would: accounts made by the admin, cases opened
// with their team, evidence grabbed from the video, a checklist walked and closed over the socket.

export interface StaffLogin {
  id: string;
  username: string;
  /** The account's current password. */
  password: string;
  cookie: string;
}

export interface OpenedCase {
  caseId: string;
  sessionId: string;
  /** The phone's join link token of the session. */
  token: string;
  linkId: string;
}

export interface JoinedCall {
  role: string;
  caseSummary: { caseId: string };
  sendTransport: { id: string };
  recvTransport: { id: string };
  consumers: Array<{ id: string }>;
}

/** JSON over HTTP that must succeed: a failure names the request and the server's answer. */
export async function apiCall(url: string, method: string, path: string, cookie: string | undefined, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/**
 * An account made by an admin and logged in. Its first password is replaced, as its owner would at
 * first log-in, unless `keepFirstPassword` (the account then can do nothing but change it).
 */
export async function createAccount(
  url: string,
  adminCookie: string,
  spec: { username: string; roles: string[]; departments?: string[]; keepFirstPassword?: boolean },
): Promise<StaffLogin> {
  const first = `${spec.username}-first-pw`;
  const { account } = await apiCall(url, 'POST', '/api/accounts', adminCookie, { username: spec.username, displayName: spec.username, password: first, roles: spec.roles, departments: spec.departments ?? [] });
  const cookie = await login(url, spec.username, first);
  if (spec.keepFirstPassword) return { id: account.id, username: spec.username, password: first, cookie };
  const password = `${spec.username}-own-pw`;
  await apiCall(url, 'POST', '/api/me/password', cookie, { current: first, next: password });
  return { id: account.id, username: spec.username, password, cookie };
}

/** A new case with its first (scheduled) session and the phone's link, opened by `cookie`'s account. */
export async function openCase(url: string, cookie: string, spec: { businessName: string; permitTypes: readonly string[]; assignees: string[] }): Promise<OpenedCase> {
  const body = await apiCall(url, 'POST', '/api/cases', cookie, { businessName: spec.businessName, permitTypes: spec.permitTypes, address: { text: '测试地址', lat: 39.9, lon: 116.4 }, assignees: spec.assignees });
  const { links } = await apiCall(url, 'GET', `/api/sessions/${body.session.id}/links`, cookie);
  return { caseId: body.caseRecord.id, sessionId: body.session.id, token: body.joinUrl.split('/j/')[1], linkId: links[0].id };
}

/** A frame grabbed from the video by an inspector working the case: its original and stamped ids. */
export async function uploadFrame(url: string, cookie: string, sessionId: string, pointKey: string, jpeg: Buffer): Promise<{ evidenceId: string; stampedId: string; sha256: string }> {
  const res = await fetch(`${url}/api/sessions/${sessionId}/evidence/frame?point=${encodeURIComponent(pointKey)}`, { method: 'POST', headers: { cookie }, body: new Uint8Array(jpeg) });
  if (res.status !== 201) throw new Error(`frame upload: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { evidence: { id: string; sha256: string }; stamped: { id: string } };
  return { evidenceId: body.evidence.id, stampedId: body.stamped.id, sha256: body.evidence.sha256 };
}

/** Joins the call on a connected page; throws with the server's words when refused. */
export async function joinCall(srv: RunningServer, s: TestSocket): Promise<JoinedCall> {
  const r = await ask(s, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities });
  if (!r.ok) throw new Error(`call:join: ${r.error.code} ${r.error.message}`);
  return r.data as JoinedCall;
}

/** A message sender for a page in the call: throws with the server's message when refused. */
export type InCallSend = (event: string, payload: unknown) => Promise<void>;

/** Joins the session's call as an inspector with `cookie`, runs `work` with a sender, and leaves. */
export async function asInspectorInCall<T>(srv: RunningServer, cookie: string, sessionId: string, work: (send: InCallSend) => Promise<T>): Promise<T> {
  const s = connect(srv.url, { role: 'inspector', sessionId }, cookie);
  try {
    await connected(s);
    await joinCall(srv, s);
    return await work(async (event, payload) => {
      const r = await ask(s, event, payload);
      if (!r.ok) throw new Error(`${event} ${JSON.stringify(payload)}: ${r.error.message}`);
    });
  } finally {
    s.disconnect();
  }
}

/**
 * Walks a single-permit session to the end over the socket, as an assigned inspector of that
 * permit's department: every point that applies needs an on-site visit (no photo needed) except one
 * photo-free point to be rectified, so the session can have a re-inspection (复验); then sign and
 * close. The session is sealed when this returns.
 */
export async function sealSession(srv: RunningServer, cookie: string, sessionId: string): Promise<void> {
  await asInspectorInCall(srv, cookie, sessionId, async (send) => {
    const points = (await srv.server.walks.view(sessionId)).points.filter((p) => p.applies);
    const toRectify = points.find((p) => p.evidence.minPhotos === 0 && p.evidence.minVideoSeconds === 0 && p.results.includes('needs_rectification'));
    if (!toRectify) throw new Error('no point that can be rectified without a photo');
    for (const p of points) await send('walk:result', { key: p.key, result: p === toRectify ? 'needs_rectification' : 'onsite_required' });
    for (const permit of (await srv.server.walks.view(sessionId)).outcome.permits) await send('walk:sign', { permitType: permit.permitType });
    const { outcome } = (await srv.server.walks.view(sessionId)).outcome;
    await send('walk:close', { outcome, computed: outcome });
    const { session } = await srv.server.lifecycle.session(sessionId);
    if (session.state !== 'sealed') throw new Error(`session is ${session.state} after closing its checklist`);
  });
}
