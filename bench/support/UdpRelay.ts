// A UDP relay standing in for the phone's access network: datagrams to `listen` go to `target`
// through the link's uplink, answers come back through its downlink. Each phone-side source gets
// its own upstream socket (as a NAT would), so the server sees the relay as the phone's address —
// a peer-reflexive candidate to mediasoup's ICE-lite.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { NetworkLink } from './NetworkLink';

export interface Endpoint {
  host: string;
  port: number;
}

export class UdpRelay {
  private readonly flows = new Map<string, dgram.Socket>();
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly target: Endpoint,
    private readonly link: NetworkLink,
  ) {
    socket.on('message', (msg, from) => this.fromPhone(msg, from));
  }

  /** Listens on `listen` (port 0: any) and relays to `target`. */
  static async start(listen: Endpoint, target: Endpoint, link: NetworkLink): Promise<UdpRelay> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(listen.port, listen.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpRelay(socket, target, link);
  }

  get address(): Endpoint {
    const a = this.socket.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    for (const s of this.flows.values()) s.close();
    this.flows.clear();
  }

  private fromPhone(msg: Buffer, from: dgram.RemoteInfo): void {
    const upstream = this.flowOf(from);
    this.link.up.send(msg.length, () => {
      if (!this.closed) upstream.send(msg, this.target.port, this.target.host);
    }, true);
  }

  private flowOf(from: dgram.RemoteInfo): dgram.Socket {
    const key = `${from.address}:${from.port}`;
    let upstream = this.flows.get(key);
    if (upstream) return upstream;
    upstream = dgram.createSocket('udp4');
    upstream.bind(0, '127.0.0.1');
    // ICMP errors from a closed server port arrive as 'error' on a UDP socket: a real network drops them silently.
    upstream.on('error', () => undefined);
    upstream.on('message', (msg) => {
      this.link.down.send(msg.length, () => {
        if (!this.closed) this.socket.send(msg, from.port, from.address);
      }, true);
    });
    this.flows.set(key, upstream);
    return upstream;
  }
}
