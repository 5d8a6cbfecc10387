import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KanyanServer } from '../../server/KanyanServer';
import type { Clock } from '../../server/platform/clock';
import { loadConfig, type Config } from '../../server/platform/config';
import { createLogger, type Logger } from '../../server/platform/logger';

export const INSPECTOR = { username: 'inspector', password: 'test-password-123' };

export interface RunningServer {
  server: KanyanServer;
  url: string;
  dataDir: string;
  config: Config;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts the real server in-process, exactly as `npm start` builds it (private redis-server,
 * SQLite, mediasoup workers), on loopback with port 0 and a fresh data dir.
 */
export async function startTestServer(env: Record<string, string> = {}, opts: { clock?: Clock; dataDir?: string; logger?: (level: string) => Logger } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-test-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    TLS: 'off',
    RTC_PORT: '0',
    RTC_LISTEN_IP: '127.0.0.1',
    MEDIA_WORKERS: '1',
    DATA_DIR: dataDir,
    RECORDINGS_DIR: path.join(dataDir, 'recordings'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    INSPECTOR_USER: INSPECTOR.username,
    INSPECTOR_PASSWORD: INSPECTOR.password,
    SEED_DEMO: 'false',
    // Chromium's fake camera shows one test pattern whose frames often come within 10 bits of each other:
    // near-identical detection would flag photos of different points at random. Tests of reused photos
    // set PHOTO_REUSE_NEAR_BITS themselves; identical bytes are flagged in every test.
    PHOTO_REUSE_NEAR_BITS: '0',
    ...env,
  });
  const server = await KanyanServer.start(config, (opts.logger ?? createLogger)(config.logLevel), { clock: opts.clock });
  return {
    server,
    url: server.url,
    dataDir,
    config,
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in over HTTP and returns the cookie header value. */
export async function loginCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(INSPECTOR),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no cookie');
  return cookie.split(';')[0]!;
}

export interface CreatedCase {
  caseId: string;
  sessionId: string;
  joinUrl: string;
  token: string;
}

export async function createCase(url: string, cookie: string, address = { text: '测试地址', lat: 39.9, lon: 116.4 }): Promise<CreatedCase> {
  const res = await fetch(`${url}/api/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', cookie },
    body: JSON.stringify({ businessName: '测试餐馆', permitTypes: ['food_business'], address }),
  });
  if (res.status !== 201) throw new Error(`create case failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { caseRecord: { id: string }; session: { id: string }; joinUrl: string };
  return { caseId: body.caseRecord.id, sessionId: body.session.id, joinUrl: body.joinUrl, token: body.joinUrl.split('/j/')[1]! };
}

/** What the inspector's "请申请人拍照" does on the server: the ticket a camera photo must carry. */
export async function captureTicket(srv: RunningServer, sessionId: string, pointKey: string): Promise<string> {
  return (await srv.server.captures.issue(sessionId, pointKey, INSPECTOR.username)).id;
}
