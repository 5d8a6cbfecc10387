import type { CameraState } from '../../server/protocol/signaling';
import { CAMERA_CONSTRAINTS } from './earlyCamera';

type Facing = 'environment' | 'user';

interface TorchZoomCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
  zoom?: { min: number; max: number; step: number };
}

interface TorchZoomSettings extends MediaTrackSettings {
  torch?: boolean;
  zoom?: number;
}

/**
 * The phone's camera and microphone. Rear camera by default; torch and zoom are offered only when
 * the track reports them in its capabilities (many cheap phones and all fake cameras do not).
 */
export class LocalCamera {
  private constructor(
    public video: MediaStreamTrack,
    readonly audio: MediaStreamTrack,
    private facing: Facing,
  ) {}

  /** Takes the stream the early script opened, if any; otherwise asks the browser (which may prompt). */
  static async open(early?: Promise<MediaStream> | null): Promise<LocalCamera> {
    const stream = await (early ?? navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS));
    return new LocalCamera(stream.getVideoTracks()[0]!, stream.getAudioTracks()[0]!, 'environment');
  }

  private static videoConstraints(facing: Facing): MediaTrackConstraints {
    return { ...(CAMERA_CONSTRAINTS.video as MediaTrackConstraints), facingMode: { ideal: facing } };
  }

  /** Opens the other camera and returns the new track; the caller swaps it into the producer. */
  async switchTo(facing: Facing): Promise<MediaStreamTrack> {
    if (facing === this.facing && this.video.readyState === 'live') return this.video;
    // Many phones cannot open two cameras at once: stop the old one first.
    this.video.stop();
    const stream = await navigator.mediaDevices.getUserMedia({ video: LocalCamera.videoConstraints(facing) });
    this.video = stream.getVideoTracks()[0]!;
    this.facing = facing;
    return this.video;
  }

  get currentFacing(): Facing {
    return this.facing;
  }

  async setTorch(on: boolean): Promise<boolean> {
    if (!this.capabilities().torch) return false;
    await this.video.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    return true;
  }

  async setZoom(value: number): Promise<boolean> {
    const z = this.capabilities().zoom;
    if (!z) return false;
    const clamped = Math.min(z.max, Math.max(z.min, value));
    await this.video.applyConstraints({ advanced: [{ zoom: clamped } as MediaTrackConstraintSet] });
    return true;
  }

  state(): CameraState {
    const caps = this.capabilities();
    const settings = (this.video.getSettings?.() ?? {}) as TorchZoomSettings;
    return {
      facing: this.facing,
      torch: { available: !!caps.torch, on: !!settings.torch },
      zoom: caps.zoom ? { min: caps.zoom.min, max: caps.zoom.max, step: caps.zoom.step || 0.1, value: settings.zoom ?? caps.zoom.min } : null,
    };
  }

  stop(): void {
    this.video.stop();
    this.audio.stop();
  }

  private capabilities(): TorchZoomCapabilities {
    return (this.video.getCapabilities?.() ?? {}) as TorchZoomCapabilities;
  }
}
