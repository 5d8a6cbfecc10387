/** One leaf of the office log as stored: a case record, or an office statement (caseId null). */
export interface LogLeafInput {
  caseId: string | null;
  /** The record's seq in its case chain (null for office statements). */
  recordSeq: number | null;
  /** SHA-256 (hex) of the leaf input: the record's hash, or the statement's. */
  recordHash: string;
  /** RFC 6962 leaf hash of the leaf input. */
  leafHash: Buffer;
  /** An office statement's canonical JSON (the leaf input itself); records live in evidence_records. */
  entry?: string;
}

/** A case's last record among the first `treeSize` leaves, and how many it had there. */
export interface CaseHead {
  caseId: string;
  records: number;
  headHash: string;
}

/** A case's record with its place in the log. */
export interface LoggedRecord {
  leafIndex: number;
  seq: number;
  recordHash: string;
}

/** A chained record made before the log existed (data dirs from before migration 9). */
export interface UnloggedRecord {
  caseId: string;
  seq: number;
  hash: string;
  /** The canonical JSON exactly as signed: the leaf input. */
  body: string;
  serverTime: number;
}
