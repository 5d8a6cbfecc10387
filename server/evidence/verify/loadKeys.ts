import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keyIdOf } from '../EvidenceSigner';
import { isPlainFile } from './exportFiles';

/** Public keys by the id computed from their bytes: a file's name is not trusted. */
export function loadKeys(dir: string, problems: string[]): Map<string, crypto.KeyObject> {
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
