// npm run verify -- <case export .tar or extracted folder> [--keys <office keys .json>]
//                    [--checkpoint <a checkpoint you kept> (--log <office URL> | --kept-proofs <file>)]
// Checks every file, hash, link, seal and signature of a Kanyan case export against its signed
// manifest, and says which record or file fails and why.
// Exit codes: 0 verified, 1 FAILED (tampered, malformed or hostile archive), 2 usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractExport } from '../server/evidence/verify/extractExport';
import { verifyExport, type VerifyOptions } from '../server/evidence/verify/verifyExport';
import { KeptCheckpointProofsSchema, SignedCheckpointSchema, parseWith } from '../server/evidence/log/CaseLogProofs';
import type { KeptCheckpoint } from '../server/evidence/verify/checkLog';

const USAGE =
  'usage: npm run verify -- <case-export.tar | folder> [--keys <kanyan-evidence-keys.json>]\n' +
  '         [--checkpoint <kept checkpoint .json> (--log <https://office> | --kept-proofs <proofs .json>)]\n';

interface Args {
  target: string;
  keysFile?: string;
  checkpointFile?: string;
  logUrl?: string;
  keptProofsFile?: string;
}

function parseArgs(argv: string[]): Args | undefined {
  const rest = [...argv];
  const args: Partial<Args> = {};
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--keys') args.keysFile = rest.shift();
    else if (a === '--checkpoint') args.checkpointFile = rest.shift();
    else if (a === '--log') args.logUrl = rest.shift();
    else if (a === '--kept-proofs') args.keptProofsFile = rest.shift();
    else if (a.startsWith('--') || args.target) return undefined;
    else args.target = a;
  }
  if (args.checkpointFile && !args.logUrl && !args.keptProofsFile) return undefined;
  return args.target ? (args as Args) : undefined;
}

function parsed<T>(schema: Parameters<typeof parseWith<T>>[0], json: unknown, where: string): T {
  const r = parseWith(schema, json, where);
  if (!r.value) throw new Error(r.problems.join('; '));
  return r.value;
}

/**
 * The kept checkpoint and the two proofs that tie it to the export: from a file, or fetched from the
 * office's public log (the office cannot forge them: the kept checkpoint is signed and fixed).
 */
async function keptCheckpoint(args: Args, dir: string): Promise<KeptCheckpoint> {
  const checkpoint = parsed(SignedCheckpointSchema, JSON.parse(fs.readFileSync(args.checkpointFile!, 'utf8')), args.checkpointFile!);
  if (args.keptProofsFile) return { checkpoint, proofs: parsed(KeptCheckpointProofsSchema, JSON.parse(fs.readFileSync(args.keptProofsFile, 'utf8')), args.keptProofsFile) };
  const exported = JSON.parse(fs.readFileSync(path.join(dir, 'log', 'proofs.json'), 'utf8')) as { checkpoint: { checkpoint: { treeSize: number } } };
  const caseNumber = (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { caseNumber: string }).caseNumber;
  const base = `${args.logUrl!.replace(/\/+$/, '')}/.well-known/kanyan-log/proof`;
  const get = async (url: string) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res.json();
  };
  const m = checkpoint.checkpoint.treeSize;
  const consistency = await get(`${base}/consistency?from=${m}&to=${exported.checkpoint.checkpoint.treeSize}`);
  const head = (await get(`${base}/case?${new URLSearchParams({ case: caseNumber, size: String(m) })}`)) as { caseHead: unknown };
  return { checkpoint, proofs: parsed(KeptCheckpointProofsSchema, { consistency, caseHead: head.caseHead ?? null }, `${base}`) };
}

/** The office's published key list, as served at /.well-known/kanyan-evidence-keys.json. */
function officeKeysFrom(file: string): string[] {
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys?: Array<{ keyId?: unknown }> };
  const ids = (list.keys ?? []).map((k) => k.keyId).filter((k): k is string => typeof k === 'string');
  if (!ids.length) throw new Error(`${file}: lists no keys (expected the office's kanyan-evidence-keys.json)`);
  return ids;
}

async function verify(args: Args): Promise<number> {
  let dir = args.target;
  let tmp: string | undefined;
  try {
    const opts: VerifyOptions = {};
    if (args.keysFile) opts.officeKeys = officeKeysFrom(args.keysFile);
    if (fs.statSync(args.target).isFile()) {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-verify-'));
      dir = extractExport(args.target, tmp);
    }
    if (args.checkpointFile) opts.kept = await keptCheckpoint(args, dir);
    const report = await verifyExport(dir, opts);
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

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args || !fs.existsSync(args.target)) {
    process.stderr.write(USAGE);
    return 2;
  }
  return verify(args);
}

void main().then((code) => (process.exitCode = code));
