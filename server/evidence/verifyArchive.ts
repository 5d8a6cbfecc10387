import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../checklist/canonicalJson';
import type { EvidenceRecord, SignedRecord } from './EvidenceRecord';
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
  const signedBy = new Map<string, number>();
  const recordsFile = path.join(dir, 'records.jsonl');
  if (!isPlainFile(recordsFile)) {
    problems.push('records.jsonl: missing or not a plain file (not a Kanyan case export)');
    return { records: 0, problems, signedBy };
  }
  const keys = loadKeys(dir, problems);
  const lines = fs.readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.trim());
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
    if (!isSignedRecordShape(entry)) {
      problems.push(`${where}: not a signed record (record, hash and signature expected)`);
      return;
    }
    try {
      checkRecord(dir, entry, i, { keys, signedBy, problems, seenSha, referenced, prevHash });
    } catch (err) {
      problems.push(`${where}: malformed record (${(err as Error).message})`);
    }
    prevHash = entry.hash;
  });
  for (const d of ['originals', 'derivatives', 'recordings', 'playback', 'clips', 'timelines']) {
    const folder = path.join(dir, d);
    if (!fs.lstatSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const f of fs.readdirSync(folder)) if (!referenced.has(path.join(d, f))) problems.push(`${d}/${f}: file not covered by any record`);
  }
  return { records: lines.length, problems, signedBy };
}

interface ChainState {
  keys: Map<string, crypto.KeyObject>;
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

function checkRecord(dir: string, entry: SignedRecord, i: number, { keys, signedBy, problems, seenSha, referenced, prevHash }: ChainState): void {
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
  const name = String(r.seq).padStart(6, '0');
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
    referenced.add(path.normalize(r.file));
    const { sha256, bytes } = hashFileSync(file);
    if (sha256 !== r.sha256) problems.push(`${label}: file ${r.file} was changed (SHA-256 differs)`);
    if (bytes !== r.bytes) problems.push(`${label}: file ${r.file} has ${bytes} bytes, record says ${r.bytes}`);
  }
  if (r.parentSha256 && !seenSha.has(r.parentSha256)) problems.push(`${label}: its original ${r.parentSha256.slice(0, 12)}… is not an earlier record`);
  seenSha.add(r.sha256);
}

