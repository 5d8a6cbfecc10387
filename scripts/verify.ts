// npm run verify -- <case export .tar or extracted folder> [--keys <office keys .json>]
// Checks every file, hash, link, seal and signature of a Kanyan case export against its signed
// manifest, and says which record or file fails and why.
// Exit codes: 0 verified, 1 FAILED (tampered, malformed or hostile archive), 2 usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractExport } from '../server/evidence/verify/extractExport';
import { verifyExport, type VerifyOptions } from '../server/evidence/verify/verifyExport';

const USAGE = 'usage: npm run verify -- <case-export.tar | folder> [--keys <kanyan-evidence-keys.json>]\n';

interface Args {
  target: string;
  keysFile?: string;
}

function parseArgs(argv: string[]): Args | undefined {
  const rest = [...argv];
  const args: Partial<Args> = {};
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--keys') args.keysFile = rest.shift();
    else if (a.startsWith('--') || args.target) return undefined;
    else args.target = a;
  }
  return args.target ? (args as Args) : undefined;
}

/** The office's published key list, as served at /.well-known/kanyan-evidence-keys.json. */
function officeKeysFrom(file: string): string[] {
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys?: Array<{ keyId?: unknown }> };
  const ids = (list.keys ?? []).map((k) => k.keyId).filter((k): k is string => typeof k === 'string');
  if (!ids.length) throw new Error(`${file}: lists no keys (expected the office's kanyan-evidence-keys.json)`);
  return ids;
}

function verify(args: Args): number {
  let dir = args.target;
  let tmp: string | undefined;
  try {
    const opts: VerifyOptions = {};
    if (args.keysFile) opts.officeKeys = officeKeysFrom(args.keysFile);
    if (fs.statSync(args.target).isFile()) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-verify-'));
      dir = extractExport(args.target, tmp);
    }
    const report = verifyExport(dir, opts);
    const notes = report.notes.map((n) => `  note: ${n}`).join('\n');
    if (report.problems.length) {
      process.stdout.write(`FAILED: ${report.problems.length} problem(s) in ${report.records} record(s)\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n${notes ? `${notes}\n` : ''}`);
      return 1;
    }
    process.stdout.write(`OK: ${report.records} record(s); every file, hash, link, seal and signature verified against the signed manifest\n`);
    const keys = [...report.signedBy].map(([id, n]) => `${id} (${n} record${n === 1 ? '' : 's'})`).join(', ');
    process.stdout.write(`signed with key(s): ${keys || 'none'}${args.keysFile ? ', all published by the office' : "; compare with the office's /.well-known/kanyan-evidence-keys.json (or pass it with --keys)"}\n`);
    if (notes) process.stdout.write(`${notes}\n`);
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
  const args = parseArgs(process.argv.slice(2));
  if (!args || !fs.existsSync(args.target)) {
    process.stderr.write(USAGE);
    return 2;
  }
  return verify(args);
}

process.exitCode = main();
