import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHALLENGE_ALPHABET, CHALLENGE_LENGTH, challengeCode } from '../../../server/evidence/CaptureTickets';
import type { ChainedRecord } from '../../../server/evidence/EvidenceChain';
import type { EvidenceRecord } from '../../../server/evidence/EvidenceRecord';
import { EvidenceSigner } from '../../../server/evidence/EvidenceSigner';
import { ReceiptCheck } from '../../../server/evidence/receipts/ReceiptCheck';
import { receiptBytes, receiptNumber, type UploadReceipt } from '../../../server/evidence/receipts/UploadReceipt';
import { UploadReceipts } from '../../../server/evidence/receipts/UploadReceipts';
import { shanghaiTime } from '../../../server/evidence/shanghaiTime';
import { ReceiptToVerify } from '../../../server/protocol/receipts';

// Phone receipts (issue 12): signed with the evidence key, checkable with the openssl CLI alone,
// numbered stably, and refused with a reason when anything in them is changed.

const T = Date.UTC(2026, 10, 24, 9, 30, 0);
const HASH = 'a'.repeat(64);
const SHA = 'b'.repeat(64);

function chained(over: Partial<EvidenceRecord> = {}, hash = HASH, leafIndex = 41): ChainedRecord {
  const record: EvidenceRecord = {
    v: 1, seq: 3, caseId: 'case-1', caseNumber: 'KY-20261124-0001', sessionId: 'sess-1', pointKey: 'common.signboard_address', kind: 'original',
    sha256: SHA, bytes: 1234, mediaType: 'image/jpeg', file: `originals/${SHA}.jpg`, parentSha256: null, serverTime: T, serverTimeText: shanghaiTime(T),
    claimed: {}, checked: {}, capturedBy: 'applicant', prevHash: 'c'.repeat(64), alg: 'Ed25519', keyId: '0123456789abcdef', ...over,
  };
  return { record, hash, signature: 'unused', leafIndex };
}

