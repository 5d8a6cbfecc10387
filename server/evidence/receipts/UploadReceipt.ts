import crypto from 'node:crypto';
import { canonicalJson } from '../../checklist/canonicalJson';

/**
 * What the server tells the phone about one accepted upload, signed with the evidence key, so the
 * applicant can later prove what they submitted and when it arrived, without trusting the office's
 * word: the record it became (case chain position and hash), the original's content hash, the
 * server's time, its place in the office log and when a published checkpoint will cover it.
 */
export interface UploadReceipt {
  v: 1;
  caseNumber: string;
  sessionId: string;
  pointKey: string;
  /** The record's `seq` in the case's chain. */
  recordSeq: number;
  /** SHA-256 (hex) of the record's canonical JSON: the record itself, as signed and exported. */
  recordHash: string;
  /** SHA-256 (hex) of the bytes the phone sent (the untouched original). */
  sha256: string;
  serverTime: number;
  serverTimeText: string;
  /** The record's leaf in the office-wide log. */
  leafIndex: number;
  /** Server time (ms) by which the next checkpoint, the first that can cover this leaf, is published. */
  checkpointBy: number;
  /** The Ed25519 key that signed the receipt (first 16 hex digits of SHA-256 over its public DER). */
  keyId: string;
}

export interface SignedReceipt {
  receipt: UploadReceipt;
  /** Ed25519 (base64) over canonicalJson(receipt), the same form as records. */
  signature: string;
  /** Short number people read out and type: see receiptNumber. */
  number: string;
}

/** The bytes a receipt's signature and number are over: RFC 8785 canonical JSON, UTF-8. */
export function receiptBytes(receipt: UploadReceipt): Buffer {
  return Buffer.from(canonicalJson(receipt), 'utf8');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The receipt number: SHA-256 over the signed bytes, its first 60 bits as 12 characters of
 * RFC 4648 base32 (A–Z, 2–7: no 0/1/8/9 to mistake for O/I/B/g), grouped XXXX-XXXX-XXXX. The
 * same receipt always has the same number, and any change to a signed field changes it.
 */
export function receiptNumber(receipt: UploadReceipt): string {
  const digest = crypto.createHash('sha256').update(receiptBytes(receipt)).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 12) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === 12) break;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}
