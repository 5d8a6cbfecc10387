import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../platform/logger';
import { MEDIA_CODECS } from './mediaCodecs';
import { leastLoaded, WorkerLoad } from './WorkerLoad';

/** How often each worker's CPU is read for placement; a getResourceUsage costs one channel round trip. */
const LOAD_SAMPLE_MS = 2000;

export interface WorkerPoolOptions {
  workers: number;
  listenIp: string;
  announcedIp?: string;
  /** First RTC port; worker i listens on basePort + i (UDP and TCP). 0 lets the OS choose. */
  basePort: number;
}

export interface MediaWorker {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  readonly load: WorkerLoad;
  routers: number;
}

interface PoolEvents {
  /** A worker process died; every router on it is gone. */
  workerDied: [index: number, pid: number];
  workerRestarted: [index: number, pid: number];
}

/**
 * One mediasoup worker per core, each with a WebRtcServer so all media of that worker goes through
 * one UDP + one TCP port (easy to open on a government firewall). A worker that dies is replaced.
 */
export class WorkerPool {
  readonly observer = new EventEmitter<PoolEvents>();
  private readonly slots: Array<MediaWorker | undefined>;
  private closed = false;
  private restartTimers = new Set<NodeJS.Timeout>();
  private readonly sampler: NodeJS.Timeout;

  private constructor(
    private readonly opts: WorkerPoolOptions,
    private readonly log: Logger,
    readonly routerRtpCapabilities: types.RtpCapabilities,
  ) {
    this.slots = new Array(opts.workers).fill(undefined);
    this.sampler = setInterval(() => void this.sampleLoad(), LOAD_SAMPLE_MS);
    this.sampler.unref();
  }

  static async create(opts: WorkerPoolOptions, log: Logger): Promise<WorkerPool> {
    const first = await WorkerPool.spawn(0, opts, log);
    // Router capabilities depend only on our codec list, so pages can get them with the HTML and
    // skip one signaling round trip when joining.
    const probe = await first.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const pool = new WorkerPool(opts, log, probe.rtpCapabilities);
    probe.close();
    pool.install(first);
    for (let i = 1; i < opts.workers; i++) pool.install(await WorkerPool.spawn(i, opts, log));
    return pool;
  }

  private static async spawn(index: number, opts: WorkerPoolOptions, log: Logger): Promise<MediaWorker> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    const port = opts.basePort === 0 ? undefined : opts.basePort + index;
    const listen = (protocol: 'udp' | 'tcp') => ({ protocol, ip: opts.listenIp, announcedIp: opts.announcedIp, port });
    try {
      const webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
      log.info({ index, pid: worker.pid, port: port ?? 'auto' }, 'media worker ready');
      const load = new WorkerLoad(worker);
      await load.sample();
      return { index, worker, webRtcServer, load, routers: 0 };
    } catch (err) {
      worker.close();
      throw new Error(`media worker ${index} cannot listen on RTC port ${port}: ${(err as Error).message}`);
    }
  }

  private install(slot: MediaWorker): void {
    this.slots[slot.index] = slot;
    slot.worker.on('died', (err) => {
      this.log.error({ err, index: slot.index, pid: slot.worker.pid }, 'media worker died');
      this.slots[slot.index] = undefined;
      this.observer.emit('workerDied', slot.index, slot.worker.pid);
      this.scheduleRestart(slot.index, 0);
    });
  }

  private scheduleRestart(index: number, attempt: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.closed) return;
      WorkerPool.spawn(index, this.opts, this.log)
        .then((slot) => {
          if (this.closed) {
            slot.worker.close();
            return;
          }
          this.install(slot);
          this.observer.emit('workerRestarted', index, slot.worker.pid);
        })
        .catch((err) => {
          this.log.error({ err, index, attempt }, 'media worker restart failed; retrying');
          this.scheduleRestart(index, attempt + 1);
        });
    }, Math.min(5000, 100 * 2 ** attempt));
    this.restartTimers.add(timer);
  }

  /**
   * The least loaded live worker, by measured CPU plus what was placed on it since the last sample;
   * `except` keeps one worker out (an observer is served off the worker that carries the phone). The
   * caller places something on it: that counts at once, so a burst of joins spreads.
   */
  pick(opts: { except?: number } = {}): MediaWorker | undefined {
    const slot = leastLoaded(this.liveWorkers.filter((s) => s.index !== opts.except));
    slot?.load.placed();
    return slot;
  }

  /** Each live worker's smoothed CPU share of one core, by index (monitoring, benchmarks). */
  loads(): Array<{ index: number; pid: number; cpu: number; routers: number }> {
    return this.liveWorkers.map((s) => ({ index: s.index, pid: s.worker.pid, cpu: s.load.cpu, routers: s.routers }));
  }

  private async sampleLoad(): Promise<void> {
    await Promise.all(
      this.liveWorkers.map((s) =>
        // A worker that just died rejects; its slot is replaced by the restart path.
        s.load.sample().catch(() => undefined),
      ),
    );
  }

  get liveWorkers(): MediaWorker[] {
    return this.slots.filter((s): s is MediaWorker => s !== undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sampler);
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    for (const s of this.slots) s?.worker.close();
    this.slots.fill(undefined);
  }
}
