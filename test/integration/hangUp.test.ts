import { ask, connect, connected, next, type TestSocket } from '../support/sockets';
import { createCase, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

describe('a shop owner who hangs up', () => {
  let srv: RunningServer;
  const sockets: TestSocket[] = [];
  // A long grace: only a hang-up said out loud may skip it.
  beforeAll(async () => {
    srv = await startTestServer({ RECONNECT_GRACE_SECONDS: '30' });
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await srv.stop();
  });

  it('is shown to the inspector as gone at once, and the session waits for the phone again', async () => {
    const cookie = await loginCookie(srv.url);
    const c = await createCase(srv.url, cookie);
    const caps = srv.server.pool.routerRtpCapabilities;
    const inspector = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, cookie);
    sockets.push(inspector);
    await connected(inspector);
    await ask(inspector, 'call:join', { rtpCapabilities: caps });
    const phone = connect(srv.url, { role: 'applicant', token: c.token });
    sockets.push(phone);
    await connected(phone);
    await ask(phone, 'call:join', { rtpCapabilities: caps });

    const presence = next(inspector, 'applicant:presence', 3000);
    const started = Date.now();
    expect((await ask(phone, 'call:leave', {})).ok).toBe(true);
    phone.disconnect();
    expect((await presence).state).toBe('absent');
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await srv.server.lifecycle.session(c.sessionId)).session.state).toBe('waiting_for_applicant');

    // The same link brings the phone back.
    const back = connect(srv.url, { role: 'applicant', token: c.token });
    sockets.push(back);
    await connected(back);
    const live = next(inspector, 'applicant:presence');
    await ask(back, 'call:join', { rtpCapabilities: caps });
    expect((await live).state).toBe('live');
  });
});
