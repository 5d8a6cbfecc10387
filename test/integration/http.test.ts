import http from 'node:http';
import { createCase, INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

describe('HTTP API and join pages', () => {
  let srv: RunningServer;
  let cookie: string;
  beforeAll(async () => {
    srv = await startTestServer();
    cookie = await loginCookie(srv.url);
  });
  afterAll(() => srv.stop());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie, ...headers }, body });

  it('refuses a wrong password with a message and no cookie', async () => {
    const res = await fetch(`${srv.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...INSPECTOR, password: 'wrong-password' }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await res.json()).error.message).toContain('密码错误');
  });

  it('requires login for the API', async () => {
    const res = await fetch(`${srv.url}/api/cases`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBeTruthy();
  });

  it('rejects bad case input field by field', async () => {
    const res = await post('/api/cases', JSON.stringify({ businessName: '', permitTypes: ['casino'], address: { text: 'x', lat: 200, lon: 0 } }));
    expect(res.status).toBe(400);
    const msg: string = (await res.json()).error.message;
    // One problem per bad field, each named by its label, never by its key.
    expect(msg).toContain('请填写经营者名称');
    expect(msg.split('；').length).toBeGreaterThanOrEqual(3);
    expect(msg).not.toMatch(/businessName|permitTypes|address\.lat/);
  });

  it('answers malformed JSON and oversize bodies with 4xx, not a crash', async () => {
    const bad = await post('/api/cases', '{"businessName": ');
    expect(bad.status).toBe(400);
    const huge = await post('/api/cases', JSON.stringify({ businessName: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(413);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
  });

  it('serves the phone page for a good link and a Chinese error page for bad ones', async () => {
    const c = await createCase(srv.url, cookie);
    const ok = await fetch(c.joinUrl);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('applicant.js');

    const forged = await fetch(`${srv.url}/j/${c.token.slice(0, -2)}xx`);
    expect(forged.status).toBe(404);
    const page = await forged.text();
    expect(page).toContain('链接无效');
    expect(page).not.toMatch(/at .*\.ts:\d+/);

    const detail = await (await fetch(`${srv.url}/api/cases/${c.caseId}`, { headers: { cookie } })).json();
    const linkId = detail.sessions[0].links[0].id;
    expect((await post(`/api/links/${linkId}/revoke`, '{}')).status).toBe(200);
    const revoked = await fetch(c.joinUrl);
    expect(revoked.status).toBe(410);
    expect(await revoked.text()).toContain('已被撤销');
    expect((await post(`/api/links/${linkId}/revoke`, '{}')).status).toBe(404);
  });

  it('renders a QR code of a join link', async () => {
    const c = await createCase(srv.url, cookie);
    const res = await fetch(`${srv.url}/api/qr?text=${encodeURIComponent(c.joinUrl)}`, { headers: { cookie } });
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
    expect((await fetch(`${srv.url}/api/qr?text=javascript:alert(1)`, { headers: { cookie } })).status).toBe(400);
  });
});

describe('expiry and restart', () => {
  it('shows the expired page once the link lifetime has passed', async () => {
    const clock = { t: Date.now(), now() { return this.t; } };
    const srv = await startTestServer({ JOIN_LINK_TTL_HOURS: '1' }, { clock });
    try {
      const c = await createCase(srv.url, await loginCookie(srv.url));
      expect((await fetch(c.joinUrl)).status).toBe(200);
      clock.t += 3600_000 + 1000;
      const res = await fetch(c.joinUrl);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('已过期');
    } finally {
      await srv.stop();
    }
  });

  it('keeps cases, links and logins across a restart of the server', async () => {
    const first = await startTestServer();
    const cookie = await loginCookie(first.url);
    const c = await createCase(first.url, cookie);
    await first.stop({ keepData: true });

    const second = await startTestServer({}, { dataDir: first.dataDir });
    try {
      const res = await fetch(`${second.url}/api/cases/${c.caseId}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect((await res.json()).caseRecord.businessName).toBe('测试餐馆');
      expect((await fetch(c.joinUrl.replace(first.url, second.url))).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});

describe('join links name this server', () => {
  it('never takes the host of a join link from an unknown Host header', async () => {
    const srv = await startTestServer();
    try {
      const cookie = await loginCookie(srv.url);
      const target = new URL(srv.url);
      const body = JSON.stringify({ businessName: '测试餐馆', permitTypes: ['food_business'], address: { text: '测试地址', lat: 39.9, lon: 116.4 } });
      // fetch() will not send a Host of our choosing; a raw request does, as a rebinding attacker's page would.
      const post = (host: string) =>
        new Promise<{ status: number; json: { joinUrl: string } }>((resolve, reject) => {
          const req = http.request(
            { host: target.hostname, port: target.port, path: '/api/cases', method: 'POST', headers: { 'Content-Type': 'application/json', cookie, Host: host } },
            (res) => {
              let data = '';
              res.on('data', (d: Buffer) => (data += d.toString()));
              res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(data) }));
            },
          );
          req.once('error', reject);
          req.end(body);
        });
      const evil = await post(`evil.example:${target.port}`);
      expect(evil.status).toBe(201);
      expect(new URL(evil.json.joinUrl).hostname).not.toBe('evil.example');
      // The address it is reached on is kept.
      const ok = await post(target.host);
      expect(new URL(ok.json.joinUrl).origin).toBe(srv.url);
    } finally {
      await srv.stop();
    }
  });
});
