import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../checklist/canonicalJson';
import type { EvidenceRecord, SignedRecord } from '../EvidenceRecord';
import { checkRecordSignatures, checkSm2SignatureFile, type ExportKeys } from '../verifySignatures';
import { hashFileSync, isPlainFile } from './exportFiles';

/** A record of the export that parsed, with the bytes that were hashed and signed. */
export interface ReadRecord {
  entry: SignedRecord;
  canonical: Buffer;
}

export interface ChainCheck {
  records: ReadRecord[];
  lines: number;
  /** Files of the content folders that a record names. */
  referenced: Set<string>;
}

/** The folders whose files are evidence named by records. */
export const CONTENT_FOLDERS = ['originals', 'derivatives', 'recordings', 'playback', 'clips', 'timelines', 'logs', 'seals'] as const;

/**
 * Every line of records.jsonl: its hash, signature, place in the chain and file; and the
 * per-record files in records/ (one .json and one .sig per line, nothing else).
 */
export function checkRecords(dir: string, keys: ExportKeys, signedBy: Map<string, number>, problems: string[]): ChainCheck {
  const recordsFile = path.join(dir, 'records.jsonl');
  const out: ChainCheck = { records: [], lines: 0, referenced: new Set() };
  if (!isPlainFile(recordsFile)) {
    problems.push('records.jsonl: missing or not a plain file (not a Kanyan case export)');
    return out;
  }
  const lines = fs.readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.trim());
  out.lines = lines.length;
  let prevHash: string | null = null;
  const seenSha = new Set<string>();
  lines.forEach((line, i) => {
    const where = `record at line ${i + 1} of records.jsonl`;
    let entry: SignedRecord;
    try {
      entry = JSON.parse(line) as SignedRecord;
    } catch {
      problems.push(`${where}: not valid JSON`);
      return;
    }
    if (!isSignedRecordShape(entry)) {
      problems.push(`${where}: not a signed record (record, hash and signature expected)`);
      return;
    }
    try {
      const canonical = checkRecord(dir, entry, i, { keys, signedBy, problems, seenSha, referenced: out.referenced, prevHash });
      out.records.push({ entry, canonical });
    } catch (err) {
      problems.push(`${where}: malformed record (${(err as Error).message})`);
    }
    prevHash = entry.hash;
  });
  const expected = new Set<string>();
  for (let i = 1; i <= lines.length; i++) {
    const name = String(i).padStart(6, '0');
    for (const ext of ['json', 'sig']) {
      expected.add(`${name}.${ext}`);
      if (!isPlainFile(path.join(dir, 'records', `${name}.${ext}`))) problems.push(`records/${name}.${ext}: missing (record ${i} of records.jsonl has no per-record file)`);
    }
  }
  const folder = path.join(dir, 'records');
  if (fs.existsSync(folder)) {
    for (const f of fs.readdirSync(folder)) {
      // Additional signatures of a record (records/NNNNNN.<alg>.sig) are checked with the keys.
      if (!expected.has(f) && !/^\d{6}\.[a-z0-9]+\.sig$/.test(f)) problems.push(`records/${f}: not the file of any record in records.jsonl (planted, or its record was dropped)`);
    }
  }
  for (const d of CONTENT_FOLDERS) {
    const inner = path.join(dir, d);
    if (!fs.lstatSync(inner, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const f of fs.readdirSync(inner)) if (!out.referenced.has(`${d}/${f}`)) problems.push(`${d}/${f}: file not covered by any record`);
  }
  return out;
}

interface RecordState {
  keys: ExportKeys;
  signedBy: Map<string, number>;
  problems: string[];
  seenSha: Set<string>;
  referenced: Set<string>;
  prevHash: string | null;
}

function isSignedRecordShape(e: unknown): e is SignedRecord {
  const x = e as Partial<SignedRecord> | null;
  const r = x?.record as Partial<EvidenceRecord> | undefined;
  if (typeof x !== 'object' || x === null || typeof x.hash !== 'string' || typeof x.signature !== 'string') return false;
  if (typeof r !== 'object' || r === null) return false;
  return typeof r.seq === 'number' && typeof r.sha256 === 'string' && typeof r.file === 'string' && (r.parentSha256 == null || typeof r.parentSha256 === 'string');
}

function checkRecord(dir: string, entry: SignedRecord, i: number, { keys, signedBy, problems, seenSha, referenced, prevHash }: RecordState): Buffer {
  const r = entry.record;
  const label = `record ${r.seq} (${r.kind}, ${String(r.sha256).slice(0, 12)}…)`;
  const canonical = Buffer.from(canonicalJson(r), 'utf8');
  const hash = crypto.createHash('sha256').update(canonical).digest('hex');
  if (hash !== entry.hash) problems.push(`${label}: content does not match its hash (record altered)`);
  const signatures = [...checkRecordSignatures(canonical, entry, keys), ...checkSm2SignatureFile(dir, entry, i + 1)];
  problems.push(...signatures.map((p) => p.replace(`record ${r.seq}:`, `${label}:`)));
  if (!signatures.length) {
    signedBy.set(r.keyId, (signedBy.get(r.keyId) ?? 0) + 1);
    if (entry.sm2) signedBy.set(entry.sm2.keyId, (signedBy.get(entry.sm2.keyId) ?? 0) + 1);
  }
  if (r.seq !== i + 1) problems.push(`${label}: expected sequence number ${i + 1} (a record was dropped or reordered)`);
  if (r.prevHash !== prevHash) problems.push(`${label}: does not link to the record before it (chain broken: dropped, inserted or reordered)`);
  const name = String(i + 1).padStart(6, '0');
  const perRecord = path.join(dir, 'records', `${name}.json`);
  if (isPlainFile(perRecord) && !fs.readFileSync(perRecord).equals(canonical)) problems.push(`${label}: records/${name}.json differs from records.jsonl`);
  const sigFile = path.join(dir, 'records', `${name}.sig`);
  if (isPlainFile(sigFile) && fs.readFileSync(sigFile).toString('base64') !== entry.signature) problems.push(`${label}: records/${name}.sig differs from records.jsonl`);
  const file = path.join(dir, r.file);
  if (!r.file || r.file.includes('..') || path.isAbsolute(r.file) || !fs.existsSync(file)) {
    problems.push(`${label}: file ${r.file} is missing`);
  } else if (!isPlainFile(file)) {
    problems.push(`${label}: file ${r.file} is not a plain file (a link or a folder)`);
  } else {
    referenced.add(path.normalize(r.file).split(path.sep).join('/'));
    const { sha256, bytes } = hashFileSync(file);
    if (sha256 !== r.sha256) problems.push(`${label}: file ${r.file} was changed (SHA-256 differs)`);
    if (bytes !== r.bytes) problems.push(`${label}: file ${r.file} has ${bytes} bytes, record says ${r.bytes}`);
  }
  if (r.parentSha256 && !seenSha.has(r.parentSha256)) problems.push(`${label}: its original ${r.parentSha256.slice(0, 12)}… is not an earlier record`);
  seenSha.add(r.sha256);
  return canonical;
}
