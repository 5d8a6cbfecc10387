import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import type { RecordingSegment } from '../../server/recording/RecordingSegment';
import { bothLive, launchChromium, phoneContext } from '../support/browser';
import { openCaseInConsole } from '../support/inspectionPages';
import { mediaSpan } from '../support/probe';
import { freePort, startServerProcess } from '../support/serverProcess';
import { INSPECTOR, startTestServer, type RunningServer } from '../support/testServer';

jest.setTimeout(240_000);

const ADDRESS = { text: '北京市东城区测试胡同1号', lat: 39.92893, lon: 116.41642 };
const AT_SHOP = { latitude: 39.92893, longitude: 116.41642, accuracy: 10 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * What a reviewer loses between two phone segments: from the last video actually in the earlier
 * file to the first key frame of the next (server ms).
 */
async function lossBetween(recordingsDir: string, prev: RecordingSegment, next: RecordingSegment): Promise<number> {
  const span = await mediaSpan(path.join(recordingsDir, prev.file));
  const lastVideo = prev.firstMediaAt! + Math.round((span.video?.[1] ?? 0) * 1000);
  return next.firstMediaAt! - lastVideo;
}

/** A live process, not a zombie (the orphan's new parent may never reap it). */
function running(pid: number): boolean {
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat !== '' && !/^\S+ \(.*\) [ZX]/.test(stat);
}

async function joinPhone(browser: Browser, url: string, joinUrl: string): Promise<Page> {
  const ctx = await phoneContext(browser, url, AT_SHOP);
  const phone = await ctx.newPage();
  await phone.goto(joinUrl);
  return phone;
}

describe('recording survives faults', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a killed recorder is restarted at once and a reloaded phone starts a new segment: each gap under 3 s, logged with its cause', async () => {
    const srv: RunningServer = await startTestServer();
    try {
      const c = await openCaseInConsole(srv, browser, '录像故障测试店', ADDRESS);
      const phone = await joinPhone(browser, srv.url, c.joinUrl);
      await bothLive(phone, c.inspector);
      const phoneSegments = async () => (await srv.server.store.segments.listBySession(c.sessionId)).filter((s) => s.track === 'phone');
      const first = await until(async () => (await phoneSegments()).find((s) => s.firstMediaAt), 'the first phone segment');
      await sleep(5000);

      // ffmpeg killed: the segment ends as 'recorder_died' and the next starts within 2 s.
      const killedAt = Date.now();
      process.kill(first.recorderPid!, 'SIGKILL');
      const restarted = await until(async () => (await phoneSegments()).find((s) => s.startCause === 'recorder_restarted' && s.firstMediaAt), 'a restarted recorder');
      const restartMs = restarted.firstMediaAt! - killedAt;
      await sleep(5000);

      // The phone page reloaded: its producers go, new ones come, a new segment follows.
      const reloadAt = Date.now();
      await phone.reload();
      const loadedAt = Date.now();
      await bothLive(phone, c.inspector);
      const reconnected = await until(async () => (await phoneSegments()).find((s) => s.seq > restarted.seq && s.firstMediaAt), 'a segment after the reload');
      await sleep(4000);
      await srv.server.lifecycle.endCall(c.sessionId, INSPECTOR.username);
      const segments = await until(async () => {
        const all = await phoneSegments();
        return all.every((s) => s.state !== 'recording') ? all : undefined;
      }, 'every segment closed');

      const died = segments.find((s) => s.id === first.id)!;
      expect(died.endCause).toBe('recorder_died');
      const beforeReload = segments.find((s) => s.id === restarted.id)!;
      expect(beforeReload.endCause).toBe('phone_left');
      expect(reconnected.startCause).toBe('phone_reconnected');
      expect(segments.at(-1)!.endCause).toBe('call_ended');
      const killLoss = await lossBetween(srv.config.recordingsDir, died, restarted);
      const reloadLoss = await lossBetween(srv.config.recordingsDir, beforeReload, reconnected);
      const detail = (a: RecordingSegment, b: RecordingSegment) => `prev ended +${a.endedAt! - a.firstMediaAt!} ms, next started +${b.startedAt - a.firstMediaAt!}, first media +${b.firstMediaAt! - a.firstMediaAt!}`;
      console.log(`kill: ${detail(died, restarted)}; reload: ${detail(beforeReload, reconnected)}; reload asked +${reloadAt - beforeReload.firstMediaAt!}, loaded +${loadedAt - beforeReload.firstMediaAt!}; new producer segment started +${reconnected.startedAt - beforeReload.firstMediaAt!}`);
      console.log(`recorder killed: next key frame on file ${restartMs} ms after the kill, media lost ${killLoss} ms; phone reloaded: media lost ${reloadLoss} ms`);
      expect(restartMs).toBeLessThan(2000);
      expect(killLoss).toBeLessThan(3000);
      expect(reloadLoss).toBeLessThan(3000);
      // The manifest beside the files names every segment and both gaps with their causes.
      const manifest = JSON.parse(fs.readFileSync(path.join(srv.config.recordingsDir, died.caseId, c.sessionId, 'manifest.json'), 'utf8'));
      expect(manifest.gaps.filter((g: { track: string }) => g.track === 'phone').map((g: { cause: string }) => g.cause)).toEqual(['recorder_died', 'phone_left']);
      await c.close();
    } finally {
      await srv.stop();
    }
  });

  it('a server killed with kill -9 mid-call loses at most 2 s of the recording; the next start recovers the segment', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-rec-kill-'));
    const recordingsDir = path.join(dataDir, 'recordings');
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, RECORDINGS_DIR: recordingsDir, INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, RECONNECT_GRACE_SECONDS: '30' };
    const url = `http://127.0.0.1:${port}`;
    let server = await startServerProcess(env);
    try {
      const c = await openCaseInConsole({ url } as RunningServer, browser, '断电录像测试店', ADDRESS);
      const phone = await joinPhone(browser, url, c.joinUrl);
      await bothLive(phone, c.inspector);
      await sleep(8000);
      const killedAt = Date.now();
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      const orphan = (new Database(path.join(dataDir, 'kanyan.db'), { readonly: true }).prepare("SELECT recorder_pid AS pid FROM recording_segments WHERE track = 'phone'").get() as { pid: number }).pid;
      // ffmpeg outlives a server killed with SIGKILL: the next start must stop it before recovering its file.
      expect(running(orphan)).toBe(true);
      server = await startServerProcess(env);
      expect(running(orphan)).toBe(false);
      // Both pages rejoin on their own.
      await bothLive(phone, c.inspector);
      await sleep(4000);
      const stopped = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await stopped;

      const db = new Database(path.join(dataDir, 'kanyan.db'), { readonly: true });
      const rows = db.prepare("SELECT * FROM recording_segments WHERE session_id = ? AND track = 'phone' ORDER BY seq").all(c.sessionId) as Array<Record<string, unknown>>;
      db.close();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const killed = rows[0]!;
      expect(killed.end_cause).toBe('server_killed');
      expect(killed.state).not.toBe('recording');
      const span = await mediaSpan(path.join(recordingsDir, String(killed.file)));
      const lost = killedAt - (Number(killed.first_media_at) + Math.round((span.video?.[1] ?? 0) * 1000));
      console.log(`kill -9 mid-call: the recovered segment holds ${(span.video?.[1] ?? 0).toFixed(2)} s of video and ends ${lost} ms before the kill`);
      expect(lost).toBeLessThan(2000);
      expect(rows.at(-1)!.end_cause).toBe('server_shutdown');
      await c.close();
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
      // The killed server's own children (its private redis-server) outlive it: stop them with the data dir.
      spawnSync('pkill', ['-f', dataDir]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
