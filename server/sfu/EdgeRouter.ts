import type { types } from 'mediasoup';
import { MEDIA_CODECS } from './mediaCodecs';
import type { ProducerInfo } from './MediaPeer';
import type { MediaWorker } from './WorkerPool';

/**
 * A router on another worker than the room's own, serving the room's observers: a supervisor's
 * viewing then costs the worker that carries the phone, the inspector and the recorder one pipe per
 * stream instead of one SRTP stream per viewer. Producers are piped in on first use and stay piped
 * while the edge lives.
 */
export class EdgeRouter {
  private readonly piped = new Map<string, Promise<types.Producer<ProducerInfo>>>();
  private _closed = false;
  private piping = false;

  private constructor(
    readonly slot: MediaWorker,
    readonly router: types.Router,
    private readonly home: types.Router,
  ) {
    router.observer.once('close', () => this.close());
  }

  static async create(slot: MediaWorker, home: types.Router): Promise<EdgeRouter> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers++;
    return new EdgeRouter(slot, router, home);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Whether the pipe transport pair (one on each router, shared by every piped stream) exists. */
  get hasPipe(): boolean {
    return this.piping;
  }

  /** The home router's producer as this router sees it: the pipe's producer, with the same id and appData. */
  producer(original: types.Producer<ProducerInfo>): Promise<types.Producer<ProducerInfo>> {
    let piped = this.piped.get(original.id);
    if (!piped) {
      piped = this.home
        // No data channels cross the pipe: observers receive audio and video only.
        .pipeToRouter({ producerId: original.id, router: this.router, enableSctp: false })
        .then(({ pipeProducer }) => {
          this.piping = true;
          return pipeProducer as types.Producer<ProducerInfo>;
        });
      this.piped.set(original.id, piped);
      piped.catch(() => this.piped.delete(original.id));
      original.observer.once('close', () => this.piped.delete(original.id));
    }
    return piped;
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this.piped.clear();
    this.router.close();
    this.slot.routers = Math.max(0, this.slot.routers - 1);
  }
}
