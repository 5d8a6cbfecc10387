import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from './config';
import type { Logger } from './logger';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  selfSigned: boolean;
}

/**
 * Phones grant camera and location only on a secure origin, so the server speaks HTTPS. Without
 * TLS_CERT/TLS_KEY a self-signed certificate is made on first start (openssl, P-256) naming every
 * local address, and reused afterwards.
 */
export function loadTls(config: Config, log: Logger): TlsFiles | undefined {
  if (config.tls.mode === 'off') return undefined;
  if (config.tls.certFile && config.tls.keyFile) {
    return { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), selfSigned: false };
  }
  const dir = path.join(config.dataDir, 'tls');
  const certFile = path.join(dir, 'self-signed.crt');
  const keyFile = path.join(dir, 'self-signed.key');
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = subjectAltNames(config);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '825', '-subj', '/CN=Kanyan self-signed', '-addext', `subjectAltName=${names.join(',')}`,
      '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'pipe' });
    fs.chmodSync(keyFile, 0o600);
    log.info({ certFile, names }, 'generated a self-signed TLS certificate');
  }
  return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), selfSigned: true };
}

function subjectAltNames(config: Config): string[] {
  const dns = new Set(['localhost', os.hostname()]);
  const ips = new Set(['127.0.0.1', '::1', ...lanAddresses()]);
  if (config.rtc.announcedIp) ips.add(config.rtc.announcedIp);
  if (config.publicUrl) dns.add(new URL(config.publicUrl).hostname);
  const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');
  return [
    ...[...dns].filter((h) => !isIp(h)).map((h) => `DNS:${h}`),
    ...[...ips, ...[...dns].filter(isIp)].map((ip) => `IP:${ip}`),
  ];
}

/** Non-internal IPv4 addresses, for links a phone on the office Wi-Fi can open. */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}
