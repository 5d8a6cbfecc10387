// Joins over an emulated phone network: the join benchmark (bench/join-latency.ts) with the phone
// behind a relay that adds delay, a rate-limited bottleneck and loss (bench/support/NetworkLink.ts),
// and/or with the phone page's CPU throttled. Per profile, p50/p95 of: link -> first frame on the
// console, link -> first frame at >= 720p, photo request -> stamped photo shown on the console; and
// the network as the phone's own WebRTC statistics measured it, checked against the profile.
//
// The server listens on 127.0.0.1 and announces 127.0.0.2 (ANNOUNCED_IP) in its ICE candidates;
// the relays own 127.0.0.2 at the same media ports, and the phone loads the page through an HTTP
// relay, so everything the phone sends or receives crosses the emulated link. The console is on
// the office network: its page swaps the announced address back to 127.0.0.1 before the browser
// sees it, so its media never touches the relay (bench/support/joinProbe.ts, bypassRelay).
//
// Run: npm run bench:join-network   (PROFILES=loopback,4g,3g,lowend,lowend4g  JOINS=12)
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CLIENT_DIST } from '../server/http/HttpApp';
import { KanyanServer } from '../server/KanyanServer';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { desktopContext, launchChromium, phoneContext } from '../test/support/browser';
import { createCase, loginCookie, INSPECTOR } from '../test/support/testServer';
import { bypassRelay, consoleVideoSize, firstFrameCount, firstHdFrame, nextFirstFrame, phoneNetStats, photoRoundTrip, trackPeerConnections, type PhoneNetStats } from './support/joinProbe';
import { NetworkLink } from './support/NetworkLink';
import { PHONE_PROFILES, type PhoneProfile } from './support/phoneProfiles';
import { TcpRelay } from './support/TcpRelay';
import { UdpRelay } from './support/UdpRelay';

const JOINS = Number(process.env.JOINS ?? 12);
const WARMUP = 1;
const PROFILES = (process.env.PROFILES ?? 'loopback,4g,3g,lowend,lowend4g').split(',').map((s) => s.trim()).filter(Boolean);
const SERVER_IP = '127.0.0.1';
const RELAY_IP = '127.0.0.2';
const POINT = 'common.signboard_address';
const GEO = { latitude: 39.9, longitude: 116.4, accuracy: 10 };
/** How long a join may take to reach 720p before it counts as never. */
const HD_TIMEOUT_MS = Number(process.env.HD_TIMEOUT_MS ?? 30_000);
/** Measured RTT may differ from the profile's by this share (or RTT_SLACK_MS, whichever is larger). */
const RTT_TOLERANCE = 0.3;
const RTT_SLACK_MS = 10;

interface Sample {
  signaling: number;
  iceDtls: number;
  firstFrame: number;
  total: number;
  /** Infinity when 720p never came within HD_TIMEOUT_MS. */
  hd: number;
  photo: number;
  /** The phone's statistics before the photo (its upload shares the uplink with the video). */
  net: PhoneNetStats;
  bitrateKbps: number;
  /**
   * Mean RTT from RTCP over the call before the photo; at the end of the join if no report had come
   * by then (a full-resolution still loads the phone's CPU, which shows in its RTT).
   */
  rttMs?: number;
  /** The console's audio at the phone over the whole join: the downlink's loss, with no retransmission to hide it. */
  downReceived: number;
  downLost: number;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
const median = (v: number[]) => pct(v, 50);
const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'never');
const wire = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-1');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A base port at which `count` consecutive ports are free for UDP and TCP on both loopback addresses. */
async function freeRtcBase(count: number): Promise<number> {
  const free = async (port: number, host: string) => {
    const udp = await new Promise<boolean>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
    });
    if (!udp) return false;
    return new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 20_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = (await free(base + i, SERVER_IP)) && (await free(base + i, RELAY_IP));
    if (ok) return base;
  }
  throw new Error('no free RTC ports on loopback');
}

