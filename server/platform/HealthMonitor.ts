/** One dependency's state as /healthz reports it. */
export interface ProbeResult {
  ok: boolean;
  detail?: Record<string, unknown>;
  error?: string;
}

export type Probe = () => Promise<ProbeResult>;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, ProbeResult & { ms: number }>;
}

/**
 * Asks every dependency at once, each with a deadline: a hung dependency is reported as down, it
 * never hangs the health check itself.
 */
export class HealthMonitor {
  constructor(
    private readonly probes: Record<string, Probe>,
    private readonly timeoutMs = 1500,
  ) {}

  async check(): Promise<HealthReport> {
    const entries = await Promise.all(
      Object.entries(this.probes).map(async ([name, probe]) => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<ProbeResult>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
        });
        const result = await Promise.race([probe().catch((err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) })), deadline]);
        clearTimeout(timer);
        return [name, { ...result, ms: Date.now() - started }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, r]) => r.ok), checks };
  }
}
