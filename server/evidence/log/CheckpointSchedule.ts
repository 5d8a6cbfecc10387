import type { Clock } from '../../platform/clock';

/**
 * Runs the checkpoint step every `periodMs` (LOG_CHECKPOINT_SECONDS), one run at a time, and says
 * by when the next one will be published (receipts name it). `close()` leaves no timer behind.
 */
export class CheckpointSchedule {
  private timer: NodeJS.Timeout | undefined;
  private nextAt: number;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly periodMs: number,
    private readonly clock: Clock,
    private readonly step: () => Promise<void>,
  ) {
    this.nextAt = clock.now() + periodMs;
    this.arm();
  }

  /** Server time (ms) by which the next scheduled checkpoint is published. */
  nextCheckpointBy(): number {
    return this.nextAt;
  }

  private arm(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // The next deadline is set before the step runs, so a receipt issued meanwhile names a time still ahead.
      this.nextAt = this.clock.now() + this.periodMs;
      this.running = this.step().finally(() => this.arm());
    }, Math.max(0, this.nextAt - this.clock.now()));
  }

  /** Stops the timer and waits for a step under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
