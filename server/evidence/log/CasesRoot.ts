import { canonicalJson } from '../../checklist/canonicalJson';
import type { CaseHead } from './LogLeaf';
import { fromHex, inclusionPath, leafHash, listSource, rootOf, toHex, verifyInclusion } from './merkle';

/**
 * A case's head at a checkpoint with its RFC 6962 audit path in the checkpoint's casesRoot: the
 * case had `records` records among the first `treeSize` leaves, the last one hashing to `headHash`.
 */
export interface CaseHeadProof {
  treeSize: number;
  caseId: string;
  records: number;
  headHash: string;
  /** Place of this case in the list of cases sorted by id, and the list's length. */
  index: number;
  casesCount: number;
  path: string[];
}

/** The leaf input of one case's entry in casesRoot: canonicalJson({ caseId, records, headHash }). */
export function caseHeadBytes(h: CaseHead): Buffer {
  return Buffer.from(canonicalJson({ caseId: h.caseId, records: h.records, headHash: h.headHash }), 'utf8');
}

/** Sorted by case id as UTF-8 bytes: an order any language reproduces exactly. */
export function sortedHeads(heads: readonly CaseHead[]): CaseHead[] {
  return [...heads].sort((a, b) => Buffer.compare(Buffer.from(a.caseId, 'utf8'), Buffer.from(b.caseId, 'utf8')));
}

/** The casesRoot over every case's head at one tree size, and the proof of any one of them. */
export class CasesTree {
  private readonly heads: CaseHead[];
  private readonly leaves: Buffer[];

  constructor(
    heads: readonly CaseHead[],
    readonly treeSize: number,
  ) {
    this.heads = sortedHeads(heads);
    this.leaves = this.heads.map((h) => leafHash(caseHeadBytes(h)));
  }

  get root(): Buffer {
    return rootOf(this.leaves);
  }

  proofOf(caseId: string): CaseHeadProof | null {
    const index = this.heads.findIndex((h) => h.caseId === caseId);
    if (index < 0) return null;
    const h = this.heads[index]!;
    return {
      treeSize: this.treeSize,
      caseId,
      records: h.records,
      headHash: h.headHash,
      index,
      casesCount: this.heads.length,
      path: toHex(inclusionPath(index, this.heads.length, listSource(this.leaves))),
    };
  }
}

/** True when the proof leads from the case's head to `casesRoot` (hex). */
export function verifyCaseHead(p: CaseHeadProof, casesRoot: string): boolean {
  const path = fromHex(p.path);
  if (!path || !/^[0-9a-f]{64}$/.test(casesRoot)) return false;
  return verifyInclusion(p.index, p.casesCount, leafHash(caseHeadBytes(p)), path, Buffer.from(casesRoot, 'hex'));
}
