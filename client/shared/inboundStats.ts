export interface InboundTotals {
  videoFramesDecoded: number;
  videoWidth: number;
  audioBytes: number;
  audioSamples: number;
}

/** Sums what a receive transport has taken in so far; used by the quality panel and tests. */
export function inboundTotals(report: RTCStatsReport): InboundTotals {
  const t: InboundTotals = { videoFramesDecoded: 0, videoWidth: 0, audioBytes: 0, audioSamples: 0 };
  report.forEach((s: Record<string, unknown>) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') {
      t.videoFramesDecoded += Number(s.framesDecoded ?? 0);
      t.videoWidth = Math.max(t.videoWidth, Number(s.frameWidth ?? 0));
    } else if (s.kind === 'audio') {
      t.audioBytes += Number(s.bytesReceived ?? 0);
      t.audioSamples += Number(s.totalSamplesReceived ?? 0);
    }
  });
  return t;
}
