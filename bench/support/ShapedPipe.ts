// One direction of an emulated link: random loss, then a rate-limited bottleneck whose queue is
// bounded (drop-tail, so a burst queues and then overflows as at a real bottleneck), then a fixed
// propagation delay. Packets leave in order; one timer serves the head of the line.

export interface PipeSpec {
  delayMs: number;
  /** undefined: no rate limit (and no queue). */
  rateKbps?: number;
  /** 0..1, applied only to packets sent as lossy (UDP). */
  lossRate: number;
  /** Queue bound in ms of line rate. */
  queueMs: number;
}

export interface PipeCounters {
  packets: number;
  bytes: number;
  /** Dropped at random (the profile's loss). */
  lost: number;
  /** Dropped because the bottleneck queue was full. */
  overflowed: number;
}

/** A queue never holds less than this: two full-size packets plus change, whatever the rate. */
const MIN_QUEUE_BYTES = 4_000;

interface InFlight {
  at: number;
  deliver: () => void;
}

export class ShapedPipe {
  readonly counters: PipeCounters = { packets: 0, bytes: 0, lost: 0, overflowed: 0 };
  /** When the bottleneck has sent everything queued so far (performance.now() ms). */
  private busyUntil = 0;
  private readonly line: InFlight[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly queueBytes: number;

  constructor(readonly spec: PipeSpec, private readonly random: () => number = Math.random) {
    this.queueBytes = spec.rateKbps ? Math.max(MIN_QUEUE_BYTES, (spec.rateKbps * spec.queueMs) / 8) : Infinity;
  }

  /** Bytes waiting at the bottleneck now. */
  backlogBytes(now = performance.now()): number {
    if (!this.spec.rateKbps) return 0;
    return (Math.max(0, this.busyUntil - now) * this.spec.rateKbps) / 8;
  }

  /**
   * Sends `bytes`: `deliver` runs when they come out of the far end. A lossy packet may be dropped
   * (returns false); a reliable one (a TCP segment) always queues: its sender watches backlogBytes().
   */
  send(bytes: number, deliver: () => void, lossy: boolean): boolean {
    if (this.closed) return false;
    const now = performance.now();
    if (lossy && this.spec.lossRate > 0 && this.random() < this.spec.lossRate) {
      this.counters.lost++;
      return false;
    }
    let departAt = now;
    if (this.spec.rateKbps) {
      if (lossy && this.backlogBytes(now) + bytes > this.queueBytes) {
        this.counters.overflowed++;
        return false;
      }
      departAt = Math.max(now, this.busyUntil) + (bytes * 8) / this.spec.rateKbps;
      this.busyUntil = departAt;
    }
    this.counters.packets++;
    this.counters.bytes += bytes;
    this.line.push({ at: departAt + this.spec.delayMs, deliver });
    if (this.line.length === 1) this.arm();
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.line.length = 0;
  }

  private arm(): void {
    if (this.timer || this.closed || this.line.length === 0) return;
    const wait = Math.max(0, this.line[0]!.at - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    // setTimeout fires up to ~1 ms late and never early by more than its rounding: take what is due.
    const now = performance.now() + 0.5;
    while (this.line.length > 0 && this.line[0]!.at <= now) this.line.shift()!.deliver();
    this.arm();
  }
}
