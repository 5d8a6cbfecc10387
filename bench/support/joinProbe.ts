// What the join-network benchmark reads inside the pages: the phone's peer connections and their
// transport statistics, the console's decoded video size, and a photo request end to end.
import type { BrowserContext, Page } from 'playwright-core';
import type { WalkView } from '../../server/protocol/walk';

type Win = Window & { __benchPcs?: RTCPeerConnection[] };

// The init scripts are strings: a function would be serialized after tsx's transform, which wraps
// named functions and classes in a helper (__name) the page does not have.

/** Keeps every RTCPeerConnection the page makes, so its statistics can be read from outside. */
const TRACK_PEER_CONNECTIONS = `(() => {
  const Native = window.RTCPeerConnection;
  const list = (window.__benchPcs = []);
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      list.push(this);
    }
  };
})();`;

export async function trackPeerConnections(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(TRACK_PEER_CONNECTIONS);
}

/**
 * Makes the page reach the server's media ports directly: the server announces the relay's address
 * (ANNOUNCED_IP) to everyone, and a page on the office network (the console, a reference phone)
 * swaps it for the address the server really listens on before the browser sees it.
 */
export async function bypassRelay(ctx: BrowserContext, relayIp: string, serverIp: string): Promise<void> {
  await ctx.addInitScript(`(() => {
  const proto = window.RTCPeerConnection.prototype;
  const setRemote = proto.setRemoteDescription;
  proto.setRemoteDescription = function (d, ...rest) {
    const swapped = d && d.sdp ? { type: d.type, sdp: d.sdp.split(' ${relayIp} ').join(' ${serverIp} ') } : d;
    return setRemote.call(this, swapped, ...rest);
  };
})();`);
}

export interface PhoneNetStats {
  at: number;
  /** Selected candidate pair of the sending transport: the latest consent-check RTT, and the mean over all. */
  pairRttMs?: number;
  pairMeanRttMs?: number;
  /** From the server's receiver reports on the camera's video (the latest). */
  videoRttMs?: number;
  /** From the server's receiver reports on the camera's video: the mean over the call so far. */
  videoMeanRttMs?: number;
  /** The camera's packets: sent, and lost as the server's receiver reports say (after retransmissions). */
  videoSent: number;
  videoLost: number;
  /** NACKs the server sent for the camera's packets: lost packets it asked again for. */
  videoNacks: number;
  availableOutgoingKbps?: number;
  videoBytesSent: number;
  videoWidth?: number;
  videoHeight?: number;
  /** The microphone's packets (no retransmission): sent, and lost as the server reports. */
  audioUpSent: number;
  audioUpLost: number;
  /** The console's audio as the phone receives it: received and lost. */
  audioDownReceived: number;
  audioDownLost: number;
}

export function phoneNetStats(phone: Page): Promise<PhoneNetStats> {
  return phone.evaluate(async () => {
    const pcs = (window as Win).__benchPcs ?? [];
    const out: PhoneNetStats = { at: performance.timeOrigin + performance.now(), videoBytesSent: 0, videoSent: 0, videoLost: 0, videoNacks: 0, audioUpSent: 0, audioUpLost: 0, audioDownReceived: 0, audioDownLost: 0 };
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const reports = [...(await pc.getStats()).values()] as Array<Record<string, unknown> & { type: string; id: string }>;
      const byId = new Map(reports.map((r) => [r.id, r]));
      const sends = reports.some((r) => r.type === 'outbound-rtp' && r.kind === 'video');
      for (const r of reports) {
        if (r.type === 'outbound-rtp' && r.kind === 'video') {
          out.videoBytesSent += Number(r.bytesSent ?? 0);
          out.videoWidth = r.frameWidth as number | undefined;
          out.videoHeight = r.frameHeight as number | undefined;
        }
        if (r.type === 'outbound-rtp' && r.kind === 'audio') out.audioUpSent += Number(r.packetsSent ?? 0);
        if (r.type === 'remote-inbound-rtp' && r.kind === 'audio') out.audioUpLost += Math.max(0, Number(r.packetsLost ?? 0));
        if (r.type === 'outbound-rtp' && r.kind === 'video') {
          out.videoSent += Number(r.packetsSent ?? 0);
          out.videoNacks += Number(r.nackCount ?? 0);
        }
        if (r.type === 'remote-inbound-rtp' && r.kind === 'video') {
          out.videoLost += Math.max(0, Number(r.packetsLost ?? 0));
          const n = Number(r.roundTripTimeMeasurements ?? 0);
          if (n > 0) out.videoMeanRttMs = (Number(r.totalRoundTripTime ?? 0) / n) * 1000;
        }
        if (r.type === 'remote-inbound-rtp' && r.kind === 'video' && r.roundTripTime !== undefined) out.videoRttMs = Number(r.roundTripTime) * 1000;
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          out.audioDownReceived += Number(r.packetsReceived ?? 0);
          out.audioDownLost += Math.max(0, Number(r.packetsLost ?? 0));
        }
        if (sends && r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') {
          const pair = byId.get(r.selectedCandidatePairId);
          if (pair) {
            if (pair.currentRoundTripTime !== undefined) out.pairRttMs = Number(pair.currentRoundTripTime) * 1000;
            const n = Number(pair.responsesReceived ?? 0);
            if (n > 0) out.pairMeanRttMs = (Number(pair.totalRoundTripTime ?? 0) / n) * 1000;
            if (pair.availableOutgoingBitrate !== undefined) out.availableOutgoingKbps = Number(pair.availableOutgoingBitrate) / 1000;
          }
        }
      }
    }
    return out;
  });
}

