import { chainJsonDocument } from '../../evidence/chainJsonDocument';
import { CaseSeals } from '../../evidence/seal/CaseSeals';
import type { EvidenceChain } from '../../evidence/EvidenceChain';
import type { EvidenceFiles } from '../../evidence/EvidenceFiles';
import { isFinished } from '../../inspection/SessionState';
import type { Clock } from '../../platform/clock';
import type { Store } from '../../store/Store';
import { loadSessionTimeline } from '../timeline/loadSessionTimeline';

export type TimelineOutcome =
  | { kind: 'chained'; hash: string }
  | { kind: 'already'; hash: string }
  /** Some segment is still recording or waits for processing: the timeline must name its final state. */
  | { kind: 'waiting'; why: string }
  | { kind: 'not_finished'; why: string };

/**
 * Chains a finished session's timeline once all of its segments are processed or failed: the JSON
 * (canonical, so it hashes the same every time) stored like the walk log and signed into the chain.
 */
export class TimelineSealer {
  private readonly seals: CaseSeals;

  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly chain: EvidenceChain,
    private readonly clock: Clock,
  ) {
    this.seals = new CaseSeals(store, files, chain, clock);
  }

  async chainedTimeline(caseId: string, sessionId: string): Promise<string | undefined> {
    return (await this.chain.list(caseId)).find((r) => r.record.kind === 'timeline' && r.record.sessionId === sessionId)?.hash;
  }

  async sealIfReady(sessionId: string): Promise<TimelineOutcome> {
    const session = await this.store.sessions.get(sessionId);
    if (!session) return { kind: 'not_finished', why: 'no such session' };
    if (!isFinished(session.state)) return { kind: 'not_finished', why: `session is ${session.state}` };
    const already = await this.chainedTimeline(session.caseId, sessionId);
    if (already) return { kind: 'already', hash: already };
    const segments = await this.store.segments.listBySession(sessionId);
    const pending = segments.filter((s) => s.state === 'recording' || s.state === 'closed');
    if (pending.length) return { kind: 'waiting', why: `segment(s) ${pending.map((s) => s.seq).join(', ')} not processed yet` };
    // A point's clip is part of what the timeline points at: wait until it is cut and chained.
    const clips = (await this.store.pendingClips.listBySession(sessionId)).filter((c) => c.state === 'pending');
    if (clips.length) return { kind: 'waiting', why: `${clips.length} point clip(s) not cut yet` };
    const caseRecord = await this.store.cases.get(session.caseId);
    if (!caseRecord) throw new Error(`case ${session.caseId} of session ${sessionId} is missing`);
    const signed = await chainJsonDocument(this.files, this.chain, {
      caseRecord,
      sessionId,
      kind: 'timeline',
      folder: 'timelines',
      value: await loadSessionTimeline(this.store, sessionId),
      serverTime: this.clock.now(),
      checked: {
        segments: segments.length,
        processed: segments.filter((s) => s.state === 'processed').length,
        failed: segments.filter((s) => s.state === 'failed').map((s) => s.id),
        // The recordings the timeline's offsets refer to, by the hash of their chain records.
        segmentRecords: segments.filter((s) => s.recordHash).map((s) => s.recordHash),
      },
      capturedBy: 'system',
    });
    // The recordings are finished: the case is sealed again, over them and the timeline.
    await this.seals.seal({ sessionId, step: 'recordings_finished', actor: 'system' });
    return { kind: 'chained', hash: signed.hash };
  }
}
