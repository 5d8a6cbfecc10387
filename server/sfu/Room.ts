import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../platform/logger';
import { Unavailable } from '../platform/errors';
import { text } from '../platform/Text';
import type { ConsumerOffer, MediaSource, Role } from '../protocol/signaling';
import { MEDIA_CODECS } from './mediaCodecs';
import { MediaPeer, type ProducerInfo } from './MediaPeer';
import type { MediaWorker, WorkerPool } from './WorkerPool';

interface RoomEvents {
  /** A consumer was created for `peerId` and must be offered to that peer's page. */
  consumer: [peerId: string, offer: ConsumerOffer];
  consumerClosed: [peerId: string, consumerId: string];
  /** A page started sending: the recorder records it. */
  producer: [producer: types.Producer<ProducerInfo>];
  close: [];
}

/** The media side of one inspection session: one Router on one worker, and its peers. */
export class Room {
  readonly observer = new EventEmitter<RoomEvents>();
  private readonly peers = new Map<string, MediaPeer>();
  private _closed = false;

  private constructor(
    readonly sessionId: string,
    private readonly slot: MediaWorker,
    readonly router: types.Router,
    private readonly log: Logger,
  ) {
    router.observer.once('close', () => this.close());
  }

  static async create(pool: WorkerPool, sessionId: string, log: Logger): Promise<Room> {
    const slot = pool.pick();
    if (!slot) throw new Unavailable(text('媒体服务正在重启，请稍后重试', 'The media service is restarting; please try again shortly'), 'no live media worker');
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    slot.routers++;
    return new Room(sessionId, slot, router, log.child({ sessionId, worker: slot.index }));
  }

  get closed(): boolean {
    return this._closed;
  }

  get workerIndex(): number {
    return this.slot.index;
  }

  peer(id: string): MediaPeer | undefined {
    return this.peers.get(id);
  }

  async addPeer(id: string, role: Role, rtpCapabilities: types.RtpCapabilities, accountId?: string): Promise<{ peer: MediaPeer; consumers: ConsumerOffer[] }> {
    this.peers.get(id)?.close();
    const options = { webRtcServer: this.slot.webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true, initialAvailableOutgoingBitrate: 1_000_000 };
    const send = await this.router.createWebRtcTransport(options);
    const recv = await this.router.createWebRtcTransport(options);
    const peer = new MediaPeer(id, role, rtpCapabilities, send, recv, accountId);
    this.peers.set(id, peer);
    peer.observer.on('consumerClosed', (consumerId) => this.observer.emit('consumerClosed', id, consumerId));
    peer.observer.once('close', () => {
      if (this.peers.get(id) === peer) this.peers.delete(id);
    });
    // The joiner receives whatever is already being sent, in the join answer itself.
    const consumers: ConsumerOffer[] = [];
    for (const other of this.peers.values()) {
      if (other === peer) continue;
      for (const producer of other.listProducers()) {
        const offer = await peer.consume(this.router, producer);
        if (offer) consumers.push(offer);
      }
    }
    return { peer, consumers };
  }

  async produce(peer: MediaPeer, transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters, source: MediaSource): Promise<string> {
    const producer = await peer.produce(transportId, kind, rtpParameters, source);
    this.observer.emit('producer', producer);
    await this.fanOut(peer, producer);
    return producer.id;
  }

  private async fanOut(from: MediaPeer, producer: types.Producer<ProducerInfo>): Promise<void> {
    for (const other of this.peers.values()) {
      if (other === from) continue;
      try {
        const offer = await other.consume(this.router, producer);
        if (offer) this.observer.emit('consumer', other.id, offer);
      } catch (err) {
        this.log.warn({ err, peerId: other.id }, 'could not create consumer');
      }
    }
  }

  /** How many WebRTC transports the router holds (monitoring, and tests that look for leaks). */
  async transportCount(): Promise<number> {
    if (this._closed) return 0;
    return (await this.router.dump()).transportIds.length;
  }

  removePeer(id: string): void {
    this.peers.get(id)?.close();
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    this.router.close();
    this.slot.routers = Math.max(0, this.slot.routers - 1);
    this.observer.emit('close');
  }
}
