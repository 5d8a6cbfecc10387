// SFU capacity: how many concurrent recorded inspection sessions the 2-worker pool holds. A session
// is one synthetic phone (VP8 720p ~1.5 Mbit/s + Opus replayed by ffmpeg `-c copy` into
// PlainTransport producers), one inspector and 0-2 observers (alternating by session) as SRTP
// PlainTransport consumers sending to one UDP sink process per worker (which counts packets and
// sequence gaps per SSRC), and the product's TrackRecorder (consumers -> ffmpeg -c copy ->
// Matroska) on the phone. Sessions are added in steps; each step is measured over a window after a warm-up, and the run stops
// once a worker passes 85 % of a core or loss passes 0.5 %.
// First, the raw forwarding capacity of one worker (bench/support/fanOutCapacity.ts): one video
// stream to N SRTP viewers, N raised to the same limits; its held rate is pps_per_worker.
// Sessions are placed by the product's WorkerPool.pick (measured CPU per worker).
// Optional: one observer on the other worker through router.pipeToRouter (PIPE=0 to skip), with
// its extra CPU and its added latency (arrival of the same RTP timestamp, piped vs direct).
// Run: npm run bench:sfu   (STEPS=2,4 WINDOW_S=5 WARMUP_S=3 to shorten; SRTP_SUITE to change suite)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { types } from 'mediasoup';
import { loadConfig } from '../server/platform/config';
import { createLogger } from '../server/platform/logger';
import { TrackRecorder } from '../server/recording/TrackRecorder';
import { MEDIA_CODECS } from '../server/sfu/mediaCodecs';
import { WorkerPool, type MediaWorker } from '../server/sfu/WorkerPool';
import { cpuWindow, machineWindow, type CpuShares } from './support/processCpu';
import { waitGone } from './support/recordingRound';
import { RtpSink, type SinkWindow } from './support/RtpSink';
import type { SinkSnapshot } from './support/rtpSinkProcess';
import { SyntheticPhone } from './support/SyntheticPhone';
import { syntheticMedia, type SyntheticMedia } from './support/syntheticMedia';
import { fanOutCapacity, type FanOutStep } from './support/fanOutCapacity';
import { openViewer as openSrtpViewer, srtpSuite, type Viewer } from './support/srtpViewer';

const STEPS = (process.env.STEPS ?? '10,20,40,60,80,100,120,140,160').split(',').map(Number).filter((n) => n > 0);
const WINDOW_MS = Number(process.env.WINDOW_S ?? 15) * 1000;
const WARMUP_MS = Number(process.env.WARMUP_S ?? 5) * 1000;
const SUITE = srtpSuite(process.env.SRTP_SUITE, 'AES_CM_128_HMAC_SHA1_80');
const PIPE = process.env.PIPE !== '0';
/** Viewers of one stream on one worker, for its raw forwarding capacity (FANOUT_STEPS= to skip). */
const FANOUT_STEPS = (process.env.FANOUT_STEPS ?? '200,400,600,700,800,900,1000,1100,1200,1400,1600').split(',').map(Number).filter((n) => n > 0);
const openViewer = (router: types.Router, producers: types.Producer[], sinkPort: number) => openSrtpViewer(router, producers, sinkPort, SUITE);
const CPU_LIMIT_PCT = 85;
const LOSS_LIMIT_PCT = 0.5;
const WORKERS = 2;
/** Sessions started at once: each start spawns two ffmpeg processes and waits for media. */
const START_BATCH = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();
const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const col = (v: string, w = 10) => v.padStart(w);

interface Session {
  slot: MediaWorker;
  router: types.Router;
  phone: SyntheticPhone;
  recorder: TrackRecorder;
  viewers: Viewer[];
}

interface Harness {
  pool: WorkerPool;
  media: SyntheticMedia;
  sinks: Map<number, RtpSink>;
  dir: string;
  ffmpeg: string;
  keyFrameIntervalMs: number;
  log: ReturnType<typeof createLogger>;
  pids: Set<number>;
}

