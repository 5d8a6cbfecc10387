// How the phone's encoder gives way when the uplink is short. The inspector reads signs, licences and
// labels through this video, so by default it keeps the camera's resolution and lets the frame rate
// fall ('maintain-resolution'); otherwise Chrome starts a call at 480×270 and climbs only as its
// bandwidth estimate ramps, and scales down on any dip. On an uplink too thin for 720p to move at all
// (under THIN_KBPS for a while: 720p would come at a frame or two a second) it lets the resolution
// fall too ('balanced'), for good: a blurry moving picture then beats a frozen sharp one.

const THIN_KBPS = 350;
const CHECK_MS = 2000;
/** Consecutive thin checks before giving way: a dip while the estimate starts or recovers is not a thin uplink. */
const THIN_CHECKS = 3;

export async function preferResolution(sender: RTCRtpSender | undefined, preference: RTCDegradationPreference): Promise<void> {
  if (!sender) return;
  try {
    await sender.setParameters({ ...sender.getParameters(), degradationPreference: preference } as RTCRtpSendParameters);
  } catch {
    // Browsers without degradationPreference keep their own default: nothing worse than before.
  }
}

/** The send path's estimated uplink, kbit/s, from the nominated candidate pair (undefined before it is known). */
async function uplinkKbps(sender: RTCRtpSender): Promise<number | undefined> {
  let kbps: number | undefined;
  (await sender.getStats()).forEach((r: { type: string; nominated?: boolean; availableOutgoingBitrate?: number }) => {
    if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate) kbps = r.availableOutgoingBitrate / 1000;
  });
  return kbps;
}

/** Keeps the camera's resolution until the uplink proves too thin for it; returns a stop function. */
export function keepResolutionWhileItMoves(sender: RTCRtpSender | undefined): () => void {
  if (!sender) return () => undefined;
  void preferResolution(sender, 'maintain-resolution');
  let thin = 0;
  const timer = setInterval(() => {
    uplinkKbps(sender).then(
      (kbps) => {
        thin = kbps !== undefined && kbps < THIN_KBPS ? thin + 1 : 0;
        if (thin < THIN_CHECKS) return;
        clearInterval(timer);
        void preferResolution(sender, 'balanced');
      },
      () => clearInterval(timer),
    );
  }, CHECK_MS);
  return () => clearInterval(timer);
}
