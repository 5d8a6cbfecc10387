import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A regular file, not a symbolic link to one (an archive's link could point anywhere on this machine). */
export function isPlainFile(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** SHA-256 and size read in 1 MB pieces: a recording of several hundred MB is never held whole in memory. */
export function hashFileSync(file: string): { sha256: string; bytes: number } {
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

/** Every entry under `dir` (relative, `/`-separated): plain files, and anything else (links, devices) apart. */
export function listTree(dir: string, rel = ''): { files: string[]; odd: string[] } {
  const out = { files: [] as string[], odd: [] as string[] };
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const inner = listTree(dir, name);
      out.files.push(...inner.files);
      out.odd.push(...inner.odd);
    } else if (entry.isFile()) out.files.push(name);
    else out.odd.push(name);
  }
  return out;
}

/** Parses a JSON file of the export, or says why it cannot. */
export function readJson(dir: string, rel: string): { value?: unknown; problem?: string } {
  const file = path.join(dir, rel);
  if (!isPlainFile(file)) return { problem: `${rel}: missing or not a plain file` };
  try {
    return { value: JSON.parse(fs.readFileSync(file, 'utf8')) };
  } catch (err) {
    return { problem: `${rel}: not valid JSON (${(err as Error).message})` };
  }
}
