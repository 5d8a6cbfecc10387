import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EvidenceSigner } from '../../../server/evidence/EvidenceSigner';
import { EvidenceKeyError } from '../../../server/evidence/keys/privateKeyFiles';

// The key files themselves: modes, encryption at rest, and a rotation a crash cut short.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-keyfiles-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const keyFile = (name = 'evidence-ed25519.key') => path.join(dir, 'keys', name);
const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('evidence key files', () => {
  it('writes private keys 0600 whatever the umask, and refuses one that others can read', () => {
    const umask = process.umask(0);
    try {
      EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    } finally {
      process.umask(umask);
    }
    expect(mode(keyFile())).toBe(0o600);
    expect(mode(keyFile('evidence-sm2.key'))).toBe(0o600);
    expect(mode(path.join(dir, 'keys'))).toBe(0o700);
    fs.chmodSync(keyFile(), 0o604);
    expect(() => EvidenceSigner.loadOrCreate(dir, 1000)).toThrow(EvidenceKeyError);
    expect(() => EvidenceSigner.loadOrCreate(dir, 1000)).toThrow(`chmod 600 ${keyFile()}`);
  });

  it('encrypts existing plain keys when a passphrase is set, keeps their ids, and keeps them encrypted across a rotation', () => {
    const plain = EvidenceSigner.loadOrCreate(dir, 1000, { mode: 'both' });
    const opts = { mode: 'both' as const, passphrase: 'a long passphrase' };
    const encrypted = EvidenceSigner.loadOrCreate(dir, 2000, opts);
    expect([encrypted.keyId, encrypted.sm2KeyId]).toEqual([plain.keyId, plain.sm2KeyId]);
    for (const f of [keyFile(), keyFile('evidence-sm2.key')]) {
      expect(fs.readFileSync(f, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      expect(mode(f)).toBe(0o600);
    }
    encrypted.rotate(3000);
    for (const f of [keyFile(), keyFile('evidence-sm2.key')]) expect(fs.readFileSync(f, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    const again = EvidenceSigner.loadOrCreate(dir, 4000, opts);
    expect([again.keyId, again.sm2KeyId]).toEqual([encrypted.keyId, encrypted.sm2KeyId]);
    expect(() => EvidenceSigner.loadOrCreate(dir, 4000, { mode: 'both' })).toThrow('EVIDENCE_KEY_PASSPHRASE is not set');
    expect(() => EvidenceSigner.loadOrCreate(dir, 4000, { mode: 'both', passphrase: 'not the passphrase' })).toThrow('does not decrypt');
  });

  it('finishes a rotation a crash cut short: the half-made key is dropped, the aside name unlinked without harming the key, and only the active key stays unretired', () => {
    const signer = EvidenceSigner.loadOrCreate(dir, 1000);
    // As if the server died after linking the old key aside and publishing a successor that never took over.
    fs.linkSync(keyFile(), `${keyFile()}.retiring`);
    fs.writeFileSync(`${keyFile()}.new`, 'half written', { mode: 0o600 });
    const ghost = { keyId: '0123456789abcdef', alg: 'Ed25519', publicKeyPem: 'x', activeFrom: 1500, retiredAt: null };
    fs.writeFileSync(path.join(dir, 'keys', 'public', `${ghost.keyId}.json`), JSON.stringify(ghost));
    const reloaded = EvidenceSigner.loadOrCreate(dir, 2000);
    expect(reloaded.keyId).toBe(signer.keyId);
    expect(fs.existsSync(`${keyFile()}.new`)).toBe(false);
    expect(fs.existsSync(`${keyFile()}.retiring`)).toBe(false);
    // The active key file was not harmed by destroying its former second name.
    expect(reloaded.sign(Buffer.from('x'))).toBe(signer.sign(Buffer.from('x')));
    const published = reloaded.publishedKeys();
    expect(published.filter((k) => k.retiredAt === null).map((k) => k.keyId)).toEqual([signer.keyId]);
    expect(published.find((k) => k.keyId === ghost.keyId)!.retiredAt).toBe(2000);
  });

  it('destroys a retired key left aside by a crash after the swap', () => {
    EvidenceSigner.loadOrCreate(dir, 1000);
    const retired = `${keyFile()}.retiring`;
    fs.writeFileSync(retired, '-----BEGIN PRIVATE KEY-----\nretired\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    EvidenceSigner.loadOrCreate(dir, 2000);
    expect(fs.existsSync(retired)).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'keys')).filter((f) => f.endsWith('.key') || f.includes('.key.'))).toEqual(['evidence-ed25519.key']);
  });
});
