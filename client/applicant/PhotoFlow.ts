import type { Producer } from 'mediasoup-client/lib/types';
import { toast } from '../shared/dom';
import { t } from '../shared/i18n';
import type { SignalingClient } from '../shared/SignalingClient';
import { fill, type PhoneBoot } from './boot';
import type { CameraControl } from './CameraControl';
import { EndScreen } from './EndScreen';
import { PhotoUploader } from './PhotoUploader';
import type { PhoneFacts } from './phoneScreen';
import type { PhoneView } from './PhoneView';
import type { PositionReporter } from './PositionReporter';

export interface PhotoFlowDeps {
  boot: PhoneBoot;
  signaling: SignalingClient;
  view: PhoneView;
  facts: PhoneFacts;
  positions: PositionReporter;
  camera: CameraControl;
  /** In the call now: progress reports can reach the console. */
  inCall(): boolean;
  videoProducer(): Producer | undefined;
}

/**
 * Photos from the phone: the inspector's requests (a still from the camera), gallery photos where
 * the office allows them, and what the shop owner is told about each: delivered (with its
 * thumbnail), waiting and why, refused and why, or kept for a later link.
 */
export class PhotoFlow {
  readonly uploader: PhotoUploader;
  /** Why each waiting photo waits, as last told: said again only when the reason changes, not at every retry. */
  private readonly waitingShown = new Map<string, string>();

  constructor(private readonly d: PhotoFlowDeps) {
    const socket = d.signaling.socket;
    this.uploader = new PhotoUploader(d.boot.token, d.boot.sessionId, {
      parked: () => this.parked(),
      progress: (p) => {
        if (d.inCall()) socket.emit('capture:progress', p, () => undefined);
        if (p.state === 'retrying') this.noteWaiting(p.requestId, p.message ?? t('photo.retrying'));
        if (p.state === 'failed') {
          this.waitingShown.delete(p.requestId);
          toast(fill(t('photo.refused'), { why: p.message ?? t('photo.failed') }), 'error', 8000);
        }
      },
      busy: (uploading) => {
        // A photo going up on a weak uplink must not freeze the live picture: give the video less room meanwhile.
        void d.videoProducer()?.setRtpEncodingParameters({ maxBitrate: uploading ? 250_000 : 1_200_000 }).catch(() => undefined);
      },
      delivered: (photo) => {
        this.waitingShown.delete(photo.requestId);
        const title = d.view.prompt.titleOf(photo.pointKey);
        if (photo.receipt) d.view.receipts.add({ requestId: photo.requestId, pointTitle: title ?? photo.pointKey, signed: photo.receipt });
        if (!d.facts.end) d.view.delivered.show(photo.blob, title, photo.receipt?.number);
        // A photo confirmed after the call ended (it waited on a weak network) joins the end screen's list.
        else d.view.end.showReceipts();
      },
    });
    socket.on('capture:request', ({ pointKey, captureId, challenge }) => {
      // A challenge point waits for the applicant to write the code and press the button.
      if (challenge) d.view.challenge.ask(challenge.code, () => void this.take(pointKey, captureId));
      else void this.take(pointKey, captureId);
    });
  }

  /** A photo the business picked from its gallery, for the point on screen. */
  sendGallery(pointKey: string, file: File): void {
    this.uploader.add(pointKey, file, this.d.positions.latest, { source: 'gallery' });
  }

  private async take(pointKey: string, captureId: string): Promise<void> {
    if (!this.d.facts.started || this.d.facts.end) return;
    toast(t('photo.taking'));
    try {
      const blob = await this.d.camera.still();
      this.uploader.add(pointKey, blob, this.d.positions.latest, { source: 'photo', captureId });
    } catch {
      toast(t('photo.failed'), 'error');
    }
  }

  private noteWaiting(requestId: string, why: string): void {
    if (this.d.facts.end || this.waitingShown.get(requestId) === why) return;
    this.waitingShown.set(requestId, why);
    toast(fill(t('photo.waiting'), { why }), 'info', 5000);
  }

  /** The link no longer takes photos. Say where they are, and whether anything can still send them. */
  private parked(): void {
    const end = this.d.facts.end;
    const fate = end ? EndScreen.photoFate(end) : undefined;
    if (fate !== 'never') toast(t('photo.parked'), 'error', 10_000);
    if (fate) this.d.view.end.notePhotos(fate);
  }
}
