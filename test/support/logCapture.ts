import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../server/platform/logger';
import { startTestServer, type RunningServer } from './testServer';

/** Every line a logger wrote, as written (after redaction) and parsed. */
export class LogCapture {
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      this.raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  logger(level = 'debug'): Logger {
    return createLogger(level, this.stream);
  }

  get text(): string {
    return this.raw.join('\n');
  }

  lines(): Array<Record<string, unknown> & { level: number; msg?: string }> {
    return this.raw.map((l) => JSON.parse(l) as Record<string, unknown> & { level: number; msg?: string });
  }

  /** Lines at error level (pino 50) or above. */
  errors(): Array<Record<string, unknown>> {
    return this.lines().filter((l) => l.level >= 50);
  }
}

/**
 * startTestServer's server (same settings, see testServer.ts), logging at debug into a capture, so
 * a test can read what would have reached the log.
 */
export async function startLoggedServer(): Promise<RunningServer & { log: LogCapture }> {
  const log = new LogCapture();
  const srv = await startTestServer({ LOG_LEVEL: 'debug' }, { logger: (level) => log.logger(level) });
  return Object.assign(srv, { log });
}
