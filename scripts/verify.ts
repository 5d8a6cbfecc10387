// npm run verify -- <case export .tar or extracted folder>
// Checks every hash, the chain and every signature of a Kanyan case export, and says which item fails and why.
// Exit codes: 0 verified, 1 FAILED (tampered, malformed or hostile archive), 2 usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractExport } from '../server/evidence/verify/extractExport';
import { verifyExport } from '../server/evidence/verify/verifyExport';

function verify(target: string): number {
  let dir = target;
  let tmp: string | undefined;
  try {
    if (fs.statSync(target).isFile()) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-verify-'));
      dir = extractExport(target, tmp);
    }
    const report = verifyExport(dir);
    if (report.problems.length) {
      process.stdout.write(`FAILED: ${report.problems.length} problem(s) in ${report.records} record(s)\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write(`OK: ${report.records} record(s); every hash, link and signature verified\n`);
    const keys = [...report.signedBy].map(([id, n]) => `${id} (${n} record${n === 1 ? '' : 's'})`).join(', ');
    // The export carries its own keys, so trust rests on the key ids matching the office's published ones.
    process.stdout.write(`signed with key(s): ${keys || 'none'}; compare with the office's /.well-known/kanyan-evidence-keys.json\n`);
    return 0;
  } catch (err) {
    // A malformed or hostile archive is a verification failure with a reason, not a crash.
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`FAILED: ${tmp ? message.split(tmp).join('<temp>') : message}\n`);
    return 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main(): number {
  const target = process.argv[2];
  if (!target || !fs.existsSync(target)) {
    process.stderr.write('usage: npm run verify -- <case-export.tar | folder>\n');
    return 2;
  }
  return verify(target);
}

process.exitCode = main();
