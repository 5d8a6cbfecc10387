import type { CaseLogProofs } from './CaseLogProofs';
import { checkpointBytes } from './Checkpoint';

/** Where an export keeps the office log's part (all under log/). */
export const LOG_FILES = {
  /** CaseLogProofs: the checkpoint, each record's inclusion proof, the case head. */
  proofs: 'log/proofs.json',
  /** The checkpoint's exact canonical bytes: what the signature and the TSA token cover (`openssl ts -verify -data` takes this file). */
  checkpointBody: 'log/checkpoint.json',
  /** RFC 3161 TimeStampResp (DER) over log/checkpoint.json, when the office has a TSA. */
  tsaToken: 'log/tsa-token.tsr',
  /** The TSA's CA certificate (TSA_CA_FILE). Only as good as the verifier's comparison with the authority's published one. */
  tsaCa: 'log/tsa-ca.pem',
} as const;

/** The files an export writes for the office log, with their bytes. */
export function caseLogFiles(proofs: CaseLogProofs, tsaCaPem: string | undefined): Array<{ path: string; bytes: Buffer }> {
  const files: Array<{ path: string; bytes: Buffer }> = [
    { path: LOG_FILES.proofs, bytes: Buffer.from(`${JSON.stringify(proofs, null, 2)}\n`, 'utf8') },
    { path: LOG_FILES.checkpointBody, bytes: checkpointBytes(proofs.checkpoint.checkpoint) },
  ];
  if (proofs.checkpoint.tsaToken) {
    files.push({ path: LOG_FILES.tsaToken, bytes: Buffer.from(proofs.checkpoint.tsaToken, 'base64') });
    if (tsaCaPem) files.push({ path: LOG_FILES.tsaCa, bytes: Buffer.from(tsaCaPem, 'utf8') });
  }
  return files;
}