async function startSession(h: Harness, index: number): Promise<Session> {
  const observers = index % 3;
  // The product's placement: the least loaded worker by measured CPU (server/sfu/WorkerLoad.ts).
  const slot = h.pool.pick();
  if (!slot) throw new Error('no live media worker');
  const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  slot.routers++;
  let phone: SyntheticPhone | undefined;
  let recorder: TrackRecorder | undefined;
  try {
    phone = await SyntheticPhone.start({ router, media: h.media, ffmpeg: h.ffmpeg });
    if (phone.pid) h.pids.add(phone.pid);
    await phone.waitForMedia(10_000);
    const file = path.join(h.dir, `session-${index}`, 'phone.mkv');
    recorder = await TrackRecorder.start({
      router,
      inputs: { video: phone.video, audio: phone.audio },
      file,
      sdpFile: file.replace(/\.mkv$/, '.sdp'),
      ffmpeg: h.ffmpeg,
      keyFrameIntervalMs: h.keyFrameIntervalMs,
      clock: { now },
      log: h.log,
    });
    if (recorder.pid) h.pids.add(recorder.pid);
    const sink = h.sinks.get(slot.index)!;
    const viewers: Viewer[] = [];
    for (let v = 0; v < 1 + observers; v++) viewers.push(await openViewer(router, [phone.video, phone.audio], sink.port));
    return { slot, router, phone, recorder, viewers };
  } catch (err) {
    // A failed start must not leave its phone's ffmpeg replaying into a closed port.
    recorder?.close();
    await phone?.stop();
    router.close();
    throw err;
  }
}

async function closeSession(s: Session): Promise<void> {
  s.recorder.close();
  await s.phone.stop();
  if (!s.router.closed) s.router.close();
}

/** Packets the phones sent into each worker so far (the recorders get each of them once more). */
async function producerPackets(sessions: Session[]): Promise<{ at: number; byWorker: Map<number, number> }> {
  const t0 = Date.now();
  const counts = await Promise.all(
    sessions.flatMap((s) => [s.phone.video, s.phone.audio].map(async (p) => [s.slot.index, (await p.getStats()).reduce((sum, st) => sum + st.packetCount, 0)] as const)),
  );
  // Hundreds of stats requests to a busy worker take a while: date the counts at the middle.
  const at = (t0 + Date.now()) / 2;
  const byWorker = new Map<number, number>();
  for (const [w, n] of counts) byWorker.set(w, (byWorker.get(w) ?? 0) + n);
  return { at, byWorker };
}

/** Datagrams the kernel dropped (full receive buffer) per UDP socket inode, from /proc/net/udp. */
function udpDrops(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of fs.readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    out.set(f[9]!, Number(f[f.length - 1]));
  }
  return out;
}

