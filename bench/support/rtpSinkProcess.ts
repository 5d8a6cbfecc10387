// The far end of synthetic viewers: one process per media worker, one UDP socket, counting the RTP
// packets of every SSRC sent to it and the gaps in their sequence numbers. SRTP encrypts only the
// payload, so the header (SSRC, sequence number) reads as plain RTP. It runs apart from the
// benchmark's Node process so that counting tens of thousands of packets a second shows up as the
// harness's CPU, not as the product's.
//
// Protocol (IPC): sends { ready, port, recvBuffer } once bound; answers 'snapshot' with the counters.
import dgram from 'node:dgram';

export interface SsrcCount {
  received: number;
  /** Extended highest sequence number seen (wraps counted). */
  highest: number;
  first: number;
}

export interface SinkSnapshot {
  type: 'snapshot';
  at: number;
  packets: number;
  rtcp: number;
  ssrcs: Record<string, SsrcCount>;
  /** For SSRCs asked with `{ track: ssrc }`: first arrival (ms, wall clock) of each RTP timestamp. */
  arrivals: Record<string, Record<string, number>>;
}

export interface SinkReady {
  type: 'ready';
  port: number;
  recvBuffer: number;
}

const RECV_BUFFER = Number(process.env.SINK_RECV_BUFFER ?? 8 * 1024 * 1024);

const counts = new Map<number, SsrcCount>();
const tracked = new Map<number, Map<number, number>>();
const TRACK_MAX = 2000;
let packets = 0;
let rtcp = 0;

const socket = dgram.createSocket('udp4');
socket.on('message', (msg) => {
  if (msg.length < 12) return;
  const pt = msg[1]!;
  // RTCP (sender reports, muxed on the same port): packet types 192..223 in the second byte.
  if (pt >= 192 && pt <= 223) {
    rtcp++;
    return;
  }
  packets++;
  const seq = msg.readUInt16BE(2);
  const ssrc = msg.readUInt32BE(8);
  const arrivals = tracked.get(ssrc);
  if (arrivals && arrivals.size < TRACK_MAX) {
    const ts = msg.readUInt32BE(4);
    if (!arrivals.has(ts)) arrivals.set(ts, performance.timeOrigin + performance.now());
  }
  const c = counts.get(ssrc);
  if (!c) {
    counts.set(ssrc, { received: 1, highest: seq, first: seq });
    return;
  }
  c.received++;
  // Nearest extension of the 16-bit number to the highest seen so far: late packets land below it.
  const base = c.highest - (c.highest & 0xffff);
  let ext = base + seq;
  if (ext - c.highest > 0x8000) ext -= 0x10000;
  else if (c.highest - ext > 0x8000) ext += 0x10000;
  if (ext > c.highest) c.highest = ext;
});

process.on('message', (m: unknown) => {
  if (typeof m === 'object' && m !== null && 'track' in m) {
    tracked.set(Number((m as { track: number }).track), new Map());
    return;
  }
  if (m !== 'snapshot') return;
  const ssrcs: Record<string, SsrcCount> = {};
  for (const [k, v] of counts) ssrcs[k] = { ...v };
  const arrivals: Record<string, Record<string, number>> = {};
  for (const [k, v] of tracked) arrivals[k] = Object.fromEntries(v);
  const snap: SinkSnapshot = { type: 'snapshot', at: Date.now(), packets, rtcp, ssrcs, arrivals };
  process.send?.(snap);
});
process.on('disconnect', () => {
  socket.close();
  process.exit(0);
});

socket.bind(0, '127.0.0.1', () => {
  socket.setRecvBufferSize(RECV_BUFFER);
  const ready: SinkReady = { type: 'ready', port: socket.address().port, recvBuffer: socket.getRecvBufferSize() };
  process.send?.(ready);
});
