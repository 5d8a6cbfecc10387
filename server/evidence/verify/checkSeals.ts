import fs from 'node:fs';
import path from 'node:path';
import type { CaseSeal } from '../seal/CaseSeal';
import type { ReadRecord } from './checkRecords';

/**
 * Each seal states the records before it (count and last hash): it must match its place in the
 * chain. Records after the last seal are reported as a note: the case was still open, or a step
 * after it has not been sealed yet.
 */
export function checkSeals(dir: string, records: readonly ReadRecord[], problems: string[], notes: string[]): void {
  let lastSeal = 0;
  for (const { entry } of records) {
    const r = entry.record;
    if (r.kind !== 'seal') continue;
    const label = `record ${r.seq} (seal)`;
    let seal: CaseSeal;
    try {
      seal = JSON.parse(fs.readFileSync(path.join(dir, r.file), 'utf8')) as CaseSeal;
    } catch (err) {
      problems.push(`${label}: ${r.file} is not a readable seal (${(err as Error).message})`);
      continue;
    }
    if (seal?.type !== 'case_seal') {
      problems.push(`${label}: ${r.file} is not a case seal`);
      continue;
    }
    if (seal.records !== r.seq - 1) problems.push(`${label}: says ${seal.records} record(s) precede it, but it is record ${r.seq}`);
    if (seal.headHash !== r.prevHash) problems.push(`${label}: names ${String(seal.headHash).slice(0, 12)}… as the last record before it, the chain has ${String(r.prevHash).slice(0, 12)}…`);
    if (seal.caseId !== r.caseId) problems.push(`${label}: seals case ${seal.caseId}, not this export's ${r.caseId}`);
    lastSeal = r.seq;
  }
  const total = records.length;
  if (!lastSeal) notes.push('no seal record: the case was exported before any inspection of it ended');
  else if (lastSeal < total) notes.push(`${total - lastSeal} record(s) after the last seal (record ${lastSeal}): added after the last sealed step, not yet sealed`);
}
