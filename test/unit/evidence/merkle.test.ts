import crypto from 'node:crypto';
import { EMPTY_ROOT, consistencyPath, inclusionPath, leafHash, listSource, rootOf, verifyConsistency, verifyInclusion } from '../../../server/evidence/log/merkle';
import { MerkleTree } from '../../../server/evidence/log/MerkleTree';

// The RFC 6962 test vectors Certificate Transparency implementations share (transparency-dev/merkle,
// certificate-transparency-go, Trillian): eight leaf inputs, the roots of every prefix, and known
// inclusion and consistency proofs. Leaf numbers in those vectors count from 1; indexes here from 0.

const h = (hex: string) => Buffer.from(hex, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);

const INCLUSION: Array<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

const CONSISTENCY: Array<{ from: number; to: number; proof: string[] }> = [
  { from: 1, to: 1, proof: [] },
  { from: 1, to: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { from: 6, to: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { from: 2, to: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { from: 6, to: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
const flipBit = (b: Buffer, bit: number) => {
  const c = Buffer.from(b);
  c[0]! ^= 1 << bit;
  return c;
};

describe('RFC 6962 Merkle tree: known vectors', () => {
  const hashes = LEAVES.map(leafHash);
  const tree = MerkleTree.from(hashes);

  it('hashes the empty tree and every prefix to the known roots, in the list and in the incremental tree', () => {
    expect(EMPTY_ROOT).toEqual(ROOTS[0]);
    for (let n = 0; n <= 8; n++) {
      expect([n, rootOf(hashes.slice(0, n)).toString('hex')]).toEqual([n, ROOTS[n]!.toString('hex')]);
      expect([n, tree.root(n).toString('hex')]).toEqual([n, ROOTS[n]!.toString('hex')]);
    }
  });

  it.each(INCLUSION)('builds and verifies the known inclusion proof of leaf $index in $size', ({ index, size, proof }) => {
    expect(hex(tree.inclusionProof(index, size))).toEqual(proof);
    expect(hex(inclusionPath(index, size, listSource(hashes.slice(0, size))))).toEqual(proof);
    const path = proof.map(h);
    expect(verifyInclusion(index, size, hashes[index]!, path, ROOTS[size]!)).toBe(true);
    // The tampering probes CT implementations run against each vector: every one must fail.
    const probes: Array<[string, number, number, Buffer, Buffer[], Buffer]> = [
      ['index - 1', index - 1, size, hashes[index]!, path, ROOTS[size]!],
      ['index + 1', index + 1, size, hashes[index]!, path, ROOTS[size]!],
      ['index ^ 2', index ^ 2, size, hashes[index]!, path, ROOTS[size]!],
      ['size * 2', index, size * 2, hashes[index]!, path, ROOTS[size]!],
      ['size / 2', index, Math.floor(size / 2), hashes[index]!, path, ROOTS[size]!],
      ['wrong leaf', index, size, leafHash(Buffer.from('WrongLeaf')), path, ROOTS[size]!],
      ['empty root', index, size, hashes[index]!, path, EMPTY_ROOT],
      ['trailing root', index, size, hashes[index]!, [...path, ROOTS[size]!], ROOTS[size]!],
      ['preceding root', index, size, hashes[index]!, [ROOTS[size]!, ...path], ROOTS[size]!],
      ...path.map((_, i): [string, number, number, Buffer, Buffer[], Buffer] => [`bit flipped in proof[${i}]`, index, size, hashes[index]!, path.map((p, j) => (j === i ? flipBit(p, 3) : p)), ROOTS[size]!]),
      ...(path.length > 0 ? [['removed component', index, size, hashes[index]!, path.slice(0, -1), ROOTS[size]!] as [string, number, number, Buffer, Buffer[], Buffer]] : []),
    ];
    const accepted = probes.filter(([, i, n, leaf, p, root]) => verifyInclusion(i, n, leaf, p, root));
    expect(accepted.map(([desc]) => desc)).toEqual([]);
  });

  it.each(CONSISTENCY)('builds and verifies the known consistency proof from $from to $to', ({ from, to, proof }) => {
    expect(hex(tree.consistencyProof(from, to))).toEqual(proof);
    expect(hex(consistencyPath(from, to, listSource(hashes.slice(0, to))))).toEqual(proof);
    const path = proof.map(h);
    expect(verifyConsistency(from, to, path, ROOTS[from]!, ROOTS[to]!)).toBe(true);
    if (path.length === 0) return;
    const probes: Array<[string, number, number, Buffer[], Buffer, Buffer]> = [
      ['from - 1', from - 1, to, path, ROOTS[from]!, ROOTS[to]!],
      ['from + 1', from + 1, to, path, ROOTS[from]!, ROOTS[to]!],
      ['from ^ 2', from ^ 2, to, path, ROOTS[from]!, ROOTS[to]!],
      ['to * 2', from, to * 2, path, ROOTS[from]!, ROOTS[to]!],
      ['to / 2', from, Math.floor(to / 2), path, ROOTS[from]!, ROOTS[to]!],
      ['wrong first root', from, to, path, leafHash(Buffer.from('WrongRoot')), ROOTS[to]!],
      ['wrong second root', from, to, path, ROOTS[from]!, leafHash(Buffer.from('WrongRoot'))],
      ['swapped roots', from, to, path, ROOTS[to]!, ROOTS[from]!],
      ['empty proof', from, to, [], ROOTS[from]!, ROOTS[to]!],
      ['trailing root', from, to, [...path, ROOTS[to]!], ROOTS[from]!, ROOTS[to]!],
      ['preceding proof[0]', from, to, [path[0]!, ...path], ROOTS[from]!, ROOTS[to]!],
      ['truncated', from, to, path.slice(0, -1), ROOTS[from]!, ROOTS[to]!],
      ...path.map((_, i): [string, number, number, Buffer[], Buffer, Buffer] => [`bit flipped in proof[${i}]`, from, to, path.map((p, j) => (j === i ? flipBit(p, 4) : p)), ROOTS[from]!, ROOTS[to]!]),
    ];
    const accepted = probes.filter(([, m, n, p, r1, r2]) => verifyConsistency(m, n, p, r1, r2));
    expect(accepted.map(([desc]) => desc)).toEqual([]);
  });

  it('treats the edge sizes as RFC 9162 does', () => {
    const some = leafHash(Buffer.from('x'));
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, ROOTS[5]!)).toBe(true);
    expect(verifyConsistency(0, 5, [some], EMPTY_ROOT, ROOTS[5]!)).toBe(false);
    expect(verifyConsistency(3, 3, [], ROOTS[3]!, ROOTS[3]!)).toBe(true);
    expect(verifyConsistency(3, 3, [], ROOTS[3]!, ROOTS[4]!)).toBe(false);
    expect(verifyConsistency(3, 3, [some], ROOTS[3]!, ROOTS[3]!)).toBe(false);
    expect(verifyConsistency(4, 3, [], ROOTS[4]!, ROOTS[3]!)).toBe(false);
    expect(verifyInclusion(0, 0, some, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(1, 1, some, [], some)).toBe(false);
    expect(verifyInclusion(0, 1, some, [], some)).toBe(true);
    expect(verifyInclusion(0, 1, some, [], Buffer.alloc(0))).toBe(false);
  });
});

describe('RFC 6962 Merkle tree: every proof up to 70 leaves', () => {
  const N = 70;
  // Seeded bytes, so a failure names the same leaves on every run.
  const inputs = Array.from({ length: N }, (_, i) => crypto.createHash('sha256').update(`leaf-${i}`).digest().subarray(0, i % 17));
  const hashes = inputs.map(leafHash);
  const tree = new MerkleTree();
  const roots: Buffer[] = [rootOf([])];
  for (const x of hashes) {
    tree.append(x);
    roots.push(rootOf(hashes.slice(0, tree.size)));
  }

  it('keeps the incremental root equal to the list root at every size', () => {
    for (let n = 0; n <= N; n++) expect([n, tree.root(n).equals(roots[n]!)]).toEqual([n, true]);
  });

  it('verifies every inclusion proof, and refuses it with a changed leaf, index, root or path', () => {
    const failures: string[] = [];
    for (let size = 1; size <= N; size++) {
      for (let i = 0; i < size; i++) {
        const proof = tree.inclusionProof(i, size);
        if (!verifyInclusion(i, size, hashes[i]!, proof, roots[size]!)) failures.push(`valid ${i}/${size} refused`);
        const other = hashes[(i + 1) % N]!;
        if (verifyInclusion(i, size, other, proof, roots[size]!)) failures.push(`other leaf accepted at ${i}/${size}`);
        if (size > 1 && verifyInclusion((i + 1) % size, size, hashes[i]!, proof, roots[size]!)) failures.push(`moved index accepted at ${i}/${size}`);
        if (size < N && verifyInclusion(i, size, hashes[i]!, proof, roots[size + 1]!)) failures.push(`later root accepted at ${i}/${size}`);
        if (proof.length > 0) {
          const k = (i * 7 + size) % proof.length;
          if (verifyInclusion(i, size, hashes[i]!, proof.map((p, j) => (j === k ? flipBit(p, (i + size) % 8) : p)), roots[size]!)) failures.push(`tampered path accepted at ${i}/${size}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('verifies every consistency proof, and refuses it against a rewritten leaf or a tampered path', () => {
    const failures: string[] = [];
    for (let to = 1; to <= N; to++) {
      // The same tree with one leaf below `to` rewritten: no proof may link the old root to it.
      const victim = (to * 13 + 5) % to;
      const forged = hashes.slice(0, to).map((x, i) => (i === victim ? leafHash(Buffer.from('rewritten')) : x));
      const forgedRoot = rootOf(forged);
      for (let from = 0; from <= to; from++) {
        const proof = tree.consistencyProof(from, to);
        if (!verifyConsistency(from, to, proof, roots[from]!, roots[to]!)) failures.push(`valid ${from}->${to} refused`);
        if (from > victim && verifyConsistency(from, to, proof, roots[from]!, forgedRoot)) failures.push(`rewritten leaf accepted ${from}->${to}`);
        if (from > victim && verifyConsistency(from, to, consistencyPath(from, to, listSource(forged)), roots[from]!, forgedRoot)) failures.push(`forged proof accepted ${from}->${to}`);
        if (proof.length > 0) {
          const k = (from + to) % proof.length;
          if (verifyConsistency(from, to, proof.map((p, j) => (j === k ? flipBit(p, to % 8) : p)), roots[from]!, roots[to]!)) failures.push(`tampered path accepted ${from}->${to}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers proofs and roots for a past size after growing, as a fresh tree of that size does', () => {
    const small = MerkleTree.from(hashes.slice(0, 37));
    expect(hex(tree.inclusionProof(20, 37))).toEqual(hex(small.inclusionProof(20)));
    expect(hex(tree.consistencyProof(11, 37))).toEqual(hex(small.consistencyProof(11)));
    expect(() => small.inclusionProof(0, 38)).toThrow(RangeError);
  });
});