/** The relays that make up one phone's emulated network, or none for a phone on the LAN. */
async function startRelays(link: NetworkLink, server: URL, rtcBase: number, workers: number) {
  const http = await TcpRelay.start({ host: SERVER_IP, port: 0 }, { host: SERVER_IP, port: Number(server.port) }, link);
  const udp: UdpRelay[] = [];
  const tcp: TcpRelay[] = [];
  for (let i = 0; i < workers; i++) {
    const port = rtcBase + i;
    udp.push(await UdpRelay.start({ host: RELAY_IP, port }, { host: SERVER_IP, port }, link));
    tcp.push(await TcpRelay.start({ host: RELAY_IP, port }, { host: SERVER_IP, port }, link));
  }
  return {
    origin: `http://${SERVER_IP}:${http.address.port}`,
    async close() {
      for (const r of udp) r.close();
      for (const r of [http, ...tcp]) await r.close();
      link.close();
    },
  };
}

async function openConsole(browser: Browser, serverUrl: string, cookie: string, sessionId: string) {
  const ctx = await desktopContext(browser, serverUrl);
  await bypassRelay(ctx, RELAY_IP, SERVER_IP);
  const [name, value] = cookie.split('=');
  await ctx.addCookies([{ name: name!, value: value!, url: serverUrl }]);
  const page = await ctx.newPage();
  await page.goto(`/inspector#/session/${sessionId}`);
  await page.waitForFunction(() => (window as unknown as { __kanyanCall?: unknown }).__kanyanCall !== undefined);
  return { page, close: () => ctx.close() };
}

async function oneJoin(browser: Browser, inspector: Page, profile: PhoneProfile, origin: string, joinPath: string, label: string): Promise<Sample> {
  const ctx = await phoneContext(browser, origin, GEO);
  try {
    await trackPeerConnections(ctx);
    if (!profile.network) await bypassRelay(ctx, RELAY_IP, SERVER_IP);
    const phone = await ctx.newPage();
    if (profile.cpuSlowdown > 1) {
      const cdp = await ctx.newCDPSession(phone);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    }
    const before = await firstFrameCount(inspector);
    const t0 = Date.now();
    await phone.goto(joinPath, { timeout: 60_000 });
    const frameAt = await nextFirstFrame(inspector, before, 60_000);
    const hdAt = await firstHdFrame(inspector, before, HD_TIMEOUT_MS);
    const marks = await phone.evaluate(() => {
      const m = (window as unknown as { __kanyan: { marks: Record<string, number> } }).__kanyan.marks;
      return { joinAck: performance.timeOrigin + (m.joinAck ?? NaN), sendConnected: performance.timeOrigin + (m.sendConnected ?? NaN) };
    });
    const a = await phoneNetStats(phone);
    await sleep(1000);
    const b = await phoneNetStats(phone);
    const photo = await photoRoundTrip(inspector, POINT, 120_000);
    const after = await phoneNetStats(phone);
    const size = await consoleVideoSize(inspector);
    const s: Sample = {
      signaling: marks.joinAck - t0,
      iceDtls: marks.sendConnected - marks.joinAck,
      firstFrame: frameAt - marks.sendConnected,
      total: frameAt - t0,
      hd: hdAt === undefined ? Infinity : hdAt - t0,
      photo: photo.shownAt - photo.askedAt,
      net: b,
      rttMs: b.videoMeanRttMs ?? after.videoMeanRttMs,
      downReceived: after.audioDownReceived,
      downLost: after.audioDownLost,
      bitrateKbps: ((b.videoBytesSent - a.videoBytesSent) * 8) / (b.at - a.at),
    };
    if (process.env.VERBOSE) console.log(JSON.stringify({ a, b, after }));
    console.log(
      `${label}  total ${fmt(s.total)} ms (page+signaling ${fmt(s.signaling)}, ICE+DTLS ${fmt(s.iceDtls)}, to first frame ${fmt(s.firstFrame)}), ` +
        `720p ${fmt(s.hd)} ms, photo ${fmt(s.photo)} ms; console video ${size}, sent ${b.videoWidth ?? '?'}x${b.videoHeight ?? '?'} at ${s.bitrateKbps.toFixed(0)} kbit/s, ` +
        `RTT ${s.rttMs?.toFixed(0) ?? '?'} ms (RTCP), ${b.pairMeanRttMs?.toFixed(0) ?? '?'} ms (ICE)`,
    );
    return s;
  } finally {
    await ctx.close();
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall: { presence: string } }).__kanyanCall.presence !== 'live', undefined, { timeout: 15_000 }).catch(() => undefined);
  }
}

