// One error hierarchy for the whole server. Each error carries an HTTP-like status, a stable
// machine code, and a message safe to show to the person on the other end, in both languages.
import { say, type Lang, type Text } from './Text';

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Shown to the user as is, in the language of the request or socket. */
  readonly userText: Text;
  /** The zh-CN message (the office's language); `say(err.userText, lang)` gives the asked one. */
  readonly userMessage: string;
  constructor(
    message: Text,
    detail?: string,
    /** A finer machine-readable cause, so a page can show the right screen (e.g. link_revoked vs link_expired). */
    readonly reason?: string,
  ) {
    super(detail ?? message['zh-CN']);
    this.userText = message;
    this.userMessage = message['zh-CN'];
    this.name = new.target.name;
  }
}

export class Invalid extends AppError {
  readonly status = 400;
  readonly code = 'invalid';
}

export class Unauthorized extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
}

export class Gone extends AppError {
  readonly status = 410;
  readonly code = 'gone';
}

export class TooMany extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
}

export class Unavailable extends AppError {
  readonly status = 503;
  readonly code = 'unavailable';
}

export interface WireError {
  code: string;
  message: string;
  reason?: string;
}

/** Maps any thrown value to what may cross the wire; unknown errors never leak their text. */
export function toWireError(err: unknown, lang: Lang = 'zh-CN'): WireError {
  if (err instanceof AppError) {
    const message = say(err.userText, lang);
    return err.reason ? { code: err.code, message, reason: err.reason } : { code: err.code, message };
  }
  return { code: 'internal', message: lang === 'en' ? 'Internal server error; please try again later.' : '服务器内部错误，请稍后重试' };
}

export function statusOf(err: unknown): number {
  return err instanceof AppError ? err.status : 500;
}
