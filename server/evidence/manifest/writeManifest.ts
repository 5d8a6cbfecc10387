import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../checklist/canonicalJson';
import { fileHash } from '../fileHash';
import { shanghaiTime } from '../shanghaiTime';
import { MANIFEST_FILE, MANIFEST_SIGNATURE, type ExportManifest, type ManifestFile } from './ExportManifest';

export interface ManifestSigner {
  keyId: string;
  sign(data: Buffer): string;
}

/**
 * Lists and signs every file under `root` (following the export's links to storage). Files whose
 * hash a record already states (recordings of hundreds of MB) are hashed again all the same: the
 * manifest vouches for the bytes in the archive, not for what the database says.
 */
export async function writeManifest(root: string, meta: Omit<ExportManifest, 'v' | 'type' | 'files' | 'keyId' | 'exportedAtText'>, signer: ManifestSigner): Promise<ExportManifest> {
  const files: ManifestFile[] = [];
  for (const rel of await listFiles(root)) {
    if (rel === MANIFEST_FILE || rel === MANIFEST_SIGNATURE) continue;
    files.push({ path: rel, ...(await fileHash(path.join(root, rel))) });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: ExportManifest = { v: 1, type: 'case_export_manifest', ...meta, exportedAtText: shanghaiTime(meta.exportedAt), keyId: signer.keyId, files };
  const bytes = Buffer.from(canonicalJson(manifest), 'utf8');
  await fs.promises.writeFile(path.join(root, MANIFEST_FILE), bytes);
  await fs.promises.writeFile(path.join(root, MANIFEST_SIGNATURE), Buffer.from(signer.sign(bytes), 'base64'));
  return manifest;
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await fs.promises.stat(path.join(root, name))).isDirectory());
    if (isDir) out.push(...(await listFiles(root, name)));
    else out.push(name);
  }
  return out;
}
