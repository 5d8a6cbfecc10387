// New sessions go to the worker with the least measured CPU, not merely the one with fewer routers;
// a burst of new sessions between two load samples still spreads.
import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import { createLogger } from '../../server/platform/logger';
import { Room } from '../../server/sfu/Room';
import { WorkerPool, type MediaWorker } from '../../server/sfu/WorkerPool';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One RTP packet of an Opus stream: what a phone's microphone would send, in size and rate. */
function opusPacket(seq: number, ssrc: number): Buffer {
  const b = Buffer.alloc(12 + 160);
  b[0] = 0x80;
  b[1] = 100;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 960) >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

/** Real forwarding work on one worker: one stream fanned out to `fanOut` RTP receivers on loopback. */
async function loadWorker(slot: MediaWorker, sinkPort: number, fanOut: number): Promise<{ stop(): void }> {
  const router = await slot.worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });
  const direct = await router.createDirectTransport();
  const producer = await direct.produce({
    kind: 'audio',
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 4242 }] },
  });
  const transports: types.PlainTransport[] = [];
  for (let i = 0; i < fanOut; i++) {
    const t = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
    await t.connect({ ip: '127.0.0.1', port: sinkPort });
    await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    transports.push(t);
  }
  let seq = 0;
  // 2,000 packets/s in, `fanOut` times that out.
  const timer = setInterval(() => {
    for (let i = 0; i < 20; i++) producer.send(opusPacket(seq++, 4242));
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      router.close();
    },
  };
}

describe('worker placement by load', () => {
  let pool: WorkerPool;
  const sink = dgram.createSocket('udp4');
  const rooms: Room[] = [];

  beforeAll(async () => {
    pool = await WorkerPool.create({ workers: 2, listenIp: '127.0.0.1', basePort: 0 }, log);
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    sink.on('message', () => undefined);
  });
  afterAll(() => {
    for (const r of rooms) r.close();
    pool.close();
    sink.close();
  });

  it('spreads a burst of sessions over idle workers', async () => {
    for (let i = 0; i < 4; i++) rooms.push(await Room.create(pool, `burst-${i}`, log));
    const perWorker = [0, 1].map((w) => rooms.filter((r) => r.workerIndex === w).length);
    expect(perWorker).toEqual([2, 2]);
    for (const r of rooms.splice(0)) r.close();
  });

  it('sends new sessions to the worker that is not busy, even when it holds more rooms', async () => {
    // One room on each worker, then real forwarding load on worker 0 only.
    rooms.push(await Room.create(pool, 'idle-a', log), await Room.create(pool, 'idle-b', log));
    const [w0, w1] = pool.liveWorkers;
    const load = await loadWorker(w0!, (sink.address() as { port: number }).port, 40);
    try {
      const deadline = Date.now() + 20_000;
      let loads = pool.loads();
      while (Date.now() < deadline && !(loads[0]!.cpu > 0.05 && loads[0]!.cpu > loads[1]!.cpu + 0.04)) {
        await sleep(500);
        loads = pool.loads();
      }
      expect(loads[0]!.cpu).toBeGreaterThan(0.05);
      // Three new sessions: a count of routers would alternate; the measured load sends all three away.
      const placed: number[] = [];
      for (let i = 0; i < 3; i++) {
        const room = await Room.create(pool, `new-${i}`, log);
        rooms.push(room);
        placed.push(room.workerIndex);
      }
      expect(placed).toEqual([w1!.index, w1!.index, w1!.index]);
      expect(w1!.routers).toBeGreaterThan(w0!.routers);
    } finally {
      load.stop();
    }
  }, 60_000);
});
