import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../server/platform/logger';
import { RedisProcess } from '../../server/platform/RedisProcess';
import { ask, connect, connected, type TestSocket } from '../support/sockets';
import { testJpeg } from '../support/images';
import { captureTicket, createCase, INSPECTOR, loginCookie, startTestServer } from '../support/testServer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function statusOf(url: string, init?: RequestInit): Promise<number> {
  return (await fetch(url, init)).status;
}

const login = (url: string) =>
  statusOf(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(INSPECTOR) });

describe('faults', () => {
  const sockets: TestSocket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  it('restarts its private redis-server killed mid-call: no 500 meanwhile, back within 5 s, the call goes on', async () => {
    const srv = await startTestServer();
    try {
      const cookie = await loginCookie(srv.url);
      const c = await createCase(srv.url, cookie);
      const phone = connect(srv.url, { role: 'applicant', token: c.token });
      sockets.push(phone);
      await connected(phone);
      expect((await ask(phone, 'call:join', { rtpCapabilities: srv.server.pool.routerRtpCapabilities })).ok).toBe(true);

      const redis = srv.server.redisProcess!;
      const oldPid = redis.pid!;
      // A photo is on its way when Redis dies: it is taken in, or refused with 503 and retried, never lost or doubled.
      const point = (await srv.server.walks.view(c.sessionId)).points[0]!.key;
      const capture = await captureTicket(srv, c.sessionId, point);
      const requestId = `redis-kill-${Date.now()}`;
      const photo = await testJpeg(1600, 1200);
      const upload = () =>
        fetch(`${srv.url}/j/${c.token}/photos?${new URLSearchParams({ point, requestId, capture, lat: '39.9', lon: '116.4', accuracy: '5', fixTime: String(Date.now()) })}`, { method: 'POST', body: new Uint8Array(photo) });
      const inFlight = upload();
      process.kill(oldPid, 'SIGKILL');
      const killedAt = Date.now();
      const seen = new Set<number>();
      let backAfterMs: number | undefined;
      while (Date.now() - killedAt < 5000) {
        const [page, signIn] = await Promise.all([statusOf(c.joinUrl), login(srv.url)]);
        seen.add(page).add(signIn);
        if (page === 200 && signIn === 200) {
          backAfterMs = Date.now() - killedAt;
          break;
        }
        await sleep(50);
      }
      console.log(`redis-server killed: phone link and log-in answered again after ${backAfterMs} ms; statuses seen: ${[...seen].join(', ')}`);
      expect(backAfterMs).toBeDefined();
      expect([...seen].filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(redis.pid).not.toBe(oldPid);
      expect(redis.restarts).toBe(1);
      const health = await (await fetch(`${srv.url}/healthz`)).json();
      expect(health).toMatchObject({ ok: true, checks: { redis: { ok: true, detail: { restarts: 1 } }, store: { ok: true }, media: { ok: true } } });
      const first = (await inFlight).status;
      expect([200, 201, 503]).toContain(first);
      let status = first;
      for (let i = 0; i < 20 && status === 503; i++) status = (await upload()).status;
      expect([200, 201]).toContain(status);
      const items = (await srv.server.store.evidence.listBySession(c.sessionId)).filter((e) => e.requestId === requestId);
      expect(items).toHaveLength(1);
      // The call never depended on Redis: the phone is still in it.
      expect((await ask(phone, 'position', { lat: 39.9, lon: 116.4, accuracy: 5, fixTime: Date.now() })).ok).toBe(true);
    } finally {
      await srv.stop();
    }
  });

  it('says 503 with advice, never 500, while an external Redis is down, and /healthz and /readyz say so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-ext-redis-'));
    let external = await RedisProcess.start(dir, createLogger('silent'));
    const srv = await startTestServer({ REDIS_URL: external.socketPath });
    try {
      const cookie = await loginCookie(srv.url);
      const c = await createCase(srv.url, cookie);
      await external.stop();

      const page = await fetch(c.joinUrl);
      expect(page.status).toBe(503);
      const signIn = await fetch(`${srv.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(INSPECTOR) });
      expect(signIn.status).toBe(503);
      expect((await signIn.json()).error).toMatchObject({ code: 'unavailable', reason: 'dependency_down' });
      const health = await fetch(`${srv.url}/healthz`);
      expect(health.status).toBe(503);
      expect((await health.json()).checks.redis.ok).toBe(false);
      const ready = await fetch(`${srv.url}/readyz`);
      expect({ status: ready.status, text: await ready.text() }).toEqual({ status: 503, text: 'not ready: redis' });

      external = await RedisProcess.start(dir, createLogger('silent'));
      let back = false;
      for (let i = 0; i < 100 && !back; i++) {
        back = (await statusOf(`${srv.url}/readyz`)) === 200;
        if (!back) await sleep(50);
      }
      expect(back).toBe(true);
      expect(await statusOf(c.joinUrl)).toBe(200);
      expect(await login(srv.url)).toBe(200);
    } finally {
      await srv.stop();
      await external.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
