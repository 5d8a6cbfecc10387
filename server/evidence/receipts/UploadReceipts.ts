import type { ChainedRecord } from '../EvidenceChain';
import { receiptBytes, receiptNumber, type SignedReceipt, type UploadReceipt } from './UploadReceipt';

/** What signs receipts: the evidence key (EvidenceSigner). keyId and sign are read in one synchronous stretch, so a rotation cannot split them. */
export interface ReceiptSigner {
  readonly keyId: string;
  sign(data: Buffer): string;
}

/** When the office log publishes its next checkpoint (OfficeLog). */
export interface CheckpointSchedule {
  nextCheckpointBy(): number;
}

/** Signs the receipt the phone keeps for an accepted upload. */
export class UploadReceipts {
  constructor(
    private readonly signer: ReceiptSigner,
    private readonly schedule: CheckpointSchedule,
  ) {}

  issue(signed: ChainedRecord): SignedReceipt {
    const r = signed.record;
    if (r.pointKey === null) throw new Error(`record ${r.seq} of ${r.caseNumber} names no checklist point: not an upload`);
    const receipt: UploadReceipt = {
      v: 1,
      caseNumber: r.caseNumber,
      sessionId: r.sessionId,
      pointKey: r.pointKey,
      recordSeq: r.seq,
      recordHash: signed.hash,
      sha256: r.sha256,
      serverTime: r.serverTime,
      serverTimeText: r.serverTimeText,
      leafIndex: signed.leafIndex,
      checkpointBy: this.schedule.nextCheckpointBy(),
      keyId: this.signer.keyId,
    };
    const signature = this.signer.sign(receiptBytes(receipt));
    return { receipt, signature, number: receiptNumber(receipt) };
  }
}
