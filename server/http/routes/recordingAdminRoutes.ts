import express, { type Response } from 'express';
import type { FailedRecording } from '../../recording/jobs/RecordingPipeline';
import { explainFailure } from '../../recording/jobs/segmentFailure';
import { say } from '../../platform/Text';
import type { HttpContext, Locals } from '../HttpContext';
import { requestLang } from '../requestLang';

/** What these routes need of post-processing: the failed list and the retry. */
export interface RecordingAdmin {
  failed(): Promise<FailedRecording[]>;
  retry(segmentId: string): Promise<void>;
}

/** The admin's view of recordings post-processing gave up on, and the retry button behind it. */
export function recordingAdminRoutes({ requireStaff, allow }: HttpContext, admin: RecordingAdmin): express.Router {
  const r = express.Router();
  const office = { kind: 'office' as const };

  r.get('/api/admin/recordings/failed', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'recording.admin', office);
    const lang = requestLang(req);
    const failed = (await admin.failed()).map(({ segment: s, caseNumber, job }) => {
      const why = explainFailure(s.failure);
      return {
        segmentId: s.id,
        caseId: s.caseId,
        caseNumber,
        sessionId: s.sessionId,
        seq: s.seq,
        track: s.track,
        file: s.file,
        startedAt: s.startedAt,
        endedAt: s.endedAt ?? null,
        attempts: s.attempts,
        failure: { code: why.code, text: say(why.text, lang), detail: why.detail },
        job,
      };
    });
    res.json({ failed });
  });

  r.post('/api/admin/recordings/:segmentId/retry', requireStaff, async (req, res: Response<unknown, Locals>) => {
    allow(res, 'recording.admin', office);
    await admin.retry(String(req.params.segmentId));
    res.json({ ok: true });
  });
  return r;
}