type CallWin = Window & { __kanyanCall: { firstFrames: number[]; presence: string; walk?: WalkView } };

/** How many video tracks the console has shown a first frame of so far. */
export function firstFrameCount(inspector: Page): Promise<number> {
  return inspector.evaluate(() => (window as unknown as CallWin).__kanyanCall.firstFrames.length);
}

/** Wall-clock time of the first frame of the track after the first `before` ones. */
export async function nextFirstFrame(inspector: Page, before: number, timeout: number): Promise<number> {
  const h = await inspector.waitForFunction(
    (n) => {
      const f = (window as unknown as CallWin).__kanyanCall.firstFrames;
      return f.length > n ? f[n] : false;
    },
    before,
    { timeout, polling: 'raf' },
  );
  return (await h.jsonValue()) as number;
}

/**
 * Wall-clock time at which the console's video (of the track after the first `before` ones) first
 * showed a frame of at least 1280×720 in either orientation, or undefined if not within `timeout`.
 */
export async function firstHdFrame(inspector: Page, before: number, timeout: number): Promise<number | undefined> {
  try {
    const h = await inspector.waitForFunction(
      (n) => {
        if ((window as unknown as CallWin).__kanyanCall.firstFrames.length <= n) return false;
        for (const v of Array.from(document.querySelectorAll('video'))) {
          const stream = v.srcObject as MediaStream | null;
          if (!stream || stream.getVideoTracks().length === 0) continue;
          if (Math.max(v.videoWidth, v.videoHeight) >= 1280 || Math.min(v.videoWidth, v.videoHeight) >= 720) return performance.timeOrigin + performance.now();
        }
        return false;
      },
      before,
      { timeout, polling: 'raf' },
    );
    return (await h.jsonValue()) as number;
  } catch {
    return undefined;
  }
}

/** The size of the console's video now (width×height), for the log. */
export function consoleVideoSize(inspector: Page): Promise<string> {
  return inspector.evaluate(() => {
    const v = Array.from(document.querySelectorAll('video')).find((e) => (e.srcObject as MediaStream | null)?.getVideoTracks().length);
    return v ? `${v.videoWidth}x${v.videoHeight}` : 'none';
  });
}

/**
 * Asks for a photo of `pointKey` from the console, as the inspector does (the point's 请申请人拍照
 * button), and returns the wall-clock time at which its stamped thumbnail has loaded on the console.
 */
export async function photoRoundTrip(inspector: Page, pointKey: string, timeout: number): Promise<{ askedAt: number; shownAt: number }> {
  if (!(await inspector.$(`.current-point[data-key="${pointKey}"]`))) {
    await inspector.click(`.point-list li[data-key="${pointKey}"] button`);
    await inspector.waitForSelector(`.current-point[data-key="${pointKey}"]`);
  }
  const known = await inspector.evaluate((k) => (window as unknown as CallWin).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos.map((ph) => ph.id) ?? [], pointKey);
  const button = await inspector.waitForSelector('.current-point .ask-photo:not([disabled])');
  const askedAt = Date.now();
  await button.click();
  const h = await inspector.waitForFunction(
    ([k, ids]) => {
      const photos = (window as unknown as CallWin).__kanyanCall.walk?.points.find((p) => p.key === k)?.photos ?? [];
      const fresh = photos.find((ph) => !ids.includes(ph.id));
      if (!fresh) return false;
      const img = document.querySelector(`.current-point .thumb[data-evidence-id="${fresh.id}"] img`) as HTMLImageElement | null;
      return img && img.complete && img.naturalWidth > 0 ? performance.timeOrigin + performance.now() : false;
    },
    [pointKey, known] as const,
    { timeout, polling: 'raf' },
  );
  return { askedAt, shownAt: (await h.jsonValue()) as number };
}
