import express from 'express';
import { z } from 'zod';
import type { CaseHeadProof } from '../../evidence/log/CasesRoot';
import type { ConsistencyProof, InclusionProof } from '../../evidence/log/CaseLogProofs';
import type { SignedCheckpoint } from '../../evidence/log/Checkpoint';
import { Invalid, NotFound } from '../../platform/errors';
import { text } from '../../platform/Text';

/** What the public log URLs need of the office log (OfficeLog). */
export interface PublishedLog {
  latestCheckpoint(): Promise<SignedCheckpoint>;
  checkpointAt(treeSize: number): Promise<SignedCheckpoint>;
  inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof>;
  consistencyProof(from: number, to: number): Promise<ConsistencyProof>;
  caseHeadProof(caseId: string, treeSize: number): Promise<CaseHeadProof | null>;
  caseIdOfNumber(caseNumber: string): Promise<string | undefined>;
}

/** A tree size or leaf index: digits only, at most 15 (below 2^53), so no float or sign slips through. */
const Count = z.string().regex(/^\d{1,15}$/).transform(Number);
const Inclusion = z.object({ leaf: Count, size: Count });
const Consistency = z.object({ from: Count, to: Count });
const CaseHead = z.object({ case: z.string().trim().min(1).max(100), size: Count });

function parseQuery<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: unknown, names: string): T {
  const r = schema.safeParse(query);
  if (!r.success) {
    throw new Invalid(
      text(`参数无效：需要 ${names}（非负整数，最多 15 位）`, `Invalid parameters: ${names} are required (whole numbers from 0, at most 15 digits)`),
      `bad log query: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return r.data;
}

/**
 * The office log's public URLs (no log-in: outsiders keep checkpoints and ask for proofs).
 * Proofs are hex RFC 6962 hashes; every checkpoint ever published can be fetched by its size.
 */
export function logRoutes(log: PublishedLog): express.Router {
  const r = express.Router();
  const base = '/.well-known/kanyan-log';
  r.get(`${base}/checkpoint`, async (_req, res) => {
    res.json(await log.latestCheckpoint());
  });
  r.get(`${base}/checkpoints/:treeSize`, async (req, res) => {
    const size = Count.safeParse(req.params.treeSize);
    if (!size.success) throw new Invalid(text('树大小必须是非负整数（最多 15 位）', 'The tree size must be a whole number from 0 (at most 15 digits)'), 'bad tree size');
    res.json(await log.checkpointAt(size.data));
  });
  r.get(`${base}/proof/inclusion`, async (req, res) => {
    const q = parseQuery(Inclusion, req.query, 'leaf, size');
    res.json(await log.inclusionProof(q.leaf, q.size));
  });
  r.get(`${base}/proof/consistency`, async (req, res) => {
    const q = parseQuery(Consistency, req.query, 'from, to');
    res.json(await log.consistencyProof(q.from, q.to));
  });
  r.get(`${base}/proof/case`, async (req, res) => {
    const q = parseQuery(CaseHead, req.query, 'case, size');
    const caseId = await log.caseIdOfNumber(q.case);
    if (!caseId) throw new NotFound(text(`没有案件 ${q.case}`, `No case ${q.case}`), 'no such case number');
    const checkpoint = await log.checkpointAt(q.size);
    // null: the case had no record at that size (it is then absent from the checkpoint's casesRoot).
    res.json({ caseNumber: q.case, checkpoint, caseHead: await log.caseHeadProof(caseId, q.size) });
  });
  return r;
}
