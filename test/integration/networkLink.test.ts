// The relays the join-network benchmark puts between a phone and the server: what goes through
// them must come out delayed, thinned and rate-limited as configured, measured end to end over
// real sockets. Lower bounds are tight (a relay cannot be faster than its link); upper bounds leave
// room for timer lateness on a busy machine.
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { NetworkLink, type NetworkProfile } from '../../bench/support/NetworkLink';
import { TcpRelay } from '../../bench/support/TcpRelay';
import { UdpRelay } from '../../bench/support/UdpRelay';

const profile = (p: Partial<NetworkProfile>): NetworkProfile => ({ name: 'test', rttMs: 0, lossPct: 0, queueMs: 200, ...p });

/** A UDP server on loopback that answers every datagram with itself, counting what it got. */
async function udpEcho(): Promise<{ port: number; received: Array<{ at: number; bytes: number }>; close(): void }> {
  const socket = dgram.createSocket('udp4');
  const received: Array<{ at: number; bytes: number }> = [];
  socket.on('message', (msg, from) => {
    received.push({ at: performance.now(), bytes: msg.length });
    socket.send(msg, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: (socket.address() as AddressInfo).port, received, close: () => socket.close() };
}

/** A client socket that sends numbered datagrams to the relay and notes when each comes back. */
async function udpClient(port: number) {
  const socket = dgram.createSocket('udp4');
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  socket.on('message', (msg) => {
    const seq = msg.readUInt32BE(0);
    const t = sentAt.get(seq);
    if (t !== undefined) rtts.push(performance.now() - t);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return {
    rtts,
    send(seq: number, size = 100) {
      const b = Buffer.alloc(size);
      b.writeUInt32BE(seq, 0);
      sentAt.set(seq, performance.now());
      socket.send(b, port, '127.0.0.1');
    },
    close: () => socket.close(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

describe('the emulated phone network (bench/support)', () => {
  it('adds the configured round trip to UDP, half each way', async () => {
    const echo = await udpEcho();
    const link = new NetworkLink(profile({ rttMs: 120 }));
    const relay = await UdpRelay.start({ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: echo.port }, link);
    const client = await udpClient(relay.address.port);
    for (let i = 0; i < 40; i++) {
      client.send(i);
      await sleep(5);
    }
    await sleep(400);
    expect(client.rtts).toHaveLength(40);
    expect(Math.min(...client.rtts)).toBeGreaterThanOrEqual(119);
    expect(median(client.rtts)).toBeLessThan(150);
    client.close();
    relay.close();
    link.close();
    echo.close();
  });

  it('loses about the configured share of UDP datagrams in each direction', async () => {
    const echo = await udpEcho();
    const link = new NetworkLink(profile({ rttMs: 2, lossPct: 10 }));
    const relay = await UdpRelay.start({ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: echo.port }, link);
    const client = await udpClient(relay.address.port);
    const N = 3000;
    for (let i = 0; i < N; i++) {
      client.send(i);
      // Gently: a burst that overflows a socket buffer would add the kernel's drops to the relay's.
      if (i % 10 === 9) await sleep(1);
    }
    await sleep(300);
    const upLoss = 1 - echo.received.length / N;
    const roundTripLoss = 1 - client.rtts.length / N;
    // 3000 draws at 10 %: the standard error is ~0.55 %, so ±2.5 % is over four of them.
    expect(upLoss).toBeGreaterThan(0.075);
    expect(upLoss).toBeLessThan(0.125);
    expect(roundTripLoss).toBeGreaterThan(1 - 0.9 * 0.9 - 0.035);
    expect(roundTripLoss).toBeLessThan(1 - 0.9 * 0.9 + 0.035);
    expect(link.up.counters.lost + link.down.counters.lost).toBe(N - client.rtts.length);
    client.close();
    relay.close();
    link.close();
    echo.close();
  });

  it('holds UDP throughput to the uplink rate, dropping the excess at a full queue', async () => {
    const echo = await udpEcho();
    const link = new NetworkLink(profile({ upKbps: 2000, queueMs: 100 }));
    const relay = await UdpRelay.start({ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: echo.port }, link);
    const client = await udpClient(relay.address.port);
    // Offer ~4 Mbit/s for 1.5 s: 1200-byte datagrams, 10 every 12 ms.
    const start = performance.now();
    let seq = 0;
    while (performance.now() - start < 1500) {
      for (let i = 0; i < 10; i++) client.send(seq++, 1200);
      await sleep(12);
    }
    await sleep(300);
    const r = echo.received;
    const spanS = (r[r.length - 1]!.at - r[0]!.at) / 1000;
    const kbps = (r.slice(1).reduce((s, p) => s + p.bytes, 0) * 8) / 1000 / spanS;
    expect(kbps).toBeGreaterThan(2000 * 0.85);
    expect(kbps).toBeLessThan(2000 * 1.1);
    expect(link.up.counters.overflowed).toBeGreaterThan(seq * 0.2);
    client.close();
    relay.close();
    link.close();
    echo.close();
  });

  it('carries TCP bytes whole and in order at the link rate and delay, never losing any', async () => {
    const payload = Buffer.alloc(500_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) & 0xff;
    let gotAt = 0;
    let firstByteAt = 0;
    const chunks: Buffer[] = [];
    const sink = net.createServer((s) => {
      s.on('data', (c: Buffer) => {
        if (!firstByteAt) firstByteAt = performance.now();
        chunks.push(c);
      });
      s.on('end', () => {
        gotAt = performance.now();
        s.end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const link = new NetworkLink(profile({ rttMs: 200, upKbps: 2000, lossPct: 20 }));
    const relay = await TcpRelay.start({ host: '127.0.0.1', port: 0 }, { host: '127.0.0.1', port: (sink.address() as AddressInfo).port }, link);
    const client = net.connect(relay.address.port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', () => r()));
    const sentAt = performance.now();
    client.end(payload);
    await new Promise<void>((r) => client.once('close', () => r()));
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    // The first byte pays the one-way delay; the whole payload pays it plus 500 kB at 2 Mbit/s (2 s).
    expect(firstByteAt - sentAt).toBeGreaterThanOrEqual(99);
    const seconds = (gotAt - sentAt) / 1000;
    expect(seconds).toBeGreaterThan(0.1 + 2.0 * 0.95);
    expect(seconds).toBeLessThan(0.1 + 2.0 * 1.25);
    await relay.close();
    link.close();
    await new Promise<void>((r) => sink.close(() => r()));
  });
});
