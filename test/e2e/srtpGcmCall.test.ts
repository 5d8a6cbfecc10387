// A real call through the worker's OpenSSL libsrtp: Chromium and mediasoup agree on an AES-GCM SRTP
// suite in DTLS-SRTP (mediasoup 3.12 lists AEAD_AES_256_GCM, then AEAD_AES_128_GCM, before the
// AES-CM suites), the media protected with it is decoded on the other side, and the worker process
// that carried it runs the OpenSSL build. The suite alone would not tell the builds apart: the worker
// linked against Debian's NSS libsrtp negotiated SRTP_AEAD_AES_256_GCM with Chromium as well.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bothLive, desktopContext, launchChromium, phoneContext } from '../support/browser';
import { createCase, INSPECTOR, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';
import { waitFor } from '../support/waiting';

/** What Chromium negotiates with this worker and reports as srtpCipher (the IANA name of the DTLS-SRTP profile). */
const EXPECTED_SUITE = 'SRTP_AEAD_AES_256_GCM';

/** The pages keep their peer connections inside mediasoup-client; this keeps a reference to each. */
const KEEP_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const kept = [];
  window.__peerConnections = kept;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      kept.push(this);
    }
  };
})();`;

interface TransportReport {
  dtlsState: string;
  srtpCipher: string | null;
  videoFramesDecoded: number;
  videoPacketsSent: number;
  audioPacketsReceived: number;
}

/** One entry per open peer connection: its DTLS transport's state and SRTP suite, and its media counters. */
function transports(page: Page): Promise<TransportReport[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const out: TransportReport[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const r: TransportReport = { dtlsState: 'none', srtpCipher: null, videoFramesDecoded: 0, videoPacketsSent: 0, audioPacketsReceived: 0 };
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'transport') {
          r.dtlsState = String(s.dtlsState);
          r.srtpCipher = typeof s.srtpCipher === 'string' ? s.srtpCipher : null;
        } else if (s.type === 'inbound-rtp' && s.kind === 'video') r.videoFramesDecoded += Number(s.framesDecoded ?? 0);
        else if (s.type === 'inbound-rtp' && s.kind === 'audio') r.audioPacketsReceived += Number(s.packetsReceived ?? 0);
        else if (s.type === 'outbound-rtp' && s.kind === 'video') r.videoPacketsSent += Number(s.packetsSent ?? 0);
      });
      out.push(r);
    }
    return out;
  });
}

const total = (rs: TransportReport[], k: 'videoFramesDecoded' | 'videoPacketsSent' | 'audioPacketsReceived') => rs.reduce((n, r) => n + r[k], 0);

describe('SRTP with AES-GCM between Chromium and the worker', () => {
  let srv: RunningServer;
  let browser: Browser;
  let phoneCtx: BrowserContext;
  let inspectorCtx: BrowserContext;
  let c: CreatedCase;

  beforeAll(async () => {
    srv = await startTestServer();
    c = await createCase(srv.url, await loginCookie(srv.url));
    browser = await launchChromium();
    phoneCtx = await phoneContext(browser, srv.url, { latitude: 39.9, longitude: 116.4, accuracy: 10 });
    inspectorCtx = await desktopContext(browser, srv.url);
    await phoneCtx.addInitScript(KEEP_PEER_CONNECTIONS);
    await inspectorCtx.addInitScript(KEEP_PEER_CONNECTIONS);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
  });

  it(`negotiates ${EXPECTED_SUITE} on every transport of both pages, decodes the video, and runs it through OpenSSL`, async () => {
    const [name, value] = (await loginCookie(srv.url)).split('=');
    await inspectorCtx.addCookies([{ name: name!, value: value!, url: srv.url }]);
    const inspector = await inspectorCtx.newPage();
    await inspector.goto(`/inspector#/session/${c.sessionId}`);
    await inspector.waitForFunction(() => (window as unknown as { __kanyanCall?: { presence: string } }).__kanyanCall?.presence === 'waiting');
    const phone = await phoneCtx.newPage();
    await phone.goto(c.joinUrl);
    await bothLive(phone, inspector);

    // The phone's camera reaches the inspector and keeps being decoded; the inspector's voice reaches the phone.
    const i1 = await waitFor(() => transports(inspector), (rs) => total(rs, 'videoFramesDecoded') > 0, 'decoded frames at the inspector');
    await waitFor(() => transports(inspector), (rs) => total(rs, 'videoFramesDecoded') > total(i1, 'videoFramesDecoded') + 10, 'more decoded frames');
    const p1 = await waitFor(() => transports(phone), (rs) => total(rs, 'audioPacketsReceived') > 0 && total(rs, 'videoPacketsSent') > 0, 'media at the phone');
    await waitFor(() => transports(phone), (rs) => total(rs, 'audioPacketsReceived') > total(p1, 'audioPacketsReceived'), 'audio at the phone growing');

    // Each page has a send and a receive transport to the worker; every one of them uses the GCM suite.
    for (const [page, rs] of [
      ['inspector', await transports(inspector)],
      ['phone', await transports(phone)],
    ] as const) {
      const connected = rs.filter((r) => r.dtlsState === 'connected');
      expect({ page, transports: connected.length }).toEqual({ page, transports: 2 });
      expect({ page, suites: connected.map((r) => r.srtpCipher) }).toEqual({ page, suites: [EXPECTED_SUITE, EXPECTED_SUITE] });
    }

    // ...and on the worker's side it was libsrtp's OpenSSL GCM that protected the call: the process that
    // carried it has no shared libsrtp2 or NSS mapped, and its executable is the OpenSSL build.
    const pids = srv.server.pool.loads().map((w) => w.pid);
    expect(pids).toHaveLength(1);
    for (const pid of pids) {
      const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
      expect(maps).toMatch(/libcrypto\.so/);
      expect({ pid, sharedLibsrtp: /libsrtp2\.so/.test(maps), nss: /libnss3\.so/.test(maps) }).toEqual({ pid, sharedLibsrtp: false, nss: false });
      expect(fs.readFileSync(`/proc/${pid}/exe`).includes('AES-256 GCM using openssl')).toBe(true);
    }
  });
});
