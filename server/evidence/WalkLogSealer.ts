import { chainJsonDocument } from './chainJsonDocument';
import type { ChecklistWalk } from '../checklist/ChecklistWalk';
import type { WalkEvent } from '../checklist/WalkEvent';
import type { SessionTransition } from '../inspection/SessionTransition';
import type { Clock } from '../platform/clock';
import type { Store } from '../store/Store';
import type { EvidenceChain } from './EvidenceChain';
import type { EvidenceFiles } from './EvidenceFiles';
import { CaseSeals, type SealRequest } from './seal/CaseSeals';
import { caseFacts, decisionFacts } from './seal/decisionFacts';

/**
 * When an inspection ends, its whole checklist event log, every lifecycle step (who, when, why) and
 * the decision it led to (results, notes, outcome, the registered address, photos by content hash)
 * become one evidence item in the case's chain; each later step that adds evidence seals the case.
 */
export class WalkLogSealer {
  private readonly seals: CaseSeals;

  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly chain: EvidenceChain,
    private readonly clock: Clock,
  ) {
    this.seals = new CaseSeals(store, files, chain, clock);
  }

  /** Appends a seal record after a lifecycle step (see CaseSeals). */
  async sealCase(req: SealRequest): Promise<string> {
    return (await this.seals.seal(req)).hash;
  }

  async sealedLog(caseId: string, sessionId: string): Promise<string | undefined> {
    return (await this.chain.list(caseId)).find((r) => r.record.kind === 'walk_log' && r.record.sessionId === sessionId)?.hash;
  }

  async seal(sessionId: string, events: WalkEvent[], transitions: SessionTransition[], closedBy: string, walk: ChecklistWalk): Promise<string> {
    const session = await this.store.sessions.get(sessionId);
    const caseRecord = session && (await this.store.cases.get(session.caseId));
    if (!caseRecord) throw new Error(`cannot seal session ${sessionId}: case missing`);
    const signed = await chainJsonDocument(this.files, this.chain, {
      caseRecord,
      sessionId,
      kind: 'walk_log',
      folder: 'logs',
      value: { sessionId, case: caseFacts(caseRecord), decision: decisionFacts(walk, await this.store.evidence.listBySession(sessionId)), events, transitions },
      serverTime: this.clock.now(),
      checked: { events: events.length, lastEventAt: events.at(-1)?.at ?? null, transitions: transitions.length },
      capturedBy: closedBy,
    });
    return signed.hash;
  }
}
