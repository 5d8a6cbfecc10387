import { Device } from 'mediasoup-client';
import type { Consumer, Producer, RtpCapabilities, Transport } from 'mediasoup-client/lib/types';
import type { ConsumerOffer, JoinResult, MediaSource, TransportOptions } from '../../server/protocol/signaling';
import type { SignalingClient } from './SignalingClient';

export interface MediaSessionHandlers {
  onTrack(track: MediaStreamTrack, offer: ConsumerOffer): void;
  onTrackEnded(consumerId: string): void;
  /** The WebRTC path broke (ICE or DTLS failed); the page should rejoin. */
  onTransportFailed(): void;
}

export interface JoinTimings {
  joinSentAt: number;
  joinAckAt: number;
  sendConnectedAt?: number;
  recvConnectedAt?: number;
}

/**
 * One page's membership in a call: loads the device with the capabilities embedded in the page,
 * joins in one round trip, and wires the send and receive transports to signaling.
 */
export class MediaSession {
  readonly timings: JoinTimings;
  /** Called once when the send transport's ICE and DTLS are up (page time). */
  onConnected: ((at: number) => void) | undefined;
  private readonly consumers = new Map<string, Consumer>();
  private closed = false;
  private offersTaken = false;

  private constructor(
    private readonly signaling: SignalingClient,
    readonly join: JoinResult,
    private readonly sendTransport: Transport,
    readonly recvTransport: Transport,
    private readonly handlers: MediaSessionHandlers,
    timings: JoinTimings,
  ) {
    this.timings = timings;
    signaling.socket.on('consumer:new', this.onOffer);
    signaling.socket.on('consumer:closed', this.onConsumerClosed);
  }

  /**
   * Joins and wires both transports. With `deferOffers`, the tracks the join result offers are not taken
   * yet (call consumeOffered()): the phone sends its camera first, as taking a track costs a round trip
   * and a negotiation that would otherwise come before its first frame.
   */
  static async start(signaling: SignalingClient, routerCaps: unknown, handlers: MediaSessionHandlers, opts: { deferOffers?: boolean } = {}): Promise<MediaSession> {
    const device = await MediaSession.device(routerCaps as RtpCapabilities);
    const joinSentAt = performance.now();
    const join = await signaling.request('call:join', { rtpCapabilities: device.rtpCapabilities, clientTime: Date.now() });
    const timings: JoinTimings = { joinSentAt, joinAckAt: performance.now() };
    const send = device.createSendTransport(transportParams(join.sendTransport));
    const recv = device.createRecvTransport(transportParams(join.recvTransport));
    const session = new MediaSession(signaling, join, send, recv, handlers, timings);
    session.wire(send, 'sendConnectedAt');
    session.wire(recv, 'recvConnectedAt');
    send.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
      signaling
        .request('transport:produce', { transportId: send.id, kind, rtpParameters, source: appData.source })
        .then(({ producerId }) => ok({ id: producerId }))
        .catch(fail);
    });
    if (!opts.deferOffers) await session.consumeOffered();
    return session;
  }

  /** Takes the tracks offered in the join result (the others already in the call); once. */
  async consumeOffered(): Promise<void> {
    if (this.offersTaken) return;
    this.offersTaken = true;
    await Promise.all(this.join.consumers.map((offer) => this.consume(offer)));
  }

  private static loadedDevice: Promise<Device> | undefined;

  /**
   * Loading the device probes the browser's codecs (it builds a throwaway peer connection), which
   * takes tens of milliseconds: pages call this at start so it overlaps the socket handshake.
   */
  static preload(routerCaps: unknown): void {
    void MediaSession.device(routerCaps as RtpCapabilities).catch(() => undefined);
  }

  private static device(caps: RtpCapabilities): Promise<Device> {
    // A Device can only be loaded once; reuse it across rejoins.
    MediaSession.loadedDevice ??= (async () => {
      const d = new Device();
      await d.load({ routerRtpCapabilities: caps });
      return d;
    })();
    return MediaSession.loadedDevice;
  }

  async produce(track: MediaStreamTrack, source: MediaSource, maxBitrate?: number): Promise<Producer> {
    return this.sendTransport.produce({
      track,
      appData: { source },
      encodings: maxBitrate ? [{ maxBitrate }] : undefined,
      // The encoder starts at 1 Mbit/s rather than Chrome's 300 kbit/s, so the first frames are not cut down to fit.
      // How it gives way on a weak uplink is the page's choice (the phone: client/applicant/sendPreference.ts).
      codecOptions: track.kind === 'video' ? { videoGoogleStartBitrate: 1000 } : undefined,
      stopTracks: false,
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signaling.socket.off('consumer:new', this.onOffer);
    this.signaling.socket.off('consumer:closed', this.onConsumerClosed);
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.sendTransport.close();
    this.recvTransport.close();
  }

  private wire(transport: Transport, mark: 'sendConnectedAt' | 'recvConnectedAt'): void {
    transport.on('connect', ({ dtlsParameters }, ok) => {
      // Acknowledged at once: socket.io keeps order, so the server has the DTLS parameters before the
      // produce request that follows, and one round trip (costly on a phone network) is saved. If the
      // server refuses them, the transport fails and the page rejoins.
      this.signaling.request('transport:connect', { transportId: transport.id, dtlsParameters }).catch(() => {
        if (!this.closed) this.handlers.onTransportFailed();
      });
      ok();
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected' && this.timings[mark] === undefined) {
        this.timings[mark] = performance.now();
        if (mark === 'sendConnectedAt') this.onConnected?.(this.timings[mark]!);
      }
      if (state === 'failed' && !this.closed) this.handlers.onTransportFailed();
    });
  }

  private readonly onOffer = (offer: ConsumerOffer) => {
    this.consume(offer).catch((err) => console.warn('consume failed', err));
  };

  private readonly onConsumerClosed = ({ consumerId }: { consumerId: string }) => {
    const c = this.consumers.get(consumerId);
    if (!c) return;
    c.close();
    this.consumers.delete(consumerId);
    this.handlers.onTrackEnded(consumerId);
  };

  private async consume(offer: ConsumerOffer): Promise<void> {
    if (this.closed) return;
    const consumer = await this.recvTransport.consume({
      id: offer.id,
      producerId: offer.producerId,
      kind: offer.kind,
      rtpParameters: offer.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
    });
    this.consumers.set(consumer.id, consumer);
    this.handlers.onTrack(consumer.track, offer);
    await this.signaling.request('consumer:resume', { consumerId: consumer.id });
  }
}

function transportParams(t: TransportOptions) {
  return t as unknown as Parameters<Device['createSendTransport']>[0];
}