/** What the phone's statistics say about the network, and whether that is the profile's network. */
function verify(profile: PhoneProfile, samples: Sample[]): { lines: string[]; failures: string[]; rtt: number; lossUp: number; lossDown: number } {
  const want = profile.network ?? { rttMs: 0, lossPct: 0 };
  const rtt = median(samples.map((s) => s.rttMs ?? NaN).filter(Number.isFinite));
  const pairRtt = median(samples.map((s) => s.net.pairMeanRttMs ?? NaN).filter(Number.isFinite));
  const videoRtt = median(samples.map((s) => s.net.videoRttMs ?? NaN).filter(Number.isFinite));
  const sum = (f: (n: PhoneNetStats) => number) => samples.reduce((t, s) => t + f(s.net), 0);
  const lossUp = (100 * sum((n) => n.videoLost)) / Math.max(1, sum((n) => n.videoSent));
  const audioUpSent = sum((n) => n.audioUpSent);
  const lossUpAudio = audioUpSent > 0 ? (100 * sum((n) => n.audioUpLost)) / audioUpSent : NaN;
  const downTotal = samples.reduce((t, s) => t + s.downReceived + s.downLost, 0);
  const downLost = samples.reduce((t, s) => t + s.downLost, 0);
  const lossDown = downTotal > 0 ? (100 * downLost) / downTotal : NaN;
  const nacks = samples.reduce((t, s) => t + s.net.videoNacks, 0);
  const videoPackets = sum((n) => n.videoSent);
  const bitrate = median(samples.map((s) => s.bitrateKbps));
  const available = median(samples.map((s) => s.net.availableOutgoingKbps ?? NaN).filter(Number.isFinite));
  const lines = [
    `network as the phone measured it (profile: RTT ${want.rttMs} ms, loss ${want.lossPct} %${profile.network?.upKbps ? `, up ${profile.network.upKbps} kbit/s, down ${profile.network.downKbps} kbit/s` : ''}):`,
    `  RTT ${rtt.toFixed(1)} ms (RTCP on the camera's stream, mean over each join, median of joins; checked); latest on video ${videoRtt.toFixed(1)} ms; ICE consent checks ${pairRtt.toFixed(1)} ms (include the server's and the browsers' processing)`,
    `  loss down (console's audio at the phone over the whole join, after NACK repair; checked not above) ${Number.isFinite(lossDown) ? `${lossDown.toFixed(2)} % (${downLost} of ${downTotal})` : 'n/a'};` +
      ` before the photo request: loss up as the server reports it on video (after NACK repair; checked not above) ${lossUp.toFixed(2)} %, on the microphone ${Number.isFinite(lossUpAudio) ? lossUpAudio.toFixed(2) : 'n/a (no audio sent)'} %`,
    `  NACKs from the server for the camera's packets before the photo: ${nacks} per ${videoPackets} packets sent (${((100 * nacks) / Math.max(1, videoPackets)).toFixed(2)} %; checked: some when the profile has loss, ~none without)`,
    `  camera video sent ${bitrate.toFixed(0)} kbit/s (median, 1 s after 720p or its timeout); sender's bandwidth estimate ${available.toFixed(0)} kbit/s`,
  ];
  const failures: string[] = [];
  if (!Number.isFinite(rtt)) failures.push('no RTT measured on the phone');
  else {
    const off = rtt - want.rttMs;
    const bound = Math.max(RTT_TOLERANCE * want.rttMs, RTT_SLACK_MS);
    // A throttled phone answers RTCP late itself (Chromium's throttling suspends the whole renderer,
    // WebRTC threads included): too long is the phone's CPU, too short would still be a broken link.
    if (off < -bound || (off > bound && profile.cpuSlowdown === 1)) failures.push(`measured RTT ${rtt.toFixed(0)} ms is not the profile's ${want.rttMs} ms (±${Math.round(RTT_TOLERANCE * 100)} %)`);
    else if (off > bound) lines.push(`  note: RTT ${off.toFixed(0)} ms over the link's: the throttled phone's own delay in answering (not failed, CPU ${profile.cpuSlowdown}x)`);
  }
  // Loss: not significantly under the profile's, and at most twice it plus 1.5 points (drop-tail at a
  // full bottleneck queue adds to the random loss when the sender overshoots, as on a real link).
  if (lossUp > 2 * want.lossPct + 1.5) failures.push(`measured uplink loss ${lossUp.toFixed(2)} % is far from the profile's ${want.lossPct} %`);
  if (want.lossPct > 0 && nacks < 0.2 * (want.lossPct / 100) * videoPackets) failures.push(`the server asked for ${nacks} of ${videoPackets} video packets again: too few for a ${want.lossPct} % lossy uplink`);
  if (want.lossPct === 0 && nacks > 0.005 * videoPackets) failures.push(`the server asked for ${nacks} of ${videoPackets} video packets again on a link without loss`);
  if (!Number.isFinite(lossDown)) failures.push('no downlink packets counted on the phone');
  // The console's audio is NACK-repaired too (mediasoup resends it), so the phone's count is after
  // repair: checked not above the profile's; that loss really happens shows in the server's NACKs.
  else if (lossDown > 2 * want.lossPct + 1.5) failures.push(`measured downlink loss ${lossDown.toFixed(2)} % is far from the profile's ${want.lossPct} %`);
  return { lines, failures, rtt, lossUp, lossDown };
}

