import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../platform/logger';
import { Unavailable } from '../platform/errors';
import { text } from '../platform/Text';
import type { ConsumerOffer, MediaSource, Role } from '../protocol/signaling';
import { MEDIA_CODECS } from './mediaCodecs';
import { EdgeRouter } from './EdgeRouter';
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

/**
 * The media side of one inspection session: its home Router on the least loaded worker, carrying the
 * phone, the inspectors and the recorder; observers are served from an EdgeRouter on another worker
 * when there is one.
 */
export class Room {
  readonly observer = new EventEmitter<RoomEvents>();
  private readonly peers = new Map<string, MediaPeer>();
  /** Edge routers by worker index; a promise, so observers joining together share one. */
  private readonly edges = new Map<number, Promise<EdgeRouter>>();
  /** Which edge serves each observer (absent: the home router). */
  private readonly peerEdges = new Map<string, EdgeRouter>();
  private _closed = false;

  private constructor(
    readonly sessionId: string,
    private readonly pool: WorkerPool,
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
    return new Room(sessionId, pool, slot, router, log.child({ sessionId, worker: slot.index }));
  }

  get closed(): boolean {
    return this._closed;
  }

  get workerIndex(): number {
    return this.slot.index;
  }

  /** Which worker serves each peer's transports: the home worker, or an observer's edge (monitoring). */
  placements(): Array<{ peerId: string; role: Role; worker: number }> {
    return [...this.peers.values()].map((p) => ({ peerId: p.id, role: p.role, worker: this.peerEdges.get(p.id)?.slot.index ?? this.slot.index }));
  }

  peer(id: string): MediaPeer | undefined {
    return this.peers.get(id);
  }

  async addPeer(id: string, role: Role, rtpCapabilities: types.RtpCapabilities, accountId?: string): Promise<{ peer: MediaPeer; consumers: ConsumerOffer[] }> {
    this.peers.get(id)?.close();
    const edge = role === 'observer' ? await this.edgeForObserver() : undefined;
    const router = edge?.router ?? this.router;
    const options = { webRtcServer: (edge?.slot ?? this.slot).webRtcServer, enableUdp: true, enableTcp: true, preferUdp: true, initialAvailableOutgoingBitrate: 1_000_000 };
    const send = await router.createWebRtcTransport(options);
    const recv = await router.createWebRtcTransport(options);
    const peer = new MediaPeer(id, role, rtpCapabilities, send, recv, accountId);
    this.peers.set(id, peer);
    if (edge) this.peerEdges.set(id, edge);
    peer.observer.on('consumerClosed', (consumerId) => this.observer.emit('consumerClosed', id, consumerId));
    peer.observer.once('close', () => {
      if (this.peers.get(id) === peer) {
        this.peers.delete(id);
        this.peerEdges.delete(id);
      }
      if (edge) this.releaseEdgeIfUnused(edge);
    });
    // The joiner receives whatever is already being sent, in the join answer itself.
    const consumers: ConsumerOffer[] = [];
    for (const other of this.peers.values()) {
      if (other === peer) continue;
      for (const producer of other.listProducers()) {
        const offer = await this.consume(peer, producer);
        if (offer) consumers.push(offer);
      }
    }
    return { peer, consumers };
  }

  /** A consumer for `peer` on the router that serves it: an observer's edge gets the producer piped. */
  private async consume(peer: MediaPeer, producer: types.Producer<ProducerInfo>): Promise<ConsumerOffer | undefined> {
    const edge = this.peerEdges.get(peer.id);
    if (!edge) return peer.consume(this.router, producer);
    return peer.consume(edge.router, await edge.producer(producer));
  }

  /**
   * The edge an observer joins on: the least loaded worker other than the home one, or none when the
   * home worker is the only one alive (the observer is then served at home, as with one worker).
   */
  private async edgeForObserver(): Promise<EdgeRouter | undefined> {
    const slot = this.pool.pick({ except: this.slot.index });
    if (!slot) return undefined;
    let pending = this.edges.get(slot.index);
    if (pending) {
      const edge = await pending.catch(() => undefined);
      if (edge && !edge.closed && edge.slot === slot) return edge;
      if (this.edges.get(slot.index) === pending) this.edges.delete(slot.index);
    }
    pending = EdgeRouter.create(slot, this.router);
    this.edges.set(slot.index, pending);
    try {
      const edge = await pending;
      edge.router.observer.once('close', () => this.edgeClosed(slot.index, edge));
      if (this._closed) edge.close();
      else this.log.info({ edgeWorker: slot.index }, 'observers served from another worker through a pipe');
      return edge;
    } catch (err) {
      if (this.edges.get(slot.index) === pending) this.edges.delete(slot.index);
      // Serving the observer at home is better than refusing to let a supervisor watch.
      this.log.warn({ err, edgeWorker: slot.index }, 'could not open an edge router; observer served at home');
      return undefined;
    }
  }

  /** The edge's worker died or the edge was released: its observers' transports are gone, their pages rejoin. */
  private edgeClosed(index: number, edge: EdgeRouter): void {
    void this.edges.get(index)?.then((current) => {
      if (current === edge) this.edges.delete(index);
    });
    for (const [peerId, e] of this.peerEdges) if (e === edge) this.peers.get(peerId)?.close();
  }

  private releaseEdgeIfUnused(edge: EdgeRouter): void {
    for (const e of this.peerEdges.values()) if (e === edge) return;
    edge.close();
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
        const offer = await this.consume(other, producer);
        if (offer) this.observer.emit('consumer', other.id, offer);
      } catch (err) {
        this.log.warn({ err, peerId: other.id }, 'could not create consumer');
      }
    }
  }

  /** How many WebRTC transports the router holds (monitoring, and tests that look for leaks). */
  async transportCount(): Promise<number> {
    if (this._closed) return 0;
    let count = (await this.router.dump()).transportIds.length;
    for (const pending of this.edges.values()) {
      const edge = await pending.catch(() => undefined);
      if (!edge || edge.closed) continue;
      // The pipe pair (one transport on each side) is the edge's plumbing, not a page's.
      const pipes = edge.hasPipe ? 1 : 0;
      count += (await edge.router.dump()).transportIds.length - 2 * pipes;
    }
    return count;
  }

  removePeer(id: string): void {
    this.peers.get(id)?.close();
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    this.peerEdges.clear();
    for (const pending of this.edges.values()) void pending.then((e) => e.close(), () => undefined);
    this.edges.clear();
    this.router.close();
    this.slot.routers = Math.max(0, this.slot.routers - 1);
    this.observer.emit('close');
  }
}
