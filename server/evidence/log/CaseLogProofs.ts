import { z } from 'zod';
import type { CaseHeadProof } from './CasesRoot';
import type { SignedCheckpoint } from './Checkpoint';

/** An RFC 6962 audit path of one leaf in the tree of `treeSize` leaves (hashes hex, leaf side first). */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** The leaf's RFC 6962 hash (hex), for the reader's convenience: a verifier recomputes it. */
  leafHash: string;
  path: string[];
}

/** An RFC 6962 consistency proof that the tree of `from` leaves is a prefix of the tree of `to`. */
export interface ConsistencyProof {
  from: number;
  to: number;
  path: string[];
}

/** One record's place in the log and its audit path in the exported checkpoint. */
export interface RecordLogProof {
  seq: number;
  leafIndex: number;
  recordHash: string;
  path: string[];
}

/**
 * What a case export carries about the office log (log/proofs.json): the latest checkpoint, which
 * covers every exported record, each record's inclusion proof in it, and the case's head in its
 * casesRoot (null only when the case has no record yet).
 */
export interface CaseLogProofs {
  v: 1;
  caseId: string;
  checkpoint: SignedCheckpoint;
  records: RecordLogProof[];
  caseHead: CaseHeadProof | null;
}

/**
 * What an outsider who kept checkpoint M fetches from the office to check a later export against it:
 * /.well-known/kanyan-log/proof/consistency?from=M&to=N and /.well-known/kanyan-log/proof/case?case=…&size=M.
 */
export interface KeptCheckpointProofs {
  consistency: ConsistencyProof;
  caseHead: CaseHeadProof | null;
}

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const Size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const SignedCheckpointSchema: z.ZodType<SignedCheckpoint> = z.object({
  checkpoint: z.object({ v: z.literal(1), origin: z.string(), treeSize: Size, rootHash: Hex64, casesRoot: Hex64, time: z.number(), timeText: z.string() }).strict(),
  keyId: z.string(),
  signature: z.string(),
  tsaToken: z.string().optional(),
});

const CaseHeadProofSchema: z.ZodType<CaseHeadProof> = z.object({ treeSize: Size, caseId: z.string(), records: Size, headHash: Hex64, index: Size, casesCount: Size, path: z.array(Hex64) });

export const CaseLogProofsSchema: z.ZodType<CaseLogProofs> = z.object({
  v: z.literal(1),
  caseId: z.string(),
  checkpoint: SignedCheckpointSchema,
  records: z.array(z.object({ seq: Size, leafIndex: Size, recordHash: Hex64, path: z.array(Hex64) })),
  caseHead: CaseHeadProofSchema.nullable(),
});

export const KeptCheckpointProofsSchema: z.ZodType<KeptCheckpointProofs> = z.object({
  consistency: z.object({ from: Size, to: Size, path: z.array(Hex64) }),
  caseHead: CaseHeadProofSchema.nullable(),
});

/** Parses untrusted JSON; a malformed file is a problem named by `where`, never a crash. */
export function parseWith<T>(schema: z.ZodType<T>, json: unknown, where: string): { value?: T; problems: string[] } {
  const r = schema.safeParse(json);
  if (r.success) return { value: r.data, problems: [] };
  return { problems: r.error.issues.map((i) => `${where}: ${i.path.join('.') || '(top)'} ${i.message}`) };
}
