import { demoJoinToken } from './cases/demoCase';
import fs from 'node:fs';
import path from 'node:path';
import { INITIAL_PASSWORD_FILE, KanyanServer } from './KanyanServer';
import { ConfigError, loadConfig } from './platform/config';
import { createLogger } from './platform/logger';
import { lanAddresses } from './platform/tls';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const server = await KanyanServer.start(config, log);

  const origin = config.publicUrl ?? server.url.replace('localhost', lanAddresses()[0] ?? 'localhost');
  const lines = [
    '',
    '  勘验 Kanyan is running',
    `  Staff console:      ${server.url}/inspector`,
    `  Accounts (admin):   ${server.url}/admin`,
    `  First admin:        ${config.seedAdmin.username} / ${passwordHint(config.dataDir, server.seededPassword, !!config.seedAdmin.password)}`,
  ];
  if (config.seedDemo) {
    const admin = (await server.accounts.list()).find((a) => a.username === config.seedAdmin.username && a.roles.includes('inspector'));
    if (admin) lines.push(`  Demo phone link:    ${origin}/j/${await demoJoinToken(server.cases, server.intake, server.lifecycle, server.links, admin)}`);
  }
  if (server.url.startsWith('https')) lines.push('  (self-signed certificate: accept the browser warning once, or set TLS_CERT / TLS_KEY)');
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

function passwordHint(dataDir: string, generated: string | undefined, fromEnv: boolean): string {
  if (generated) return generated;
  if (fromEnv) return '(ADMIN_PASSWORD)';
  const file = path.join(dataDir, 'secrets', INITIAL_PASSWORD_FILE);
  return fs.existsSync(file) ? `(first password in ${path.relative(process.cwd(), file)})` : '(as set on first start)';
}

main().catch((err) => {
  process.stderr.write(`Kanyan failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