/** SHA-256 and size read in 1 MB pieces: a recording of several hundred MB is never held whole in memory. */
function hashFileSync(file: string): { sha256: string; bytes: number } {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  let bytes = 0;
  try {
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; bytes += n) hash.update(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** A regular file, not a symbolic link to one (an archive's link could point anywhere on this machine). */
function isPlainFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
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
    if (!isPlainFile(path.join(folder, f))) {
      problems.push(`keys/${f}: not a plain file (a link or a folder)`);
      continue;
    }
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

const BLOCK = 512;

/**
 * Unpacks a case export (.tar) into `into` and returns its top folder, refusing anything an export
 * never holds: links, devices, absolute or `..` paths, duplicate names, a truncated or empty
 * archive. Read here rather than by the system tar, so a hostile archive can never write or point
 * outside `into`. Throws an Error whose message says what is wrong.
 */
export function extractExport(tarPath: string, into: string): string {
  const fd = fs.openSync(tarPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new Error('the archive is empty (0 bytes)');
    const header = Buffer.alloc(BLOCK);
    const written = new Set<string>();
    let offset = 0;
    let ended = false;
    let longName: string | undefined;
    let paxPath: string | undefined;
    while (offset + BLOCK <= size) {
      readExactly(fd, header, offset);
      if (header.every((b) => b === 0)) {
        ended = true;
        break;
      }
      checkHeader(header, offset);
      const type = String.fromCharCode(header[156]!);
      const bodySize = sizeOf(header, offset);
      const body = offset + BLOCK;
      const next = body + Math.ceil(bodySize / BLOCK) * BLOCK;
      if (body + bodySize > size) throw new Error(`the archive is truncated (entry at byte ${offset} needs ${bodySize} bytes, ${size - body} left)`);
      const ustarPrefix = header.toString('latin1', 257, 263) === 'ustar\0' ? cString(header, 345, 155) : '';
      const headerName = ustarPrefix ? `${ustarPrefix}/${cString(header, 0, 100)}` : cString(header, 0, 100);
      // GNU long names and pax headers name the entry after them; a global pax header or a GNU
      // long link target carries nothing an export needs.
      if (type === 'L') longName = readText(fd, body, bodySize).replace(/\0+$/, '');
      else if (type === 'x') paxPath = paxField(readText(fd, body, bodySize), 'path') ?? paxPath;
      else if (type !== 'g' && type !== 'K') {
        const name = safeName(longName ?? paxPath ?? headerName);
        longName = paxPath = undefined;
        if (type === '1' || type === '2') throw new Error(`the archive holds a link (${name} → ${cString(header, 157, 100)}), which a case export never does`);
        if (type === '5') fs.mkdirSync(path.join(into, name), { recursive: true });
        else if (type === '0' || type === '\0' || type === '7') {
          if (written.has(name)) throw new Error(`the archive holds ${name} twice`);
          written.add(name);
          const target = path.join(into, name);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          copyRange(fd, body, bodySize, target);
        } else throw new Error(`the archive holds ${name} of tar type '${type}' (a device, FIFO or unknown entry), which a case export never does`);
      }
      offset = next;
    }
    if (!ended) throw new Error('the archive is truncated (it ends without the end-of-archive marker)');
    const top = fs.readdirSync(into);
    if (top.length === 0) throw new Error('the archive is empty (no files)');
    if (top.length !== 1 || !fs.lstatSync(path.join(into, top[0]!)).isDirectory()) {
      throw new Error(`not a Kanyan case export: expected one top folder, found ${top.slice(0, 5).join(', ')}`);
    }
    return path.join(into, top[0]!);
  } finally {
    fs.closeSync(fd);
  }
}

function readExactly(fd: number, buf: Buffer, at: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, at + done);
    if (n === 0) throw new Error(`the archive is truncated at byte ${at + done}`);
    done += n;
  }
}

function readText(fd: number, at: number, length: number): string {
  if (length > 1024 * 1024) throw new Error(`a tar extension header at byte ${at} is ${length} bytes long`);
  const buf = Buffer.alloc(length);
  readExactly(fd, buf, at);
  return buf.toString('utf8');
}

function copyRange(fd: number, at: number, length: number, target: string): void {
  // 'wx': never through something already there (a name the archive made earlier is refused above).
  const out = fs.openSync(target, 'wx');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    for (let done = 0; done < length; ) {
      const part = chunk.subarray(0, Math.min(chunk.length, length - done));
      readExactly(fd, part, at + done);
      fs.writeSync(out, part);
      done += part.length;
    }
  } finally {
    fs.closeSync(out);
  }
}

function checkHeader(h: Buffer, offset: number): void {
  const magic = h.toString('latin1', 257, 263);
  if (magic !== 'ustar\0' && magic !== 'ustar ') throw new Error(`not a tar archive (no tar header at byte ${offset})`);
  const stored = parseInt(cString(h, 148, 8).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  if (stored !== sum) throw new Error(`not a tar archive (header checksum wrong at byte ${offset})`);
}

function sizeOf(h: Buffer, offset: number): number {
  // Sizes past 8 GB use base-256 with the top bit set.
  if (h[124]! & 0x80) {
    let n = h[124]! & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
    if (!Number.isSafeInteger(n)) throw new Error(`entry at byte ${offset} claims an impossible size`);
    return n;
  }
  const text = cString(h, 124, 12).trim();
  const n = text ? parseInt(text, 8) : 0;
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`entry at byte ${offset} has an unreadable size`);
  return n;
}

function cString(h: Buffer, start: number, length: number): string {
  const field = h.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}

/** One field of a pax extended header ("<len> <key>=<value>\n" records). */
function paxField(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (m?.[1] === key) return m[2];
  }
  return undefined;
}

/** The entry's path inside the archive, or an error when it would land outside the folder. */
function safeName(raw: string): string {
  const name = raw.replace(/\/+$/, '').replace(/^(\.\/)+/, '');
  if (!name || name.startsWith('/') || name.includes('\\') || name.includes('\0') || name.split('/').some((part) => part === '..' || part === '')) {
    throw new Error(`the archive holds an unsafe path (${JSON.stringify(raw)}): it would be written outside the folder`);
  }
  return name;
}
