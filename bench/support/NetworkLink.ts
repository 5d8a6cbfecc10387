// An emulated access network between a phone and the server: one bottleneck per direction with
// its own one-way delay, rate and loss. The UDP and TCP relays of one phone share the same link,
// so a photo upload competes with the camera's video for the uplink as it does on a real phone.
import { ShapedPipe } from './ShapedPipe';

export interface NetworkProfile {
  name: string;
  /** Round-trip time added by the link (half each way), ms. */
  rttMs: number;
  /** Phone -> server rate, kbit/s; undefined for no limit. */
  upKbps?: number;
  /** Server -> phone rate, kbit/s; undefined for no limit. */
  downKbps?: number;
  /** Random loss of UDP datagrams, percent, each direction independently (TCP is never dropped). */
  lossPct: number;
  /** How long the bottleneck queue may grow before drop-tail, ms at line rate. */
  queueMs: number;
}

export class NetworkLink {
  /** Phone -> server. */
  readonly up: ShapedPipe;
  /** Server -> phone. */
  readonly down: ShapedPipe;

  constructor(readonly profile: NetworkProfile, random: () => number = Math.random) {
    const oneWay = profile.rttMs / 2;
    const loss = profile.lossPct / 100;
    this.up = new ShapedPipe({ delayMs: oneWay, rateKbps: profile.upKbps, lossRate: loss, queueMs: profile.queueMs }, random);
    this.down = new ShapedPipe({ delayMs: oneWay, rateKbps: profile.downKbps, lossRate: loss, queueMs: profile.queueMs }, random);
  }

  close(): void {
    this.up.close();
    this.down.close();
  }
}
