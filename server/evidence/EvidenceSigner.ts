import fs from 'node:fs';
import path from 'node:path';
import { loadActiveKey, replaceActiveKey, type ActiveKey } from './keys/ActiveKey';
import { statementBytes, type SignedKeyRotation } from './keys/KeyRotationStatement';
import { readPublishedKeys, type PublishedKey } from './keys/PublishedKey';
import { shanghaiTime } from './shanghaiTime';

export { keyIdOf } from './keys/ActiveKey';
export type { PublishedKey } from './keys/PublishedKey';

/** Which signatures each record gets (EVIDENCE_SIGNATURE). Ed25519 signs in every mode; sm2 and both add SM2. */
export type SignatureMode = 'ed25519' | 'sm2' | 'both';

export interface SignerOptions {
  mode?: SignatureMode;
  /** EVIDENCE_KEY_PASSPHRASE: encrypts the private key files at rest. */
  passphrase?: string;
}

/** A record's signatures: Ed25519 always (the one `alg`/`keyId` of the record name), SM2 when on. */
export interface RecordSignatures {
  signature: string;
  sm2?: { keyId: string; signature: string };
}

/** The keys signing now. Replaced as a whole on rotation, never changed in place. */
interface Keys {
  ed25519: ActiveKey;
  sm2?: ActiveKey;
}

/** Statements of rotations not yet in the office log (written by the offline script too). */
export const PENDING_ROTATIONS = path.join('rotations', 'pending');

/**
 * The server's evidence keys under `<data>/keys/`: Ed25519, plus SM2 (国密) when EVIDENCE_SIGNATURE
 * asks for it. Records name the Ed25519 key id (hash of the public key) so keys can rotate: a
 * rotation destroys the old private key, keeps its public half in `keys/public/`, and old records
 * still verify against it. Rotation works on a running server: signing reads the key set once, so
 * a record is signed entirely by the old set or entirely by the new one.
 */
export class EvidenceSigner {
  private keys: Keys;

  private constructor(
    keys: Keys,
    private readonly keysDir: string,
    private readonly passphrase: string | undefined,
  ) {
    this.keys = keys;
  }

  static loadOrCreate(dataDir: string, now = Date.now(), opts: SignerOptions = {}): EvidenceSigner {
    const dir = path.join(dataDir, 'keys');
    const mode = opts.mode ?? 'ed25519';
    const keys: Keys = { ed25519: loadActiveKey(dir, 'Ed25519', opts.passphrase, now) };
    if (mode !== 'ed25519') keys.sm2 = loadActiveKey(dir, 'SM2', opts.passphrase, now);
    return new EvidenceSigner(keys, dir, opts.passphrase);
  }

  /** Offline rotation (npm run rotate-key, server stopped); the statements wait in keys/rotations/pending for the next start. */
  static rotate(dataDir: string, now = Date.now(), opts: SignerOptions = {}): { retired: string; active: string; statements: SignedKeyRotation[] } {
    const signer = EvidenceSigner.loadOrCreate(dataDir, now, opts);
    const retired = signer.keyId;
    const statements = signer.rotate(now);
    return { retired, active: signer.keyId, statements };
  }

  get keyId(): string {
    return this.keys.ed25519.keyId;
  }

  get publicKeyPem(): string {
    return this.keys.ed25519.publicKeyPem;
  }

  /** The active SM2 key id, when SM2 signing is on. */
  get sm2KeyId(): string | undefined {
    return this.keys.sm2?.keyId;
  }

  /** Every key this server has signed with (both algorithms), newest first. */
  publishedKeys(): PublishedKey[] {
    return readPublishedKeys(this.keysDir);
  }

  publicKeyPemOf(keyId: string): string | undefined {
    return this.publishedKeys().find((k) => k.keyId === keyId)?.publicKeyPem;
  }

  /** Ed25519 signature (base64) with the active key. */
  sign(data: Buffer): string {
    return this.keys.ed25519.sign(data).toString('base64');
  }

  /**
   * Every signature a record gets, from one key set. The caller must take `keyId` for the record
   * in the same synchronous stretch as this call (no await between): a rotation can only happen
   * between two turns of the event loop.
   */
  signatures(canonical: Buffer): RecordSignatures {
    const keys = this.keys;
    const signature = keys.ed25519.sign(canonical).toString('base64');
    return keys.sm2 ? { signature, sm2: { keyId: keys.sm2.keyId, signature: keys.sm2.sign(canonical).toString('base64') } } : { signature };
  }

  /**
   * Replaces every active key (Ed25519, and SM2 when on) with a new one, in files and in memory.
   * Each rotation gets a statement signed by the retired and the new key, kept in
   * keys/rotations/pending/ until the office log has it (EvidenceKeyRotation delivers it).
   */
  rotate(now = Date.now()): SignedKeyRotation[] {
    const before = this.keys;
    // Each swap is one assignment, so no signing sees half a key set; the SM2 swap follows at once
    // (and if making the SM2 key failed, the Ed25519 key already in place still signs).
    const ed25519 = replaceActiveKey(this.keysDir, before.ed25519, this.passphrase, now);
    this.keys = { ...before, ed25519 };
    if (before.sm2) this.keys = { ed25519, sm2: replaceActiveKey(this.keysDir, before.sm2, this.passphrase, now) };
    const after = this.keys;
    const statements = [rotation(before.ed25519, after.ed25519, now)];
    if (before.sm2 && after.sm2) statements.push(rotation(before.sm2, after.sm2, now));
    for (const s of statements) writePending(this.keysDir, s);
    return statements;
  }

  /** Where rotation statements wait for the office log. */
  pendingRotationsDir(): string {
    return path.join(this.keysDir, PENDING_ROTATIONS);
  }
}

function rotation(retired: ActiveKey, next: ActiveKey, at: number): SignedKeyRotation {
  const statement = { v: 1 as const, kind: 'key_rotation' as const, alg: next.alg, retiredKeyId: retired.keyId, newKeyId: next.keyId, newPublicKeyPem: next.publicKeyPem, at, atText: shanghaiTime(at) };
  const bytes = statementBytes(statement);
  return { statement, retiredSignature: retired.sign(bytes).toString('base64'), newSignature: next.sign(bytes).toString('base64') };
}

function writePending(keysDir: string, s: SignedKeyRotation): void {
  const dir = path.join(keysDir, PENDING_ROTATIONS);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Named by time then key, so delivery keeps the order rotations happened in.
  fs.writeFileSync(path.join(dir, `${String(s.statement.at).padStart(15, '0')}-${s.statement.newKeyId}.json`), JSON.stringify(s, null, 2));
}
