// PRIVATE A/B join bench (deleted before the report): two servers, A serving DIST_A, B serving client/dist; joins alternate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { desktopContext, launchChromium, phoneContext } from '../test/support/browser';
import { createCase, loginCookie, INSPECTOR } from '../test/support/testServer';

const JOINS = Number(process.env.JOINS ?? 12);
const RATE = Number(process.env.CPU_RATE ?? 4);
const pct = (v: number[], p: number) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!; };

interface Side { label: string; server: KanyanServer; inspector: Page; joinUrl: string; totals: number[]; marks: Record<string, number>[]; dir: string }

async function side(label: string, browser: Browser, clientDir: string | undefined): Promise<Side> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-'));
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'error', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false', RECORDING: process.env.RECORDING ?? 'true' });
  const server = await KanyanServer.start(config, createLogger(config.logLevel), clientDir ? { clientDir } : {});
  const cookie = await loginCookie(server.url);
  const c = await createCase(server.url, cookie, { text: 'bench', lat: 39.9, lon: 116.4 });
  const ictx = await desktopContext(browser, server.url);
  const [name, value] = cookie.split('=');
  await ictx.addCookies([{ name: name!, value: value!, url: server.url }]);
  const inspector = await ictx.newPage();
  await inspector.goto(`/inspector#/session/${c.sessionId}`);
  await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: unknown }).__kanyanCall !== undefined);
  return { label, server, inspector, joinUrl: c.joinUrl, totals: [], marks: [], dir };
}

async function join(browser: Browser, s: Side, record: boolean): Promise<void> {
  const ctx = await phoneContext(browser, s.server.url, { latitude: 39.9, longitude: 116.4, accuracy: 10 });
  const phone = await ctx.newPage();
  if (RATE > 1) await (await ctx.newCDPSession(phone)).send('Emulation.setCPUThrottlingRate', { rate: RATE });
  const n = await s.inspector.evaluate(() => (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames.length);
  const t0 = Date.now();
  await phone.goto(s.joinUrl);
  const frameAt = await s.inspector.waitForFunction((k) => { const f = (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames; return f.length > k ? f[f.length - 1] : false; }, n, { timeout: 20000, polling: 'raf' }).then((h) => h.jsonValue() as Promise<number>);
  const m = await phone.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { o: performance.timeOrigin, m: { ...(window as unknown as { __kanyan: { marks: Record<string, number> } }).__kanyan.marks, domInteractive: nav.domInteractive } };
  });
  await ctx.close();
  await s.inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence !== 'live', undefined, { timeout: 10_000 });
  if (!record) return;
  const rel: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.m)) rel[k] = Math.round(m.o + v - t0);
  s.totals.push(frameAt - t0);
  s.marks.push(rel);
  console.log(`${s.label}: ${(frameAt - t0).toFixed(0)} ms ${process.env.VERBOSE ? JSON.stringify(rel) : ''}`);
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const a = await side('A', browser, process.env.DIST_A ?? '/tmp/dist-before');
  const b = await side('B', browser, process.env.DIST_B);
  try {
    for (let i = 0; i < JOINS + 1; i++) {
      const order = i % 2 ? [a, b] : [b, a];
      for (const s of order) await join(browser, s, i > 0);
    }
    for (const s of [a, b]) {
      const keys = [...new Set(s.marks.flatMap((m) => Object.keys(m)))];
      const med = keys.map((k) => [k, pct(s.marks.map((m) => m[k]!).filter(Number.isFinite), 50)] as const).sort((x, y) => x[1] - y[1]);
      console.log(`${s.label} (${s.label === 'A' ? process.env.DIST_A ?? '/tmp/dist-before' : process.env.DIST_B ?? 'client/dist'}) cpu x${RATE}: p50 ${pct(s.totals, 50).toFixed(0)} p95 ${pct(s.totals, 95).toFixed(0)} n=${s.totals.length} | ${med.map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
  } finally {
    await browser.close();
    for (const s of [a, b]) { await s.server.close(); fs.rmSync(s.dir, { recursive: true, force: true }); }
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
