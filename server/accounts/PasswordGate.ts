import { performance } from 'node:perf_hooks';

/**
 * Who waits for a password check: an account whose owner logged in from this address before
 * goes first, then any existing account. Unknown usernames never wait (see tryRun).
 */
export type GateLane = 'trusted' | 'known';

/**
 * Bounds how many scrypt checks run at once. Each costs ~50 ms of a libuv thread; two hundred
 * at once would queue a real user's check behind all of them (8.9 s in the probe) and starve
 * file I/O. Waiting checks start in lane order, so a real user overtakes a flood.
 */
export class PasswordGate {
  private running = 0;
  private readonly waiting: Record<GateLane, Array<() => void>> = { trusted: [], known: [] };
  private typical: number;

  constructor(
    private readonly concurrent: number,
    /** How many checks of unfamiliar addresses may wait; beyond it the caller refuses at once. */
    private readonly maxQueued: number,
    initialMs = 50,
  ) {
    this.typical = initialMs;
  }

  /** How long a check usually takes (moving average), so a skipped one can be imitated. */
  get typicalMs(): number {
    return this.typical;
  }

  /** False when a check in this lane would have to join a full queue. */
  hasRoom(lane: GateLane): boolean {
    return this.running < this.concurrent || lane === 'trusted' || this.waiting.known.length < this.maxQueued;
  }

  /** Runs the check when a slot is free, trusted lane first. */
  async run<T>(lane: GateLane, check: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrent) this.running++;
    // The slot is handed over by release(), so `running` already counts this check.
    else await new Promise<void>((resolve) => this.waiting[lane].push(resolve));
    return this.timed(check);
  }

  /** Runs the check only if a slot is free right now (nobody waits then); undefined otherwise. */
  tryRun<T>(check: () => Promise<T>): Promise<T> | undefined {
    if (this.running >= this.concurrent) return undefined;
    this.running++;
    return this.timed(check);
  }

  private async timed<T>(check: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await check();
    } finally {
      this.typical = 0.8 * this.typical + 0.2 * (performance.now() - started);
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.trusted.shift() ?? this.waiting.known.shift();
    if (next) next();
    else this.running--;
  }
}
