/** What the reuse check keeps of each original photo: where it belongs and what it looks like. */
export interface PhotoFingerprint {
  evidenceId: string;
  caseId: string;
  caseNumber: string;
  sessionId: string;
  pointKey: string;
  /** SHA-256 (hex) of the original bytes. */
  sha256: string;
  /** 64-bit perceptual hashes (hex) of the whole frame and of its centre. */
  phash: string;
  phashCentre: string;
  createdAt: number;
}

/** A stored fingerprint with its place in the order photos arrived. */
export type StoredFingerprint = PhotoFingerprint & { seq: number };

export interface PhotoFingerprintRepository {
  insert(f: PhotoFingerprint): Promise<void>;
  /** The earliest photo with exactly these bytes, if any. */
  firstWithSha256(sha256: string): Promise<StoredFingerprint | undefined>;
  /**
   * Every fingerprint's perceptual hashes, oldest first, in pages after `afterSeq`: the near search
   * compares them in memory (64-bit Hamming distances are cheap; see ReuseCheck).
   */
  hashesAfter(afterSeq: number, limit: number): Promise<Array<{ seq: number; phash: string; phashCentre: string }>>;
  bySeq(seq: number): Promise<StoredFingerprint | undefined>;
  /** Which photo of its case this is (1 for the first), in arrival order. */
  ordinalInCase(caseId: string, seq: number): Promise<number>;
}