describe('upload receipts', () => {
  let dir: string;
  let signer: EvidenceSigner;
  const schedule = { nextCheckpointBy: () => T + 60_000 };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-receipts-'));
    signer = EvidenceSigner.loadOrCreate(dir, T);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the record, its hash, the photo hash, the log leaf and the checkpoint time, signed by the evidence key', () => {
    const signed = new UploadReceipts(signer, schedule).issue(chained());
    expect(signed.receipt).toEqual({
      v: 1, caseNumber: 'KY-20261124-0001', sessionId: 'sess-1', pointKey: 'common.signboard_address', recordSeq: 3, recordHash: HASH, sha256: SHA,
      serverTime: T, serverTimeText: '2026-11-24T17:30:00.000+08:00', leafIndex: 41, checkpointBy: T + 60_000, keyId: signer.keyId,
    });
    // What the phone receives is exactly what the public check accepts (the wire schema is strict).
    expect(ReceiptToVerify.safeParse(signed).success).toBe(true);
    expect(signed.number).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
  });

  it('verifies with openssl pkeyutl against the published key, and fails there once a byte changes', () => {
    const signed = new UploadReceipts(signer, schedule).issue(chained());
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-receipt-cli-'));
    try {
      const pem = signer.publicKeyPemOf(signed.receipt.keyId);
      expect(pem).toBeDefined();
      fs.writeFileSync(path.join(work, 'key.pem'), pem!);
      fs.writeFileSync(path.join(work, 'receipt.json'), receiptBytes(signed.receipt));
      fs.writeFileSync(path.join(work, 'receipt.sig'), Buffer.from(signed.signature, 'base64'));
      const verify = (file: string) => {
        const run = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', path.join(work, 'key.pem'), '-rawin', '-in', path.join(work, file), '-sigfile', path.join(work, 'receipt.sig')]);
        return `${run.status}: ${run.stdout.toString().trim()}`;
      };
      expect(verify('receipt.json')).toBe('0: Signature Verified Successfully');
      fs.writeFileSync(path.join(work, 'forged.json'), receiptBytes({ ...signed.receipt, sha256: 'd'.repeat(64) }));
      expect(verify('forged.json')).toBe('1: Signature Verification Failure');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('has a stable number: the same content always gives the same one, any changed field another', () => {
    const receipt: UploadReceipt = {
      v: 1, caseNumber: 'KY-20261124-0001', sessionId: 'sess-1', pointKey: 'common.signboard_address', recordSeq: 3, recordHash: HASH, sha256: SHA,
      serverTime: T, serverTimeText: shanghaiTime(T), leafIndex: 41, checkpointBy: T + 60_000, keyId: '0123456789abcdef',
    };
    // Pinned: the number is documented (first 60 bits of SHA-256 over the canonical JSON, RFC 4648 base32), so it must never
    // drift. The value was computed independently with Python's json (sort_keys, compact) + hashlib + base64.b32encode.
    expect(receiptNumber(receipt)).toBe(PINNED_NUMBER);
    // Key order does not matter (canonical JSON); content does.
    const reordered = Object.fromEntries(Object.entries(receipt).reverse()) as unknown as UploadReceipt;
    expect(receiptNumber(reordered)).toBe(PINNED_NUMBER);
    const changed = new Set(Object.keys(receipt).filter((k) => k !== 'v').map((k) => receiptNumber({ ...receipt, [k]: typeof receipt[k as keyof UploadReceipt] === 'number' ? 7 : 'x' })));
    expect(changed.has(PINNED_NUMBER)).toBe(false);
    expect(changed.size).toBe(Object.keys(receipt).length - 1);
  });

  describe('the public check', () => {
    const records = [chained({ seq: 1, kind: 'walk_log', pointKey: null }, 'e'.repeat(64), 40), chained()];
    const check = (chain: ChainedRecord[] | undefined) =>
      new ReceiptCheck({ publicKeyPemOf: (id) => signer.publicKeyPemOf(id), chainOfSession: async () => (chain ? { caseNumber: 'KY-20261124-0001', records: chain } : undefined) });

    it('says a receipt is genuine and names the record it found', async () => {
      const signed = new UploadReceipts(signer, schedule).issue(chained());
      const v = await check(records).verify(signed, 'zh-CN');
      expect(v).toMatchObject({ genuine: true, record: 'present', problems: [], named: { seq: 3, hash: HASH, kind: 'original', sha256: SHA, pointKey: 'common.signboard_address' } });
      expect(v.message).toMatch(/^回执真实/);
    });

    it('refuses a tampered receipt with the reason, in the asked language', async () => {
      const signed = new UploadReceipts(signer, schedule).issue(chained());
      const changedField = { ...signed, receipt: { ...signed.receipt, serverTime: signed.receipt.serverTime - 3600_000 } };
      const v = await check(records).verify(changedField, 'en');
      expect(v.genuine).toBe(false);
      expect(v.named).toBeUndefined();
      expect(v.problems).toEqual(['The receipt number does not match the receipt’s content', 'The signature does not match: the receipt was changed, or this office did not issue it']);
      // A forger who also recomputes the number still lacks the key.
      const renumbered = { ...changedField, number: receiptNumber(changedField.receipt) };
      expect((await check(records).verify(renumbered, 'zh-CN')).problems).toEqual(['签名不符：回执内容被改动过，或不是本办理机关签发的']);
      // Signed by a key the office never published.
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-other-'));
      try {
        const foreign = new UploadReceipts(EvidenceSigner.loadOrCreate(otherDir, T), schedule).issue(chained());
        expect((await check(records).verify(foreign, 'en')).problems).toEqual(['The signing key is not one of the evidence keys this office publishes']);
      } finally {
        fs.rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it('a genuine receipt whose record is gone or changed is reported as such: the applicant’s proof', async () => {
      const signed = new UploadReceipts(signer, schedule).issue(chained());
      const gone = await check([records[0]!]).verify(signed, 'en');
      expect(gone).toMatchObject({ genuine: true, record: 'missing' });
      expect(gone.problems).toEqual(['The case’s evidence chain has no record at the place the receipt names']);
      const rewritten = await check([records[0]!, chained({ sha256: 'f'.repeat(64) }, '9'.repeat(64))]).verify(signed, 'en');
      expect(rewritten).toMatchObject({ genuine: true, record: 'differs' });
      expect(rewritten.problems).toEqual([
        'The record in the case’s evidence chain differs from the receipt: record hash',
        'The record in the case’s evidence chain differs from the receipt: photo hash',
      ]);
      expect((await check(undefined).verify(signed, 'zh-CN')).record).toBe('missing');
    });
  });
});

describe('challenge codes', () => {
  it('are six characters none of which a person could misread for another', () => {
    const codes = Array.from({ length: 200 }, challengeCode);
    for (const c of codes) expect(c).toMatch(new RegExp(`^[${CHALLENGE_ALPHABET}]{${CHALLENGE_LENGTH}}$`));
    expect(CHALLENGE_ALPHABET).not.toMatch(/[0O1IL2Z5S8B]/);
    // Fresh each time (a repeat among 200 draws of 25^6 would be a broken source).
    expect(new Set(codes).size).toBe(codes.length);
  });
});

const PINNED_NUMBER = '2AKQ-ZVN4-VQLI';
