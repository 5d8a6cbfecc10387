// Raw forwarding capacity of one worker: one synthetic phone's video fanned out to N SRTP viewers,
// N raised until the worker passes the CPU limit or the sink sees loss. This is the figure the
// libsrtp build moves (every forwarded packet is encrypted once per viewer); sessions are bounded
// by it only once the recorders and the rest fit.
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../server/sfu/mediaCodecs';
import type { MediaWorker } from '../../server/sfu/WorkerPool';
import { cpuWindow } from './processCpu';
import { RtpSink } from './RtpSink';
import { openViewer, type Viewer } from './srtpViewer';
import { SyntheticPhone } from './SyntheticPhone';
import type { SyntheticMedia } from './syntheticMedia';

export interface FanOutStep {
  viewers: number;
  /** The worker's CPU, % of one core. */
  cpuPct: number;
  /** Packets per second the worker sent to the viewers (counted at the sink). */
  pps: number;
  lossPct: number;
  /** pps / cpu share: what one full core forwards at this load. */
  ppsPerCore: number;
}

export interface FanOutOptions {
  slot: MediaWorker;
  media: SyntheticMedia;
  ffmpeg: string;
  suite: types.SrtpCryptoSuite;
  steps: number[];
  windowMs: number;
  warmupMs: number;
  cpuLimitPct: number;
  lossLimitPct: number;
  onStep?(step: FanOutStep): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fanOutCapacity(o: FanOutOptions): Promise<{ steps: FanOutStep[]; held?: FanOutStep; bound?: string; pids: number[] }> {
  const router = await o.slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const sink = await RtpSink.start();
  const pids = [sink.pid, o.slot.worker.pid].filter((p): p is number => p !== undefined);
  let phone: SyntheticPhone | undefined;
  const viewers: Viewer[] = [];
  const steps: FanOutStep[] = [];
  let held: FanOutStep | undefined;
  let bound: string | undefined;
  try {
    phone = await SyntheticPhone.start({ router, media: o.media, ffmpeg: o.ffmpeg });
    if (phone.pid) pids.push(phone.pid);
    await phone.waitForMedia(10_000);
    for (const n of o.steps) {
      while (viewers.length < n) viewers.push(await openViewer(router, [phone.video], sink.port, o.suite));
      await sleep(o.warmupMs);
      const a = await sink.snapshot();
      const cpu = cpuWindow({ worker: [o.slot.worker.pid] });
      await sleep(o.windowMs);
      const shares = cpu.end();
      const b = await sink.snapshot();
      const win = RtpSink.between(a, b);
      const cpuPct = shares.pct.worker ?? NaN;
      const pps = win.packets / win.seconds;
      const step: FanOutStep = { viewers: n, cpuPct, pps, lossPct: win.expected > 0 ? (win.lost / win.expected) * 100 : 0, ppsPerCore: pps / (cpuPct / 100) };
      steps.push(step);
      o.onStep?.(step);
      if (step.cpuPct > o.cpuLimitPct) bound = 'sfu_worker_cpu';
      else if (step.lossPct > o.lossLimitPct) bound = 'loss';
      if (bound) break;
      held = step;
    }
  } finally {
    for (const v of viewers) v.transport.close();
    await phone?.stop();
    router.close();
    await sink.close();
  }
  return { steps, held, bound, pids };
}
