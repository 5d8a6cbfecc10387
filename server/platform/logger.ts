import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const CENSOR = '[redacted]';

/** Field names that hold secrets wherever they appear (up to three levels deep). */
const SECRET_FIELDS = ['password', 'current', 'next', 'token', 'cookie', 'cookies', 'authorization', '"set-cookie"'];

/**
 * Where secrets sit in what the server logs: passwords (log-in and password change bodies), join
 * tokens (socket handshakes, link bodies), login cookies (request and response headers).
 */
export const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.*.${f}`),
].map((p) => p.replace(/\."set-cookie"$/, '["set-cookie"]').replace(/^"set-cookie"$/, '["set-cookie"]'));

// Secrets inside strings (a path, an error message): a field name does not give them away.
const MASKS: Array<[RegExp, string]> = [
  // The phone's join link: /j/<token>, /j/<token>/photos.
  [/\/j\/[A-Za-z0-9._~%+=-]+/g, `/j/${CENSOR}`],
  // A join token on its own: base64url JSON ("eyJ…") and a 43-character HMAC.
  [/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, CENSOR],
  // The login cookie, in a raw header or a message quoting one.
  [/(kanyan_login=)[^;,"'\s\\]+/g, `$1${CENSOR}`],
  // token=… in a query string.
  [/([?&]token=)[^&#"'\s\\]+/g, `$1${CENSOR}`],
];

/** The text with join links, join tokens and login cookies masked: for paths and messages that reach a log. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const [re, by] of MASKS) out = out.replace(re, by);
  return out;
}

/**
 * The server's logger: JSON lines, with secrets redacted by field name and masked inside every
 * string of the written line. `destination` is for tests that read what was written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'kanyan' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    hooks: { streamWrite: maskSecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}
