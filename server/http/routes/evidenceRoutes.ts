import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { AdmittedPhone } from '../../inspection/SessionLinks';
import { AppError, Forbidden, Invalid, NotFound } from '../../platform/errors';
import { text } from '../../platform/Text';
import { ClaimedAccuracy, ClaimedTime, Latitude, Longitude, type PhotoRefusal } from '../../protocol/signaling';
import { labelled } from '../../protocol/fieldText';
import { refusalText } from '../../protocol/parseInput';
import type { HttpContext, Locals } from '../HttpContext';
import { UploadSlots } from '../UploadSlots';

/** Photo and frame uploads, stamped copies and thumbnails, the public key, and case exports. */
export function evidenceRoutes({ deps, requireStaff, allow }: HttpContext): express.Router {
  const r = express.Router();
  const itemAllowed = async (res: Response<unknown, Locals>, sessionId: string) => allow(res, 'evidence.read', (await deps.resources.ofSession(sessionId)).resource);
  const pointParam = (v: unknown) => {
    const r = z.string().min(1).max(200).safeParse(v);
    if (!r.success) throw new Invalid(text('请指定检查项', 'Please name the checklist point'), 'missing point');
    return r.data;
  };
  const imageBody = (req: Request): Buffer => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new Invalid(text('没有收到图片（文件为空）', 'No image was received (the file is empty)'), 'empty body', 'photo_empty' satisfies PhotoRefusal);
    return req.body;
  };

  // Frames grabbed from the live video by the inspector (lower-grade evidence than a phone photo).
  r.post(
    '/api/sessions/:id/evidence/frame',
    requireStaff,
    async (req: Request, res: Response<unknown, Locals>, next: express.NextFunction) => {
      try {
        const { resource, session } = await deps.resources.ofSession(String(req.params.id));
        allow(res, 'session.work', resource);
        deps.lifecycle.requireWalkOpen(session);
        next();
      } catch (err) {
        req.resume();
        next(err);
      }
    },
    imageUpload(MAX_FRAME_MB),
    async (req, res: Response<unknown, Locals>) => {
      const point = pointParam(req.query.point);
      const bytes = imageBody(req);
      const { session, caseRecord } = await deps.lifecycle.session(String(req.params.id));
      const fix = await deps.lifecycle.latestFix(session.id);
      const result = await deps.evidence.accept({
        caseRecord,
        sessionId: session.id,
        pointKey: point,
        bytes,
        capturedBy: res.locals.member.username,
        source: 'frame',
        claim: fix ? { lat: fix.lat, lon: fix.lon, accuracyM: fix.accuracyM, fixTime: fix.fixTime } : {},
        fixReceivedAt: fix?.serverTime,
      });
      res.status(201).json({ evidence: result.original, stamped: result.stamped });
    },
  );

  // Full-resolution photos from the phone, authorised by its join link; `requestId` makes retries safe.
  // The link and the parameters are checked before the body is read, so a stranger cannot make the
  // server buffer 25 MB; a refused body is drained, not kept.
  const photoUploadAllowed = async (req: Request, res: Response, next: express.NextFunction) => {
    try {
      await deps.linkLimiter.hit(req.ip ?? 'unknown');
      const admitted = await deps.links.admit(String(req.params.token));
      const { resource } = await deps.resources.ofSession(admitted.session.id);
      deps.authorize({ kind: 'applicant', sessionId: admitted.session.id, linkId: admitted.link.id }, 'applicant.upload', resource);
      const q = PhotoUploadQuery.safeParse(req.query);
      if (!q.success) throw new Invalid(refusalText(PhotoUploadQuery, q.error, text('照片参数无效', 'Invalid photo parameters')), 'bad photo query');
      if (q.data.filename && /[\\/]|\.\./.test(q.data.filename)) throw new Invalid(text('文件名不能包含路径', 'The file name must not contain a path'), 'path in file name', 'photo_path_in_name' satisfies PhotoRefusal);
      if (q.data.source === 'gallery' && !deps.galleryUploads) throw new Forbidden(text('本办理机关不接受相册照片，请按检查人员的要求现场拍照', 'This office does not accept photos from the gallery; please take the photo on site as the inspector asks'), 'gallery uploads are off');
      // A retry of a photo already taken in needs no ticket check; a new camera photo must hold one before any byte is decoded.
      if (q.data.source === 'photo' && !(await deps.evidence.alreadyTaken(admitted.session.id, q.data.requestId))) {
        await deps.captureTickets.check(q.data.capture, admitted.session.id, q.data.point, q.data.requestId);
      }
      res.locals.photoUpload = { ...admitted, query: q.data };
      next();
    } catch (err) {
      req.resume();
      next(err);
    }
  };
  // A phone sends one photo at a time; a script with a leaked link must not queue decodes.
  const slots = new UploadSlots(2);
  const oneSlotPerLink = (req: Request, res: Response, next: express.NextFunction) => slots.take((res.locals.photoUpload as PhotoUpload).link.id, req, res, next);
  r.post('/j/:token/photos', photoUploadAllowed, oneSlotPerLink, imageUpload(MAX_PHOTO_MB), async (req, res) => {
    const { session, caseRecord, query } = res.locals.photoUpload as PhotoUpload;
    const q = { data: query };
    const bytes = imageBody(req);
    const result = await deps.evidence.accept({
      caseRecord,
      sessionId: session.id,
      pointKey: q.data.point,
      bytes,
      capturedBy: 'applicant',
      source: q.data.source,
      requestId: q.data.requestId,
      captureTicket: q.data.capture,
      claim: { lat: q.data.lat, lon: q.data.lon, accuracyM: q.data.accuracy, fixTime: q.data.fixTime, deviceTime: q.data.deviceTime },
    });
    // The signed receipt the phone keeps (server/evidence/receipts/UploadReceipt): its proof of what it sent.
    res.status(result.duplicate ? 200 : 201).json({ requestId: q.data.requestId, evidenceId: result.original.id, stampedId: result.stamped.id, duplicate: result.duplicate, receipt: result.receipt });
  });

  r.get('/.well-known/kanyan-evidence-key.pem', (_req, res) => {
    res.type('application/x-pem-file').send(deps.signer.publicKeyPem);
  });
  r.get('/api/evidence-key', (_req, res) => {
    res.json({ alg: 'Ed25519', keyId: deps.signer.keyId, publicKeyPem: deps.signer.publicKeyPem });
  });
  // Retired keys stay listed: records they signed must remain checkable after a rotation.
  r.get('/.well-known/kanyan-evidence-keys.json', (_req, res) => {
    // activeSm2 (国密) only when SM2 signs: the list then holds the SM2 keys too (alg 'SM2').
    const sm2 = deps.signer.sm2KeyId;
    res.json({ active: deps.signer.keyId, ...(sm2 ? { activeSm2: sm2 } : {}), keys: deps.signer.publishedKeys() });
  });

  r.get('/api/cases/:id/export', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const { resource, caseRecord } = await deps.resources.ofCase(String(req.params.id));
    allow(res, 'case.export', resource);
    const archive = await deps.exporter.export(caseRecord);
    res.setHeader('Content-Disposition', `attachment; filename="${caseRecord.caseNumber}-evidence.tar"`);
    res.type('application/x-tar').sendFile(archive, (err) => {
      void fs.promises.rm(path.dirname(archive), { recursive: true, force: true });
      if (err && !res.headersSent) res.status(500).end();
    });
  });

  // The stamped copy of a photo, full size or as a thumbnail for the console's strip.
  r.get('/api/evidence/:id/stamped', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const item = await deps.evidence.stampedOf(String(req.params.id));
    await itemAllowed(res, item.sessionId);
    const width = z.coerce.number().int().min(32).max(1600).optional().safeParse(req.query.w);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    if (width.success && width.data) {
      res.type('image/jpeg').send(await deps.evidence.thumbnail(item, width.data));
      return;
    }
    res.type(item.mediaType).sendFile(deps.evidence.fileOf(item));
  });

  // What the record of a photo says, for the photo viewer: when the server took it in, what the phone
  // claimed, what the server checked, who captured it, and the hashes of the original and its stamped copy.
  r.get('/api/evidence/:id/record', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const item = await deps.evidence.get(String(req.params.id));
    await itemAllowed(res, item.sessionId);
    const stamped = item.grade === 'stamped' ? item : await deps.evidence.stampedOf(item.id).catch((err: unknown) => {
      // A frame or photo whose stamping never finished has no copy: the record still shows.
      if (err instanceof NotFound) return undefined;
      throw err;
    });
    const staff = item.capturedBy === 'applicant' ? undefined : (await deps.accounts.list()).find((m) => m.username === item.capturedBy);
    const { requestId: _requestId, ...evidence } = item;
    res.json({
      evidence,
      stamped: stamped ? { id: stamped.id, sha256: stamped.sha256, bytes: stamped.bytes, mediaType: stamped.mediaType } : null,
      capturedByName: staff?.displayName,
    });
  });

  r.get('/api/evidence/:id', requireStaff, async (req, res: Response<unknown, Locals>) => {
    const item = await deps.evidence.get(String(req.params.id));
    await itemAllowed(res, item.sessionId);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.type(item.mediaType).sendFile(deps.evidence.fileOf(item));
  });
  return r;
}

