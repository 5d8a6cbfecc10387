// Join latency: from opening the join link on a phone page to the first decoded frame on the
// inspector's page, over N joins on loopback, each phone in a fresh browser context (cold cache).
// The phones' browsers already allow camera and microphone (a returning shop owner), so the page
// starts by itself; a first visit adds the shop owner's tap on "start" before the same join.
// Run: npm run bench:join   (JOINS=30 to change the count)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { desktopContext, launchChromium, phoneContext } from '../test/support/browser';
import { createCase, loginCookie, INSPECTOR } from '../test/support/testServer';

const JOINS = Number(process.env.JOINS ?? 25);
const WARMUP = 2;

interface Sample {
  total: number;
  signaling: number;
  iceDtls: number;
  firstFrame: number;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-'));
  const config = loadConfig({
    HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', DATA_DIR: dataDir,
    LOG_LEVEL: 'warn', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false',
  });
  const server = await KanyanServer.start(config, createLogger(config.logLevel));
  const browser = await launchChromium();
  try {
    const cookie = await loginCookie(server.url);
    const c = await createCase(server.url, cookie, { text: 'bench', lat: 39.9, lon: 116.4 });
    const inspectorCtx = await desktopContext(browser, server.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: server.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${c.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: unknown }).__kanyanCall !== undefined);

    const samples: Sample[] = [];
    const allMarks: Record<string, number>[] = [];
    for (let i = 0; i < JOINS + WARMUP; i++) {
      const ctx = await phoneContext(browser, server.url, { latitude: 39.9, longitude: 116.4, accuracy: 10 });
      const phone = await ctx.newPage();
      const rate = Number(process.env.CPU_RATE ?? 4);
      if (rate > 1) {
        const cdp = await ctx.newCDPSession(phone);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      }
      const framesBefore = await inspector.evaluate(() => (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames.length);
      const t0 = Date.now();
      await phone.goto(c.joinUrl);
      const frameAt = await inspector
        .waitForFunction(
          (n) => {
            const f = (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames;
            return f.length > n ? f[f.length - 1] : false;
          },
          framesBefore,
          { timeout: 20_000, polling: 'raf' },
        )
        .then((h) => h.jsonValue() as Promise<number>);
      const marks = await phone.evaluate(() => {
        const m = (window as unknown as { __kanyan: { marks: Record<string, number> } }).__kanyan.marks;
        const o = performance.timeOrigin;
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const raw = { ...m, responseEnd: nav.responseEnd, domInteractive: nav.domInteractive, dcl: nav.domContentLoadedEventEnd };
        return { joinAck: o + (m.joinAck ?? NaN), sendConnected: o + (m.sendConnected ?? NaN), raw, origin: o };
      });
      await ctx.close();
      await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence !== 'live', undefined, { timeout: 10_000 });
      if (i < WARMUP) continue;
      const s: Sample = {
        total: frameAt - t0,
        signaling: marks.joinAck - t0,
        iceDtls: marks.sendConnected - marks.joinAck,
        firstFrame: frameAt - marks.sendConnected,
      };
      samples.push(s);
      const rel: Record<string, number> = {};
      for (const [k, v] of Object.entries(marks.raw)) rel[k] = Math.round(marks.origin + v - t0);
      rel.frame = frameAt - t0;
      allMarks.push(rel);
      if (process.env.VERBOSE) console.log(JSON.stringify(rel));
      console.log(`join ${samples.length}: total ${s.total.toFixed(0)} ms (page+signaling ${s.signaling.toFixed(0)}, ICE+DTLS ${s.iceDtls.toFixed(0)}, to first frame ${s.firstFrame.toFixed(0)})`);
    }
    const col = (k: keyof Sample) => samples.map((s) => s[k]);
    const row = (label: string, k: keyof Sample) => console.log(`${label.padEnd(26)} p50 ${pct(col(k), 50).toFixed(0).padStart(5)} ms   p95 ${pct(col(k), 95).toFixed(0).padStart(5)} ms`);
    console.log(`\n${samples.length} joins on loopback, ${os.cpus().length} cores, both browsers on this machine`);
    row('open link -> join answer', 'signaling');
    row('ICE + DTLS', 'iceDtls');
    row('connected -> first frame', 'firstFrame');
    row('total (link -> frame)', 'total');
    console.log(`target: p50 < 800 ms, p95 < 1200 ms; p50 ratio to target ${(pct(col('total'), 50) / 800).toFixed(2)}`);
    const keys = [...new Set(allMarks.flatMap((m) => Object.keys(m)))];
    const med = keys.map((k) => [k, pct(allMarks.map((m) => m[k]!).filter((x) => Number.isFinite(x)), 50)] as const).sort((a, b) => a[1] - b[1]);
    console.log('median marks (ms after link):', med.map(([k, v]) => `${k}=${v}`).join(' '));
    console.log(`RESULT p50_ms=${pct(col('total'), 50).toFixed(0)} p95_ms=${pct(col('total'), 95).toFixed(0)} joins=${samples.length}`);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
