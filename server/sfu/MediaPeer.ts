import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { Invalid, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import type { ConsumerOffer, MediaSource, Role, TransportOptions } from '../protocol/signaling';

export type ProducerInfo = {
  peerId: string;
  role: Role;
  source: MediaSource;
  /** Whose media, for the recording: the staff account id (a page's peer id changes on every reload). */
  accountId?: string;
};

interface PeerEvents {
  consumerClosed: [consumerId: string];
  close: [];
}

/** One participant's media inside a Room: a send and a receive transport and what flows on them. */
export class MediaPeer {
  readonly observer = new EventEmitter<PeerEvents>();
  private readonly producers = new Map<string, types.Producer<ProducerInfo>>();
  private readonly consumers = new Map<string, types.Consumer>();
  private _closed = false;

  constructor(
    readonly id: string,
    readonly role: Role,
    readonly rtpCapabilities: types.RtpCapabilities,
    readonly sendTransport: types.WebRtcTransport,
    readonly recvTransport: types.WebRtcTransport,
    readonly accountId?: string,
  ) {
    for (const t of [sendTransport, recvTransport]) {
      // A transport whose DTLS failed or whose ICE timed out is useless; the page rejoins.
      t.on('dtlsstatechange', (state) => {
        if (state === 'failed' || state === 'closed') t.close();
      });
    }
  }

  get closed(): boolean {
    return this._closed;
  }

  transportOptions(): { send: TransportOptions; recv: TransportOptions } {
    const view = (t: types.WebRtcTransport): TransportOptions => ({
      id: t.id,
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
    });
    return { send: view(this.sendTransport), recv: view(this.recvTransport) };
  }

  async connect(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await guard(() => this.transport(transportId).connect({ dtlsParameters }));
  }

  async produce(transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters, source: MediaSource): Promise<types.Producer<ProducerInfo>> {
    if (transportId !== this.sendTransport.id) throw new Invalid(text('只能在发送通道上推流', 'Media can only be sent on the send transport'), 'produce on non-send transport');
    for (const p of this.producers.values()) {
      // One camera and one microphone per peer; a re-produce replaces the old one (camera switch on some phones).
      if (p.appData.source === source) p.close();
    }
    const producer = await guard(() =>
      this.sendTransport.produce<ProducerInfo>({ kind, rtpParameters, appData: { peerId: this.id, role: this.role, source, accountId: this.accountId } }),
    );
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
    return producer;
  }

  /** Creates a paused consumer of another peer's producer; the page resumes it once it is ready. */
  async consume(router: types.Router, producer: types.Producer<ProducerInfo>): Promise<ConsumerOffer | undefined> {
    if (this._closed || producer.closed) return undefined;
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities: this.rtpCapabilities })) return undefined;
    const consumer = await this.recvTransport.consume({
      producerId: producer.id,
      rtpCapabilities: this.rtpCapabilities,
      paused: producer.kind === 'video',
    });
    this.consumers.set(consumer.id, consumer);
    const forget = () => {
      if (this.consumers.delete(consumer.id)) this.observer.emit('consumerClosed', consumer.id);
    };
    consumer.on('producerclose', () => {
      consumer.close();
      forget();
    });
    consumer.on('transportclose', forget);
    return {
      id: consumer.id,
      producerId: producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      fromRole: producer.appData.role,
      source: producer.appData.source,
    };
  }

  async resume(consumerId: string): Promise<void> {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new NotFound(text('媒体流不存在', 'No such media stream'), `consumer ${consumerId} not found`);
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  listProducers(): Array<types.Producer<ProducerInfo>> {
    return [...this.producers.values()];
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    // Closing the transports closes their producers and consumers.
    this.sendTransport.close();
    this.recvTransport.close();
    this.producers.clear();
    this.consumers.clear();
    this.observer.emit('close');
  }

  private transport(id: string): types.WebRtcTransport {
    if (id === this.sendTransport.id) return this.sendTransport;
    if (id === this.recvTransport.id) return this.recvTransport;
    throw new NotFound(text('传输通道不存在', 'No such transport'), `transport ${id} not found`);
  }
}

/** mediasoup rejects bad parameters with TypeError; those are the client's fault, not ours. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TypeError || (err as Error)?.name === 'UnsupportedError') {
      throw new Invalid(text('媒体参数无效', 'Invalid media parameters'), (err as Error).message);
    }
    throw err;
  }
}
