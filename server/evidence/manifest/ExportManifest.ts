/** One file of a case export as the manifest lists it (paths relative to the case folder, `/`-separated). */
export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * `manifest.json`: every file of the export but the manifest and its signature, with its SHA-256,
 * signed (`manifest.sig`, raw Ed25519 over the file's bytes) by the key named in `keyId`. A file
 * added to or taken from the archive, or changed, no longer matches it.
 */
export interface ExportManifest {
  v: 1;
  type: 'case_export_manifest';
  caseNumber: string;
  caseId: string;
  exportedAt: number;
  exportedAtText: string;
  /** The chain as exported: its record count and the hash of its last record. */
  records: number;
  headHash: string | null;
  /** The office log checkpoint the export's proofs are against, if the export carries one. */
  checkpoint: { treeSize: number; rootHash: string } | null;
  keyId: string;
  files: ManifestFile[];
}

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SIGNATURE = 'manifest.sig';
