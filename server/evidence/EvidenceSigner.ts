import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The server's Ed25519 evidence key: made on first start under the data dir and kept; records
 * name the key id (hash of the public key) so keys can rotate while old records still verify.
 */
export class EvidenceSigner {
  private constructor(
    private readonly privateKey: crypto.KeyObject,
    readonly publicKeyPem: string,
    readonly keyId: string,
  ) {}

  static loadOrCreate(dataDir: string): EvidenceSigner {
    const dir = path.join(dataDir, 'keys');
    const keyFile = path.join(dir, 'evidence-ed25519.key');
    if (!fs.existsSync(keyFile)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { privateKey } = crypto.generateKeyPairSync('ed25519');
      const tmp = `${keyFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      fs.renameSync(tmp, keyFile);
    }
    const privateKey = crypto.createPrivateKey(fs.readFileSync(keyFile));
    const publicKey = crypto.createPublicKey(privateKey);
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return new EvidenceSigner(privateKey, publicKeyPem, keyIdOf(publicKey));
  }

  sign(data: Buffer): string {
    return crypto.sign(null, data, this.privateKey).toString('base64');
  }
}

export function keyIdOf(publicKey: crypto.KeyObject): string {
  return crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}
