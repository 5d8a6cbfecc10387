import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../checklist/canonicalJson';
import { MANIFEST_FILE, MANIFEST_SIGNATURE, type ExportManifest } from '../manifest/ExportManifest';
import { hashFileSync, isPlainFile, listTree } from './exportFiles';

/**
 * The signed manifest against the folder: every file is listed with its hash and size, and nothing
 * is there that it does not list. Returns the manifest when its signature holds, for the chain check.
 */
export function checkManifest(dir: string, keys: Map<string, crypto.KeyObject>, problems: string[]): ExportManifest | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  if (!isPlainFile(file)) {
    problems.push(`${MANIFEST_FILE}: missing (every export lists and signs its files; without it nothing shows what was removed or added)`);
    return undefined;
  }
  const bytes = fs.readFileSync(file);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as ExportManifest;
  } catch (err) {
    problems.push(`${MANIFEST_FILE}: not valid JSON (${(err as Error).message})`);
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.type !== 'case_export_manifest' || !Array.isArray(manifest.files)) {
    problems.push(`${MANIFEST_FILE}: not a case export manifest (type and files expected)`);
    return undefined;
  }
  let canonical = false;
  try {
    canonical = Buffer.from(canonicalJson(manifest), 'utf8').equals(bytes);
  } catch {
    canonical = false;
  }
  if (!canonical) problems.push(`${MANIFEST_FILE}: not in canonical form (RFC 8785), so its bytes are not the ones that were signed`);
  const key = keys.get(String(manifest.keyId));
  const sigFile = path.join(dir, MANIFEST_SIGNATURE);
  if (!key) problems.push(`${MANIFEST_FILE}: signed with key ${String(manifest.keyId)}, which the export does not carry`);
  else if (!isPlainFile(sigFile)) problems.push(`${MANIFEST_SIGNATURE}: missing`);
  else if (!crypto.verify(null, bytes, key, fs.readFileSync(sigFile))) problems.push(`${MANIFEST_SIGNATURE}: the manifest's signature does not verify with keys/${String(manifest.keyId)}.pem (manifest forged or altered)`);

  const listed = new Map<string, { sha256: string; bytes: number }>();
  for (const f of manifest.files) {
    if (typeof f?.path !== 'string' || typeof f.sha256 !== 'string' || typeof f.bytes !== 'number') {
      problems.push(`${MANIFEST_FILE}: an entry is malformed (${JSON.stringify(f).slice(0, 80)})`);
      continue;
    }
    if (listed.has(f.path)) problems.push(`${MANIFEST_FILE}: lists ${f.path} twice`);
    listed.set(f.path, f);
  }
  const { files, odd } = listTree(dir);
  for (const o of odd) problems.push(`${o}: not a plain file (a link or a device), which an export never holds`);
  const present = new Set(files);
  for (const rel of files) {
    if (rel === MANIFEST_FILE || rel === MANIFEST_SIGNATURE) continue;
    const entry = listed.get(rel);
    if (!entry) {
      problems.push(`${rel}: file not in the signed manifest (added after export)`);
      continue;
    }
    const actual = hashFileSync(path.join(dir, rel));
    if (actual.sha256 !== entry.sha256 || actual.bytes !== entry.bytes) problems.push(`${rel}: file differs from the signed manifest (changed after export)`);
  }
  for (const rel of listed.keys()) if (!present.has(rel)) problems.push(`${rel}: file listed in the signed manifest is missing (deleted after export)`);
  return manifest;
}
