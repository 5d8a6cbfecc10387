import crypto from 'node:crypto';

// RFC 6962 §2.1 Merkle tree hashing, proofs, and the RFC 9162 §2.1.3.2 / §2.1.4.2 verification
// algorithms. Pure: no I/O. Hashes are 32-byte Buffers; the wire form (JSON) is lower-case hex.

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export const HASH_BYTES = 32;

/** MTH({}) : the hash of the empty string. */
export const EMPTY_ROOT = crypto.createHash('sha256').digest();

export function leafHash(input: Buffer): Buffer {
  return crypto.createHash('sha256').update(LEAF).update(input).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return crypto.createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n >= 2): where RFC 6962 splits a list. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Hash of the leaves [start, end) of a tree; the whole contract a proof builder needs. */
export interface SubtreeSource {
  subtreeHash(start: number, end: number): Buffer;
}

/** MTH over a list of leaf hashes (O(n): for small lists such as the cases of a checkpoint). */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  return leafHashes.length === 0 ? EMPTY_ROOT : listSource(leafHashes).subtreeHash(0, leafHashes.length);
}

/** A SubtreeSource over an in-memory list of leaf hashes, computed recursively. */
export function listSource(leafHashes: readonly Buffer[]): SubtreeSource {
  const mth = (start: number, end: number): Buffer => {
    if (end - start === 1) return leafHashes[start]!;
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return { subtreeHash: (start, end) => (end === start ? EMPTY_ROOT : mth(start, end)) };
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf `index` in the tree of `size` leaves, leaf side first. */
export function inclusionPath(index: number, size: number, src: SubtreeSource): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  }
  const path: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(src.subtreeHash(start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(src.subtreeHash(start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: that the tree of `from` leaves is a prefix of the tree of `to`. */
export function consistencyPath(from: number, to: number, src: SubtreeSource): Buffer[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) {
    throw new RangeError(`no consistency proof from ${from} to ${to}`);
  }
  if (from === 0 || from === to) return [];
  const path: Buffer[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) path.push(src.subtreeHash(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      path.push(src.subtreeHash(start + k, end));
    } else {
      sub(m - k, start + k, end, false);
      path.push(src.subtreeHash(start, start + k));
    }
  };
  sub(from, 0, to, true);
  return path;
}

const lsb = (x: number) => x % 2 === 1;
/** Halves with integer division; `>>` would wrap past 2^31 leaves. */
const half = (x: number) => Math.floor(x / 2);

/**
 * RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or undefined when the proof cannot be
 * one for this index and size (wrong length, index out of range).
 */
export function rootFromInclusion(index: number, size: number, leaf: Buffer, proof: readonly Buffer[]): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (leaf.length !== HASH_BYTES || proof.some((p) => p.length !== HASH_BYTES)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(index: number, size: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean {
  const got = rootFromInclusion(index, size, leaf, proof);
  return !!got && root.length === HASH_BYTES && got.equals(root);
}

/** RFC 9162 §2.1.4.2: true when `proof` shows the tree of `from` leaves (root `fromRoot`) is a prefix of the tree of `to` (root `toRoot`). */
export function verifyConsistency(from: number, to: number, proof: readonly Buffer[], fromRoot: Buffer, toRoot: Buffer): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (proof.some((p) => p.length !== HASH_BYTES)) return false;
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot);
  // Any tree extends the empty one; there is nothing to prove.
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  // When `from` is a power of two its whole tree is a subtree of the new one, so the proof leaves its root out.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(toRoot);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

export const toHex = (hashes: readonly Buffer[]): string[] => hashes.map((h) => h.toString('hex'));

/** Hex to hashes; undefined when any entry is not 64 hex digits (so a malformed proof is a failure, not a crash). */
export function fromHex(hashes: unknown): Buffer[] | undefined {
  if (!Array.isArray(hashes)) return undefined;
  const out: Buffer[] = [];
  for (const h of hashes) {
    if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) return undefined;
    out.push(Buffer.from(h, 'hex'));
  }
  return out;
}
