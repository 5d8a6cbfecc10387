import type { CaseRecord } from '../cases/CaseRecord';
import type { EndReason } from '../protocol/signaling';
import { Room } from '../sfu/Room';
import type { WorkerPool } from '../sfu/WorkerPool';
import { InspectionCall, type CallDeps } from './InspectionCall';

/**
 * The live calls, one per inspection session. Creation is serialised per session so two pages
 * joining at the same instant land in the same router.
 */
export class CallRegistry {
  private readonly calls = new Map<string, InspectionCall>();
  private readonly pending = new Map<string, Promise<InspectionCall>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly deps: CallDeps,
  ) {}

  get(sessionId: string): InspectionCall | undefined {
    const call = this.calls.get(sessionId);
    return call && !call.closed ? call : undefined;
  }

  async getOrCreate(sessionId: string, caseRecord: CaseRecord): Promise<InspectionCall> {
    const existing = this.get(sessionId);
    if (existing) return existing;
    const inFlight = this.pending.get(sessionId);
    if (inFlight) return inFlight;
    const creating = (async () => {
      const room = await Room.create(this.pool, sessionId, this.deps.log);
      const call = new InspectionCall(caseRecord, sessionId, room, this.deps);
      this.calls.set(sessionId, call);
      call.observer.once('close', () => {
        if (this.calls.get(sessionId) === call) this.calls.delete(sessionId);
      });
      return call;
    })();
    this.pending.set(sessionId, creating);
    try {
      return await creating;
    } finally {
      this.pending.delete(sessionId);
    }
  }

  get size(): number {
    return this.calls.size;
  }

  endAll(reason: EndReason): void {
    for (const call of [...this.calls.values()]) call.end(reason);
    this.calls.clear();
  }
}
