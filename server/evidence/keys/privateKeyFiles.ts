import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { text, type Text } from '../../platform/Text';

/**
 * A private evidence key the server must not start with: readable by others, encrypted without (or
 * with the wrong) passphrase. The message names the file and the fix, in both languages.
 */
export class EvidenceKeyError extends Error {
  constructor(readonly userText: Text) {
    super(`${userText['zh-CN']}\n${userText.en}`);
    this.name = 'EvidenceKeyError';
  }
}

/**
 * Reads a private key file after checking nobody but the server's user can read it. A key written
 * encrypted needs the passphrase; an unencrypted one with a passphrase set is encrypted in place,
 * so setting EVIDENCE_KEY_PASSPHRASE on an existing data dir protects its keys from the next start.
 */
export function readPrivateKeyFile(file: string, passphrase: string | undefined): crypto.KeyObject {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    const octal = mode.toString(8).padStart(4, '0');
    throw new EvidenceKeyError(
      text(
        `证据签名私钥 ${file} 的权限为 ${octal}，同组或其他用户可以读取。服务器拒绝启动。请执行：chmod 600 ${file}`,
        `The evidence signing key ${file} has mode ${octal}: its group or other users can read it. The server will not start. Fix: chmod 600 ${file}`,
      ),
    );
  }
  const pem = fs.readFileSync(file, 'utf8');
  const encrypted = pem.includes('BEGIN ENCRYPTED PRIVATE KEY');
  if (encrypted && !passphrase) {
    throw new EvidenceKeyError(
      text(
        `证据签名私钥 ${file} 已加密，但未设置 EVIDENCE_KEY_PASSPHRASE。服务器拒绝启动：请设置加密时所用的口令。`,
        `The evidence signing key ${file} is encrypted, but EVIDENCE_KEY_PASSPHRASE is not set. The server will not start: set the passphrase it was encrypted with.`,
      ),
    );
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch (err) {
    throw new EvidenceKeyError(
      encrypted
        ? text(
            `证据签名私钥 ${file} 无法用 EVIDENCE_KEY_PASSPHRASE 解密（口令错误？）。服务器拒绝启动。`,
            `The evidence signing key ${file} does not decrypt with EVIDENCE_KEY_PASSPHRASE (wrong passphrase?). The server will not start.`,
          )
        : text(`证据签名私钥 ${file} 无法读取（${(err as Error).message}）。`, `The evidence signing key ${file} cannot be read (${(err as Error).message}).`),
    );
  }
  if (!encrypted && passphrase) writePrivateKeyFile(file, key, passphrase);
  return key;
}

/** Mode 0600 from the first byte (written under a temporary name, then renamed): never readable by others, never half-written. */
export function writePrivateKeyFile(file: string, key: crypto.KeyObject, passphrase: string | undefined): void {
  const pem = passphrase
    ? key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    : key.export({ type: 'pkcs8', format: 'pem' });
  writeAtomic(file, pem.toString(), 0o600);
}

export function writeAtomic(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  // writeFileSync's mode is filtered by the umask and ignored for an existing file: set it outright.
  fs.chmodSync(tmp, mode);
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Overwrites a retired private key with random bytes before unlinking it, so its old blocks do not keep it. */
export function destroyFile(file: string): void {
  if (!fs.existsSync(file)) return;
  fs.writeFileSync(file, crypto.randomBytes(Math.max(fs.statSync(file).size, 1)));
  fs.unlinkSync(file);
}
