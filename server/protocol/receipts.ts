import { z } from 'zod';
import { text } from '../platform/Text';
import { labelled } from './fieldText';

// The wire form of a phone's upload receipt (server/evidence/receipts/UploadReceipt.ts) as anyone may
// send it back to POST /api/receipts/verify. Strict: a field the server never signs is refused,
// not ignored, so what is checked is exactly what the holder has.

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Ms = z.number().int().min(0).max(8_640_000_000_000_000);

export const ReceiptBody = z
  .object({
    v: z.literal(1),
    caseNumber: z.string().min(1).max(64),
    sessionId: z.string().min(1).max(64),
    pointKey: z.string().min(1).max(200),
    recordSeq: z.number().int().min(1),
    recordHash: Hex64,
    sha256: Hex64,
    serverTime: Ms,
    serverTimeText: z.string().min(1).max(64),
    leafIndex: z.number().int().min(0),
    checkpointBy: Ms,
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
  })
  .strict();

export const ReceiptToVerify = z
  .object({
    receipt: labelled(ReceiptBody, text('回执内容', 'Receipt content')),
    signature: labelled(z.string().regex(/^[A-Za-z0-9+/]{86}==$/), text('回执签名', 'Receipt signature')),
    number: labelled(z.string().regex(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/), text('回执号', 'Receipt number')),
  })
  .strict();
export type ReceiptToVerify = z.infer<typeof ReceiptToVerify>;

/** What the record a receipt names looks like on this server now. */
export type ReceiptRecordState = 'present' | 'missing' | 'differs';

/** The public check's answer, in the language asked for. */
export interface ReceiptVerdict {
  /** Signed by this office's evidence key, and the number matches the signed content. */
  genuine: boolean;
  number: string;
  /** Only for a genuine receipt: whether the record it names is still in the case's chain as it was. */
  record: ReceiptRecordState | null;
  /** One sentence for a person. */
  message: string;
  /** Each reason the receipt is not genuine or its record is not as receipted. */
  problems: string[];
  /** The record the receipt names, as the chain holds it (only when present and genuine). */
  named?: { caseNumber: string; seq: number; hash: string; kind: string; pointKey: string | null; sha256: string; serverTimeText: string };
}