/** Socket inodes a process holds (from its /proc/<pid>/fd links). */
function socketInodes(pid: number): string[] {
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.push(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** Drops in the window by whose socket it was: the SFU workers' (phones' input), the recorders', the sinks'. */
function dropsBetween(a: Map<string, number>, b: Map<string, number>, owners: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  const owner = new Map<string, string>();
  for (const [name, pids] of Object.entries(owners)) for (const pid of pids) for (const inode of socketInodes(pid)) owner.set(inode, name);
  for (const [inode, n] of b) {
    const d = n - (a.get(inode) ?? 0);
    if (d <= 0) continue;
    const name = owner.get(inode) ?? 'other';
    out[name] = (out[name] ?? 0) + d;
  }
  return out;
}

/** I/O wait share of all cores (a recorder fleet waiting on the disk shows up here). */
function iowaitWindow(): { end(): number } {
  const read = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { iowait: f[4] ?? 0, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  return {
    end() {
      const b = read();
      return b.total > a.total ? ((b.iowait - a.iowait) / (b.total - a.total)) * 100 : 0;
    },
  };
}

interface StepFigures {
  sessions: number;
  recordings: number;
  viewers: number;
  perWorker: Array<{ index: number; sessions: number; cpuPct: number; ppsOut: number; ppsIn: number; lossPct: number }>;
  cpu: CpuShares;
  machineBusyPct: number;
  iowaitPct: number;
  lossPct: number;
  /** Datagrams the kernel dropped in the window: at the sinks' sockets, and at every other socket (workers', recorders'). */
  drops: Record<string, number>;
  deadRecorders: number;
  cpuPerSession: number;
  cpuPerRecording: number;
  /** The product's share per session: workers + recorders' ffmpeg + Node (phones and sinks are the harness). */
  productPerSession: number;
  harnessPct: number;
  othersPct: number;
  bound?: string;
}

async function sinkSnapshots(h: Harness): Promise<Map<number, SinkSnapshot>> {
  return new Map(await Promise.all([...h.sinks].map(async ([i, s]) => [i, await s.snapshot()] as const)));
}

async function measure(h: Harness, sessions: Session[]): Promise<StepFigures> {
  const workers = h.pool.liveWorkers;
  const groups: Record<string, number[]> = {
    recorders: sessions.map((s) => s.recorder.pid!).filter(Boolean),
    phones: sessions.map((s) => s.phone.pid!).filter(Boolean),
    sinks: [...h.sinks.values()].map((s) => s.pid!).filter(Boolean),
    node: [process.pid],
  };
  for (const w of workers) groups[`worker${w.index}`] = [w.worker.pid];
  const [sinkStart, inStart] = await Promise.all([sinkSnapshots(h), producerPackets(sessions)]);
  const dropsStart = udpDrops();
  const machine = machineWindow();
  const iowait = iowaitWindow();
  const cpu = cpuWindow(groups);
  await sleep(WINDOW_MS);
  const shares = cpu.end();
  const busy = machine.end();
  const iowaitPct = iowait.end();
  const drops = dropsBetween(dropsStart, udpDrops(), { workers: workers.map((w) => w.worker.pid), recorders: groups.recorders!, sinks: groups.sinks! });
  const [sinkEnd, inEnd] = await Promise.all([sinkSnapshots(h), producerPackets(sessions)]);
  const inSeconds = (inEnd.at - inStart.at) / 1000;

  let expected = 0;
  let lost = 0;
  const perWorker = workers.map((w) => {
    const win: SinkWindow = RtpSink.between(sinkStart.get(w.index)!, sinkEnd.get(w.index)!);
    expected += win.expected;
    lost += win.lost;
    const ppsIn = ((inEnd.byWorker.get(w.index) ?? 0) - (inStart.byWorker.get(w.index) ?? 0)) / inSeconds;
    return {
      index: w.index,
      sessions: sessions.filter((s) => s.slot === w).length,
      cpuPct: shares.pct[`worker${w.index}`] ?? NaN,
      // Out: viewers' packets (counted at the sink) + one copy of every phone packet to its recorder.
      ppsOut: win.packets / win.seconds + ppsIn,
      ppsIn,
      lossPct: win.expected > 0 ? (win.lost / win.expected) * 100 : 0,
    };
  });
  const workerCpu = perWorker.reduce((a, w) => a + w.cpuPct, 0);
  const ours = Object.values(shares.pct).reduce((a, b) => a + b, 0);
  return {
    sessions: sessions.length,
    recordings: sessions.filter((s) => !s.recorder.closed).length,
    viewers: sessions.reduce((a, s) => a + s.viewers.length, 0),
    perWorker,
    cpu: shares,
    machineBusyPct: busy.busyPct * busy.cores,
    iowaitPct,
    drops,
    lossPct: expected > 0 ? (lost / expected) * 100 : 0,
    deadRecorders: sessions.filter((s) => s.recorder.closed).length,
    cpuPerSession: workerCpu / sessions.length,
    cpuPerRecording: (shares.pct.recorders ?? 0) / sessions.length,
    productPerSession: (workerCpu + (shares.pct.recorders ?? 0) + (shares.pct.node ?? 0)) / sessions.length,
    harnessPct: (shares.pct.phones ?? 0) + (shares.pct.sinks ?? 0),
    othersPct: busy.busyPct * busy.cores - ours,
  };
}

/** What stopped the step (undefined: it held). */
function boundOf(f: StepFigures, cores: number): string | undefined {
  const hot = f.perWorker.find((w) => w.cpuPct >= CPU_LIMIT_PCT);
  if (f.deadRecorders > 0) return 'recorders';
  if (!hot && f.lossPct <= LOSS_LIMIT_PCT) return undefined;
  if (hot) return 'sfu_worker';
  // Whose receive buffer overflowed says who fell behind on the shared cores (sinks: the harness).
  const dropped = Object.entries(f.drops).sort((x, y) => y[1] - x[1])[0];
  if (dropped && dropped[1] > 0) return `cpu_contention:${dropped[0]}_socket_drops`;
  // Loss without a hot worker: the machine ran out of cores or the disk stalled the writers.
  if (f.iowaitPct > 10) return 'disk';
  if (f.machineBusyPct < cores * 100 * 0.9) return 'sink_or_unknown';
  const p = f.cpu.pct;
  const candidates: Array<[string, number]> = [
    ['sfu_worker', f.perWorker.reduce((a, w) => a + w.cpuPct, 0)],
    ['recorders', p.recorders ?? 0],
    ['node', p.node ?? 0],
    ['harness(phones+sinks)', (p.phones ?? 0) + (p.sinks ?? 0)],
  ];
  return `cpu_contention:${candidates.sort((a, b) => b[1] - a[1])[0]![0]}`;
}

function printStep(f: StepFigures): void {
  const p = f.cpu.pct;
  const w = f.perWorker.map((x) => `w${x.index}: ${x.sessions} sess ${fmt(x.cpuPct)} % ${fmt(x.ppsOut / 1000, 1)} kpps out/${fmt(x.ppsIn / 1000, 1)} in loss ${fmt(x.lossPct, 3)} %`).join(' | ');
  console.log(`${col(String(f.sessions), 4)} sessions (${f.viewers} viewers, ${f.recordings} recordings)  ${w}`);
  console.log(
    `      cpu/session ${fmt(f.cpuPerSession, 2)} %  ffmpeg/recording ${fmt(f.cpuPerRecording, 2)} %  node ${fmt(p.node ?? NaN)} %  ` +
      `phones ${fmt(p.phones ?? NaN)} %  sinks ${fmt(p.sinks ?? NaN)} %  machine ${fmt(f.machineBusyPct)} % of ${os.cpus().length * 100}  ` +
      `others ${fmt(f.othersPct)} %  iowait ${fmt(f.iowaitPct, 2)} %  udp drops ${Object.entries(f.drops).map(([k, v]) => `${k} ${v}`).join(' ') || '0'}  loss ${fmt(f.lossPct, 3)} %${f.bound ? `  -> bound: ${f.bound}` : ''}`,
  );
}

interface PipeFigures {
  /** Both workers' extra CPU for the piped observer minus that for a direct one, % of a core. */
  cpuPct: number;
  pipedPct: number;
  directPct: number;
  /** Median arrival of the same video RTP timestamp, piped minus direct. */
  latencyMs: number;
  samples: number;
}

/** Observers moved through pipes at once: one alone costs less than the noise of a shared machine. */
const PIPE_OBSERVERS = 10;

/**
 * One more observer on each of the first sessions, on the other worker through pipeToRouter; then
 * instead one more direct observer on each: the workers' extra CPU for each way (per observer),
 * and (with both open) how much later the same video RTP timestamps reach the sink through the pipe.
 */
async function pipeCost(h: Harness, sessions: Session[]): Promise<PipeFigures> {
  const pids = h.pool.liveWorkers.map((w) => w.worker.pid);
  const workersCpu = async () => {
    await sleep(WARMUP_MS);
    const c = cpuWindow({ workers: pids });
    await sleep(WINDOW_MS);
    return c.end().pct.workers ?? NaN;
  };
  const videoSsrc = (v: Viewer) => v.consumers.find((c) => c.kind === 'video')?.rtpParameters.encodings?.[0]?.ssrc;
  const chosen = sessions.slice(0, PIPE_OBSERVERS);
  const base = await workersCpu();
  const remotes = new Map<number, types.Router>();
  const opened: Viewer[] = [];
  try {
    const piped: Array<{ s: Session; viewer: Viewer; sink: RtpSink }> = [];
    for (const s of chosen) {
      const other = h.pool.liveWorkers.find((w) => w !== s.slot);
      if (!other) throw new Error('pipe needs two workers');
      let remote = remotes.get(other.index);
      if (!remote) {
        remote = await other.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
        remotes.set(other.index, remote);
      }
      const producers: types.Producer[] = [];
      for (const p of [s.phone.video, s.phone.audio]) {
        const { pipeProducer } = await s.router.pipeToRouter({ producerId: p.id, router: remote });
        if (pipeProducer) producers.push(pipeProducer);
      }
      const sink = h.sinks.get(other.index)!;
      const viewer = await openViewer(remote, producers, sink.port);
      opened.push(viewer);
      piped.push({ s, viewer, sink });
    }
    const withPipe = await workersCpu();
    // The same session's video, piped and direct, with both open: the arrival gap is the pipe's.
    const first = piped[0]!;
    const directSink = h.sinks.get(first.s.slot.index)!;
    const direct = await openViewer(first.s.router, [first.s.phone.video, first.s.phone.audio], directSink.port);
    opened.push(direct);
    const a = videoSsrc(first.viewer);
    const b = videoSsrc(direct);
    if (a === undefined || b === undefined) throw new Error('no video SSRC on the pipe viewers');
    first.sink.track(a);
    directSink.track(b);
    await sleep(WINDOW_MS);
    const pa = (await first.sink.snapshot()).arrivals[a] ?? {};
    const pb = (await directSink.snapshot()).arrivals[b] ?? {};
    const gaps = Object.entries(pa)
      .filter(([ts]) => pb[ts] !== undefined)
      .map(([ts, at]) => at - pb[ts]!)
      .sort((x, y) => x - y);
    direct.transport.close();
    for (const r of remotes.values()) r.close();
    remotes.clear();
    for (const s of chosen) opened.push(await openViewer(s.router, [s.phone.video, s.phone.audio], h.sinks.get(s.slot.index)!.port));
    const withDirect = await workersCpu();
    const pipedPct = (withPipe - base) / chosen.length;
    const directPct = (withDirect - base) / chosen.length;
    return { cpuPct: pipedPct - directPct, pipedPct, directPct, latencyMs: gaps.length ? gaps[Math.floor(gaps.length / 2)]! : NaN, samples: gaps.length };
  } finally {
    for (const v of opened) v.transport.close();
    for (const r of remotes.values()) r.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'warn' });
  const log = createLogger('warn');
  const media = await syntheticMedia(undefined, undefined, config.recording.ffmpeg);
  const cores = os.cpus().length;
  console.log(`synthetic phone: ${path.basename(media.file)} (${media.options.width}x${media.options.height} VP8 ${media.options.videoKbps} kbit/s, Opus ${media.options.audioKbps} kbit/s)`);
  console.log(`${cores} cores, ${WORKERS} media workers; viewers SRTP ${SUITE}; steps ${STEPS.join(',')}; window ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; stop at ${CPU_LIMIT_PCT} % worker CPU or ${LOSS_LIMIT_PCT} % loss`);
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-bench-sfu-'));
  const pool = await WorkerPool.create({ workers: WORKERS, listenIp: '127.0.0.1', basePort: 0 }, log);
  const h: Harness = { pool, media, sinks: new Map(), dir, ffmpeg: config.recording.ffmpeg, keyFrameIntervalMs: config.recording.keyFrameIntervalMs, log, pids: new Set() };
  const sessions: Session[] = [];
  const rows: StepFigures[] = [];
  let held: StepFigures | undefined;
  let pipe: PipeFigures | undefined;
  let fanOut: { held?: FanOutStep; bound?: string } | undefined;
  let stoppedBy: { sessions: number; bound: string } | undefined;
  try {
    for (const w of pool.liveWorkers) h.sinks.set(w.index, await RtpSink.start());
    console.log(`sink receive buffer: ${[...h.sinks.values()].map((s) => `${(s.recvBuffer / 1024 / 1024).toFixed(1)} MB`).join(', ')}`);
    for (const w of pool.liveWorkers) h.pids.add(w.worker.pid);
    if (FANOUT_STEPS.length > 0) {
      console.log(`\nfan-out: one ${media.options.width}x${media.options.height} VP8 stream to N SRTP (${SUITE}) viewers on worker 0`);
      const f = await fanOutCapacity({
        slot: pool.liveWorkers[0]!, media, ffmpeg: h.ffmpeg, suite: SUITE, steps: FANOUT_STEPS, windowMs: WINDOW_MS, warmupMs: WARMUP_MS,
        cpuLimitPct: CPU_LIMIT_PCT, lossLimitPct: LOSS_LIMIT_PCT,
        onStep: (st) => console.log(`${col(String(st.viewers), 6)} viewers  worker ${fmt(st.cpuPct)} %  ${fmt(st.pps / 1000, 1)} kpps  loss ${fmt(st.lossPct, 3)} %  ${fmt(st.ppsPerCore / 1000, 0)} kpps per core`),
      });
      for (const pid of f.pids) h.pids.add(pid);
      fanOut = f;
      // Until placement's smoothed CPU sample of worker 0 has forgotten the fan-out, or the first
      // sessions would all go to worker 1.
      const settleBy = Date.now() + 30_000;
      while (Date.now() < settleBy && pool.loads().some((l) => l.cpu > 0.03)) await sleep(500);
      console.log(`fan-out held ${f.held ? `${f.held.viewers} viewers at ${fmt(f.held.pps / 1000, 1)} kpps` : 'no step'}${f.bound ? `; next step bound by ${f.bound}` : ''}\n`);
    }
    for (const n of STEPS) {
      let startFailure: string | undefined;
      while (sessions.length < n && !startFailure) {
        const batch = Math.min(START_BATCH, n - sessions.length);
        const started = await Promise.allSettled(Array.from({ length: batch }, (_, i) => startSession(h, sessions.length + i)));
        for (const r of started) {
          if (r.status === 'fulfilled') sessions.push(r.value);
          else startFailure ??= String((r.reason as Error).message ?? r.reason).split('\n')[0];
        }
      }
      if (startFailure) {
        // A session that cannot even start (a recorder's ffmpeg not listening within its 5 s on a
        // saturated machine) is the bound as much as loss is.
        console.log(`${col(String(n), 4)} sessions: a session failed to start (${sessions.length} running): ${startFailure}`);
        stoppedBy = { sessions: n, bound: /ffmpeg/.test(startFailure) ? 'recorder_start' : 'session_start' };
        break;
      }
      await sleep(WARMUP_MS);
      const f = await measure(h, sessions);
      f.bound = boundOf(f, cores);
      rows.push(f);
      printStep(f);
      if (f.bound) break;
      held = f;
      // At the first step that holds: a saturated machine would drown the pipe's cost in noise.
      if (PIPE && !pipe && sessions[0]) {
        pipe = await pipeCost(h, sessions);
        console.log(
          `\npipe (${Math.min(PIPE_OBSERVERS, sessions.length)} observers moved, per observer): one observer through pipeToRouter costs the workers ${fmt(pipe.pipedPct, 2)} % of a core, a direct one ${fmt(pipe.directPct, 2)} % ` +
            `(pipe extra ${fmt(pipe.cpuPct, 2)} %, measured at ${sessions.length} sessions); same video RTP timestamp arrives ${fmt(pipe.latencyMs, 2)} ms later piped (median of ${pipe.samples})`,
        );
      }
    }
  } finally {
    for (const s of sessions) await closeSession(s);
    for (const s of h.sinks.values()) await s.close();
    pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const left = await waitGone([...h.pids], 5000);
  if (left.length > 0) throw new Error(`processes left running: ${left.join(', ')}`);

  const last = rows[rows.length - 1];
  if (!last) {
    const f = fanOut?.held;
    console.log(`RESULT sessions=0 pps_per_worker=${Math.round(f?.pps ?? 0)} loss_pct=${f ? fmt(f.lossPct, 3) : '-'} bound=${stoppedBy?.bound ?? 'no_session_step'} srtp=${SUITE}` + (f ? ` fanout_viewers=${f.viewers} fanout_cpu_pct=${fmt(f.cpuPct, 1)} pps_per_core=${Math.round(f.ppsPerCore)}` : ''));
    return;
  }
  const ref = held ?? last;
  stoppedBy ??= last.bound ? { sessions: last.sessions, bound: last.bound } : undefined;
  const bound = stoppedBy?.bound ?? `not reached (last step ${last.sessions})`;
  const sessionPps = Math.max(...ref.perWorker.map((w) => w.ppsOut));
  // The worker's forwarding capacity is the fan-out's held step; the sessions' own rate is printed too.
  const pps = fanOut?.held?.pps ?? sessionPps;
  // The phones and sinks share the 2 cores here; on a server of its own the product gets them all.
  const alone = (os.cpus().length * CPU_LIMIT_PCT) / ref.productPerSession;
  console.log(`product CPU per session (workers + recorder + Node): ${fmt(ref.productPerSession, 2)} % of a core; harness (phones + sinks) ${fmt(ref.harnessPct, 1)} % at ${ref.sessions} sessions`);
  console.log(`without the harness on the same cores, ${os.cpus().length} cores at ${CPU_LIMIT_PCT} % would hold about ${Math.floor(alone)} sessions (linear extrapolation)`);
  console.log(`\nheld ${held ? held.sessions : 0} sessions (next step: ${stoppedBy ? `${stoppedBy.sessions}, bound by ${stoppedBy.bound}` : 'none'})`);
  console.log(
    `RESULT sessions=${held ? held.sessions : 0} pps_per_worker=${Math.round(pps)} loss_pct=${fmt(ref.lossPct, 3)} cpu_pct_per_session=${fmt(ref.cpuPerSession, 2)} ` +
      `cpu_pct_per_recording=${fmt(ref.cpuPerRecording, 2)} worker_cpu_pct=${fmt(Math.max(...ref.perWorker.map((w) => w.cpuPct)), 1)} ` +
      `product_cpu_pct_per_session=${fmt(ref.productPerSession, 2)} harness_cpu_pct=${fmt(ref.harnessPct, 1)} sessions_alone_est=${Math.floor(alone)} bound=${bound.replace(/\s+/g, '_')} srtp=${SUITE} session_pps_per_worker=${Math.round(sessionPps)}` +
      (fanOut?.held ? ` fanout_viewers=${fanOut.held.viewers} fanout_cpu_pct=${fmt(fanOut.held.cpuPct, 1)} pps_per_core=${Math.round(fanOut.held.ppsPerCore)}` : '') +
      (pipe ? ` pipe_cpu_pct=${fmt(pipe.cpuPct, 2)} pipe_latency_ms=${fmt(pipe.latencyMs, 2)}` : ''),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
