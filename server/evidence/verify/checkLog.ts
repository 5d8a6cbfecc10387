import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CaseLogProofsSchema, parseWith, type CaseLogProofs, type KeptCheckpointProofs } from '../log/CaseLogProofs';
import { LOG_FILES } from '../log/caseLogFiles';
import { checkpointBytes, type SignedCheckpoint } from '../log/Checkpoint';
import { timeStampProblems, verifyAgainstKeptCheckpoint, verifyCaseLogProofs, type ExportedRecord } from '../log/verifyLog';
import type { ReadRecord } from './checkRecords';
import { isPlainFile, readJson } from './exportFiles';

/** A checkpoint an outsider kept, with the two proofs the office serves for it (see the README). */
export interface KeptCheckpoint {
  checkpoint: SignedCheckpoint;
  proofs: KeptCheckpointProofs;
}

/**
 * The export's place in the office log: the checkpoint's signature, each record's inclusion proof,
 * the case's head at that size, the TSA token over the checkpoint when there is one, and, given a
 * checkpoint an outsider kept, that the log still extends it and the case was complete at it.
 */
export async function checkLog(dir: string, records: readonly ReadRecord[], keys: ReadonlyMap<string, KeyObject>, problems: string[], notes: string[], kept?: KeptCheckpoint): Promise<CaseLogProofs | undefined> {
  const read = readJson(dir, LOG_FILES.proofs);
  if (read.problem) {
    problems.push(`${read.problem} (the office log's checkpoint and inclusion proofs)`);
    return undefined;
  }
  const parsed = parseWith(CaseLogProofsSchema, read.value, LOG_FILES.proofs);
  problems.push(...parsed.problems);
  const proofs = parsed.value;
  if (!proofs) return undefined;
  const exported: ExportedRecord[] = records.map(({ entry, canonical }) => ({ canonical, hash: entry.hash, caseId: entry.record.caseId, seq: entry.record.seq }));
  problems.push(...verifyCaseLogProofs(exported, proofs, keys));
  const cp = proofs.checkpoint.checkpoint;
  const body = path.join(dir, LOG_FILES.checkpointBody);
  if (!isPlainFile(body) || !fs.readFileSync(body).equals(checkpointBytes(cp))) problems.push(`${LOG_FILES.checkpointBody}: missing or not the canonical bytes of the checkpoint in ${LOG_FILES.proofs}`);
  const tokenFile = path.join(dir, LOG_FILES.tsaToken);
  if (proofs.checkpoint.tsaToken) {
    const caFile = path.join(dir, LOG_FILES.tsaCa);
    if (!isPlainFile(tokenFile) || !fs.readFileSync(tokenFile).equals(Buffer.from(proofs.checkpoint.tsaToken, 'base64'))) problems.push(`${LOG_FILES.tsaToken}: missing or not the token in ${LOG_FILES.proofs}`);
    else if (!isPlainFile(caFile)) problems.push(`${LOG_FILES.tsaCa}: missing (the time-stamping authority's CA certificate)`);
    else {
      const tsa = await timeStampProblems(checkpointBytes(cp), fs.readFileSync(tokenFile), fs.readFileSync(caFile, 'utf8'), LOG_FILES.tsaToken);
      problems.push(...tsa);
      if (!tsa.length) notes.push(`the checkpoint (tree size ${cp.treeSize}) is time-stamped by the authority in ${LOG_FILES.tsaCa}: compare that certificate with the one the authority publishes`);
    }
  } else {
    if (isPlainFile(tokenFile)) problems.push(`${LOG_FILES.tsaToken}: a token the checkpoint does not name`);
    notes.push(`the checkpoint (tree size ${cp.treeSize}, ${cp.timeText}) carries no trusted time stamp: its time is the server's own clock`);
  }
  if (kept) {
    problems.push(...verifyAgainstKeptCheckpoint(kept.checkpoint, kept.proofs, proofs, exported, keys));
    notes.push(`checked against the kept checkpoint of tree size ${kept.checkpoint.checkpoint.treeSize} (${kept.checkpoint.checkpoint.timeText})`);
  } else notes.push('not checked against a checkpoint kept outside the office (give one with --checkpoint)');
  return proofs;
}
