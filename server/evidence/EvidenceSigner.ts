import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A public evidence key as the office publishes it: every key that ever signed stays listed. */
export interface PublishedKey {
  keyId: string;
  alg: 'Ed25519';
  publicKeyPem: string;
  /** Server time (ms) the key started signing. */
  activeFrom: number;
  /** Server time (ms) it was retired; its private half was destroyed then. */
  retiredAt: number | null;
}

const ACTIVE_KEY = 'evidence-ed25519.key';

/**
 * The server's Ed25519 evidence key: made on first start under the data dir and kept. Records
 * name the key id (hash of the public key) so keys can rotate: a rotation destroys the old private
 * key, keeps its public half in `keys/public/`, and old records still verify against it.
 */
export class EvidenceSigner {
  private constructor(
    private readonly privateKey: crypto.KeyObject,
    readonly publicKeyPem: string,
    readonly keyId: string,
    private readonly keysDir: string,
  ) {}

  static loadOrCreate(dataDir: string, now = Date.now()): EvidenceSigner {
    const dir = path.join(dataDir, 'keys');
    const keyFile = path.join(dir, ACTIVE_KEY);
    if (!fs.existsSync(keyFile)) writeNewPrivateKey(dir);
    const privateKey = crypto.createPrivateKey(fs.readFileSync(keyFile));
    const publicKey = crypto.createPublicKey(privateKey);
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const signer = new EvidenceSigner(privateKey, publicKeyPem, keyIdOf(publicKey), dir);
    // Data dirs from before key publishing kept only the private key: publish its public half now.
    if (!fs.existsSync(publishedFile(dir, signer.keyId))) {
      writeAtomic(publishedFile(dir, signer.keyId), JSON.stringify({ keyId: signer.keyId, alg: 'Ed25519', publicKeyPem, activeFrom: now, retiredAt: null } satisfies PublishedKey, null, 2));
    }
    return signer;
  }

  /**
   * Retires the active key and makes a new one. Run with the server stopped: a running server
   * keeps signing with the key it loaded until it restarts.
   */
  static rotate(dataDir: string, now = Date.now()): { retired: string; active: string } {
    const old = EvidenceSigner.loadOrCreate(dataDir, now);
    const published = JSON.parse(fs.readFileSync(publishedFile(old.keysDir, old.keyId), 'utf8')) as PublishedKey;
    writeAtomic(publishedFile(old.keysDir, old.keyId), JSON.stringify({ ...published, retiredAt: now }, null, 2));
    const keyFile = path.join(old.keysDir, ACTIVE_KEY);
    // Destroy the private half so nobody can sign back-dated records with a retired key.
    fs.writeFileSync(keyFile, crypto.randomBytes(fs.statSync(keyFile).size));
    fs.unlinkSync(keyFile);
    return { retired: old.keyId, active: EvidenceSigner.loadOrCreate(dataDir, now).keyId };
  }

  /** Every key this server has signed with, newest first. */
  publishedKeys(): PublishedKey[] {
    const dir = path.join(this.keysDir, 'public');
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PublishedKey)
      .sort((a, b) => b.activeFrom - a.activeFrom);
  }

  publicKeyPemOf(keyId: string): string | undefined {
    return this.publishedKeys().find((k) => k.keyId === keyId)?.publicKeyPem;
  }

  sign(data: Buffer): string {
    return crypto.sign(null, data, this.privateKey).toString('base64');
  }
}

export function keyIdOf(publicKey: crypto.KeyObject): string {
  return crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function writeNewPrivateKey(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  writeAtomic(path.join(dir, ACTIVE_KEY), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
}

function publishedFile(keysDir: string, keyId: string): string {
  return path.join(keysDir, 'public', `${keyId}.json`);
}

function writeAtomic(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.renameSync(tmp, file);
}
