// One round of the recording-cost benchmark: N synthetic phones, each on its own router (as each
// call has its own room) spread over the worker pool; the CPU of every process measured first
// without recording, then with the product's recorder (TrackRecorder: PlainTransport consumers ->
// ffmpeg -c copy -> Matroska) on every phone, the same N.
import fs from 'node:fs';
import path from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../../server/platform/logger';
import { TrackRecorder } from '../../server/recording/TrackRecorder';
import { MEDIA_CODECS } from '../../server/sfu/mediaCodecs';
import type { MediaWorker, WorkerPool } from '../../server/sfu/WorkerPool';
import { FileStartWatch, type FileStart } from './fileStart';
import { cpuSeconds, cpuWindow, machineWindow, type CpuShares } from './processCpu';
import { packetSummary, syncOffset, type PacketSummary, type SyncOffset } from './recordedFile';
import { SyntheticPhone } from './SyntheticPhone';
import type { SyntheticMedia } from './syntheticMedia';

export interface RoundOptions {
  sessions: number;
  warmupMs: number;
  windowMs: number;
  /** Folder for this round's recordings (created; left for the caller to remove). */
  dir: string;
  ffmpeg: string;
  keyFrameIntervalMs: number;
  /** How many of the files to decode for the sync-mark check (it costs a decode of 12 s each). */
  syncChecks: number;
  log: Logger;
}

export interface SessionTimes {
  /** TrackRecorder.start() called -> returned (transports made, ffmpeg listening, consumers resumed). */
  startMs?: number;
  /** Consumers resumed and a key frame requested -> the key frame went to ffmpeg. */
  resumeToKeyFrameMs?: number;
  /** Key frame sent -> Matroska header in the file (ffmpeg has probed both streams). */
  keyFrameToHeaderMs?: number;
  /** Key frame sent -> first cluster of media in the file. */
  keyFrameToClusterMs?: number;
}

export interface RoundResult {
  sessions: number;
  idle: CpuShares;
  recording: CpuShares;
  machineIdleBusyPct: number;
  machineRecordingBusyPct: number;
  cores: number;
  times: SessionTimes[];
  files: PacketSummary[];
  sync: SyncOffset[];
  /** Processes (phones' and recorders' ffmpeg) still alive after the round closed everything. */
  leftBehind: number[];
}

interface Session {
  slot: MediaWorker;
  router: types.Router;
  phone: SyntheticPhone;
  recorder?: TrackRecorder;
  watch?: FileStartWatch;
  file: string;
  startedAt?: number;
  readyAt?: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runRound(pool: WorkerPool, media: SyntheticMedia, o: RoundOptions): Promise<RoundResult> {
  const sessions: Session[] = [];
  const pids = new Set<number>();
  try {
    for (let i = 0; i < o.sessions; i++) {
      const slot = pool.pick();
      if (!slot) throw new Error('no live media worker');
      const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
      slot.routers++;
      const dir = path.join(o.dir, `session-${i + 1}`);
      fs.mkdirSync(dir, { recursive: true });
      const phone = await SyntheticPhone.start({ router, media, ffmpeg: o.ffmpeg }).catch((err: unknown) => {
        router.close();
        slot.routers--;
        throw err;
      });
      sessions.push({ slot, router, phone, file: path.join(dir, 'phone.mkv') });
      if (phone.pid) pids.add(phone.pid);
    }
    await Promise.all(sessions.map((s) => s.phone.waitForMedia()));

    const workers = pool.liveWorkers.map((w) => w.worker.pid);
    const phonePids = sessions.map((s) => s.phone.pid!).filter(Boolean);

    // Without recording: what the phones alone cost the workers.
    await sleep(o.warmupMs);
    let machine = machineWindow();
    let cpu = cpuWindow({ workers, phones: phonePids, node: [process.pid] });
    await sleep(o.windowMs);
    const idle = cpu.end();
    const machineIdle = machine.end();

    // With recording: every phone recorded as the server records a phone's segment.
    await Promise.all(
      sessions.map(async (s) => {
        s.watch = new FileStartWatch(s.file, now);
        s.startedAt = now();
        s.recorder = await TrackRecorder.start({
          router: s.router,
          inputs: { video: s.phone.video, audio: s.phone.audio },
          file: s.file,
          sdpFile: s.file.replace(/\.mkv$/, '.sdp'),
          ffmpeg: o.ffmpeg,
          keyFrameIntervalMs: o.keyFrameIntervalMs,
          clock: { now },
          log: o.log,
        });
        s.readyAt = now();
        if (s.recorder.pid) pids.add(s.recorder.pid);
      }),
    );
    await Promise.all(sessions.map((s) => s.watch!.firstCluster(15_000)));
    await sleep(o.warmupMs);
    const recorderPids = sessions.map((s) => s.recorder!.pid!).filter(Boolean);
    machine = machineWindow();
    cpu = cpuWindow({ workers, recorders: recorderPids, phones: phonePids, node: [process.pid] });
    await sleep(o.windowMs);
    const recording = cpu.end();
    const machineRec = machine.end();

    const dead = sessions.filter((s) => s.recorder!.closed).length;
    if (dead > 0) throw new Error(`${dead} recorder(s) died during the round`);
    await Promise.all(sessions.map((s) => s.recorder!.stop()));

    const times = sessions.map((s) => sessionTimes(s));
    const files = await sequential(sessions, (s) => packetSummary(s.file));
    const sync = (await sequential(sessions.slice(0, o.syncChecks), (s) => syncOffset(s.file))).filter((x): x is SyncOffset => x !== undefined);
    const result: RoundResult = {
      sessions: o.sessions,
      idle,
      recording,
      machineIdleBusyPct: machineIdle.busyPct,
      machineRecordingBusyPct: machineRec.busyPct,
      cores: machineRec.cores,
      times,
      files,
      sync,
      leftBehind: [],
    };
    await closeAll(sessions);
    result.leftBehind = await waitGone([...pids], 5000);
    return result;
  } finally {
    await closeAll(sessions);
  }
}

/** Closes what a round opened (again harmless: every close is idempotent). */
async function closeAll(sessions: Session[]): Promise<void> {
  for (const s of sessions) {
    s.watch?.close();
    s.recorder?.close();
    await s.phone.stop();
    if (!s.router.closed) {
      s.router.close();
      s.slot.routers = Math.max(0, s.slot.routers - 1);
    }
  }
}

/** The round's processes that outlived it (none expected: close must leave nothing behind). */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((p) => cpuSeconds(p) !== undefined && !isZombie(p));
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

/** Exited but not yet reaped by Node (or gone meanwhile): either way, not running. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

function sessionTimes(s: Session): SessionTimes {
  const kf = s.recorder?.firstMediaAt;
  const start: FileStart = s.watch?.start ?? {};
  return {
    startMs: s.readyAt !== undefined && s.startedAt !== undefined ? s.readyAt - s.startedAt : undefined,
    resumeToKeyFrameMs: kf !== undefined && s.readyAt !== undefined ? Math.max(0, kf - s.readyAt) : undefined,
    keyFrameToHeaderMs: kf !== undefined && start.headerAt !== undefined ? start.headerAt - kf : undefined,
    keyFrameToClusterMs: kf !== undefined && start.firstClusterAt !== undefined ? start.firstClusterAt - kf : undefined,
  };
}

/** One at a time: ffprobe and the decoding check must not compete with each other for two cores. */
async function sequential<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
