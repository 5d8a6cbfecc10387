import type { Producer } from 'mediasoup-client/lib/types';
import type { CameraRequest } from '../../server/protocol/signaling';
import { toast } from '../shared/dom';
import { t, type MessageKey } from '../shared/i18n';
import type { LocalCamera } from './LocalCamera';
import { takePhoto } from './takePhoto';

export interface CameraDeps {
  camera(): LocalCamera | undefined;
  videoProducer(): Producer | undefined;
  preview: HTMLVideoElement;
  ended(): boolean;
  /** The camera's state changed (facing, torch, zoom): tell the console and redraw the buttons. */
  changed(): void;
}

/**
 * Camera operations, one at a time: switching cameras stops the track a photo may be reading from
 * (an inspector asking for a photo and for the front camera at once gave a broken image).
 */
export class CameraControl {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CameraDeps) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A full-resolution still; the track is read inside the queue, so a switch just before changes which one it is. */
  still(): Promise<Blob> {
    return this.serial(() => {
      const cam = this.deps.camera();
      if (!cam) throw new Error('no camera');
      return takePhoto(cam.video);
    });
  }

  toggleFacing(): Promise<void> {
    const cam = this.deps.camera();
    return this.switchTo(cam?.currentFacing === 'environment' ? 'user' : 'environment');
  }

  async switchTo(facing: 'environment' | 'user'): Promise<void> {
    const cam = this.deps.camera();
    if (!cam || this.deps.ended()) return;
    try {
      await this.serial(async () => {
        const track = await cam.switchTo(facing);
        if (this.deps.ended()) {
          track.stop();
          return;
        }
        this.deps.preview.srcObject = new MediaStream([track]);
        await this.deps.videoProducer()?.replaceTrack({ track });
      });
    } catch {
      toast(t('req.unsupported'), 'error');
    }
    this.deps.changed();
  }

  /** A request from the inspector (said on screen) or the phone's own torch and zoom buttons. */
  async apply(req: CameraRequest, fromInspector: boolean): Promise<void> {
    const cam = this.deps.camera();
    if (!cam || this.deps.ended()) return;
    if (fromInspector) toast(t(`req.${req.action}` as MessageKey));
    let ok = true;
    if (req.action === 'rear' || req.action === 'front') await this.switchTo(req.action === 'rear' ? 'environment' : 'user');
    else if (req.action === 'torch_on' || req.action === 'torch_off') ok = await cam.setTorch(req.action === 'torch_on').catch(() => false);
    else if (req.action === 'zoom' && req.zoom !== undefined) ok = await cam.setZoom(req.zoom).catch(() => false);
    if (!ok) toast(t('req.unsupported'), 'error');
    this.deps.changed();
  }
}
