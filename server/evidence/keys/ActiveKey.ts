import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { destroyFile, readPrivateKeyFile, writePrivateKeyFile } from './privateKeyFiles';
import { readPublishedKeys, writePublishedKey, type KeyAlg } from './PublishedKey';
import { generateSm2Key, sm2KeyPair, sm2Sign } from './sm2';

/** One algorithm's signing key as loaded: immutable, so a signer swaps the whole object on rotation. */
export interface ActiveKey {
  alg: KeyAlg;
  keyId: string;
  publicKeyPem: string;
  /** Signature over `data`: Ed25519 raw 64 bytes, SM2 DER (SM3, default ID). */
  sign(data: Buffer): Buffer;
  /** For re-encrypting under a new passphrase only. */
  readonly privateKey: crypto.KeyObject;
}

const FILES: Record<KeyAlg, string> = { Ed25519: 'evidence-ed25519.key', SM2: 'evidence-sm2.key' };

export function activeKeyFile(keysDir: string, alg: KeyAlg): string {
  return path.join(keysDir, FILES[alg]);
}

export function keyIdOf(publicKey: crypto.KeyObject): string {
  return crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function generate(alg: KeyAlg): crypto.KeyObject {
  return alg === 'SM2' ? generateSm2Key() : crypto.generateKeyPairSync('ed25519').privateKey;
}

export function activeKeyOf(alg: KeyAlg, privateKey: crypto.KeyObject): ActiveKey {
  const publicKey = crypto.createPublicKey(privateKey);
  const base = { alg, keyId: keyIdOf(publicKey), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
  if (alg === 'SM2') {
    const pair = sm2KeyPair(privateKey);
    return { ...base, sign: (data) => sm2Sign(data, pair) };
  }
  return { ...base, sign: (data) => crypto.sign(null, data, privateKey) };
}

/**
 * The key of `alg` under `keysDir`, made on first use. Also finishes a rotation a crash cut short:
 * a half-made successor is dropped, a retired key left behind is destroyed, and any other key of
 * the same algorithm still listed as active is marked retired (its private half is gone).
 */
export function loadActiveKey(keysDir: string, alg: KeyAlg, passphrase: string | undefined, now: number): ActiveKey {
  const file = activeKeyFile(keysDir, alg);
  fs.rmSync(`${file}.new`, { force: true });
  const retiring = fs.statSync(`${file}.retiring`, { throwIfNoEntry: false });
  // Cut before the rename, the aside name is still the active key itself: unlinked, not overwritten.
  if (retiring && retiring.ino === fs.statSync(file, { throwIfNoEntry: false })?.ino) fs.unlinkSync(`${file}.retiring`);
  else destroyFile(`${file}.retiring`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    writePrivateKeyFile(file, generate(alg), passphrase);
  }
  const key = activeKeyOf(alg, readPrivateKeyFile(file, passphrase));
  const published = readPublishedKeys(keysDir);
  // Data dirs from before key publishing kept only the private key: publish its public half now.
  if (!published.some((k) => k.keyId === key.keyId)) writePublishedKey(keysDir, { keyId: key.keyId, alg, publicKeyPem: key.publicKeyPem, activeFrom: now, retiredAt: null });
  for (const k of published) if (k.alg === alg && k.keyId !== key.keyId && k.retiredAt === null) writePublishedKey(keysDir, { ...k, retiredAt: now });
  return key;
}

/**
 * Makes the successor of `old` and puts it in place of the key file. Every step leaves a valid key
 * file under the active name (the old one until a single rename, then the new one), so a crash
 * never leaves the server without a key; the retired private key is overwritten before unlinking.
 */
export function replaceActiveKey(keysDir: string, old: ActiveKey, passphrase: string | undefined, now: number): ActiveKey {
  const file = activeKeyFile(keysDir, old.alg);
  const next = activeKeyOf(old.alg, generate(old.alg));
  writePrivateKeyFile(`${file}.new`, next.privateKey, passphrase);
  // Published before it signs anything: a record signed by the new key always finds it listed.
  writePublishedKey(keysDir, { keyId: next.keyId, alg: next.alg, publicKeyPem: next.publicKeyPem, activeFrom: now, retiredAt: null });
  fs.rmSync(`${file}.retiring`, { force: true });
  fs.linkSync(file, `${file}.retiring`);
  fs.renameSync(`${file}.new`, file);
  const oldPublished = readPublishedKeys(keysDir).find((k) => k.keyId === old.keyId);
  writePublishedKey(keysDir, { keyId: old.keyId, alg: old.alg, publicKeyPem: old.publicKeyPem, activeFrom: oldPublished?.activeFrom ?? now, retiredAt: now });
  destroyFile(`${file}.retiring`);
  return next;
}
