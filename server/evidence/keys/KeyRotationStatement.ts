import { canonicalJson } from '../../checklist/canonicalJson';
import type { KeyAlg } from './PublishedKey';

/**
 * What a rotation says, as an entry of the office log: which key retired, which took over, and the
 * new public key itself, so a verifier who trusts the old key can accept the new one from the log.
 */
export interface KeyRotationStatement {
  v: 1;
  kind: 'key_rotation';
  alg: KeyAlg;
  retiredKeyId: string;
  newKeyId: string;
  newPublicKeyPem: string;
  /** Server time (ms) of the swap; atText is the same in Asia/Shanghai. */
  at: number;
  atText: string;
}

/**
 * The statement signed by both keys over `canonicalJson(statement)` (base64; Ed25519 raw, SM2 DER
 * with the default ID): the retired key vouches for its successor, the new key proves it is held.
 */
export interface SignedKeyRotation {
  statement: KeyRotationStatement;
  retiredSignature: string;
  newSignature: string;
}

export function statementBytes(statement: KeyRotationStatement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}
