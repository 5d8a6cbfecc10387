import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { KanyanServer } from '../../server/KanyanServer';
import { loadConfig } from '../../server/platform/config';
import { createLogger, type Logger } from '../../server/platform/logger';
import { INSPECTOR, type RunningServer } from './testServer';

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
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-test-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    TLS: 'off',
    RTC_PORT: '0',
    RTC_LISTEN_IP: '127.0.0.1',
    MEDIA_WORKERS: '1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    INSPECTOR_USER: INSPECTOR.username,
    INSPECTOR_PASSWORD: INSPECTOR.password,
    SEED_DEMO: 'false',
  });
  const log = new LogCapture();
  const server = await KanyanServer.start(config, log.logger(config.logLevel));
  return {
    server,
    url: server.url,
    dataDir,
    config,
    log,
    async stop({ keepData = false } = {}) {
      await server.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
