import { chainJsonDocument } from './chainJsonDocument';
import type { WalkEvent } from '../checklist/WalkEvent';
import type { SessionTransition } from '../inspection/SessionTransition';
import type { Clock } from '../platform/clock';
import type { Store } from '../store/Store';
import type { EvidenceChain } from './EvidenceChain';
import type { EvidenceFiles } from './EvidenceFiles';

/**
 * When an inspection ends, its whole checklist event log and every lifecycle step (who, when, why)
 * become one evidence item in the case's chain.
 */
export class WalkLogSealer {
  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly chain: EvidenceChain,
    private readonly clock: Clock,
  ) {}

  async sealedLog(caseId: string, sessionId: string): Promise<string | undefined> {
    return (await this.chain.list(caseId)).find((r) => r.record.kind === 'walk_log' && r.record.sessionId === sessionId)?.hash;
  }

  async seal(sessionId: string, events: WalkEvent[], transitions: SessionTransition[], closedBy: string): Promise<string> {
    const session = await this.store.sessions.get(sessionId);
    const caseRecord = session && (await this.store.cases.get(session.caseId));
    if (!caseRecord) throw new Error(`cannot seal session ${sessionId}: case missing`);
    const signed = await chainJsonDocument(this.files, this.chain, {
      caseRecord,
      sessionId,
      kind: 'walk_log',
      folder: 'logs',
      value: { sessionId, events, transitions },
      serverTime: this.clock.now(),
      checked: { events: events.length, lastEventAt: events.at(-1)?.at ?? null, transitions: transitions.length },
      capturedBy: closedBy,
    });
    return signed.hash;
  }
}
