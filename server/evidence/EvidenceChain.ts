import crypto from 'node:crypto';
import { canonicalJson } from '../checklist/canonicalJson';
import type { Store } from '../store/Store';
import type { EvidenceRecord, SignedRecord } from './EvidenceRecord';
import type { EvidenceSigner } from './EvidenceSigner';
import { shanghaiTime } from './shanghaiTime';

export type RecordInput = Omit<EvidenceRecord, 'v' | 'seq' | 'prevHash' | 'alg' | 'keyId' | 'serverTimeText'>;

/** Appends signed records to each case's hash chain, one writer per case at a time. */
export class EvidenceChain {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly signer: EvidenceSigner,
  ) {}

  append(input: RecordInput): Promise<SignedRecord> {
    return this.appendBuilt(input.caseId, async () => input);
  }

  /**
   * Appends the record `build` makes from the case's last record, inside the same transaction: a
   * record that states what precedes it (a seal) is exact whoever else is appending.
   */
  appendBuilt(caseId: string, build: (last: SignedRecord | undefined) => Promise<RecordInput>): Promise<SignedRecord> {
    const prev = this.queues.get(caseId) ?? Promise.resolve();
    // Read the tail, sign, insert: one transaction, so no other writer can slip a record in between.
    const run = prev.then(() => this.store.transaction(async () => {
      const last = await this.store.evidenceRecords.last(caseId);
      const input = await build(last);
      if (input.caseId !== caseId) throw new Error(`record built for case ${input.caseId} appended to ${caseId}`);
      const record: EvidenceRecord = {
        v: 1,
        ...input,
        seq: (last?.record.seq ?? 0) + 1,
        serverTimeText: shanghaiTime(input.serverTime),
        prevHash: last?.hash ?? null,
        alg: 'Ed25519',
        keyId: this.signer.keyId,
      };
      const canonical = Buffer.from(canonicalJson(record), 'utf8');
      const signed: SignedRecord = {
        record,
        hash: crypto.createHash('sha256').update(canonical).digest('hex'),
        signature: this.signer.sign(canonical),
      };
      await this.store.evidenceRecords.insert(signed);
      return signed;
    }));
    this.queues.set(caseId, run.catch(() => undefined));
    return run;
  }

  list(caseId: string): Promise<SignedRecord[]> {
    return this.store.evidenceRecords.list(caseId);
  }
}
