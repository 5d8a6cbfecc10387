import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../server/checklist/canonicalJson';
import { keyIdOf } from '../../server/evidence/EvidenceSigner';
import type { SignedRecord } from '../../server/evidence/EvidenceRecord';
import { CasesTree } from '../../server/evidence/log/CasesRoot';
import { checkpointBytes, type Checkpoint } from '../../server/evidence/log/Checkpoint';
import { inclusionPath, leafHash, listSource, rootOf, toHex } from '../../server/evidence/log/merkle';
import { writeManifest } from '../../server/evidence/manifest/writeManifest';

/**
 * What a forger with a key of their own (or the office's stolen one) can do to an extracted export:
 * keep the records `keep` chooses, change them with `edit`, re-link and re-sign the whole chain,
 * drop the files of dropped records, build a log of their own over the new records with a signed
 * checkpoint and proofs, and sign a new manifest. Every internal check then holds; only the office's
 * published keys (for a key of their own) or a checkpoint kept outside the office can show it.
 */
export async function resignExport(
  dir: string,
  opts: { privateKey?: crypto.KeyObject; keep?: (r: SignedRecord) => boolean; edit?: (r: SignedRecord['record']) => void } = {},
): Promise<string> {
  const privateKey = opts.privateKey ?? crypto.generateKeyPairSync('ed25519').privateKey;
  const publicKey = crypto.createPublicKey(privateKey);
  const keyId = keyIdOf(publicKey);
  const entries = fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SignedRecord);
  const kept = entries.filter((e) => opts.keep?.(e) ?? true);
  const droppedFiles = new Set(entries.filter((e) => !kept.includes(e)).map((e) => e.record.file));
  for (const e of kept) droppedFiles.delete(e.record.file);
  for (const f of droppedFiles) fs.rmSync(path.join(dir, f), { force: true });
  fs.rmSync(path.join(dir, 'records'), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'records'));
  let prevHash: string | null = null;
  const lines: string[] = [];
  kept.forEach((e, i) => {
    const record = { ...e.record, seq: i + 1, prevHash, keyId };
    opts.edit?.(record);
    // A thorough forger rewrites each seal to state the new chain before it.
    if (record.kind === 'seal') {
      const seal = Buffer.from(canonicalJson({ ...JSON.parse(fs.readFileSync(path.join(dir, e.record.file), 'utf8')), records: i, headHash: prevHash }), 'utf8');
      fs.rmSync(path.join(dir, e.record.file), { force: true });
      record.sha256 = crypto.createHash('sha256').update(seal).digest('hex');
      record.bytes = seal.length;
      record.file = `seals/${record.sha256}.json`;
      record.checked = { ...record.checked, records: i, headHash: prevHash };
      fs.writeFileSync(path.join(dir, record.file), seal);
    }
    const canonical = Buffer.from(canonicalJson(record), 'utf8');
    const hash = crypto.createHash('sha256').update(canonical).digest('hex');
    const signature = crypto.sign(null, canonical, privateKey);
    const name = String(i + 1).padStart(6, '0');
    fs.writeFileSync(path.join(dir, 'records', `${name}.json`), canonical);
    fs.writeFileSync(path.join(dir, 'records', `${name}.sig`), signature);
    lines.push(JSON.stringify({ record, hash, signature: signature.toString('base64') }));
    prevHash = hash;
  });
  fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n') + '\n');
  const canonicals = lines.map((_, i) => fs.readFileSync(path.join(dir, 'records', `${String(i + 1).padStart(6, '0')}.json`)));
  const leaves = canonicals.map((c) => leafHash(c));
  const caseId = kept[0]?.record.caseId ?? '';
  const cases = new CasesTree([{ caseId, records: lines.length, headHash: prevHash ?? '' }], leaves.length);
  const checkpoint: Checkpoint = { v: 1, origin: 'forged', treeSize: leaves.length, rootHash: rootOf(leaves).toString('hex'), casesRoot: cases.root.toString('hex'), time: Date.now(), timeText: 'forged' };
  const proofs = {
    v: 1,
    caseId,
    checkpoint: { checkpoint, keyId, signature: crypto.sign(null, checkpointBytes(checkpoint), privateKey).toString('base64') },
    records: leaves.map((_, i) => ({ seq: i + 1, leafIndex: i, recordHash: crypto.createHash('sha256').update(canonicals[i]!).digest('hex'), path: toHex(inclusionPath(i, leaves.length, listSource(leaves))) })),
    caseHead: cases.proofOf(caseId),
  };
  fs.rmSync(path.join(dir, 'log'), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'log'));
  fs.writeFileSync(path.join(dir, 'log', 'proofs.json'), JSON.stringify(proofs, null, 2));
  fs.writeFileSync(path.join(dir, 'log', 'checkpoint.json'), checkpointBytes(checkpoint));
  // A key of their own replaces the office's; the office's stolen key is already there.
  if (!opts.privateKey) {
    fs.rmSync(path.join(dir, 'keys'), { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'keys'));
    fs.writeFileSync(path.join(dir, 'keys', `${keyId}.pem`), publicKey.export({ type: 'spki', format: 'pem' }).toString());
    fs.writeFileSync(path.join(dir, 'keys.json'), JSON.stringify([{ keyId, alg: 'Ed25519', activeFrom: 0, retiredAt: null }], null, 2));
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  await writeManifest(dir, { caseNumber: manifest.caseNumber, caseId: manifest.caseId, exportedAt: manifest.exportedAt, records: kept.length, headHash: prevHash, checkpoint: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash } }, { keyId, sign: (data) => crypto.sign(null, data, privateKey).toString('base64') });
  return keyId;
}
