import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../../server/checklist/canonicalJson';
import type { EvidenceRecord, SignedRecord } from '../../../server/evidence/EvidenceRecord';
import { EvidenceSigner } from '../../../server/evidence/EvidenceSigner';
import { checkKeyRotation, checkRecordSignatures, checkSm2SignatureFile, loadExportKeys, writeSm2Exports } from '../../../server/evidence/verifySignatures';

// SM2 (国密) record signatures, checked by the openssl CLI exactly as the README tells an outsider to.

const DISTID = '1234567812345678';
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-sm2-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function record(seq: number, keyId: string): EvidenceRecord {
  return {
    v: 1, seq, caseId: 'case-1', caseNumber: 'KY-2026-0001', sessionId: 's1', pointKey: 'common.signboard_address', kind: 'original',
    sha256: 'ab'.repeat(32), bytes: 10, mediaType: 'image/jpeg', file: 'originals/x.jpg', parentSha256: null, serverTime: 1_700_000_000_000,
    serverTimeText: '2023-11-15 06:13:20', claimed: { note: '门头照片' }, checked: {}, capturedBy: 'applicant', prevHash: null, alg: 'Ed25519', keyId,
  };
}

/** `openssl pkeyutl -verify … -digest sm3 -pkeyopt distid:…`: true only when the CLI says so. */
function opensslVerifiesSm2(pubPem: string, data: Buffer, sig: Buffer): boolean {
  const work = fs.mkdtempSync(path.join(dir, 'cli-'));
  fs.writeFileSync(path.join(work, 'sm2.pem'), pubPem);
  fs.writeFileSync(path.join(work, 'data'), data);
  fs.writeFileSync(path.join(work, 'data.sig'), sig);
  const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'sm2.pem', '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${DISTID}`, '-in', 'data', '-sigfile', 'data.sig'], { cwd: work });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status === 0 && !out.includes('Signature Verified Successfully')) throw new Error(`openssl said: ${out}`);
  return r.status === 0;
}

function opensslVerifiesEd25519(pubPem: string, data: Buffer, sig: Buffer): boolean {
  const work = fs.mkdtempSync(path.join(dir, 'cli-'));
  fs.writeFileSync(path.join(work, 'k.pem'), pubPem);
  fs.writeFileSync(path.join(work, 'data'), data);
  fs.writeFileSync(path.join(work, 'data.sig'), sig);
  return spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'k.pem', '-rawin', '-in', 'data', '-sigfile', 'data.sig'], { cwd: work }).status === 0;
}

function signed(signer: EvidenceSigner, seq = 1): { entry: SignedRecord; canonical: Buffer } {
  const r = record(seq, signer.keyId);
  const canonical = Buffer.from(canonicalJson(r), 'utf8');
  const sigs = signer.signatures(canonical);
  return { canonical, entry: { record: r, hash: crypto.createHash('sha256').update(canonical).digest('hex'), ...sigs } };
}

