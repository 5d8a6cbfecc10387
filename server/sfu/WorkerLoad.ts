import type { types } from 'mediasoup';

/**
 * What a new session is expected to add to a worker before the next CPU sample sees it: about one
 * percent of a core (bench:sfu measured 0.87 % per recorded session with SRTP viewers). Without it a
 * burst of joins between two samples would all land on the worker that happened to be idlest.
 */
const PLACEMENT_COST = 0.01;
/** Weight of the newest sample: smooths key-frame bursts without hiding a real shift for long. */
const SMOOTHING = 0.5;

/** One worker's CPU share (of one core), sampled from its rusage, plus placements not yet sampled. */
export class WorkerLoad {
  private last?: { cpuMs: number; at: number };
  private share?: number;
  private placedSinceSample = 0;

  constructor(private readonly worker: types.Worker) {}

  /** Share of one core the worker used since the previous sample, smoothed; 0 until two samples exist. */
  get cpu(): number {
    return this.share ?? 0;
  }

  /** What placement compares: the measured share plus the expected cost of sessions placed since. */
  get score(): number {
    return this.cpu + PLACEMENT_COST * this.placedSinceSample;
  }

  placed(): void {
    this.placedSinceSample++;
  }

  async sample(now = performance.now()): Promise<void> {
    const usage = await this.worker.getResourceUsage();
    const cpuMs = usage.ru_utime + usage.ru_stime;
    if (this.last && now > this.last.at) {
      const current = Math.max(0, (cpuMs - this.last.cpuMs) / (now - this.last.at));
      this.share = this.share === undefined ? current : SMOOTHING * current + (1 - SMOOTHING) * this.share;
      this.placedSinceSample = 0;
    }
    this.last = { cpuMs, at: now };
  }
}

export interface Placeable {
  readonly index: number;
  readonly load: WorkerLoad;
  readonly routers: number;
}

/** The least loaded candidate; equal scores go to the one with fewer routers, then the lower index. */
export function leastLoaded<T extends Placeable>(candidates: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (!best) {
      best = c;
      continue;
    }
    const d = c.load.score - best.load.score;
    // Under half a percent of a core apart is noise between samples, not a difference in load.
    if (d < -0.005 || (Math.abs(d) <= 0.005 && (c.routers < best.routers || (c.routers === best.routers && c.index < best.index)))) best = c;
  }
  return best;
}
