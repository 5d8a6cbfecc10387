import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canonicalJson } from '../checklist/canonicalJson';
import type { CaseRecord } from '../cases/CaseRecord';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import { oneLine } from '../protocol/text';
import type { Store } from '../store/Store';
import type { EvidenceChain } from './EvidenceChain';
import type { EvidenceFiles } from './EvidenceFiles';
import type { EvidenceSigner } from './EvidenceSigner';
import { caseLogFiles } from './log/caseLogFiles';
import type { OfficeLog } from './log/OfficeLog';
import { writeManifest } from './manifest/writeManifest';
import { writeSm2Exports } from './verifySignatures';

const run = promisify(execFile);

/**
 * One archive per case: originals, stamped derivatives, the signed records (as one JSON Lines file
 * and one canonical file + signature per record, for checking with sha256sum and openssl), the
 * checklist event logs, and the public keys that signed them.
 */
export class CaseExporter {
  constructor(
    private readonly store: Store,
    private readonly chain: EvidenceChain,
    private readonly files: EvidenceFiles,
    private readonly signer: EvidenceSigner,
    private readonly walks: InspectionWalks,
    /** Where call recordings live: their originals and playback copies are exported from there, not copied into evidence storage. */
    private readonly recordingsDir?: string,
    /** The office log: the export carries its checkpoint and each record's inclusion proof. */
    private readonly officeLog?: OfficeLog,
  ) {}

  /**
   * Where each recorded file of the case lives, by SHA-256: the untouched segment and its playback
   * copy stay under the recordings root (hundreds of MB each; never duplicated into evidence storage).
   */
  private async recordedFiles(caseId: string): Promise<Map<string, string>> {
    const bySha = new Map<string, string>();
    if (!this.recordingsDir) return bySha;
    for (const s of await this.store.segments.listByCase(caseId)) {
      if (s.sha256) bySha.set(s.sha256, path.join(this.recordingsDir, s.file));
      const playback = s.derived?.playback;
      if (playback) bySha.set(playback.sha256, path.join(this.recordingsDir, playback.file));
    }
    return bySha;
  }

  /** Writes the archive to a temporary folder and returns its path; the caller removes the folder. */
  async export(caseRecord: CaseRecord): Promise<string> {
    const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'kanyan-export-'));
    const root = path.join(tmp, caseRecord.caseNumber);
    for (const d of ['originals', 'derivatives', 'records', 'walks']) await fs.promises.mkdir(path.join(root, d), { recursive: true });
    // Proofs first, against the latest checkpoint; then exactly the records it holds (a record chained
    // meanwhile waits for the next export rather than going out without its proof).
    const proofs = this.officeLog ? await this.officeLog.exportProofs(caseRecord.id) : undefined;
    const chained = await this.chain.list(caseRecord.id);
    const records = proofs ? chained.slice(0, proofs.caseHead?.records ?? 0) : chained;
    const recorded = await this.recordedFiles(caseRecord.id);
    const lines: string[] = [];
    for (const r of records) {
      const name = String(r.record.seq).padStart(6, '0');
      await fs.promises.writeFile(path.join(root, 'records', `${name}.json`), canonicalJson(r.record));
      await fs.promises.writeFile(path.join(root, 'records', `${name}.sig`), Buffer.from(r.signature, 'base64'));
      lines.push(JSON.stringify(r));
      const ext = path.extname(r.record.file).slice(1);
      const isRecorded = r.record.kind === 'recording' || r.record.kind === 'playback';
      const source = (isRecorded && recorded.get(r.record.sha256)) || this.files.pathOf(r.record.sha256, ext);
      await fs.promises.access(source, fs.constants.R_OK).catch(() => {
        throw new Error(`export of ${caseRecord.caseNumber}: the file of record ${r.record.seq} (${r.record.kind}, ${r.record.file}) is missing`);
      });
      const target = path.join(root, r.record.file);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      // A link, not a copy: tar reads the bytes straight from storage (-h below), so a recording is
      // never duplicated on disk or held in memory. The same bytes named twice are one file.
      await fs.promises.symlink(source, target).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    await fs.promises.writeFile(path.join(root, 'records.jsonl'), lines.join('\n') + (lines.length ? '\n' : ''));
    // 国密: each record's SM2 signature beside its Ed25519 one, when the office signs with both.
    await writeSm2Exports(root, records, this.signer.publishedKeys());
    for (const s of await this.store.sessions.listByCase(caseRecord.id)) {
      const events = await this.store.walks.events(s.id);
      if (events.length) await fs.promises.writeFile(path.join(root, 'walks', `${s.id}.json`), JSON.stringify({ sessionId: s.id, view: await this.walks.view(s.id), events }, null, 2));
    }
    if (proofs) {
      for (const f of caseLogFiles(proofs, this.officeLog?.tsaCaPem)) {
        await fs.promises.mkdir(path.dirname(path.join(root, f.path)), { recursive: true });
        await fs.promises.writeFile(path.join(root, f.path), f.bytes);
      }
    }
    // Every key the office ever published, retired ones included: whatever signed a record, the
    // manifest or a checkpoint an outsider kept is among them.
    const keys = this.signer.publishedKeys();
    await fs.promises.mkdir(path.join(root, 'keys'), { recursive: true });
    for (const k of keys) await fs.promises.writeFile(path.join(root, 'keys', `${k.keyId}.pem`), k.publicKeyPem);
    await fs.promises.writeFile(path.join(root, 'keys.json'), JSON.stringify(keys.map(({ publicKeyPem: _pem, ...meta }) => meta), null, 2));
    await fs.promises.writeFile(path.join(root, 'README.txt'), readme(caseRecord));
    // Last: the manifest lists and signs every file above, so nothing can be added, dropped or changed unseen.
    await writeManifest(root, { caseNumber: caseRecord.caseNumber, caseId: caseRecord.id, exportedAt: Date.now(), records: records.length, headHash: records.at(-1)?.hash ?? null, checkpoint: proofs ? { treeSize: proofs.checkpoint.checkpoint.treeSize, rootHash: proofs.checkpoint.checkpoint.rootHash } : null }, this.signer);
    const archive = path.join(tmp, `${caseRecord.caseNumber}.tar`);
    // -h stores what the links point at as plain files; --hard-dereference never writes a hard link (the verifier refuses links).
    await run('tar', ['-c', '-h', '--hard-dereference', '-f', archive, '-C', tmp, caseRecord.caseNumber]);
    await fs.promises.rm(root, { recursive: true, force: true });
    return archive;
  }
}

