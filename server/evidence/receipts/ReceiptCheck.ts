import crypto from 'node:crypto';
import { say, text, type Lang, type Text } from '../../platform/Text';
import type { ReceiptToVerify, ReceiptVerdict } from '../../protocol/receipts';
import type { SignedRecord } from '../EvidenceRecord';
import { receiptBytes, receiptNumber } from './UploadReceipt';

/** Where the check looks things up: the office's published keys (retired ones too) and a session's case chain. */
export interface ReceiptSources {
  publicKeyPemOf(keyId: string): string | undefined;
  /** The case of the session and its chain; undefined for an unknown session. */
  chainOfSession(sessionId: string): Promise<{ caseNumber: string; records: SignedRecord[] } | undefined>;
}

const SAID = {
  genuine: text('回执真实：由本办理机关签发，所指记录仍在案件证据链中，内容一致', 'Genuine: issued by this office, and the record it names is still in the case’s evidence chain, unchanged'),
  genuineMissing: text(
    '回执真实（由本办理机关签发），但所指记录在本服务器上已找不到：请保存回执并联系办理机关',
    'Genuine (issued by this office), but the record it names can no longer be found on this server: keep the receipt and contact the office',
  ),
  genuineDiffers: text(
    '回执真实（由本办理机关签发），但案件证据链中该位置的记录与回执不一致：请保存回执并联系办理机关',
    'Genuine (issued by this office), but the record at that place in the case’s evidence chain does not match the receipt: keep the receipt and contact the office',
  ),
  notGenuine: text('回执不真实：不能证明本办理机关收到过所述照片', 'Not genuine: it does not show that this office received the photo it describes'),
  unknownKey: text('签名密钥不是本办理机关公布的证据密钥', 'The signing key is not one of the evidence keys this office publishes'),
  badSignature: text('签名不符：回执内容被改动过，或不是本办理机关签发的', 'The signature does not match: the receipt was changed, or this office did not issue it'),
  badNumber: text('回执号与回执内容不符', 'The receipt number does not match the receipt’s content'),
  noSession: text('回执所指的勘验在本服务器上不存在', 'The inspection the receipt names does not exist on this server'),
  noRecord: text('案件证据链中没有回执所指的记录', 'The case’s evidence chain has no record at the place the receipt names'),
  differs: (field: Text) => text(`案件证据链中的记录与回执不一致：${field['zh-CN']}`, `The record in the case’s evidence chain differs from the receipt: ${field.en}`),
} as const;

const FIELD = {
  caseNumber: text('案件编号', 'case number'),
  recordHash: text('记录哈希', 'record hash'),
  sha256: text('照片哈希', 'photo hash'),
  pointKey: text('检查项', 'checklist point'),
  serverTime: text('服务器时间', 'server time'),
} as const;

/**
 * The public check of a phone's upload receipt: anyone holding one can ask whether this office
 * signed it and whether the record it names is still in the case's chain as receipted. A genuine
 * receipt whose record is gone or changed is the applicant's proof against the office, so it is
 * reported as such, not as a fake.
 */
export class ReceiptCheck {
  constructor(private readonly sources: ReceiptSources) {}

  async verify(r: ReceiptToVerify, lang: Lang): Promise<ReceiptVerdict> {
    const problems: Text[] = [];
    const bytes = receiptBytes(r.receipt);
    if (receiptNumber(r.receipt) !== r.number) problems.push(SAID.badNumber);
    const pem = this.sources.publicKeyPemOf(r.receipt.keyId);
    if (!pem) problems.push(SAID.unknownKey);
    else if (!ed25519Holds(pem, bytes, r.signature)) problems.push(SAID.badSignature);
    const out = (genuine: boolean, record: ReceiptVerdict['record'], message: Text, named?: ReceiptVerdict['named']): ReceiptVerdict => ({
      genuine,
      number: r.number,
      record,
      message: say(message, lang),
      problems: problems.map((p) => say(p, lang)),
      ...(named ? { named } : {}),
    });
    if (problems.length) return out(false, null, SAID.notGenuine);

    const chain = await this.sources.chainOfSession(r.receipt.sessionId);
    if (!chain) {
      problems.push(SAID.noSession);
      return out(true, 'missing', SAID.genuineMissing);
    }
    const found = chain.records.find((s) => s.record.seq === r.receipt.recordSeq && s.record.sessionId === r.receipt.sessionId);
    if (!found) {
      problems.push(SAID.noRecord);
      return out(true, 'missing', SAID.genuineMissing);
    }
    const rec = found.record;
    const mismatches: Array<[boolean, Text]> = [
      [chain.caseNumber === r.receipt.caseNumber && rec.caseNumber === r.receipt.caseNumber, FIELD.caseNumber],
      [found.hash === r.receipt.recordHash, FIELD.recordHash],
      [rec.sha256 === r.receipt.sha256, FIELD.sha256],
      [rec.pointKey === r.receipt.pointKey, FIELD.pointKey],
      [rec.serverTime === r.receipt.serverTime, FIELD.serverTime],
    ];
    for (const [same, field] of mismatches) if (!same) problems.push(SAID.differs(field));
    if (problems.length) return out(true, 'differs', SAID.genuineDiffers);
    return out(true, 'present', SAID.genuine, {
      caseNumber: rec.caseNumber,
      seq: rec.seq,
      hash: found.hash,
      kind: rec.kind,
      pointKey: rec.pointKey,
      sha256: rec.sha256,
      serverTimeText: rec.serverTimeText,
    });
  }
}

/** Whether an Ed25519 signature holds; a published key of another algorithm (SM2) never signs receipts. */
function ed25519Holds(pem: string, bytes: Buffer, signature: string): boolean {
  const key = crypto.createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') return false;
  return crypto.verify(null, bytes, key, Buffer.from(signature, 'base64'));
}
