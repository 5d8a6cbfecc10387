import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../checklist/canonicalJson';
import type { SignedRecord } from './EvidenceRecord';
import { keyIdOf } from './EvidenceSigner';

export interface VerifyReport {
  records: number;
  problems: string[];
  /** Key id → number of records whose signature it verified. */
  signedBy: Map<string, number>;
}

/**
 * Checks an extracted case export: every record's hash and signature, the chain (order, gaps,
 * links), and every file's SHA-256 and size against its record. Any changed byte, reordered or
 * dropped record shows up as a problem naming the record and the reason.
 */
export function verifyExport(dir: string): VerifyReport {
  const problems: string[] = [];
  const keys = loadKeys(dir, problems);
  const signedBy = new Map<string, number>();
  const lines = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  let prevHash: string | null = null;
  const seenSha = new Set<string>();
  const referenced = new Set<string>();
  lines.forEach((line, i) => {
    const where = `record at line ${i + 1}`;
    let entry: SignedRecord;
    try {
      entry = JSON.parse(line) as SignedRecord;
    } catch {
      problems.push(`${where}: not valid JSON`);
      return;
    }
    const r = entry.record;
    const label = `record ${r.seq} (${r.kind}, ${String(r.sha256).slice(0, 12)}…)`;
    const canonical = Buffer.from(canonicalJson(r), 'utf8');
    const hash = crypto.createHash('sha256').update(canonical).digest('hex');
    if (hash !== entry.hash) problems.push(`${label}: content does not match its hash (record altered)`);
    const key = keys.get(String(r.keyId));
    if (!key) problems.push(`${label}: signed with key ${r.keyId}, which the export does not carry (keys/${r.keyId}.pem)`);
    else if (!crypto.verify(null, canonical, key, Buffer.from(entry.signature, 'base64'))) problems.push(`${label}: signature does not verify with keys/${r.keyId}.pem`);
    else signedBy.set(r.keyId, (signedBy.get(r.keyId) ?? 0) + 1);
    if (r.seq !== i + 1) problems.push(`${label}: expected sequence number ${i + 1} (a record was dropped or reordered)`);
    if (r.prevHash !== prevHash) problems.push(`${label}: does not link to the record before it (chain broken: dropped, inserted or reordered)`);
    prevHash = entry.hash;
    const name = String(r.seq).padStart(6, '0');
    const perRecord = path.join(dir, 'records', `${name}.json`);
    if (fs.existsSync(perRecord) && !fs.readFileSync(perRecord).equals(canonical)) problems.push(`${label}: records/${name}.json differs from records.jsonl`);
    const sigFile = path.join(dir, 'records', `${name}.sig`);
    if (fs.existsSync(sigFile) && fs.readFileSync(sigFile).toString('base64') !== entry.signature) problems.push(`${label}: records/${name}.sig differs from records.jsonl`);
    const file = path.join(dir, r.file);
    if (!r.file || r.file.includes('..') || !fs.existsSync(file)) {
      problems.push(`${label}: file ${r.file} is missing`);
    } else {
      referenced.add(path.normalize(r.file));
      const bytes = fs.readFileSync(file);
      if (crypto.createHash('sha256').update(bytes).digest('hex') !== r.sha256) problems.push(`${label}: file ${r.file} was changed (SHA-256 differs)`);
      if (bytes.length !== r.bytes) problems.push(`${label}: file ${r.file} has ${bytes.length} bytes, record says ${r.bytes}`);
    }
    if (r.parentSha256 && !seenSha.has(r.parentSha256)) problems.push(`${label}: its original ${r.parentSha256.slice(0, 12)}… is not an earlier record`);
    seenSha.add(r.sha256);
  });
  for (const d of ['originals', 'derivatives']) {
    const folder = path.join(dir, d);
    if (!fs.existsSync(folder)) continue;
    for (const f of fs.readdirSync(folder)) if (!referenced.has(path.join(d, f))) problems.push(`${d}/${f}: file not covered by any record`);
  }
  return { records: lines.length, problems, signedBy };
}

/** Public keys by the id computed from their bytes: a file's name is not trusted. */
function loadKeys(dir: string, problems: string[]): Map<string, crypto.KeyObject> {
  const keys = new Map<string, crypto.KeyObject>();
  const folder = path.join(dir, 'keys');
  if (!fs.existsSync(folder)) {
    problems.push('keys/: missing (the export carries no public key)');
    return keys;
  }
  for (const f of fs.readdirSync(folder).filter((n) => n.endsWith('.pem'))) {
    let key: crypto.KeyObject;
    try {
      key = crypto.createPublicKey(fs.readFileSync(path.join(folder, f)));
    } catch {
      problems.push(`keys/${f}: not a readable public key`);
      continue;
    }
    const id = keyIdOf(key);
    if (`${id}.pem` !== f) problems.push(`keys/${f}: holds key ${id}, not the key its name says`);
    else keys.set(id, key);
  }
  return keys;
}
