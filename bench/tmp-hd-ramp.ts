// PRIVATE measurement (deleted before the report): time from link to >=720p frames at the inspector.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { CHROMIUM_ARGS, desktopContext, phoneContext } from '../test/support/browser';
import { createCase, loginCookie, INSPECTOR } from '../test/support/testServer';

const RUNS = Number(process.env.RUNS ?? 3);
const WATCH_MS = Number(process.env.WATCH_MS ?? 8000);
const EXTRA = (process.env.PHONE_ARGS ?? '').split(' ').filter(Boolean);

const HOOK = `(() => { const P = window.RTCPeerConnection; window.__pcs = []; window.RTCPeerConnection = function (...a) { const pc = new P(...a); window.__pcs.push(pc); return pc; }; window.RTCPeerConnection.prototype = P.prototype; Object.setPrototypeOf(window.RTCPeerConnection, P); })();`;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-'));
  const config = loadConfig({
    HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', DATA_DIR: dataDir,
    LOG_LEVEL: 'warn', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false',
  });
  const server = await KanyanServer.start(config, createLogger(config.logLevel));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const phoneBrowser = EXTRA.length ? await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, ...EXTRA] }) : browser;
  try {
    const cookie = await loginCookie(server.url);
    const c = await createCase(server.url, cookie, { text: 'bench', lat: 39.9, lon: 116.4 });
    const inspectorCtx = await desktopContext(browser, server.url);
    const [name, value] = cookie.split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: server.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${c.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: unknown }).__kanyanCall !== undefined);
    const results: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await phoneContext(phoneBrowser, server.url, { latitude: 39.9, longitude: 116.4, accuracy: 10 });
      await ctx.addInitScript(HOOK);
      const phone = await ctx.newPage();
      const rate = Number(process.env.CPU_RATE ?? 1);
      if (rate > 1) await (await ctx.newCDPSession(phone)).send('Emulation.setCPUThrottlingRate', { rate });
      const t0 = Date.now();
      await phone.goto(c.joinUrl);
      let hdAt = NaN;
      const trace: string[] = [];
      while (Date.now() - t0 < WATCH_MS) {
        const insp = await inspector.evaluate(() => { const v = [...document.querySelectorAll('video')].find((x) => x.videoHeight > 0); return v ? `${v.videoWidth}x${v.videoHeight}` : '-'; });
        const ph = await phone.evaluate(async () => {
          const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
          for (const pc of pcs) {
            const st = await pc.getStats();
            let out = '', bwe = '';
            st.forEach((r) => {
              if (r.type === 'outbound-rtp' && r.kind === 'video') out = `${r.frameWidth ?? '?'}x${r.frameHeight ?? '?'}@${Math.round(r.framesPerSecond ?? 0)} tgt${Math.round((r.targetBitrate ?? 0) / 1000)}k ${r.qualityLimitationReason}`;
              if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate) bwe = ` bwe${Math.round(r.availableOutgoingBitrate / 1000)}k`;
            });
            if (out) return out + bwe;
          }
          return '-';
        }).catch(() => '-');
        const t = Date.now() - t0;
        trace.push(`${t} insp ${insp} | phone ${ph}`);
        const h = Number(insp.split('x')[1] ?? 0);
        if (h >= 720 && Number.isNaN(hdAt)) hdAt = t;
        if (!Number.isNaN(hdAt) && t > hdAt + 1000 && !process.env.FULL) break;
        await new Promise((r) => setTimeout(r, 150));
      }
      if (process.env.VERBOSE) console.log(trace.join('\n'));
      console.log(`run ${i + 1}: inspector >=720p at ${hdAt} ms after the link`);
      results.push(hdAt);
      await ctx.close();
      await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence !== 'live', undefined, { timeout: 10_000 });
    }
    console.log(`RESULT hd_ms=${JSON.stringify(results)}`);
  } finally {
    if (phoneBrowser !== browser) await phoneBrowser.close();
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
main().catch((err) => { console.error(err); process.exit(1); });
