import { EventEmitter } from 'node:events';
import type { CaseRecord } from '../cases/CaseRecord';
import type { InspectionEvents } from '../inspection/InspectionEvents';
import { acceptsCall } from '../inspection/SessionState';
import type { Logger } from '../platform/logger';
import { TypedEvents } from '../platform/TypedEvents';
import type { CallPresence, EndReason } from '../protocol/signaling';
import { Room } from '../sfu/Room';
import type { WorkerPool } from '../sfu/WorkerPool';
import type { CallEvents } from './CallEvents';
import { InspectionCall, type CallDeps } from './InspectionCall';

/**
 * The live calls, one per inspection session. Creation is serialised per session so two pages
 * joining at the same instant land in the same router. Calls follow the inspection: when its
 * lifecycle leaves the in-call states the call ends, and a revoked link loses its phone.
 */
export class CallRegistry {
  readonly events: TypedEvents<CallEvents>;
  /** A call's media room was made (the recorder attaches to it). */
  readonly opened = new EventEmitter<{ room: [room: Room, caseRecord: CaseRecord] }>();
  private readonly calls = new Map<string, InspectionCall>();
  private readonly pending = new Map<string, Promise<InspectionCall>>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly deps: CallDeps;

  constructor(
    private readonly pool: WorkerPool,
    deps: Omit<CallDeps, 'events' | 'onPresence'> & { log: Logger },
    inspection: TypedEvents<InspectionEvents>,
    onPresence: (sessionId: string, presence: CallPresence) => void,
  ) {
    this.events = new TypedEvents<CallEvents>(deps.log);
    this.deps = { ...deps, events: this.events, onPresence };
    this.unsubscribe.push(
      inspection.on('state.changed', (c) => {
        if (!acceptsCall(c.to)) this.get(c.sessionId)?.end(c.to === 'interrupted' || c.to === 'abandoned' ? 'interrupted' : 'finished');
      }),
      inspection.on('link.revoked', (e) => this.get(e.sessionId)?.expelLink(e.linkId, e.reason === 'replaced' ? 'link_replaced' : 'revoked')),
    );
  }

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
      this.opened.emit('room', room, caseRecord);
      call.onClose(() => {
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

  close(reason: EndReason): void {
    this.endAll(reason);
    for (const u of this.unsubscribe.splice(0)) u();
    this.opened.removeAllListeners();
  }
}
