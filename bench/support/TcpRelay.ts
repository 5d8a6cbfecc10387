// A TCP relay over an emulated link: bytes are delayed and rate-limited like the UDP relay's
// datagrams but never dropped (TCP below us would resend them); when the bottleneck queue is full
// the relay stops reading, so the sender's TCP backs off as it would behind a slow uplink. It stops
// at half the queue: a real TCP, backing off at each loss, leaves the queue partly free on average,
// and a stream that held it full would make every datagram behind it overflow.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { NetworkLink } from './NetworkLink';
import type { ShapedPipe } from './ShapedPipe';
import type { Endpoint } from './UdpRelay';

/** Bytes per emulated segment: a stream chunk is cut like a TCP segment on a 1500-byte MTU. */
const SEGMENT = 1400;
/** How often a paused direction looks whether the queue has drained. */
const RESUME_POLL_MS = 2;

export class TcpRelay {
  private constructor(
    private readonly server: net.Server,
    /** Both ends of every relayed connection, for close(). */
    private readonly sockets: Set<net.Socket>,
  ) {}

  static async start(listen: Endpoint, target: Endpoint, link: NetworkLink): Promise<TcpRelay> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (phoneSide) => {
      const serverSide = net.connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
      for (const s of [phoneSide, serverSide]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      carry(phoneSide, serverSide, link.up);
      carry(serverSide, phoneSide, link.down);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new TcpRelay(server, sockets);
  }

  get address(): Endpoint {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Moves `from`'s bytes to `to` through `pipe`, in order; an end or reset follows the last byte. */
function carry(from: net.Socket, to: net.Socket, pipe: ShapedPipe): void {
  let paused = false;
  const resumeWhenDrained = () => {
    if (pipe.backlogBytes() <= pipe.queueBytes / 4) {
      paused = false;
      from.resume();
    } else {
      setTimeout(resumeWhenDrained, RESUME_POLL_MS);
    }
  };
  from.on('data', (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i += SEGMENT) {
      const seg = chunk.subarray(i, i + SEGMENT);
      pipe.send(seg.length, () => {
        if (!to.destroyed) to.write(seg);
      }, false);
    }
    if (!paused && pipe.backlogBytes() > pipe.queueBytes / 2) {
      paused = true;
      from.pause();
      setTimeout(resumeWhenDrained, RESUME_POLL_MS);
    }
  });
  // The end travels behind the data: it is queued as an empty segment.
  from.on('end', () => pipe.send(0, () => to.end(), false));
  from.on('close', (hadError) => {
    if (hadError) pipe.send(0, () => to.destroy(), false);
  });
}
