import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Loads a random secret kept under the data dir, creating it on first start. Written with 0600 and
 * through a temp file + rename so a crash never leaves a half-written key behind.
 */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): Buffer {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  if (fs.existsSync(file)) {
    const value = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (value.length >= 16) return value;
    throw new Error(`secret file ${file} is damaged; remove it to generate a new one (this invalidates links signed with it)`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = crypto.randomBytes(bytes);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value.toString('base64'), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return value;
}

/** Keeps a generated credential readable by the operator only, next to the other secrets. */
export function writeSecretNote(dataDir: string, name: string, text: string): string {
  const dir = path.join(dataDir, 'secrets');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return file;
}