describe('SM2 record signatures', () => {
  it('signs record bytes with SM2/SM3 and the default ID so that openssl pkeyutl verifies them; a flipped byte fails with the CLI too', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const { entry, canonical } = signed(signer);
    expect(entry.sm2?.keyId).toBe(signer.sm2KeyId);
    const sm2Pem = signer.publicKeyPemOf(entry.sm2!.keyId)!;
    const sm2Sig = Buffer.from(entry.sm2!.signature, 'base64');
    expect(sm2Sig[0]).toBe(0x30); // DER SEQUENCE { r, s }
    expect(opensslVerifiesSm2(sm2Pem, canonical, sm2Sig)).toBe(true);
    expect(opensslVerifiesEd25519(signer.publicKeyPem, canonical, Buffer.from(entry.signature, 'base64'))).toBe(true);

    const flipped = Buffer.from(canonical);
    const at = flipped.indexOf('门');
    flipped.writeUInt8(flipped.readUInt8(at) ^ 0x01, at);
    expect(opensslVerifiesSm2(sm2Pem, flipped, sm2Sig)).toBe(false);
    expect(opensslVerifiesEd25519(signer.publicKeyPem, flipped, Buffer.from(entry.signature, 'base64'))).toBe(false);
    // The wrong distinguishing ID is a different Z: the CLI refuses it as well.
    const work = fs.mkdtempSync(path.join(dir, 'id-'));
    fs.writeFileSync(path.join(work, 'k.pem'), sm2Pem);
    fs.writeFileSync(path.join(work, 'd'), canonical);
    fs.writeFileSync(path.join(work, 's'), sm2Sig);
    expect(spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'k.pem', '-rawin', '-digest', 'sm3', '-pkeyopt', 'distid:1234567812345679', '-in', 'd', '-sigfile', 's'], { cwd: work }).status).not.toBe(0);
  });

  it('draws a fresh nonce every time: two signatures of the same bytes differ and both verify', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'sm2' });
    const data = Buffer.from('same bytes');
    const a = Buffer.from(signer.signatures(data).sm2!.signature, 'base64');
    const b = Buffer.from(signer.signatures(data).sm2!.signature, 'base64');
    expect(a.equals(b)).toBe(false);
    const pem = signer.publicKeyPemOf(signer.sm2KeyId!)!;
    expect(opensslVerifiesSm2(pem, data, a)).toBe(true);
    expect(opensslVerifiesSm2(pem, data, b)).toBe(true);
  });

  it('verifies a signature that openssl itself made with the key file (the same standard both ways)', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'sm2' });
    const keyFile = path.join(dir, 'keys', 'evidence-sm2.key');
    const r = record(1, signer.keyId);
    const data = Buffer.from(canonicalJson(r), 'utf8');
    fs.writeFileSync(path.join(dir, 'd'), data);
    execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', keyFile, '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${DISTID}`, '-in', path.join(dir, 'd'), '-out', path.join(dir, 's')]);
    const pub = execFileSync('openssl', ['pkey', '-in', keyFile, '-pubout']).toString();
    expect(pub).toBe(signer.publicKeyPemOf(signer.sm2KeyId!));
    const root = path.join(dir, 'export');
    fs.mkdirSync(path.join(root, 'keys'), { recursive: true });
    for (const k of signer.publishedKeys()) fs.writeFileSync(path.join(root, 'keys', `${k.keyId}.pem`), k.publicKeyPem);
    fs.writeFileSync(path.join(root, 'keys.json'), JSON.stringify(signer.publishedKeys().map(({ publicKeyPem: _p, ...k }) => k)));
    const { keys, problems } = loadExportKeys(root);
    expect(problems).toEqual([]);
    const entry: SignedRecord = { record: r, hash: '', signature: signer.sign(data), sm2: { keyId: signer.sm2KeyId!, signature: fs.readFileSync(path.join(dir, 's')).toString('base64') } };
    expect(checkRecordSignatures(data, entry, keys)).toEqual([]);
    expect(checkRecordSignatures(Buffer.concat([data, Buffer.from(' ')]), entry, keys)).toHaveLength(2);
  });

  it('publishes the SM2 key with the same key id rule as Ed25519: first 16 hex digits of SHA-256 over the SPKI DER', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const published = signer.publishedKeys();
    expect(published.map((k) => k.alg).sort()).toEqual(['Ed25519', 'SM2']);
    for (const k of published) {
      // Computed by the CLI from the PEM, not by our own code.
      const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: k.publicKeyPem });
      expect(k.keyId).toBe(crypto.createHash('sha256').update(der).digest('hex').slice(0, 16));
      expect(k.retiredAt).toBeNull();
    }
    expect(published.find((k) => k.alg === 'SM2')!.keyId).toBe(signer.sm2KeyId);
    const text = execFileSync('openssl', ['pkey', '-pubin', '-text', '-noout'], { input: published.find((k) => k.alg === 'SM2')!.publicKeyPem }).toString();
    expect(text).toMatch(/SM2/);
  });

  it('with the default mode signs Ed25519 only, and makes no SM2 key', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000);
    const { entry } = signed(signer);
    expect(entry.sm2).toBeUndefined();
    expect(signer.sm2KeyId).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'keys', 'evidence-sm2.key'))).toBe(false);
  });
});

describe('checking an export\'s signatures', () => {
  async function exportOf(signer: EvidenceSigner, n: number): Promise<{ root: string; entries: { entry: SignedRecord; canonical: Buffer }[] }> {
    const root = path.join(dir, 'export');
    fs.mkdirSync(path.join(root, 'records'), { recursive: true });
    const entries = Array.from({ length: n }, (_, i) => signed(signer, i + 1));
    const sm2Keys = await writeSm2Exports(root, entries.map((e) => e.entry), signer.publishedKeys());
    const ed = signer.publishedKeys().filter((k) => k.alg === 'Ed25519');
    for (const k of ed) fs.writeFileSync(path.join(root, 'keys', `${k.keyId}.pem`), k.publicKeyPem);
    fs.writeFileSync(path.join(root, 'keys.json'), JSON.stringify([...ed, ...sm2Keys].map(({ publicKeyPem: _p, ...k }) => k)));
    for (const e of entries) fs.writeFileSync(path.join(root, 'records', `${String(e.entry.record.seq).padStart(6, '0')}.json`), e.canonical);
    return { root, entries };
  }

  it('writes NNNNNN.sm2.sig files and the SM2 key that the CLI verifies, and finds nothing wrong with them', async () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const { root, entries } = await exportOf(signer, 2);
    const { keys, problems } = loadExportKeys(root);
    expect(problems).toEqual([]);
    expect([...keys.values()].map((k) => k.alg).sort()).toEqual(['Ed25519', 'SM2']);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'keys.json'), 'utf8')).find((k: { alg: string }) => k.alg === 'SM2').keyId).toBe(signer.sm2KeyId);
    for (const { entry, canonical } of entries) {
      expect(checkRecordSignatures(canonical, entry, keys)).toEqual([]);
      expect(checkSm2SignatureFile(root, entry, entry.record.seq)).toEqual([]);
      const r = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', `keys/${signer.sm2KeyId}.pem`, '-rawin', '-digest', 'sm3', '-pkeyopt', `distid:${DISTID}`, '-in', `records/00000${entry.record.seq}.json`, '-sigfile', `records/00000${entry.record.seq}.sm2.sig`], { cwd: root });
      expect(r.status).toBe(0);
    }
  });

  it('names the record and the reason for a bad SM2 or Ed25519 signature, a missing key, and a changed .sm2.sig', async () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const { root, entries } = await exportOf(signer, 2);
    const { keys } = loadExportKeys(root);
    const [first, second] = entries as [(typeof entries)[0], (typeof entries)[0]];
    // The second record's SM2 signature on the first record's bytes.
    expect(checkRecordSignatures(first.canonical, { ...first.entry, sm2: second.entry.sm2 }, keys)).toEqual([`record 1: SM2 signature does not verify with keys/${signer.sm2KeyId}.pem`]);
    expect(checkRecordSignatures(first.canonical, { ...first.entry, signature: second.entry.signature }, keys)).toEqual([`record 1: Ed25519 signature does not verify with keys/${signer.keyId}.pem`]);
    expect(checkRecordSignatures(first.canonical, { ...first.entry, sm2: { keyId: '0123456789abcdef', signature: 'AAAA' } }, keys)).toEqual(['record 1: SM2-signed with key 0123456789abcdef, which the export does not carry (keys/0123456789abcdef.pem)']);
    expect(checkRecordSignatures(first.canonical, { ...first.entry, sm2: { keyId: signer.keyId, signature: first.entry.sm2!.signature } }, keys)).toEqual([`record 1: names key ${signer.keyId} for its SM2 signature, but that is an Ed25519 key`]);
    expect(checkRecordSignatures(first.canonical, { ...first.entry, sm2: { keyId: signer.sm2KeyId!, signature: 'not base64 DER!' } }, keys)).toEqual([`record 1: SM2 signature does not verify with keys/${signer.sm2KeyId}.pem`]);
    expect(checkRecordSignatures(first.canonical, { ...first.entry, sm2: 'junk' as never }, keys)).toEqual(['record 1: malformed SM2 signature (keyId and signature expected)']);
    fs.writeFileSync(path.join(root, 'records', '000002.sm2.sig'), Buffer.from(first.entry.sm2!.signature, 'base64'));
    expect(checkSm2SignatureFile(root, second.entry, 2)).toEqual(['record 2: records/000002.sm2.sig differs from records.jsonl']);
    fs.rmSync(path.join(root, 'records', '000002.sm2.sig'));
    expect(checkSm2SignatureFile(root, second.entry, 2)).toEqual(['record 2: records/000002.sm2.sig is missing (the record carries an SM2 signature)']);
    const { sm2: _drop, ...plain } = first.entry;
    expect(checkSm2SignatureFile(root, plain, 1)).toEqual(['records/000001.sm2.sig: the record carries no SM2 signature (planted)']);
  });

  it('reports malformed or mismatched key files and keys.json as problems, never a throw', async () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const { root } = await exportOf(signer, 1);
    const keysDir = path.join(root, 'keys');
    fs.writeFileSync(path.join(keysDir, 'junk.pem'), 'not a key');
    fs.copyFileSync(path.join(keysDir, `${signer.sm2KeyId}.pem`), path.join(keysDir, 'ffffffffffffffff.pem'));
    fs.writeFileSync(path.join(keysDir, 'notes.txt'), 'x');
    const list = JSON.parse(fs.readFileSync(path.join(root, 'keys.json'), 'utf8')) as { keyId: string; alg: string }[];
    list.find((k) => k.alg === 'SM2')!.alg = 'Ed25519';
    list.push({ keyId: '0123456789abcdef', alg: 'SM2' }, 'oops' as never);
    fs.writeFileSync(path.join(root, 'keys.json'), JSON.stringify(list));
    const { problems } = loadExportKeys(root);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^keys\/junk\.pem: not a readable Ed25519 or SM2 public key/),
      `keys/ffffffffffffffff.pem: holds key ${signer.sm2KeyId}, not the key its name says`,
      'keys/notes.txt: not a key file (keys/ holds <keyId>.pem only)',
      `keys.json: says key ${signer.sm2KeyId} is Ed25519, keys/${signer.sm2KeyId}.pem holds an SM2 key`,
      'keys.json: lists key 0123456789abcdef, but keys/0123456789abcdef.pem is missing',
      'keys.json: entry 4 is not a key (keyId of 16 hex digits and alg Ed25519 or SM2 expected)',
    ]));
    fs.writeFileSync(path.join(root, 'keys.json'), '{"not":');
    expect(loadExportKeys(root).problems).toContain('keys.json: not valid JSON');
    fs.writeFileSync(path.join(root, 'keys.json'), '[]');
    expect(loadExportKeys(root).problems).toEqual(expect.arrayContaining([`keys/${signer.keyId}.pem: not listed in keys.json`]));
    fs.rmSync(keysDir, { recursive: true });
    expect(loadExportKeys(root).problems).toContain('keys/: missing (the export carries no public key)');
  });
});

describe('rotation statements', () => {
  it('are signed by the retired and the new key of each algorithm, and a forged one is caught', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const old = { ed: signer.publicKeyPem, sm2: signer.publicKeyPemOf(signer.sm2KeyId!)! };
    const [ed, sm2] = signer.rotate(2000) as [ReturnType<EvidenceSigner['rotate']>[0], ReturnType<EvidenceSigner['rotate']>[0]];
    expect(ed.statement).toMatchObject({ kind: 'key_rotation', alg: 'Ed25519', newKeyId: signer.keyId, newPublicKeyPem: signer.publicKeyPem, at: 2000 });
    expect(sm2.statement).toMatchObject({ kind: 'key_rotation', alg: 'SM2', newKeyId: signer.sm2KeyId, at: 2000 });
    expect(checkKeyRotation(ed, old.ed)).toEqual([]);
    expect(checkKeyRotation(sm2, old.sm2)).toEqual([]);
    // Signed by the new key only (an attacker who holds a key of their own but not the office's).
    expect(checkKeyRotation({ ...ed, retiredSignature: ed.newSignature }, old.ed)).toEqual([`key rotation ${ed.statement.retiredKeyId} → ${ed.statement.newKeyId}: the retired key's signature does not verify`]);
    expect(checkKeyRotation({ ...ed, statement: { ...ed.statement, at: 3000 } }, old.ed)).toHaveLength(2);
    expect(checkKeyRotation(ed, old.sm2)).toEqual(expect.arrayContaining([expect.stringContaining('the retired key given is')]));
    const files = fs.readdirSync(signer.pendingRotationsDir());
    expect(files).toHaveLength(2);
  });
});
