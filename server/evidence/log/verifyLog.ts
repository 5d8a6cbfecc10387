import crypto, { type KeyObject } from 'node:crypto';
import { verifyCaseHead } from './CasesRoot';
import type { CaseLogProofs, KeptCheckpointProofs } from './CaseLogProofs';
import { checkpointSignatureProblems, type SignedCheckpoint } from './Checkpoint';
import { fromHex, leafHash, verifyConsistency, verifyInclusion } from './merkle';

/** The TSA token check (runs `openssl ts -verify`), next to the pure checks for the verifier's one import. */
export { timeStampProblems } from './TimeStampAuthority';

// Pure checks of an export's log proofs (no I/O, never throws on malformed input: each problem is
// a line naming the record seq or the file). The TSA token is checked apart (timeStampProblems).

/** An exported record as the verifier read it: records/NNNNNN.json's bytes, the hash it states, its case and seq. */
export interface ExportedRecord {
  canonical: Buffer;
  hash: string;
  caseId: string;
  seq: number;
}

const PROOFS = 'log/proofs.json';

/**
 * Checks the checkpoint's signature, each record's inclusion proof in it, and the case's head in
 * its casesRoot: the log must hold exactly the exported records of the case at that size (a record
 * dropped from the end of an export shows here), each at its leaf.
 */
export function verifyCaseLogProofs(records: readonly ExportedRecord[], proofs: CaseLogProofs, keys: ReadonlyMap<string, KeyObject>): string[] {
  const problems: string[] = [];
  const cp = proofs.checkpoint.checkpoint;
  problems.push(...checkpointSignatureProblems(proofs.checkpoint, keys, `${PROOFS}: checkpoint of tree size ${cp.treeSize}`));
  const root = Buffer.from(cp.rootHash, 'hex');
  const bySeq = new Map(proofs.records.map((p) => [p.seq, p]));
  let previousLeaf = -1;
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    const where = `record ${r.seq}`;
    if (r.caseId !== proofs.caseId) problems.push(`${where}: belongs to case ${r.caseId}, the log proofs are for case ${proofs.caseId}`);
    const p = bySeq.get(r.seq);
    if (!p) {
      problems.push(`${where}: no inclusion proof in ${PROOFS} (not in the log at tree size ${cp.treeSize})`);
      continue;
    }
    bySeq.delete(r.seq);
    if (sha256(r.canonical) !== r.hash || p.recordHash !== r.hash) problems.push(`${where}: its hash is not the one the log proof names`);
    const path = fromHex(p.path);
    if (!path || !verifyInclusion(p.leafIndex, cp.treeSize, leafHash(r.canonical), path, root)) {
      problems.push(`${where}: inclusion proof at leaf ${p.leafIndex} does not lead to the checkpoint's root (record changed, or not in the log)`);
    }
    if (p.leafIndex <= previousLeaf) problems.push(`${where}: leaf ${p.leafIndex} is not after the previous record's leaf ${previousLeaf}`);
    previousLeaf = Math.max(previousLeaf, p.leafIndex);
  }
  for (const p of bySeq.values()) problems.push(`record ${p.seq}: in the office log at leaf ${p.leafIndex} but missing from the export`);
  problems.push(...caseHeadProblems(records, proofs.caseId, proofs.caseHead, cp.casesRoot, cp.treeSize, PROOFS, true));
  return problems;
}

/**
 * Against a checkpoint an outsider kept (size M, signed before any rewrite): its signature, the
 * consistency proof from it to the exported checkpoint (so no leaf below M was changed), and the
 * case's head at M, which must be one of the exported records with the matching count (so the
 * export holds every record the case had at M).
 */
export function verifyAgainstKeptCheckpoint(
  kept: SignedCheckpoint,
  bundle: KeptCheckpointProofs,
  exported: CaseLogProofs,
  records: readonly ExportedRecord[],
  keys: ReadonlyMap<string, KeyObject>,
): string[] {
  const where = `kept checkpoint of tree size ${kept.checkpoint.treeSize}`;
  const problems = checkpointSignatureProblems(kept, keys, where);
  const m = kept.checkpoint.treeSize;
  const n = exported.checkpoint.checkpoint.treeSize;
  const c = bundle.consistency;
  if (c.from !== m || c.to !== n) problems.push(`${where}: the consistency proof is from ${c.from} to ${c.to}, not from ${m} to the exported ${n}`);
  else if (m > n) problems.push(`${where}: is newer than the export's checkpoint (${n}): export again, or keep an older checkpoint`);
  else {
    const path = fromHex(c.path);
    if (!path || !verifyConsistency(m, n, path, Buffer.from(kept.checkpoint.rootHash, 'hex'), Buffer.from(exported.checkpoint.checkpoint.rootHash, 'hex'))) {
      problems.push(`${where}: the exported checkpoint (${n}) does not extend it: the log was rewritten after it was kept`);
    }
  }
  problems.push(...caseHeadProblems(records, exported.caseId, bundle.caseHead, kept.checkpoint.casesRoot, m, where, false));
  return problems;
}

/**
 * The case head at `treeSize` against `casesRoot`. `exact`: the exported records must be exactly
 * the head's count (the export's own checkpoint); otherwise at least that many, the head among them.
 */
function caseHeadProblems(records: readonly ExportedRecord[], caseId: string, head: CaseLogProofs['caseHead'], casesRoot: string, treeSize: number, where: string, exact: boolean): string[] {
  if (!head) {
    // Without a head the log says the case had no records at this size: then the export may not claim any there.
    return exact && records.length > 0 ? [`${where}: no case head for case ${caseId}, yet the export has ${records.length} records`] : [];
  }
  const problems: string[] = [];
  if (head.caseId !== caseId) problems.push(`${where}: the case head is for case ${head.caseId}, not ${caseId}`);
  if (head.treeSize !== treeSize) problems.push(`${where}: the case head is at tree size ${head.treeSize}, not ${treeSize}`);
  if (!verifyCaseHead(head, casesRoot)) problems.push(`${where}: the case head (${head.records} records) is not in the checkpoint's casesRoot`);
  const count = records.length;
  if (exact ? head.records !== count : head.records > count) {
    problems.push(`${where}: the office log holds ${head.records} records of this case at tree size ${treeSize}; the export has ${count}${head.records > count ? ': records were dropped' : ''}`);
  }
  const headRecord = records.find((r) => r.seq === head.records);
  if (!headRecord) problems.push(`${where}: record ${head.records}, the case's last record at tree size ${treeSize}, is missing from the export`);
  else if (headRecord.hash !== head.headHash || sha256(headRecord.canonical) !== head.headHash) problems.push(`record ${head.records}: is not the record the log holds as the case's head at tree size ${treeSize} (rewritten)`);
  return problems;
}

function sha256(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}
