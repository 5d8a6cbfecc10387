import express from 'express';
import type { Lang } from '../../platform/Text';
import type { RateLimiter } from '../../platform/RateLimiter';
import { parseInput } from '../../protocol/parseInput';
import { ReceiptToVerify, type ReceiptVerdict } from '../../protocol/receipts';
import type { HttpContext } from '../HttpContext';
import { requestLang } from '../requestLang';

/** What the public receipt check needs: the check itself (server/evidence/receipts/ReceiptCheck) and a limiter. */
export interface ReceiptDesk {
  check: { verify(r: ReceiptToVerify, lang: Lang): Promise<ReceiptVerdict> };
  /** Per address: the check reads a case's chain, so a script must not hammer it. */
  limiter: RateLimiter;
}

/**
 * The public check of a phone's upload receipt: no log-in (the applicant, a lawyer or a court asks),
 * a verdict in the asked language, naming the record it found. A malformed receipt is a 400 that
 * says which field; a well-formed one that fails is a 200 verdict with the reasons.
 */
export function receiptRoutes(_ctx: HttpContext, desk: ReceiptDesk): express.Router {
  const r = express.Router();
  r.post('/api/receipts/verify', async (req, res) => {
    await desk.limiter.hit(req.ip ?? 'unknown');
    const receipt = parseInput(ReceiptToVerify, req.body);
    res.json(await desk.check.verify(receipt, requestLang(req)));
  });
  return r;
}
