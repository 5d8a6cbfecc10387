import express, { type NextFunction, type Request, type Response } from 'express';
import { NotFound } from '../../platform/errors';
import { text } from '../../platform/Text';
import type { SegmentFileKind, SessionReplay, TrackKind } from '../../recording/timeline/SessionReplay';
import type { HttpContext, Locals } from '../HttpContext';
import { requestLang } from '../requestLang';

/**
 * The reviewer's replay: the session's replay data and WebVTT tracks, and the recordings themselves
 * with HTTP range requests. Only those who may see the session's evidence get them ('recording.view',
 * the same rule as evidence: reviewers only once the session is over), and every view is logged.
 */
export function replayRoutes({ deps, requireStaff, allow }: HttpContext, replay: SessionReplay): express.Router {
  const r = express.Router();
  const viewer = (res: Response<unknown, Locals>) => res.locals.member.username;
  const allowedSession = async (res: Response<unknown, Locals>, sessionId: string) => {
    const { resource, session } = await deps.resources.ofSession(sessionId);
    allow(res, 'recording.view', resource);
    return session;
  };

  // What the replay page loads once: one view of the recording logged per page load.
  r.get('/api/sessions/:id/replay', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const session = await allowedSession(res, String(req.params.id));
    const view = await replay.view(session.id, requestLang(req));
    await replay.logView({ sessionId: session.id, segmentId: null, viewer: viewer(res), what: 'replay' });
    res.json(view);
  });

  const track = (kind: TrackKind) => async (req: Request, res: Response<unknown, Locals>) => {
    const session = await allowedSession(res, String(req.params.id));
    res.type('text/vtt; charset=utf-8').send(await replay.track(session.id, kind, requestLang(req)));
  };
  r.get('/api/sessions/:id/chapters.vtt', requireStaff, track('chapters'));
  r.get('/api/sessions/:id/stamps.vtt', requireStaff, track('stamps'));
  r.get('/api/sessions/:id/thumbnails.vtt', requireStaff, track('thumbnails'));

  const file = (kind: SegmentFileKind) => async (req: Request, res: Response<unknown, Locals>, next: NextFunction) => {
    const found = await replay.segmentFile(String(req.params.segmentId), kind);
    await allowedSession(res, found.segment.sessionId);
    // A player asks for many ranges of one file: a view is its first request (no range, or from byte 0).
    const range = req.get('range');
    if (!range || /^bytes=0-/.test(range.trim())) {
      await replay.logView({ sessionId: found.segment.sessionId, segmentId: found.segment.id, viewer: viewer(res), what: kind });
    }
    if (kind === 'original') res.attachment(found.downloadName);
    // The sprite is fetched again for every hover preview otherwise (and logged each time). Like a
    // photo's bytes it never changes once made, so it is cached the same way: privately, for good.
    // The recordings themselves stay `no-store`, as every API answer starts.
    if (kind === 'thumbnails') res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    // `root` keeps the path inside the recordings folder.
    res.type(found.mediaType).sendFile(found.file, { root: found.root, cacheControl: false }, (err?: NodeJS.ErrnoException & { status?: number }) => {
      if (!err) return;
      // The player went away mid-file (a seek, a closed page): nothing to answer.
      if (res.headersSent || err.code === 'ECONNABORTED' || err.code === 'ECONNRESET') return;
      if (err.status === 404 || err.code === 'ENOENT') {
        next(new NotFound(text('录像文件不在服务器上', 'The recording file is not on the server'), `segment ${found.segment.id} ${kind} file missing: ${found.file}`));
        return;
      }
      next(err);
    });
  };
  r.get('/api/recordings/:segmentId/playback', requireStaff, file('playback'));
  r.get('/api/recordings/:segmentId/original', requireStaff, file('original'));
  r.get('/api/recordings/:segmentId/thumbnails.jpg', requireStaff, file('thumbnails'));
  return r;
}
