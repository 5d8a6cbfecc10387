// PRIVATE: one throttled join under a Chrome trace; prints the phone renderer main thread's big tasks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { desktopContext, launchChromium, phoneContext } from '../test/support/browser';
import { createCase, loginCookie, INSPECTOR } from '../test/support/testServer';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-'));
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', TLS: 'off', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false' });
  const server = await KanyanServer.start(config, createLogger(config.logLevel), process.env.DIST ? { clientDir: process.env.DIST } : {});
  const browser = await launchChromium();
  try {
    const cookie = await loginCookie(server.url);
    const c = await createCase(server.url, cookie, { text: 'bench', lat: 39.9, lon: 116.4 });
    const ictx = await desktopContext(browser, server.url);
    const [name, value] = cookie.split('=');
    await ictx.addCookies([{ name: name!, value: value!, url: server.url }]);
    const inspector = await ictx.newPage();
    await inspector.goto(`/inspector#/session/${c.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: unknown }).__kanyanCall !== undefined);
    for (let i = 0; i < 2; i++) {
      const ctx = await phoneContext(browser, server.url, { latitude: 39.9, longitude: 116.4, accuracy: 10 });
      const phone = await ctx.newPage();
      const cdp = await ctx.newCDPSession(phone);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.CPU_RATE ?? 4) });
      if (i === 1 && process.env.PROFILE) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
      const n = await inspector.evaluate(() => (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames.length);
      if (i === 1 && !process.env.PROFILE) await browser.startTracing(phone, { path: '/tmp/phone-trace.json', categories: ['devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading', 'v8.execute'] });
      await phone.goto(c.joinUrl);
      await inspector.waitForFunction((k) => (window as unknown as { __kanyanCall: { firstFrames: number[] } }).__kanyanCall.firstFrames.length > k, n, { timeout: 20000, polling: 'raf' });
      const marks = await phone.evaluate(() => ({ o: performance.timeOrigin, m: (window as unknown as { __kanyan: { marks: Record<string, number> } }).__kanyan.marks }));
      if (i === 1 && process.env.PROFILE) fs.writeFileSync('/tmp/phone.cpuprofile', JSON.stringify((await cdp.send('Profiler.stop')).profile));
      if (i === 1 && !process.env.PROFILE) { await browser.stopTracing(); fs.writeFileSync('/tmp/phone-marks.json', JSON.stringify(marks)); }
      await ctx.close();
      await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence !== 'live', undefined, { timeout: 10_000 });
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
