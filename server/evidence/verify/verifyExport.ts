import { checkDistances } from './checkDistances';
import { checkLog, type KeptCheckpoint } from './checkLog';
import { checkManifest } from './checkManifest';
import { checkRecords } from './checkRecords';
import { checkSeals } from './checkSeals';
import { ed25519Keys, loadExportKeys } from '../verifySignatures';
import type { VerifyReport } from './VerifyReport';

export type { VerifyReport } from './VerifyReport';

/**
 * Checks an extracted case export: the signed manifest against every file in the folder, every
 * record's hash, signature and place in the chain, every file's SHA-256 against its record, the
 * seals, the distance verdicts, and the export's place in the office log. Any changed byte, added or removed file, reordered or dropped
 * record (the last ones too: the manifest states the count and the head) is a problem naming the
 * record or the file and the reason; malformed input is a problem, never a crash.
 */
export interface VerifyOptions {
  /** The key ids the office publishes (/.well-known/kanyan-evidence-keys.json): any other signer is a forger. */
  officeKeys?: readonly string[];
  /** A checkpoint kept outside the office, with its consistency and case-head proofs. */
  kept?: KeptCheckpoint;
}

export async function verifyExport(dir: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: string[] = [];
  const notes: string[] = [];
  const signedBy = new Map<string, number>();
  const loaded = loadExportKeys(dir);
  problems.push(...loaded.problems);
  const keys = ed25519Keys(loaded.keys);
  const manifest = checkManifest(dir, keys, problems);
  const chain = checkRecords(dir, loaded.keys, signedBy, problems);
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
  const proofs = await checkLog(dir, chain.records, keys, problems, notes, opts.kept);
  if (manifest && proofs && (manifest.checkpoint?.treeSize !== proofs.checkpoint.checkpoint.treeSize || manifest.checkpoint?.rootHash !== proofs.checkpoint.checkpoint.rootHash)) {
    problems.push('manifest.json: names a different office log checkpoint than log/proofs.json');
  }
  checkDistances(chain.records, problems);
  return { records: chain.lines, problems, notes, signedBy };
}
