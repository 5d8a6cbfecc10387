import type { ErrorRequestHandler } from 'express';
import { LoginRefused } from '../accounts/LoginRefused';
import { AppError, statusOf, toWireError } from '../platform/errors';
import { maskSecrets, type Logger } from '../platform/logger';
import { text, type Text } from '../platform/Text';
import { requestLang } from './requestLang';

const CLIENT_MISTAKES = {
  tooLarge: text('提交的内容过大', 'The request is too large'),
  badJson: text('请求内容格式无效', 'Malformed JSON in the request'),
  badUrl: text('请求地址编码无效', 'Malformed URL encoding'),
  notFound: text('文件不存在', 'File not found'),
  bad: text('请求无效', 'Bad request'),
};

/** What a client got wrong, as express and its parts report it (they set `status`, not our classes). */
function clientMistake(err: unknown): { status: number; code: string; message: Text } | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  const type = (err as { type?: unknown } | null)?.type;
  // body-parser signals oversize and broken JSON with its own status codes.
  if (typeof status === 'number' && type) {
    return status === 413 ? { status, code: 'too_large', message: CLIENT_MISTAKES.tooLarge } : { status, code: 'invalid', message: CLIENT_MISTAKES.badJson };
  }
  // The router cannot decode a percent-encoded path parameter (`/api/cases/%E0%A4%A`).
  if (err instanceof URIError) return { status: 400, code: 'invalid', message: CLIENT_MISTAKES.badUrl };
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (status === 400) return { status, code: 'invalid', message: CLIENT_MISTAKES.badUrl };
  // The static file server: missing file, or a path that tries to leave the folder (403): both are "no such file".
  if (status === 403 || status === 404) return { status: 404, code: 'not_found', message: CLIENT_MISTAKES.notFound };
  return { status, code: 'invalid', message: CLIENT_MISTAKES.bad };
}

/** The one place HTTP errors are mapped: AppErrors keep their status and message, client mistakes a 4xx, others are 500. */
export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) {
      // Mid-stream (a file being sent): the client sees the connection end; nothing else to say.
      log.warn({ err: maskSecrets(String((err as Error)?.message ?? err)), path: maskSecrets(req.path) }, 'response failed after it started');
      res.destroy();
      return;
    }
    // The path may hold a join token (/j/<token>/photos): never logged as is.
    const path = maskSecrets(req.path);
    const mistake = err instanceof AppError ? undefined : clientMistake(err);
    if (mistake) {
      log.debug({ status: mistake.status, method: req.method, path, reason: maskSecrets(String((err as Error)?.message ?? err)) }, 'client error');
      res.status(mistake.status).json({ error: { code: mistake.code, message: mistake.message[requestLang(req)] } });
      return;
    }
    if (!(err instanceof AppError)) log.error({ err, method: req.method, path }, 'request failed');
    if (err instanceof LoginRefused) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    res.status(statusOf(err)).json({ error: toWireError(err, requestLang(req)) });
  };
}
