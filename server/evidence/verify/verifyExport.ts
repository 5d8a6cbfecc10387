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
export interface VerifyOptions {
  /** The key ids the office publishes (/.well-known/kanyan-evidence-keys.json): any other signer is a forger. */
  officeKeys?: readonly string[];
}

export function verifyExport(dir: string, opts: VerifyOptions = {}): VerifyReport {
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
  const signers = new Set([...signedBy.keys(), ...(manifest ? [String(manifest.keyId)] : [])]);
  if (opts.officeKeys) {
    const office = new Set(opts.officeKeys);
    for (const id of signers) {
      if (office.has(id)) continue;
      const what = manifest?.keyId === id && !signedBy.has(id) ? 'manifest.json' : `${signedBy.get(id)} record(s)`;
      problems.push(`${what}: signed with key ${id}, which is not one of the office's published keys (${[...office].join(', ')})`);
    }
  } else notes.push(`signing keys ${[...signers].join(', ') || '(none)'} were not compared with the office's published keys: give the office's /.well-known/kanyan-evidence-keys.json with --keys`);
  checkSeals(dir, chain.records, problems, notes);
  checkDistances(chain.records, problems);
  return { records: chain.lines, problems, notes, signedBy };
}
