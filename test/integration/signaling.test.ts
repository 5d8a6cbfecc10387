import { ask, connect, connected, connectError, next, type TestSocket } from '../support/sockets';
import { createStaff, postJson } from '../support/staff';
import { createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

describe('signaling', () => {
  let srv: RunningServer;
  let cookie: string;
  let c: CreatedCase;
  const sockets: TestSocket[] = [];
  const open = (auth: Record<string, string>, withCookie = false) => {
    const s = connect(srv.url, auth, withCookie ? cookie : undefined);
    sockets.push(s);
    return s;
  };
  const caps = () => srv.server.pool.routerRtpCapabilities;

  beforeAll(async () => {
    srv = await startTestServer({ RECONNECT_GRACE_SECONDS: '1' });
    cookie = await loginCookie(srv.url);
  });
  beforeEach(async () => {
    c = await createCase(srv.url, cookie);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv.stop());

  it('refuses a forged token and an inspector without login, with messages', async () => {
    const err = await connectError(open({ role: 'applicant', token: `${c.token}x` }));
    expect(err.data?.message).toContain('链接无效');
    const insp = await connectError(open({ role: 'inspector', sessionId: c.sessionId }));
    expect(insp.data?.message).toContain('登录');
    const junk = await connectError(open({ role: 'admin' } as unknown as Record<string, string>));
    expect(junk.data?.code).toBe('invalid');
  });

  it('answers malformed messages with an error event and keeps serving', async () => {
    const s = open({ role: 'applicant', token: c.token });
    await connected(s);
    const errors: Array<{ code: string; event?: string }> = [];
    s.on('protocol:error', (e) => errors.push(e));

    const r1 = await ask(s, 'call:join', { rtpCapabilities: 'nope' });
    expect(r1.ok).toBe(false);
    const r2 = await ask(s, 'transport:connect', { transportId: 42 });
    expect(r2.ok).toBe(false);
    const r3 = await ask(s, 'position', { lat: 999, lon: 0, accuracy: 5, fixTime: 1 });
    expect(r3.ok).toBe(false);
    s.emit('no:such:event' as 'position', {}, () => undefined);
    (s.emit as (e: string, ...a: unknown[]) => void)('position', 'just a string');
    const r4 = await ask(s, 'transport:produce', { transportId: 'x', kind: 'video', rtpParameters: { codecs: [{}] }, source: 'camera' });
    expect(r4.ok).toBe(false); // well-formed but not in a call yet
    if (!r4.ok) expect(r4.error.message).toContain('请先加入通话');

    await new Promise((r) => setTimeout(r, 200));
    expect(errors.map((e) => e.event)).toEqual(expect.arrayContaining(['call:join', 'transport:connect', 'position', 'no:such:event']));

    // After all that, a proper join still works on the same socket.
    const ok = await ask(s, 'call:join', { rtpCapabilities: caps() });
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.data.sendTransport.id).toBeTruthy();
      expect(ok.data.caseSummary.businessName).toBe('测试餐馆');
    }
    // Garbage mediasoup parameters are a client error, not a server crash.
    const bad = await ask(s, 'transport:produce', {
      transportId: ok.ok ? ok.data.sendTransport.id : '',
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/NOPE' }] },
      source: 'camera',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid');
  });

  it('lets the newest phone on a link take over and tells the older one why', async () => {
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    expect((await ask(inspector, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);

    const first = open({ role: 'applicant', token: c.token });
    await connected(first);
    expect((await ask(first, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);

    const ended = next(first, 'call:ended');
    const second = open({ role: 'applicant', token: c.token });
    await connected(second);
    expect((await ask(second, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
    const msg = await ended;
    expect(msg.reason).toBe('replaced');
    expect(msg.message).toContain('另一台设备');
    // The second phone is the one in the call: its position reaches the inspector.
    const pos = next(inspector, 'position');
    expect((await ask(second, 'position', { lat: 39.901, lon: 116.4, accuracy: 8, fixTime: Date.now() })).ok).toBe(true);
    expect((await pos).distanceM).toBeGreaterThan(100);
  });

  it('reports reconnecting then absent when the phone drops, and live when it returns', async () => {
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps() });
    const phone = open({ role: 'applicant', token: c.token });
    await connected(phone);
    await ask(phone, 'call:join', { rtpCapabilities: caps() });

    const reconnecting = next(inspector, 'applicant:presence');
    phone.disconnect();
    expect((await reconnecting).state).toBe('reconnecting');
    expect((await next(inspector, 'applicant:presence', 3000)).state).toBe('absent');

    const back = open({ role: 'applicant', token: c.token });
    await connected(back);
    const live = next(inspector, 'applicant:presence');
    await ask(back, 'call:join', { rtpCapabilities: caps() });
    expect((await live).state).toBe('live');
  });

  it('only lets the inspector end the call; with the checklist open that interrupts the inspection until resumed', async () => {
    const phone = open({ role: 'applicant', token: c.token });
    await connected(phone);
    await ask(phone, 'call:join', { rtpCapabilities: caps() });
    const denied = await ask(phone, 'call:end', {});
    expect(denied.ok).toBe(false);
    if (!denied.ok) expect(denied.error.code).toBe('forbidden');

    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps() });
    const ended = next(phone, 'call:ended');
    expect((await ask(inspector, 'call:end', {})).ok).toBe(true);
    expect((await ended).reason).toBe('interrupted');
    const after = await connectError(open({ role: 'applicant', token: c.token }));
    expect(after.data?.reason).toBe('session_interrupted');
    expect(after.data?.message).toContain('暂停');

    // Resumed: the same link works again, on the same walk.
    const resumed = await fetch(`${srv.url}/api/sessions/${c.sessionId}/resume`, { method: 'POST', headers: { cookie } });
    expect(resumed.status).toBe(200);
    expect((await resumed.json()).session.state).toBe('scheduled');
    const again = open({ role: 'applicant', token: c.token });
    await connected(again);
    expect((await ask(again, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
  });

  it('takes a phone out of the call when its link is revoked', async () => {
    const phone = open({ role: 'applicant', token: c.token });
    await connected(phone);
    await ask(phone, 'call:join', { rtpCapabilities: caps() });
    const detail = await (await fetch(`${srv.url}/api/cases/${c.caseId}`, { headers: { cookie } })).json();
    const ended = next(phone, 'call:ended');
    const res = await fetch(`${srv.url}/api/links/${detail.sessions[0].links[0].id}/revoke`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    expect((await ended).reason).toBe('revoked');
    const again = await connectError(open({ role: 'applicant', token: c.token }));
    expect(again.data?.message).toContain('撤销');
  });

  it('ends live calls with a message when the media worker dies, then serves new joins', async () => {
    const phone = open({ role: 'applicant', token: c.token });
    await connected(phone);
    await ask(phone, 'call:join', { rtpCapabilities: caps() });
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps() });

    const [worker] = srv.server.pool.liveWorkers;
    const restarted = new Promise<number>((r) => srv.server.pool.observer.once('workerRestarted', (_i, pid) => r(pid)));
    const phoneEnded = next(phone, 'call:ended');
    const inspectorEnded = next(inspector, 'call:ended');
    process.kill(worker!.worker.pid, 'SIGKILL');
    const [a, b] = await Promise.all([phoneEnded, inspectorEnded]);
    expect(a.reason).toBe('media_failure');
    expect(b.message).toContain('重新连接');
    const newPid = await restarted;
    expect(newPid).not.toBe(worker!.worker.pid);

    const again = open({ role: 'applicant', token: c.token });
    await connected(again);
    const r = await ask(again, 'call:join', { rtpCapabilities: caps() });
    expect(r.ok).toBe(true);
  });

  it('leaves no participant and no transports when a page drops between its join and the answer', async () => {
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    expect((await ask(inspector, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
    const call = srv.server.calls.get(c.sessionId)!;
    expect(await call.transportCount()).toBe(2);
    const seen: string[] = [];
    inspector.on('applicant:presence', (p) => void seen.push(p.state));
    // Cut at different points of the join: before, during and after the transports are made.
    // Checked after each cut: a later phone would otherwise replace (and so hide) an earlier ghost.
    for (const delayMs of [0, 1, 2, 3, 5, 8]) {
      const phone = open({ role: 'applicant', token: c.token });
      await connected(phone);
      phone.emit('call:join', { rtpCapabilities: caps() }, () => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      phone.disconnect();
      await new Promise((r) => setTimeout(r, 150));
      expect({ delayMs, transports: await call.transportCount(), applicant: call.presence.applicant === 'live' }).toEqual({ delayMs, transports: 2, applicant: false });
    }
    // Any "live" the console saw was followed by "reconnecting": never a ghost left live.
    if (seen.length) expect(seen.at(-1)).not.toBe('live');
  });

  it('tells the phone the truth about who is in the call', async () => {
    const phone = open({ role: 'applicant', token: c.token });
    await connected(phone);
    const joined = await ask(phone, 'call:join', { rtpCapabilities: caps() });
    expect(joined.ok && joined.data.presence).toEqual({ applicant: 'live', inspectors: 0, observers: 0 });
    expect(joined.ok && joined.data.sessionState).toBe('scheduled');

    const inspectorIn = next(phone, 'presence');
    const stateLive = next(phone, 'session:state');
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps() });
    expect((await inspectorIn).inspectors).toBe(1);
    expect(await stateLive).toMatchObject({ from: 'scheduled', state: 'live' });

    const inspectorOut = next(phone, 'presence');
    inspector.disconnect();
    expect(await inspectorOut).toMatchObject({ applicant: 'live', inspectors: 0 });
  });

  it('lets only the permit department sign off, shows a withdrawal to everyone, and signs out a disabled account at once', async () => {
    const hygiene = await createStaff(srv.url, cookie, { username: `hyg${Date.now() % 100000}`, roles: ['inspector'], departments: ['public_hygiene'] });
    const combined = await (await postJson(`${srv.url}/api/cases`, cookie, { businessName: '联合检查店', permitTypes: ['food_business', 'public_hygiene'], address: { text: '测试地址', lat: 39.9, lon: 116.4 }, assignees: [hygiene.id] })).json();
    const sessionId: string = combined.session.id;
    const food = open({ role: 'inspector', sessionId }, true); // the seeded admin: all departments
    const hyg = connect(srv.url, { role: 'inspector', sessionId }, hygiene.cookie);
    sockets.push(hyg);
    await Promise.all([connected(food), connected(hyg)]);
    expect((await ask(food, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
    expect((await ask(hyg, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);

    // Wrong department: refused by the rules, whatever the checklist says.
    const wrong = await ask(hyg, 'walk:sign', { permitType: 'food_business' });
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'forbidden', message: '只有该许可主管部门的审批人员可以签字确认' });
    // Right department, but its points are still open.
    const early = await ask(hyg, 'walk:sign', { permitType: 'public_hygiene' });
    expect(!early.ok && early.error.message).toMatch(/^签字确认前/);

    const walk = srv.server.walks;
    const view = await walk.view(sessionId);
    const hygienePoints = view.points.filter((p) => p.applies && p.sources.some((src) => src.permitType === 'public_hygiene'));
    for (const p of hygienePoints) {
      const r = await ask(hyg, 'walk:result', { key: p.key, result: p.results.includes('not_applicable') ? 'not_applicable' : 'onsite_required' });
      expect(r.ok).toBe(true);
    }
    const signed = await ask(hyg, 'walk:sign', { permitType: 'public_hygiene' });
    expect(signed.ok).toBe(true);
    const permit = (await walk.view(sessionId)).outcome.permits.find((p) => p.permitType === 'public_hygiene')!;
    expect(permit.signedBy).toBe(hygiene.username);

    // A later change of a result on that permit withdraws the sign-off, and both consoles see it.
    const seenByFood = next(food, 'walk:state');
    const changed = hygienePoints[0]!;
    const answered = changed.results.includes('not_applicable') ? 'not_applicable' : 'onsite_required';
    const other = changed.results.find((r) => r !== answered)!;
    expect((await ask(food, 'walk:result', { key: changed.key, result: other, note: '再看看' })).ok).toBe(true);
    const after = (await seenByFood).outcome.permits.find((p) => p.permitType === 'public_hygiene')!;
    expect(after.signedBy).toBeUndefined();
    expect(after.withdrawn).toMatchObject({ by: hygiene.username, withdrawnBy: 'inspector', pointKey: changed.key });
    // The combined walk cannot close while a department has not signed.
    expect((await walk.view(sessionId)).blockers.some((b) => b.includes('尚未由主管部门签字确认'))).toBe(true);

    // Disabling the hygiene inspector ends their console's connection at once.
    const out = next(hyg, 'call:ended');
    expect((await postJson(`${srv.url}/api/accounts/${hygiene.id}/disable`, cookie)).status).toBe(200);
    expect((await out).reason).toBe('logged_out');
    expect((await fetch(`${srv.url}/api/me`, { headers: { cookie: hygiene.cookie } })).status).toBe(401);
  });

  it('hangs up the pages of a login when it logs out, and only those', async () => {
    const other = await loginCookie(srv.url);
    const leaving = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, other);
    const staying = open({ role: 'inspector', sessionId: c.sessionId }, true);
    sockets.push(leaving);
    await Promise.all([connected(leaving), connected(staying)]);
    expect((await ask(leaving, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
    const out = next(leaving, 'call:ended');
    expect((await postJson(`${srv.url}/api/logout`, other)).status).toBe(200);
    expect((await out).reason).toBe('logged_out');
    await new Promise((r) => setTimeout(r, 100));
    expect({ leaving: leaving.connected, staying: staying.connected }).toEqual({ leaving: false, staying: true });
  });

  it('never leaves a phone shown live when the phone replacing it drops during its join', async () => {
    const inspector = open({ role: 'inspector', sessionId: c.sessionId }, true);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps() });
    const call = srv.server.calls.get(c.sessionId)!;
    let replacements = 0;
    for (const delayMs of [0, 1, 2, 3, 5, 8, 12]) {
      const first = open({ role: 'applicant', token: c.token });
      await connected(first);
      expect((await ask(first, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
      let replaced = false;
      first.once('call:ended', () => (replaced = true));
      const second = open({ role: 'applicant', token: c.token });
      await connected(second);
      second.emit('call:join', { rtpCapabilities: caps() }, () => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      second.disconnect();
      await new Promise((r) => setTimeout(r, 200));
      if (replaced) replacements++;
      // Live exactly when the first phone is still the one in the call; never a ghost.
      expect({ delayMs, live: call.presence.applicant === 'live', transports: await call.transportCount() }).toEqual({ delayMs, live: !replaced, transports: replaced ? 2 : 4 });
      first.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(replacements).toBeGreaterThan(0);
  });

  it('takes a console out of the call when its access changes: department removed, or taken off the case', async () => {
    const member = await createStaff(srv.url, cookie, { username: `acc${Date.now() % 100000}`, roles: ['inspector'], departments: ['food_business'] });
    expect((await postJson(`${srv.url}/api/cases/${c.caseId}/assignees`, cookie, { accountId: member.id, assigned: true })).status).toBe(200);
    const enter = async () => {
      const s = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, member.cookie);
      sockets.push(s);
      await connected(s);
      expect((await ask(s, 'call:join', { rtpCapabilities: caps() })).ok).toBe(true);
      return s;
    };
    let page = await enter();
    let out = next(page, 'call:ended');
    expect((await postJson(`${srv.url}/api/accounts/${member.id}`, cookie, { departments: [] })).status).toBe(200);
    expect((await out).reason).toBe('access_changed');

    page = await enter();
    out = next(page, 'call:ended');
    expect((await postJson(`${srv.url}/api/cases/${c.caseId}/assignees`, cookie, { accountId: member.id, assigned: false })).status).toBe(200);
    expect((await out).reason).toBe('access_changed');
    // And it cannot come back in.
    const again = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, member.cookie);
    sockets.push(again);
    expect((await connectError(again)).data?.code).toBe('forbidden');
  });
});
