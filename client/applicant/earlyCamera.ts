import { mediaAlreadyAllowed } from './consent';

// The camera takes a few hundred milliseconds to open, so a tiny script in the page head starts it
// before the main bundle has even been parsed, but only when the browser already allows it: a
// permission prompt must never come before the page has said who is calling (see consent.ts).

const KEY = '__kanyanEarlyCamera';

export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24, max: 30 } },
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

/** The camera the early script is opening; null when the browser would have asked first (the page then waits for the tap). */
export type EarlyCamera = { stream: Promise<MediaStream> } | null;

export function startEarlyCamera(): void {
  const p = mediaAlreadyAllowed().then((allowed): EarlyCamera => {
    if (!allowed) return null;
    const stream = navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
    // A failure is handled when the page takes the stream; this only avoids an unhandled rejection.
    stream.catch(() => undefined);
    return { stream };
  });
  (window as unknown as Record<string, unknown>)[KEY] = p;
}

/** The early script's camera, once (undefined if the early script did not run). Resolves as soon as the permission question is answered, before the camera is open. */
export function takeEarlyCamera(): Promise<EarlyCamera> | undefined {
  const w = window as unknown as Record<string, Promise<EarlyCamera> | undefined>;
  const p = w[KEY];
  w[KEY] = undefined;
  return p;
}
