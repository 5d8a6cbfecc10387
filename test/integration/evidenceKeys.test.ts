import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../server/checklist/canonicalJson';
import type { SignedRecord } from '../../server/evidence/EvidenceRecord';
import { EvidenceSigner, type PublishedKey } from '../../server/evidence/EvidenceSigner';
import type { SignedKeyRotation } from '../../server/evidence/keys/KeyRotationStatement';
import { EvidenceKeyError } from '../../server/evidence/keys/privateKeyFiles';
import { checkKeyRotation, checkRecordSignatures, publicKeyFromPem, type ExportKeys } from '../../server/evidence/verifySignatures';
import { testJpeg } from '../support/images';
import { createAccount } from '../support/office';
import { captureTicket, createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

// Keys at rest and in rotation (issue 12): 0600 or no start, the passphrase across a restart,
// the admin's rotation on a running server, and SM2 (国密) signatures next to Ed25519.

const ADDRESS = { text: '测试地址', lat: 39.92893, lon: 116.41642 };
const SIGNBOARD = 'common.signboard_address';
const PASSPHRASE = 'correct horse battery staple';
const DISTID = '1234567812345678';

let photo: Buffer;
let serial = 0;
beforeAll(async () => {
  photo = await testJpeg(1600, 1200);
});

async function upload(srv: RunningServer, c: CreatedCase): Promise<void> {
  const q = new URLSearchParams({ point: SIGNBOARD, requestId: `keys-upload-${++serial}`, capture: await captureTicket(srv, c.sessionId, SIGNBOARD), lat: '39.92898', lon: '116.41642', accuracy: '5' });
  const res = await fetch(`${srv.url}/j/${c.token}/photos?${q}`, { method: 'POST', body: new Uint8Array(photo) });
  expect([res.status, res.status === 201 ? '' : await res.text()]).toEqual([201, '']);
}

async function publishedKeys(srv: RunningServer): Promise<{ active: string; activeSm2?: string; keys: PublishedKey[] }> {
  return (await fetch(`${srv.url}/.well-known/kanyan-evidence-keys.json`)).json();
}

/** Every signature of every record of the case, checked in process and, for one record per key, by the openssl CLI. */
async function checkAllRecords(srv: RunningServer, caseId: string): Promise<{ records: SignedRecord[]; problems: string[] }> {
  const records = await srv.server.store.evidenceRecords.list(caseId);
  const published = (await publishedKeys(srv)).keys;
  const keys: ExportKeys = new Map(published.map((k) => [k.keyId, publicKeyFromPem(k.publicKeyPem).key]));
  const problems: string[] = [];
  const cliChecked = new Set<string>();
  for (const r of records) {
    const canonical = Buffer.from(canonicalJson(r.record), 'utf8');
    problems.push(...checkRecordSignatures(canonical, r, keys));
    for (const [keyId, sig, sm2] of [[r.record.keyId, r.signature, false], ...(r.sm2 ? [[r.sm2.keyId, r.sm2.signature, true] as const] : [])] as const) {
      if (cliChecked.has(keyId)) continue;
      cliChecked.add(keyId);
      if (!opensslVerifies(published.find((k) => k.keyId === keyId)!.publicKeyPem, canonical, Buffer.from(sig, 'base64'), sm2)) problems.push(`record ${r.record.seq}: openssl rejects the signature by ${keyId}`);
    }
  }
  return { records, problems };
}

function opensslVerifies(pem: string, data: Buffer, sig: Buffer, sm2: boolean): boolean {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-keys-cli-'));
  try {
    fs.writeFileSync(path.join(work, 'k.pem'), pem);
    fs.writeFileSync(path.join(work, 'd'), data);
    fs.writeFileSync(path.join(work, 's'), sig);
    const sm3 = sm2 ? ['-digest', 'sm3', '-pkeyopt', `distid:${DISTID}`] : [];
    return spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', 'k.pem', '-rawin', ...sm3, '-in', 'd', '-sigfile', 's'], { cwd: work }).status === 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function refusal(env: Record<string, string>, dataDir: string): Promise<EvidenceKeyError> {
  const err = await startTestServer(env, { dataDir }).then(
    async (srv) => {
      await srv.stop({ keepData: true });
      throw new Error('the server started');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EvidenceKeyError);
  return err as EvidenceKeyError;
}

describe('evidence keys at rest', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-keys-test-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses to start when a private key file is readable by others, naming the file and the fix in both languages', async () => {
    EvidenceSigner.loadOrCreate(dataDir, Date.now(), { mode: 'both' });
    const ed = path.join(dataDir, 'keys', 'evidence-ed25519.key');
    const sm2 = path.join(dataDir, 'keys', 'evidence-sm2.key');
    expect(fs.statSync(ed).mode & 0o777).toBe(0o600);
    expect(fs.statSync(sm2).mode & 0o777).toBe(0o600);
    fs.chmodSync(sm2, 0o644);
    const err = await refusal({ EVIDENCE_SIGNATURE: 'both' }, dataDir);
    expect(err.userText['zh-CN']).toContain(`chmod 600 ${sm2}`);
    expect(err.userText['zh-CN']).toContain('服务器拒绝启动');
    expect(err.userText.en).toContain(`The evidence signing key ${sm2} has mode 0644`);
    expect(err.message).toContain(`Fix: chmod 600 ${sm2}`);
    fs.chmodSync(sm2, 0o640);
    expect((await refusal({ EVIDENCE_SIGNATURE: 'both' }, dataDir)).message).toContain('0640');
    fs.chmodSync(sm2, 0o600);
    const srv = await startTestServer({ EVIDENCE_SIGNATURE: 'both' }, { dataDir });
    try {
      expect((await publishedKeys(srv)).activeSm2).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      await srv.stop({ keepData: true });
    }
  });

  it('encrypts the keys with EVIDENCE_KEY_PASSPHRASE, signs with the same keys after a restart, and refuses to start without it or with a wrong one', async () => {
    // An existing data dir with unencrypted keys: encrypted in place on the first start with a passphrase.
    const plain = EvidenceSigner.loadOrCreate(dataDir, Date.now(), { mode: 'both' });
    const keyFiles = ['evidence-ed25519.key', 'evidence-sm2.key'].map((f) => path.join(dataDir, 'keys', f));
    for (const f of keyFiles) expect(fs.readFileSync(f, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const env = { EVIDENCE_SIGNATURE: 'both', EVIDENCE_KEY_PASSPHRASE: PASSPHRASE };
    let srv = await startTestServer(env, { dataDir });
    let c: CreatedCase;
    let before: Awaited<ReturnType<typeof publishedKeys>>;
    try {
      c = await createCase(srv.url, await loginCookie(srv.url), ADDRESS);
      await upload(srv, c);
      before = await publishedKeys(srv);
      expect([before.active, before.activeSm2]).toEqual([plain.keyId, plain.sm2KeyId]);
    } finally {
      await srv.stop({ keepData: true });
    }
    for (const f of keyFiles) {
      expect(fs.readFileSync(f, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
      // The CLI reads it with the passphrase and not without.
      expect(spawnSync('openssl', ['pkey', '-in', f, '-passin', `pass:${PASSPHRASE}`, '-noout']).status).toBe(0);
      expect(spawnSync('openssl', ['pkey', '-in', f, '-passin', 'pass:not-the-passphrase', '-noout']).status).not.toBe(0);
    }
    const missing = await refusal({ EVIDENCE_SIGNATURE: 'both' }, dataDir);
    expect(missing.userText['zh-CN']).toContain('未设置 EVIDENCE_KEY_PASSPHRASE');
    expect(missing.userText.en).toContain(`${keyFiles[0]} is encrypted, but EVIDENCE_KEY_PASSPHRASE is not set`);
    const wrong = await refusal({ EVIDENCE_SIGNATURE: 'both', EVIDENCE_KEY_PASSPHRASE: 'a wrong passphrase' }, dataDir);
    expect(wrong.userText.en).toContain('does not decrypt with EVIDENCE_KEY_PASSPHRASE');

    srv = await startTestServer(env, { dataDir });
    try {
      const after = await publishedKeys(srv);
      expect([after.active, after.activeSm2]).toEqual([before.active, before.activeSm2]);
      await upload(srv, c);
      const { records, problems } = await checkAllRecords(srv, c.caseId);
      expect(problems).toEqual([]);
      expect(records.length).toBe(4);
      expect(new Set(records.map((r) => r.record.keyId))).toEqual(new Set([before.active]));
    } finally {
      await srv.stop({ keepData: true });
    }
  });
});

describe('offline rotation (npm run rotate-key, server stopped)', () => {
  it('rotates encrypted Ed25519 and SM2 keys, and the statements enter the office log on the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-keys-offline-'));
    try {
      const env = { EVIDENCE_SIGNATURE: 'sm2', EVIDENCE_KEY_PASSPHRASE: PASSPHRASE };
      const old = EvidenceSigner.loadOrCreate(dataDir, Date.now(), { mode: 'sm2', passphrase: PASSPHRASE });
      const refused = spawnSync('node', ['--require', 'tsx/cjs', 'scripts/rotate-key.ts'], { env: { ...process.env, DATA_DIR: dataDir, EVIDENCE_SIGNATURE: 'sm2' } });
      expect(refused.status).toBe(2);
      expect(refused.stderr.toString()).toContain('EVIDENCE_KEY_PASSPHRASE');
      const out = spawnSync('node', ['--require', 'tsx/cjs', 'scripts/rotate-key.ts'], { env: { ...process.env, DATA_DIR: dataDir, ...env } });
      expect(out.stdout.toString()).toContain(`retired evidence key ${old.keyId}`);
      expect(out.stdout.toString()).toContain(`SM2: retired ${old.sm2KeyId}`);
      const pending = path.join(dataDir, 'keys', 'rotations', 'pending');
      expect(fs.readdirSync(pending)).toHaveLength(2);
      const srv = await startTestServer(env, { dataDir });
      try {
        expect(fs.readdirSync(pending)).toEqual([]);
        const size = await srv.server.store.officeLog.size();
        const kinds: string[] = [];
        for (let i = 0; i < size; i++) {
          const entry = await srv.server.store.officeLog.officeEntry(i);
          if (entry) kinds.push(`${(JSON.parse(entry) as SignedKeyRotation).statement.alg} ${(JSON.parse(entry) as SignedKeyRotation).statement.retiredKeyId}`);
        }
        expect(kinds.sort()).toEqual([`Ed25519 ${old.keyId}`, `SM2 ${old.sm2KeyId}`]);
        const published = await publishedKeys(srv);
        expect(published.active).not.toBe(old.keyId);
        expect(published.activeSm2).not.toBe(old.sm2KeyId);
      } finally {
        await srv.stop({ keepData: true });
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('evidence key rotation on a running server', () => {
  let srv: RunningServer;
  let adminCookie: string;
  beforeAll(async () => {
    srv = await startTestServer({ EVIDENCE_SIGNATURE: 'both' });
    adminCookie = await loginCookie(srv.url);
  });
  afterAll(() => srv.stop());

  const rotate = (cookie: string) => fetch(`${srv.url}/api/admin/evidence-keys/rotate`, { method: 'POST', headers: { 'Content-Type': 'application/json', cookie }, body: '{}' });

  it('signs every record with Ed25519 and SM2 (EVIDENCE_SIGNATURE=both), and publishes both keys', async () => {
    const c = await createCase(srv.url, adminCookie, ADDRESS);
    await upload(srv, c);
    const published = await publishedKeys(srv);
    expect(published.keys.map((k) => k.alg).sort()).toEqual(['Ed25519', 'SM2']);
    const { records, problems } = await checkAllRecords(srv, c.caseId);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.record).toMatchObject({ alg: 'Ed25519', keyId: published.active });
      expect(r.sm2).toEqual({ keyId: published.activeSm2, signature: expect.any(String) });
    }
  });

  it('is the admin\'s alone: an inspector is refused and nothing changes', async () => {
    const inspector = await createAccount(srv.url, adminCookie, { username: `keys-insp-${Date.now()}`, roles: ['inspector'], departments: ['food_business'] });
    const before = await publishedKeys(srv);
    const refused = await rotate(inspector.cookie);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe('您没有权限进行此操作');
    expect(await publishedKeys(srv)).toEqual(before);
  });

  it('swaps the keys without a restart: records before, during and after verify, and each rotation is a statement signed by the old and the new key', async () => {
    // A phone sends one photo at a time: three cases, so three uploads can be in flight at once.
    const cases = [await createCase(srv.url, adminCookie, ADDRESS), await createCase(srv.url, adminCookie, ADDRESS), await createCase(srv.url, adminCookie, ADDRESS)] as const;
    const c = cases[0];
    await upload(srv, c);
    const before = await publishedKeys(srv);
    const logSizeBefore = await srv.server.store.officeLog.size();
    // Uploads in flight while the keys change: each record is signed wholly by the old keys or wholly by the new.
    const during = Promise.all(cases.map((x) => upload(srv, x)));
    const res = await rotate(adminCookie);
    await during;
    expect(res.status).toBe(200);
    const { rotated } = (await res.json()) as { rotated: Array<{ alg: string; retiredKeyId: string; newKeyId: string }> };
    expect(rotated.map((r) => [r.alg, r.retiredKeyId])).toEqual([['Ed25519', before.active], ['SM2', before.activeSm2]]);
    await upload(srv, c);

    const after = await publishedKeys(srv);
    expect(after.active).toBe(rotated[0]!.newKeyId);
    expect(after.activeSm2).toBe(rotated[1]!.newKeyId);
    expect(after.keys.filter((k) => k.retiredAt === null).map((k) => k.keyId).sort()).toEqual([after.active, after.activeSm2].sort());
    expect(after.keys.find((k) => k.keyId === before.active)!.retiredAt).toEqual(expect.any(Number));

    const checked = await Promise.all(cases.map((x) => checkAllRecords(srv, x.caseId)));
    expect(checked.flatMap((x) => x.problems)).toEqual([]);
    const records = checked.flatMap((x) => x.records);
    expect(records).toHaveLength(10);
    const signedBy = new Set(records.map((r) => `${r.record.keyId}/${r.sm2!.keyId}`));
    expect(signedBy.has(`${before.active}/${before.activeSm2}`)).toBe(true);
    expect(signedBy.has(`${after.active}/${after.activeSm2}`)).toBe(true);
    // Never a mix of an old and a new key in one record.
    expect([...signedBy].every((s) => s === `${before.active}/${before.activeSm2}` || s === `${after.active}/${after.activeSm2}`)).toBe(true);
    expect(checked[0]!.records.at(-1)!.record.keyId).toBe(after.active);

    // The retired private keys are gone from disk; only the two active ones remain.
    const keysDir = path.join(srv.dataDir, 'keys');
    const privateFiles = fs.readdirSync(keysDir).filter((f) => fs.statSync(path.join(keysDir, f)).isFile() && fs.readFileSync(path.join(keysDir, f), 'utf8').includes('PRIVATE KEY'));
    expect(privateFiles.sort()).toEqual(['evidence-ed25519.key', 'evidence-sm2.key']);

    // The statements handed to the office log: signed by the retired key (which verifiers already trust) and the new one.
    const loggedDir = path.join(keysDir, 'rotations', 'logged');
    const statements = fs.readdirSync(loggedDir).map((f) => JSON.parse(fs.readFileSync(path.join(loggedDir, f), 'utf8')) as SignedKeyRotation);
    expect(fs.readdirSync(path.join(keysDir, 'rotations', 'pending'))).toEqual([]);
    // ... and they are office log leaves, byte for byte.
    const logSizeAfter = await srv.server.store.officeLog.size();
    expect(logSizeAfter).toBe(logSizeBefore + 8 + 2); // four uploads of two records each, two rotation statements
    const entries: string[] = [];
    for (let i = logSizeBefore; i < logSizeAfter; i++) {
      const entry = await srv.server.store.officeLog.officeEntry(i);
      if (entry) entries.push(entry);
    }
    expect(entries.sort()).toEqual(statements.map((x) => canonicalJson(x)).sort());
    for (const r of rotated) {
      const s = statements.find((x) => x.statement.newKeyId === r.newKeyId)!;
      expect(s.statement).toMatchObject({ kind: 'key_rotation', alg: r.alg, retiredKeyId: r.retiredKeyId, newPublicKeyPem: after.keys.find((k) => k.keyId === r.newKeyId)!.publicKeyPem });
      expect(checkKeyRotation(s, before.keys.find((k) => k.keyId === r.retiredKeyId)!.publicKeyPem)).toEqual([]);
      // A statement signed by the new key alone does not pass for one the old key vouched for.
      expect(checkKeyRotation({ ...s, retiredSignature: s.newSignature }, before.keys.find((k) => k.keyId === r.retiredKeyId)!.publicKeyPem)).not.toEqual([]);
    }
  });
});
