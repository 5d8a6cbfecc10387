import fs from 'node:fs';
import path from 'node:path';
import { writeAtomic } from './privateKeyFiles';

export type KeyAlg = 'Ed25519' | 'SM2';

/** A public evidence key as the office publishes it: every key that ever signed stays listed. */
export interface PublishedKey {
  keyId: string;
  alg: KeyAlg;
  publicKeyPem: string;
  /** Server time (ms) the key started signing. */
  activeFrom: number;
  /** Server time (ms) it was retired; its private half was destroyed then. */
  retiredAt: number | null;
}

export function publishedFile(keysDir: string, keyId: string): string {
  return path.join(keysDir, 'public', `${keyId}.json`);
}

export function readPublishedKeys(keysDir: string): PublishedKey[] {
  const dir = path.join(keysDir, 'public');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PublishedKey)
    .sort((a, b) => b.activeFrom - a.activeFrom);
}

export function writePublishedKey(keysDir: string, key: PublishedKey): void {
  writeAtomic(publishedFile(keysDir, key.keyId), JSON.stringify(key, null, 2));
}
