import crypto from 'node:crypto';
import { BigInteger } from 'jsbn';
import { sm2, type KeyPairPoint } from 'sm-crypto';

// SM2 over SM3 (GB/T 32918) as `openssl pkeyutl -rawin -digest sm3 -pkeyopt distid:…` checks it.
// Node 20 can make and store SM2 keys but signs without the Z value (the CLI rejects those
// signatures), so the signing equation comes from sm-crypto. Node still does the two things that
// need care: the key files (PKCS#8, optionally encrypted) and the per-signature nonce, drawn from
// its CSPRNG rather than sm-crypto's RC4-based generator.

/** The default distinguishing ID of GB/T 32918 (and of OpenSSL and sm-crypto). */
export const SM2_DISTID = '1234567812345678';

const N = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
/** The SPKI algorithm parameters of an SM2 key: id-ecPublicKey with the curve 1.2.156.10197.1.301. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

export interface Sm2KeyPair {
  /** The private scalar, 64 hex digits. */
  privateHex: string;
  /** The uncompressed public point (04 || x || y), 130 hex digits. */
  publicHex: string;
}

export function generateSm2Key(): crypto.KeyObject {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'SM2' }).privateKey;
}

/**
 * The raw halves of an SM2 private key. Only the PKCS#8 and SPKI exports are used: Node types a key
 * read back from a file as its own SM2 kind, and asking it for SEC1 aborts the process.
 */
export function sm2KeyPair(privateKey: crypto.KeyObject): Sm2KeyPair {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  // PKCS#8 wraps an ECPrivateKey { version 1, privateKey OCTET STRING (32 bytes), … }.
  const at = pkcs8.indexOf(Buffer.from('0201010420', 'hex'));
  if (at < 0) throw new Error('not an SM2 private key (no 32-byte EC private key in its PKCS#8)');
  const privateHex = pkcs8.subarray(at + 5, at + 37).toString('hex');
  return { privateHex, publicHex: sm2PublicHex(crypto.createPublicKey(privateKey)) };
}

export function isSm2PublicKey(publicKey: crypto.KeyObject): boolean {
  return publicKey.export({ type: 'spki', format: 'der' }).includes(SM2_CURVE_OID);
}

/** The public point of an SM2 SPKI: the BIT STRING's 65 bytes at the end. */
export function sm2PublicHex(publicKey: crypto.KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  if (!spki.includes(SM2_CURVE_OID)) throw new Error('not an SM2 public key');
  const point = spki.subarray(spki.length - 65);
  if (point[0] !== 0x04) throw new Error('SM2 public key is not an uncompressed point');
  return point.toString('hex');
}

/** A DER signature (SEQUENCE { r, s }) over `data`, with Z computed from the public key and the default ID. */
export function sm2Sign(data: Buffer, key: Sm2KeyPair): Buffer {
  // @types/sm-crypto types the point with bigi; the library itself computes with jsbn, as given here.
  const nonce = freshNonce() as unknown as KeyPairPoint;
  const hex = sm2.doSignature(Array.from(data), key.privateHex, { der: true, hash: true, publicKey: key.publicHex, userId: SM2_DISTID, pointPool: [nonce] });
  return Buffer.from(hex, 'hex');
}

/** False for a wrong or malformed signature (never throws on bad input). */
export function sm2Verify(data: Buffer, signatureDer: Buffer, publicHex: string): boolean {
  try {
    return sm2.doVerifySignature(Array.from(data), signatureDer.toString('hex'), publicHex, { der: true, hash: true, userId: SM2_DISTID });
  } catch {
    // sm-crypto throws on DER it cannot parse: that is a signature that does not verify.
    return false;
  }
}

/** k uniformly in [1, n-1] from Node's CSPRNG, and the x coordinate of kG (computed by OpenSSL through ECDH). */
function freshNonce(): { k: BigInteger; x1: BigInteger; privateKey: string; publicKey: string } {
  for (;;) {
    const kBytes = crypto.randomBytes(32);
    const k = BigInt(`0x${kBytes.toString('hex')}`);
    if (k === 0n || k >= N) continue;
    const ecdh = crypto.createECDH('SM2');
    ecdh.setPrivateKey(kBytes);
    const point = ecdh.getPublicKey();
    return { k: new BigInteger(kBytes.toString('hex'), 16), x1: new BigInteger(point.subarray(1, 33).toString('hex'), 16), privateKey: kBytes.toString('hex'), publicKey: point.toString('hex') };
  }
}
