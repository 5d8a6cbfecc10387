import { canonicalJson } from '../../checklist/canonicalJson';
import type { Clock } from '../../platform/clock';
import type { Store } from '../../store/Store';
import type { EvidenceChain } from '../EvidenceChain';
import type { EvidenceFiles } from '../EvidenceFiles';
import type { SignedRecord } from '../EvidenceRecord';
import type { CaseSeal, SealStep } from './CaseSeal';
import { caseFacts } from './decisionFacts';

export interface SealRequest {
  sessionId: string;
  step: SealStep;
  actor: string;
  review?: { decision: string; reason: string };
}

/**
 * Appends a seal record to a case's chain after a step that adds evidence or a decision. The seal is
 * built inside the chain's append, so its count and head hash are exactly the records before it,
 * whatever else is being chained at the same moment.
 */
export class CaseSeals {
  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly chain: EvidenceChain,
    private readonly clock: Clock,
  ) {}

  async seal(req: SealRequest): Promise<SignedRecord> {
    const session = await this.store.sessions.get(req.sessionId);
    const caseRecord = session && (await this.store.cases.get(session.caseId));
    if (!session || !caseRecord) throw new Error(`cannot seal session ${req.sessionId}: session or case missing`);
    const comments = req.review ? await this.store.reviewComments.listBySession(req.sessionId) : [];
    return this.chain.appendBuilt(caseRecord.id, async (last) => {
      const at = this.clock.now();
      const seal: CaseSeal = {
        v: 1,
        type: 'case_seal',
        caseNumber: caseRecord.caseNumber,
        caseId: caseRecord.id,
        sessionId: req.sessionId,
        step: req.step,
        lifecycleState: (await this.store.sessions.get(req.sessionId))?.state ?? session.state,
        records: last?.record.seq ?? 0,
        headHash: last?.hash ?? null,
        at,
        actor: req.actor,
        case: caseFacts(caseRecord),
        ...(req.review
          ? {
              review: {
                ...req.review,
                by: req.actor,
                comments: [...comments].sort((a, b) => a.at - b.at).map((c) => ({ author: c.author, at: c.at, offsetMs: c.offsetMs, body: c.body })),
              },
            }
          : {}),
      };
      const bytes = Buffer.from(canonicalJson(seal), 'utf8');
      const { sha256 } = await this.files.put(bytes, 'json');
      return {
        caseId: caseRecord.id,
        caseNumber: caseRecord.caseNumber,
        sessionId: req.sessionId,
        pointKey: null,
        kind: 'seal',
        sha256,
        bytes: bytes.length,
        mediaType: 'application/json',
        file: `seals/${sha256}.json`,
        parentSha256: null,
        serverTime: at,
        claimed: {},
        checked: { step: req.step, lifecycleState: seal.lifecycleState, records: seal.records, headHash: seal.headHash },
        capturedBy: req.actor,
      };
    });
  }
}
