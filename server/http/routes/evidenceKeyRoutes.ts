import express, { type Response } from 'express';
import type { RotationResult } from '../../evidence/keys/EvidenceKeyRotation';
import type { HttpContext, Locals } from '../HttpContext';

/** What the route needs of key rotation: one call that swaps the keys and logs the statements. */
export interface KeyRotator {
  rotate(): Promise<RotationResult>;
}

/** The admin's evidence key rotation on the running server. */
export function evidenceKeyRoutes({ requireStaff, allow }: HttpContext, rotator: KeyRotator): express.Router {
  const r = express.Router();
  r.post('/api/admin/evidence-keys/rotate', requireStaff, async (_req, res: Response<unknown, Locals>) => {
    allow(res, 'evidence.rotate_key', { kind: 'office' });
    res.json(await rotator.rotate());
  });
  return r;
}
