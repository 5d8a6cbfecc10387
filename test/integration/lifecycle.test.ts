import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../server/platform/logger';
import { RedisProcess } from '../../server/platform/RedisProcess';
import { createCase, loginCookie, startTestServer } from '../support/testServer';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('server lifecycle', () => {
  it('leaves no media worker and no private redis-server behind when closed', async () => {
    const srv = await startTestServer({ MEDIA_WORKERS: '2' });
    const workerPids = srv.server.pool.liveWorkers.map((w) => w.worker.pid);
    const socket = path.join(srv.dataDir, 'redis', 'redis.sock');
    expect(workerPids).toHaveLength(2);
    expect(fs.existsSync(socket)).toBe(true);
    await srv.stop({ keepData: true });
    expect(await eventually(() => workerPids.every((p) => !alive(p)))).toBe(true);
    expect(await eventually(() => !fs.existsSync(socket))).toBe(true);
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  });

  it('uses the Redis named by REDIS_URL instead of starting its own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-ext-redis-'));
    const external = await RedisProcess.start(dir, createLogger('silent'));
    const srv = await startTestServer({ REDIS_URL: external.socketPath });
    try {
      expect(fs.existsSync(path.join(srv.dataDir, 'redis'))).toBe(false);
      // Log-in and link counters land in the external Redis.
      const cookie = await loginCookie(srv.url);
      const c = await createCase(srv.url, cookie);
      expect((await fetch(c.joinUrl)).status).toBe(200);
      const { connectRedis } = await import('../../server/platform/redis');
      const direct = connectRedis({ socketPath: external.socketPath });
      try {
        expect((await direct.keys('rl:link:*')).length).toBeGreaterThan(0);
        expect((await direct.dbsize())).toBeGreaterThan(1);
      } finally {
        direct.disconnect();
      }
    } finally {
      await srv.stop();
      await external.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps what Redis accepted across a restart of its private redis-server (AOF)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-aof-'));
    const log = createLogger('silent');
    let proc = await RedisProcess.start(dir, log);
    const { connectRedis } = await import('../../server/platform/redis');
    let client = connectRedis({ socketPath: proc.socketPath });
    await client.set('kanyan:probe', 'kept');
    client.disconnect();
    await proc.stop();
    proc = await RedisProcess.start(dir, log);
    client = connectRedis({ socketPath: proc.socketPath });
    expect(await client.get('kanyan:probe')).toBe('kept');
    client.disconnect();
    await proc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
