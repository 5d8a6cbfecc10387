import crypto from 'node:crypto';
import { canonicalJson } from '../checklist/canonicalJson';
import type { Store } from '../store/Store';
import type { EvidenceRecord, SignedRecord } from './EvidenceRecord';
import type { EvidenceSigner } from './EvidenceSigner';
import { leafHash } from './log/merkle';
import { shanghaiTime } from './shanghaiTime';

export type RecordInput = Omit<EvidenceRecord, 'v' | 'seq' | 'prevHash' | 'alg' | 'keyId' | 'serverTimeText'>;

/** A record as appended: signed, chained in its case, and a leaf of the office log at `leafIndex`. */
export type ChainedRecord = SignedRecord & { leafIndex: number };

/**
 * Appends signed records to each case's hash chain, one writer per case at a time, and each record
 * to the office-wide log in the same transaction: a record is never stored without its leaf, and
 * the store's one-writer transactions give two cases appending at once distinct, dense indexes.
 */
export class EvidenceChain {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly signer: EvidenceSigner,
  ) {}

  append(input: RecordInput): Promise<ChainedRecord> {
    return this.appendBuilt(input.caseId, async () => input);
  }

  /**
   * Appends the record `build` makes from the case's last record, inside the same transaction: a
   * record that states what precedes it (a seal) is exact whoever else is appending.
   */
  appendBuilt(caseId: string, build: (last: SignedRecord | undefined) => Promise<RecordInput>): Promise<ChainedRecord> {
    const prev = this.queues.get(caseId) ?? Promise.resolve();
    // Read the tail, sign, insert: one transaction, so no other writer can slip a record in between.
    const run = prev.then(() => this.store.transaction(async () => {
      const last = await this.store.evidenceRecords.last(caseId);
      const input = await build(last);
      if (input.caseId !== caseId) throw new Error(`record built for case ${input.caseId} appended to ${caseId}`);
      // From here to signing there is no await: a key rotation cannot fall between naming the key and using it.
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
        ...this.signer.signatures(canonical),
      };
      await this.store.evidenceRecords.insert(signed);
      // The leaf input is the record's canonical JSON exactly as signed (records/NNNNNN.json in an export).
      const leafIndex = await this.store.officeLog.appendLeaf({ caseId, recordSeq: record.seq, recordHash: signed.hash, leafHash: leafHash(canonical) });
      return { ...signed, leafIndex };
    }));
    this.queues.set(caseId, run.catch(() => undefined));
    return run;
  }

  /** The case's records in seq order, each with its leaf in the office log. */
  async list(caseId: string): Promise<ChainedRecord[]> {
    // Records first: a record committed after this read can only add a leaf, never miss one.
    const records = await this.store.evidenceRecords.list(caseId);
    const leaves = await this.store.officeLog.caseRecords(caseId, Number.MAX_SAFE_INTEGER);
    const leafOf = new Map(leaves.map((l) => [l.recordHash, l.leafIndex]));
    return records.map((r) => {
      const leafIndex = leafOf.get(r.hash);
      // Every record gets its leaf in its own transaction, and older ones are back-filled at start.
      if (leafIndex === undefined) throw new Error(`record ${r.record.seq} of case ${caseId} has no leaf in the office log`);
      return { ...r, leafIndex };
    });
  }
}
