import fs from 'node:fs';
import path from 'node:path';

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
