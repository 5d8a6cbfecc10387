import { consistencyPath, EMPTY_ROOT, HASH_BYTES, inclusionPath, nodeHash, splitPoint, type SubtreeSource } from './merkle';

/** Hashes of one level, back to back in one growing buffer: a million leaves cost 64 MB, not a million objects. */
class HashColumn {
  private buf = Buffer.alloc(HASH_BYTES * 1024);
  length = 0;

  push(h: Buffer): void {
    if ((this.length + 1) * HASH_BYTES > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.length * HASH_BYTES);
      this.buf = bigger;
    }
    h.copy(this.buf, this.length * HASH_BYTES);
    this.length++;
  }

  get(i: number): Buffer {
    return this.buf.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }
}

/**
 * The office log's tree in memory. Keeps the hash of every complete, aligned power-of-two subtree
 * (level h, index i covers leaves [i·2^h, (i+1)·2^h)), so appending costs at most log2(n) hashes and
 * any root or proof, for the current size or any earlier one, costs O(log n) hashes: every other
 * subtree RFC 6962 asks for splits into O(log n) of these. Rebuilt from the stored leaf hashes at start.
 */
export class MerkleTree implements SubtreeSource {
  private readonly levels: HashColumn[] = [new HashColumn()];

  static from(leafHashes: Iterable<Buffer>): MerkleTree {
    const t = new MerkleTree();
    for (const h of leafHashes) t.append(h);
    return t;
  }

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Adds a leaf hash; returns its index. */
  append(leaf: Buffer): number {
    if (leaf.length !== HASH_BYTES) throw new RangeError('a leaf hash is 32 bytes');
    const index = this.size;
    this.levels[0]!.push(leaf);
    // Each completed pair makes its parent complete: carry upwards like a binary counter.
    let h = 0;
    let i = index;
    while (i % 2 === 1) {
      const level = this.levels[h]!;
      const parent = nodeHash(level.get(i - 1), level.get(i));
      h++;
      if (!this.levels[h]) this.levels.push(new HashColumn());
      this.levels[h]!.push(parent);
      i = (i - 1) / 2;
    }
    return index;
  }

  leaf(index: number): Buffer {
    if (index < 0 || index >= this.size) throw new RangeError(`no leaf ${index} in a tree of ${this.size}`);
    return this.levels[0]!.get(index);
  }

  subtreeHash(start: number, end: number): Buffer {
    if (start < 0 || end > this.size || start > end) throw new RangeError(`no subtree [${start}, ${end}) in a tree of ${this.size}`);
    if (start === end) return EMPTY_ROOT;
    const n = end - start;
    const h = Math.log2(n);
    if (Number.isInteger(h) && start % n === 0) {
      return this.levels[h]!.get(start / n);
    }
    const k = splitPoint(n);
    return nodeHash(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
  }

  root(size = this.size): Buffer {
    return this.subtreeHash(0, size);
  }

  inclusionProof(index: number, size = this.size): Buffer[] {
    if (size > this.size) throw new RangeError(`the tree has ${this.size} leaves, not ${size}`);
    return inclusionPath(index, size, this);
  }

  consistencyProof(from: number, to = this.size): Buffer[] {
    if (to > this.size) throw new RangeError(`the tree has ${this.size} leaves, not ${to}`);
    return consistencyPath(from, to, this);
  }
}