/** Stored names may predate the edge checks: each goes on its own line with its line breaks and control characters removed. */
function readme(c: CaseRecord): string {
  return `Kanyan evidence export — ${oneLine(c.caseNumber, 60)} ${oneLine(c.businessName)}

manifest.json       every other file of this archive with its SHA-256 and size, the record count and
                    the last record's hash (canonical JSON, RFC 8785); manifest.sig: its Ed25519 signature
records.jsonl       one signed record per line: {"record", "hash", "signature"}, in chain order
records/NNNNNN.json the canonical JSON of record NNNNNN (the bytes that were hashed and signed)
records/NNNNNN.sig  its Ed25519 signature (raw 64 bytes); NNNNNN.sm2.sig its SM2 signature, if any
originals/          photos exactly as received, named by their SHA-256
derivatives/        stamped copies, naming their original in "parentSha256"
logs/               each closed checklist: the case as registered, the decision (results, notes,
                    outcome, photos by SHA-256), every checklist event and lifecycle step
seals/              after each lifecycle step: the number of records before it and the last one's hash
recordings/         the call recordings exactly as recorded (Matroska), named by their SHA-256
playback/           their seekable WebM copies (video copied, voices mixed), naming the recording in "parentSha256"
clips/              a checklist point's video, cut by copy from a recording named in "parentSha256"
timelines/          each session's timeline (checklist, photos, positions, gaps against the recording), as chained
walks/              the checklist of each session as it stood at export (vouched for by the manifest only)
log/                the office log: the checkpoint (log/checkpoint.json), each record's inclusion proof
                    (RFC 6962) and the case's head, and an RFC 3161 time stamp when the office has one
keys/<keyId>.pem    every public key the office has published; keys.json says when each was active.
                    A key id is the first 16 hex digits of SHA-256 over the key's DER. Compare them with
                    /.well-known/kanyan-evidence-keys.json of the office

Check everything:       npm run verify -- ${oneLine(c.caseNumber, 60)}.tar --keys kanyan-evidence-keys.json
Against a checkpoint you kept:  add --checkpoint kept.json --log https://<office>
Check by hand (see the README's "format" section for the whole chain):
  openssl pkeyutl -verify -pubin -inkey keys/<manifest keyId>.pem -rawin -in manifest.json -sigfile manifest.sig
  sha256sum records/000001.json            # equals "hash" of line 1 of records.jsonl
  openssl pkeyutl -verify -pubin -inkey keys/<keyId>.pem -rawin -in records/000001.json -sigfile records/000001.sig
`;
}