async function runProfile(browser: Browser, server: KanyanServer, cookie: string, profile: PhoneProfile, rtcBase: number, workers: number): Promise<boolean> {
  const link = profile.network ? new NetworkLink(profile.network) : undefined;
  const relays = link ? await startRelays(link, new URL(server.url), rtcBase, workers) : undefined;
  const origin = relays?.origin ?? server.url;
  const c = await createCase(server.url, cookie, { text: `bench ${profile.name}`, lat: GEO.latitude, lon: GEO.longitude });
  const joinPath = new URL(c.joinUrl).pathname;
  const console_ = await openConsole(browser, server.url, cookie, c.sessionId);
  console.log(`\n== ${profile.name}: ${profile.network ? `phone through relays (${origin}, media via ${RELAY_IP})` : 'phone on loopback'}, CPU ${profile.cpuSlowdown}x slower`);
  const samples: Sample[] = [];
  let failedJoins = 0;
  try {
    for (let i = 0; i < JOINS + WARMUP; i++) {
      const label = i < WARMUP ? 'warm-up' : `join ${samples.length + 1}`;
      try {
        const s = await oneJoin(browser, console_.page, profile, origin, joinPath, label);
        if (i >= WARMUP) samples.push(s);
      } catch (err) {
        failedJoins++;
        console.log(`${label}  FAILED: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await console_.close();
    if (link) {
      const c2 = (p: typeof link.up) => `${p.counters.packets} sent, ${p.counters.lost} lost at random, ${p.counters.overflowed} dropped at a full queue`;
      console.log(`relay counters: up ${c2(link.up)}; down ${c2(link.down)}`);
    }
    await relays?.close();
  }
  const col = (k: 'signaling' | 'iceDtls' | 'firstFrame' | 'total' | 'hd' | 'photo') => samples.map((s) => s[k]);
  const row = (label: string, k: Parameters<typeof col>[0]) => console.log(`${label.padEnd(30)} p50 ${fmt(pct(col(k), 50)).padStart(6)} ms   p95 ${fmt(pct(col(k), 95)).padStart(6)} ms`);
  console.log(`\n${profile.name}: ${samples.length} joins (${failedJoins} failed), ${os.cpus().length} cores, both browsers and the server on this machine`);
  row('open link -> join answer', 'signaling');
  row('ICE + DTLS', 'iceDtls');
  row('connected -> first frame', 'firstFrame');
  row('link -> first frame', 'total');
  row('link -> first frame >= 720p', 'hd');
  row('photo request -> shown', 'photo');
  const hdReached = samples.filter((s) => Number.isFinite(s.hd)).length;
  console.log(`720p reached in ${hdReached}/${samples.length} joins within ${HD_TIMEOUT_MS / 1000} s`);
  if (samples.length === 0) {
    console.log(`FAILED profile=${profile.name}: no join completed`);
    return false;
  }
  const v = verify(profile, samples);
  for (const l of v.lines) console.log(l);
  if (failedJoins > samples.length) v.failures.push(`${failedJoins} joins failed`);
  if (v.failures.length > 0) {
    console.log(`FAILED profile=${profile.name}: the emulated network is not the profile's, figures not trusted: ${v.failures.join('; ')}`);
    return false;
  }
  console.log(
    `RESULT first_frame_p50_ms=${wire(pct(col('total'), 50))} hd_frame_p50_ms=${wire(pct(col('hd'), 50))} photo_p50_ms=${wire(pct(col('photo'), 50))} profile=${profile.name}` +
      ` first_frame_p95_ms=${wire(pct(col('total'), 95))} hd_frame_p95_ms=${wire(pct(col('hd'), 95))} photo_p95_ms=${wire(pct(col('photo'), 95))}` +
      ` hd_reached=${hdReached}/${samples.length} rtt_ms=${v.rtt.toFixed(0)} loss_up_pct=${v.lossUp.toFixed(2)} loss_down_pct=${Number.isFinite(v.lossDown) ? v.lossDown.toFixed(2) : 'na'} joins=${samples.length}`,
  );
  return true;
}

async function main(): Promise<void> {
  const profiles = PROFILES.map((name) => {
    const p = PHONE_PROFILES[name];
    if (!p) throw new Error(`unknown profile ${name}; known: ${Object.keys(PHONE_PROFILES).join(', ')}`);
    return p;
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-'));
  const workers = Math.max(1, os.availableParallelism());
  const rtcBase = await freeRtcBase(workers);
  const config = loadConfig({
    HOST: SERVER_IP, PORT: '0', TLS: 'off', RTC_PORT: String(rtcBase), RTC_LISTEN_IP: SERVER_IP, ANNOUNCED_IP: RELAY_IP, MEDIA_WORKERS: String(workers),
    DATA_DIR: dataDir, RECORDINGS_DIR: path.join(dataDir, 'recordings'), LOG_LEVEL: 'warn', INSPECTOR_USER: INSPECTOR.username, INSPECTOR_PASSWORD: INSPECTOR.password, SEED_DEMO: 'false',
    // The fake camera's frames look alike: near-duplicate detection would only add flags to the log.
    PHOTO_REUSE_NEAR_BITS: '0',
  });
  // The page bundle is copied as it is now: client/ may be rebuilt while the benchmark runs.
  const clientDir = path.join(dataDir, 'client-dist');
  fs.cpSync(CLIENT_DIST, clientDir, { recursive: true });
  const buildHash = fs.existsSync(path.join(clientDir, '.build-hash')) ? fs.readFileSync(path.join(clientDir, '.build-hash'), 'utf8').trim().slice(0, 12) : 'unknown';
  console.log(`page bundle: client/dist build ${buildHash}, copied at start`);
  const server = await KanyanServer.start(config, createLogger(config.logLevel), { clientDir });
  const browser = await launchChromium();
  let allOk = true;
  try {
    const cookie = await loginCookie(server.url);
    for (const p of profiles) allOk = (await runProfile(browser, server, cookie, p, rtcBase, workers)) && allOk;
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (!allOk) {
    console.error('join-network: at least one profile FAILED (see FAILED lines above)');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