const MAX_PHOTO_MB = 25;
const MAX_FRAME_MB = 8;

/** A body over the size limit: the photo itself is too big, so the phone drops it (express's own 413 carries no reason). */
class PhotoTooBig extends AppError {
  readonly status = 413;
  readonly code = 'too_large';
}

/** The raw image body, its size limit reported as the photo's own fault. */
function imageUpload(maxMb: number): express.RequestHandler {
  const raw = express.raw({ type: () => true, limit: `${maxMb}mb` });
  return (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { status?: unknown } | undefined)?.status === 413) {
        next(new PhotoTooBig(text(`图片超过 ${maxMb} MB，无法上传`, `The image is over ${maxMb} MB and cannot be uploaded`), `image body over ${maxMb} MB`, 'photo_too_big' satisfies PhotoRefusal));
        return;
      }
      next(err);
    });
}

/** The phone's claims are bounded here as on the socket (see protocol/signaling); the phone leaves out a claim out of range rather than have the photo refused. */
const PhotoUploadQuery = z.object({
  point: labelled(z.string().min(1).max(200), text('检查项', 'Checklist point')),
  requestId: labelled(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), text('拍照请求编号', 'Photo request id')),
  source: labelled(z.enum(['photo', 'gallery']), text('照片来源', 'Photo source')).default('photo'),
  /** The inspector's request this camera photo answers (see CaptureTickets). */
  capture: labelled(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), text('拍照请求', 'Photo request')).optional(),
  lat: z.coerce.number().pipe(Latitude).optional(),
  lon: z.coerce.number().pipe(Longitude).optional(),
  accuracy: z.coerce.number().pipe(ClaimedAccuracy).optional(),
  fixTime: labelled(z.coerce.number().pipe(ClaimedTime), text('定位时间', 'Fix time')).optional(),
  deviceTime: labelled(z.coerce.number().pipe(ClaimedTime), text('手机时间', 'Phone time')).optional(),
  filename: labelled(z.string().max(255), text('文件名', 'File name')).optional(),
});

type PhotoUpload = AdmittedPhone & { query: z.infer<typeof PhotoUploadQuery> };
