export interface Quality {
  kbps: number;
  lossPct: number;
  rttMs: number | null;
  width: number;
  height: number;
  framesDecoded: number;
  /** False on the first report after a (re)start: rates need two reports. */
  measured: boolean;
}

/** Turns successive getStats() reports of the receive side into bitrate, loss and round-trip time. */
export class QualityMeter {
  private prev: { at: number; bytes: number; lost: number; received: number } | undefined;

  read(report: RTCStatsReport): Quality {
    let bytes = 0;
    let lost = 0;
    let received = 0;
    let width = 0;
    let height = 0;
    let framesDecoded = 0;
    let rttMs: number | null = null;
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp') {
        bytes += Number(s.bytesReceived ?? 0);
        lost += Math.max(0, Number(s.packetsLost ?? 0));
        received += Number(s.packetsReceived ?? 0);
        if (s.kind === 'video') {
          width = Number(s.frameWidth ?? 0);
          height = Number(s.frameHeight ?? 0);
          framesDecoded = Number(s.framesDecoded ?? 0);
        }
      }
      if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime !== undefined) {
        rttMs = Math.round(Number(s.currentRoundTripTime) * 1000);
      }
    });
    const now = performance.now();
    let kbps = 0;
    let lossPct = 0;
    const measured = !!this.prev;
    if (this.prev) {
      const dt = (now - this.prev.at) / 1000;
      kbps = dt > 0 ? Math.max(0, Math.round(((bytes - this.prev.bytes) * 8) / 1000 / dt)) : 0;
      const dLost = lost - this.prev.lost;
      const dRecv = received - this.prev.received;
      lossPct = dLost + dRecv > 0 ? Math.round((dLost / (dLost + dRecv)) * 1000) / 10 : 0;
    }
    this.prev = { at: now, bytes, lost, received };
    return { kbps, lossPct, rttMs, width, height, framesDecoded, measured };
  }

  reset(): void {
    this.prev = undefined;
  }
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/**
 * One word for the inspector: whether the picture can be trusted. Loss and delay matter most; a
 * low bitrate (also while the video ramps up after joining) means a blurred picture, a trickle a
 * frozen one.
 */
export function qualityLevel(q: Quality): QualityLevel {
  if (!q.measured) return 'unknown';
  if (q.lossPct >= 5 || (q.rttMs ?? 0) >= 400 || q.kbps < 50) return 'poor';
  if (q.lossPct >= 2 || (q.rttMs ?? 0) >= 250 || q.kbps < 300) return 'fair';
  return 'good';
}
