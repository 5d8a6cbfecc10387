import crypto, { type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../checklist/canonicalJson';

/**
 * A signed tree head of the office log: what an outsider keeps (a supervisor, a court, once a
 * day) so that any later rewrite of a case shows as a failed consistency or case-head proof.
 */
export interface Checkpoint {
  v: 1;
  /** Names the log (the office's public URL when set), so a checkpoint of one office is never taken for another's. */
  origin: string;
  treeSize: number;
  /** RFC 6962 root (hex) over the first `treeSize` leaves. */
  rootHash: string;
  /** RFC 6962 root (hex) over every case's head at this size, sorted by case id (see CasesRoot.ts). */
  casesRoot: string;
  /** Server time it was made (ms since epoch) and the same in Asia/Shanghai words. */
  time: number;
  timeText: string;
}

export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  /** The Ed25519 evidence key that signed it (first 16 hex digits of SHA-256 over its DER). */
  keyId: string;
  /** Ed25519 (base64) over `checkpointBytes(checkpoint)`. */
  signature: string;
  /** RFC 3161 TimeStampResp (base64 DER) over the same bytes, when TSA_URL is set and the authority answered. */
  tsaToken?: string;
}

/** The exact bytes that are signed and time-stamped: the checkpoint's canonical JSON (RFC 8785 form), UTF-8. */
export function checkpointBytes(c: Checkpoint): Buffer {
  return Buffer.from(canonicalJson(c), 'utf8');
}

/** Problems with a checkpoint's signature (empty when it holds); `keys` maps key id to Ed25519 public key. */
export function checkpointSignatureProblems(s: SignedCheckpoint, keys: ReadonlyMap<string, KeyObject>, where: string): string[] {
  const key = keys.get(s.keyId);
  if (!key) return [`${where}: signed by key ${s.keyId}, which is not among the office's keys`];
  let ok = false;
  try {
    ok = crypto.verify(null, checkpointBytes(s.checkpoint), key, Buffer.from(s.signature, 'base64'));
  } catch (err) {
    return [`${where}: signature cannot be checked (${(err as Error).message})`];
  }
  return ok ? [] : [`${where}: signature does not match (the checkpoint was changed or signed by another key)`];
}
