import { mediaAlreadyAllowed } from './consent';

// The camera takes a few hundred milliseconds to open, so a tiny script in the page head starts it
// before the main bundle has even been parsed, but only when the browser already allows it: a
// permission prompt must never come before the page has said who is calling (see consent.ts).

const KEY = '__kanyanEarlyCamera';

export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

export function startEarlyCamera(): void {
  const p = mediaAlreadyAllowed().then((allowed) => (allowed ? navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS) : null));
  // A failure is handled when the page takes the promise; this only avoids an unhandled rejection.
  p.catch(() => undefined);
  (window as unknown as Record<string, unknown>)[KEY] = p;
}

/**
 * The early script's stream, once: null when the browser would have asked first (the page then
 * waits for the tap), undefined if the early script did not run.
 */
export function takeEarlyCamera(): Promise<MediaStream | null> | undefined {
  const w = window as unknown as Record<string, Promise<MediaStream | null> | undefined>;
  const p = w[KEY];
  w[KEY] = undefined;
  return p;
}
