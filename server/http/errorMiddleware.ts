import type { ErrorRequestHandler } from 'express';
import { AppError, statusOf, toWireError } from '../platform/errors';
import type { Logger } from '../platform/logger';

/** The one place HTTP errors are mapped: AppErrors keep their status and message, others are 500. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // body-parser signals oversize and broken JSON with its own status codes.
    const bodyStatus = typeof err?.status === 'number' && err.type ? (err.status as number) : undefined;
    if (bodyStatus) {
      const message = bodyStatus === 413 ? '提交的内容过大' : '请求内容格式无效 (malformed JSON)';
      res.status(bodyStatus).json({ error: { code: bodyStatus === 413 ? 'too_large' : 'invalid', message } });
      return;
    }
    if (!(err instanceof AppError)) log.error({ err, path: req.path }, 'request failed');
    res.status(statusOf(err)).json({ error: toWireError(err) });
  };
}
