// The camera takes a few hundred milliseconds to open (and the phone asks for permission first),
// so a tiny script in the page head starts it before the main bundle has even been parsed.

const KEY = '__kanyanEarlyCamera';

export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

export function startEarlyCamera(): void {
  const md = navigator.mediaDevices;
  if (!md?.getUserMedia) return;
  const p = md.getUserMedia(CAMERA_CONSTRAINTS);
  // A refusal is handled when the page takes the promise; this only avoids an unhandled rejection.
  p.catch(() => undefined);
  (window as unknown as Record<string, unknown>)[KEY] = p;
}

/** The stream the early script asked for, once; undefined if it did not run. */
export function takeEarlyCamera(): Promise<MediaStream> | undefined {
  const w = window as unknown as Record<string, Promise<MediaStream> | undefined>;
  const p = w[KEY];
  w[KEY] = undefined;
  return p;
}
