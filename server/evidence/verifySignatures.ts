import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SignedRecord } from './EvidenceRecord';
import { keyIdOf } from './keys/ActiveKey';
import { statementBytes, type SignedKeyRotation } from './keys/KeyRotationStatement';
import type { KeyAlg, PublishedKey } from './keys/PublishedKey';
import { isSm2PublicKey, sm2PublicHex, sm2Verify } from './keys/sm2';

/** A public key of an export, by the id computed from its bytes (a file's name is not trusted). */
export type ExportKey = { alg: 'Ed25519'; key: crypto.KeyObject } | { alg: 'SM2'; publicHex: string };
export type ExportKeys = Map<string, ExportKey>;

/** The Ed25519 keys alone, for checks that take Node key objects (manifest, checkpoints, receipts). */
export function ed25519Keys(keys: ExportKeys): Map<string, crypto.KeyObject> {
  const out = new Map<string, crypto.KeyObject>();
  for (const [keyId, k] of keys) if (k.alg === 'Ed25519') out.set(keyId, k.key);
  return out;
}

/** A public key from PEM: which algorithm, and its id by the published rule (SHA-256 of the SPKI DER, first 16 hex digits). */
export function publicKeyFromPem(pem: string | Buffer): { keyId: string; key: ExportKey } {
  const key = crypto.createPublicKey(pem);
  // Node reads SM2 keys as a type of their own with no name: recognise them by the curve in the DER.
  if (isSm2PublicKey(key)) return { keyId: keyIdOf(key), key: { alg: 'SM2', publicHex: sm2PublicHex(key) } };
  if (key.asymmetricKeyType === 'ed25519') return { keyId: keyIdOf(key), key: { alg: 'Ed25519', key } };
  throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519 or SM2`);
}

/**
 * The export's `keys/<keyId>.pem` files, checked against `keys.json` (each listed key present
 * with the algorithm it claims, each file listed). Malformed input is a problem, never a throw.
 */
export function loadExportKeys(dir: string): { keys: ExportKeys; problems: string[] } {
  const keys: ExportKeys = new Map();
  const problems: string[] = [];
  const folder = path.join(dir, 'keys');
  if (!isDir(folder)) {
    problems.push('keys/: missing (the export carries no public key)');
  } else {
    for (const f of fs.readdirSync(folder).sort()) {
      const file = path.join(folder, f);
      if (!f.endsWith('.pem')) {
        problems.push(`keys/${f}: not a key file (keys/ holds <keyId>.pem only)`);
        continue;
      }
      if (!isPlainFile(file)) {
        problems.push(`keys/${f}: not a plain file (a link or a folder)`);
        continue;
      }
      try {
        const { keyId, key } = publicKeyFromPem(fs.readFileSync(file));
        if (`${keyId}.pem` !== f) problems.push(`keys/${f}: holds key ${keyId}, not the key its name says`);
        else keys.set(keyId, key);
      } catch (err) {
        problems.push(`keys/${f}: not a readable Ed25519 or SM2 public key (${(err as Error).message})`);
      }
    }
  }
  checkKeyList(dir, folder, keys, problems);
  return { keys, problems };
}

function checkKeyList(dir: string, folder: string, keys: ExportKeys, problems: string[]): void {
  const file = path.join(dir, 'keys.json');
  if (!isPlainFile(file)) {
    problems.push('keys.json: missing or not a plain file');
    return;
  }
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    problems.push('keys.json: not valid JSON');
    return;
  }
  if (!Array.isArray(list)) {
    problems.push('keys.json: not a list of keys');
    return;
  }
  const listed = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const k = raw as Partial<PublishedKey> | null;
    if (typeof k !== 'object' || k === null || typeof k.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(k.keyId) || (k.alg !== 'Ed25519' && k.alg !== 'SM2')) {
      problems.push(`keys.json: entry ${i + 1} is not a key (keyId of 16 hex digits and alg Ed25519 or SM2 expected)`);
      return;
    }
    listed.add(k.keyId);
    const held = keys.get(k.keyId);
    if (!held && !fs.existsSync(path.join(folder, `${k.keyId}.pem`))) problems.push(`keys.json: lists key ${k.keyId}, but keys/${k.keyId}.pem is missing`);
    else if (held && held.alg !== k.alg) problems.push(`keys.json: says key ${k.keyId} is ${k.alg}, keys/${k.keyId}.pem holds an ${held.alg} key`);
  });
  for (const keyId of keys.keys()) if (!listed.has(keyId)) problems.push(`keys/${keyId}.pem: not listed in keys.json`);
}

/**
 * The signatures of one record over its canonical bytes: Ed25519 by the record's `keyId`, and SM2
 * by `entry.sm2.keyId` when the record carries one. Each problem names the record and the reason.
 */
export function checkRecordSignatures(canonical: Buffer, entry: SignedRecord, keys: ExportKeys): string[] {
  const problems: string[] = [];
  const label = `record ${entry.record?.seq}`;
  const keyId = String(entry.record?.keyId);
  const ed = keys.get(keyId);
  if (!ed) problems.push(`${label}: signed with key ${keyId}, which the export does not carry (keys/${keyId}.pem)`);
  else if (ed.alg !== 'Ed25519') problems.push(`${label}: names key ${keyId} for its Ed25519 signature, but that is an ${ed.alg} key`);
  else if (typeof entry.signature !== 'string' || !verifyWith(ed, canonical, Buffer.from(entry.signature, 'base64'))) problems.push(`${label}: Ed25519 signature does not verify with keys/${keyId}.pem`);
  if (entry.sm2 === undefined) return problems;
  const sm2 = entry.sm2 as Partial<{ keyId: unknown; signature: unknown }> | null;
  if (typeof sm2 !== 'object' || sm2 === null || typeof sm2.keyId !== 'string' || typeof sm2.signature !== 'string') {
    problems.push(`${label}: malformed SM2 signature (keyId and signature expected)`);
    return problems;
  }
  const key = keys.get(sm2.keyId);
  if (!key) problems.push(`${label}: SM2-signed with key ${sm2.keyId}, which the export does not carry (keys/${sm2.keyId}.pem)`);
  else if (key.alg !== 'SM2') problems.push(`${label}: names key ${sm2.keyId} for its SM2 signature, but that is an ${key.alg} key`);
  else if (!sm2Verify(canonical, Buffer.from(sm2.signature, 'base64'), key.publicHex)) problems.push(`${label}: SM2 signature does not verify with keys/${sm2.keyId}.pem`);
  return problems;
}

/** `records/NNNNNN.sm2.sig` holds exactly the record's SM2 signature, and exists only when it has one. */
export function checkSm2SignatureFile(dir: string, entry: SignedRecord, seq: number): string[] {
  const name = `records/${String(seq).padStart(6, '0')}.sm2.sig`;
  const file = path.join(dir, name);
  const sig = typeof entry.sm2?.signature === 'string' ? entry.sm2.signature : undefined;
  if (!fs.existsSync(file)) return sig ? [`record ${seq}: ${name} is missing (the record carries an SM2 signature)`] : [];
  if (!isPlainFile(file)) return [`record ${seq}: ${name} is not a plain file`];
  if (!sig) return [`${name}: the record carries no SM2 signature (planted)`];
  return fs.readFileSync(file).toString('base64') === sig ? [] : [`record ${seq}: ${name} differs from records.jsonl`];
}

/**
 * For the exporter: writes `records/NNNNNN.sm2.sig` (DER) for every record with an SM2 signature and
 * `keys/<keyId>.pem` for every SM2 key among them; returns those keys' entries for keys.json (alg SM2).
 */
export async function writeSm2Exports(root: string, records: SignedRecord[], published: PublishedKey[]): Promise<PublishedKey[]> {
  const used = new Set<string>();
  for (const r of records) {
    if (!r.sm2) continue;
    used.add(r.sm2.keyId);
    await fs.promises.writeFile(path.join(root, 'records', `${String(r.record.seq).padStart(6, '0')}.sm2.sig`), Buffer.from(r.sm2.signature, 'base64'));
  }
  const keys = published.filter((k) => k.alg === 'SM2' && used.has(k.keyId));
  const missing = [...used].filter((id) => !keys.some((k) => k.keyId === id));
  if (missing.length) throw new Error(`SM2 key(s) ${missing.join(', ')} signed records but are not published`);
  await fs.promises.mkdir(path.join(root, 'keys'), { recursive: true });
  for (const k of keys) await fs.promises.writeFile(path.join(root, 'keys', `${k.keyId}.pem`), k.publicKeyPem);
  return keys;
}

/**
 * A rotation statement from the office log: signed by the key it retires (whose public key the
 * verifier already trusts) and by the new key it carries, which must match its id.
 */
export function checkKeyRotation(rotation: SignedKeyRotation, retiredPublicKeyPem: string): string[] {
  const s = rotation?.statement;
  if (typeof s !== 'object' || s === null || s.kind !== 'key_rotation' || typeof s.newPublicKeyPem !== 'string') return ['key rotation: malformed statement'];
  const where = `key rotation ${s.retiredKeyId} → ${s.newKeyId}`;
  const problems: string[] = [];
  let retired: { keyId: string; key: ExportKey };
  let next: { keyId: string; key: ExportKey };
  try {
    retired = publicKeyFromPem(retiredPublicKeyPem);
    next = publicKeyFromPem(s.newPublicKeyPem);
  } catch (err) {
    return [`${where}: unreadable public key (${(err as Error).message})`];
  }
  if (retired.keyId !== s.retiredKeyId) problems.push(`${where}: the retired key given is ${retired.keyId}`);
  if (next.keyId !== s.newKeyId) problems.push(`${where}: the new public key in the statement is ${next.keyId}`);
  const bytes = statementBytes(s);
  for (const [who, k, sig] of [['retired', retired.key, rotation.retiredSignature], ['new', next.key, rotation.newSignature]] as const) {
    if (k.alg !== (s.alg as KeyAlg)) problems.push(`${where}: the ${who} key is ${k.alg}, the statement says ${s.alg}`);
    else if (typeof sig !== 'string' || !verifyWith(k, bytes, Buffer.from(sig, 'base64'))) problems.push(`${where}: the ${who} key's signature does not verify`);
  }
  return problems;
}

function verifyWith(key: ExportKey, data: Buffer, signature: Buffer): boolean {
  if (key.alg === 'SM2') return sm2Verify(data, signature, key.publicHex);
  try {
    return crypto.verify(null, data, key.key, signature);
  } catch {
    // A signature of the wrong shape is one that does not verify.
    return false;
  }
}

function isPlainFile(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDir(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
