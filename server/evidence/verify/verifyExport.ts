import { checkDistances } from './checkDistances';
import { checkManifest } from './checkManifest';
import { checkRecords } from './checkRecords';
import { checkSeals } from './checkSeals';
import { loadKeys } from './loadKeys';
import type { VerifyReport } from './VerifyReport';

export type { VerifyReport } from './VerifyReport';

/**
 * Checks an extracted case export: the signed manifest against every file in the folder, every
 * record's hash, signature and place in the chain, every file's SHA-256 against its record, the
 * seals, and the distance verdicts. Any changed byte, added or removed file, reordered or dropped
 * record (the last ones too: the manifest states the count and the head) is a problem naming the
 * record or the file and the reason; malformed input is a problem, never a crash.
 */
export function verifyExport(dir: string): VerifyReport {
  const problems: string[] = [];
  const notes: string[] = [];
  const signedBy = new Map<string, number>();
  const keys = loadKeys(dir, problems);
  const manifest = checkManifest(dir, keys, problems);
  const chain = checkRecords(dir, keys, signedBy, problems);
  if (manifest) {
    const head = chain.records.at(-1)?.entry.hash ?? null;
    if (manifest.records !== chain.lines || manifest.headHash !== head) {
      problems.push(`records.jsonl: holds ${chain.lines} record(s) ending with ${String(head).slice(0, 12)}…, the signed manifest says ${manifest.records} ending with ${String(manifest.headHash).slice(0, 12)}… (records dropped or added)`);
    }
  }
  checkSeals(dir, chain.records, problems, notes);
  checkDistances(chain.records, problems);
  return { records: chain.lines, problems, notes, signedBy };
}
