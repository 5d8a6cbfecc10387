interface Range {
  max?: number;
}
interface ImageCaptureLike {
  takePhoto(settings?: { imageWidth?: number; imageHeight?: number }): Promise<Blob>;
  getPhotoCapabilities?(): Promise<{ imageWidth?: Range; imageHeight?: Range }>;
}

declare const ImageCapture: { new (track: MediaStreamTrack): ImageCaptureLike } | undefined;

/**
 * A full-resolution still from the phone's own camera: ImageCapture.takePhoto() where the browser
 * has it, else the current frame of the local track at its native size (never the downscaled video
 * the SFU forwards).
 */
export async function takePhoto(track: MediaStreamTrack): Promise<Blob> {
  // The live video runs at 720p to spare the uplink; for the still, raise the track to the
  // sensor's full size for a moment, then put it back.
  const live = track.getSettings();
  const caps = track.getCapabilities?.() ?? {};
  const maxW = caps.width?.max;
  const maxH = caps.height?.max;
  const raise = !!maxW && !!maxH && (live.width ?? 0) < maxW;
  if (raise) await track.applyConstraints({ width: { ideal: maxW }, height: { ideal: maxH } }).catch(() => undefined);
  try {
    return await still(track);
  } finally {
    if (raise) await track.applyConstraints({ width: { ideal: live.width }, height: { ideal: live.height }, frameRate: { ideal: 24, max: 30 } }).catch(() => undefined);
  }
}

async function still(track: MediaStreamTrack): Promise<Blob> {
  if (typeof ImageCapture !== 'undefined') {
    try {
      const capture = new ImageCapture(track);
      // Ask for the sensor's largest still, not the size the live video runs at.
      const caps = await capture.getPhotoCapabilities?.().catch(() => undefined);
      const w = caps?.imageWidth?.max;
      const h = caps?.imageHeight?.max;
      return await capture.takePhoto(w && h ? { imageWidth: w, imageHeight: h } : undefined);
    } catch {
      // Some phones refuse takePhoto while the track is in use; fall back to the track's own frame.
    }
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')!.drawImage(video, 0, 0);
  video.srcObject = null;
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  if (!blob) throw new Error('camera frame unavailable');
  return blob;
}
