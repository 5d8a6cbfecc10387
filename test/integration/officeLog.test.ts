import { execFile } from 'node:child_process';
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { canonicalJson } from '../../server/checklist/canonicalJson';
import { EvidenceSigner } from '../../server/evidence/EvidenceSigner';
import type { EvidenceRecord } from '../../server/evidence/EvidenceRecord';
import type { CaseLogProofs, ConsistencyProof, InclusionProof } from '../../server/evidence/log/CaseLogProofs';
import { checkpointBytes, type SignedCheckpoint } from '../../server/evidence/log/Checkpoint';
import { fromHex, leafHash, verifyConsistency, verifyInclusion } from '../../server/evidence/log/merkle';
import { OfficeLog } from '../../server/evidence/log/OfficeLog';
import { verifyAgainstKeptCheckpoint, verifyCaseLogProofs, type ExportedRecord } from '../../server/evidence/log/verifyLog';
import { createLogger } from '../../server/platform/logger';
import { SqliteStore } from '../../server/store/SqliteStore';
import { testJpeg } from '../support/images';
import { startLocalTsa, type LocalTsa } from '../support/localTsa';
import { uploadFrame } from '../support/office';
import { createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';
import { waitFor } from '../support/waiting';

// The office-wide log on the real server: records of two cases as leaves, proofs over the public
// URLs checked with the pure verifier, checkpoints kept across a restart, a rewrite caught by a
// checkpoint kept before it, and RFC 3161 tokens from a local `openssl ts` authority.

const run = promisify(execFile);
const LOG = '/.well-known/kanyan-log';

async function getJson<T>(srv: RunningServer, p: string): Promise<T> {
  const res = await fetch(`${srv.url}${p}`);
  if (res.status !== 200) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function officeKeys(srv: RunningServer): Promise<Map<string, KeyObject>> {
  const published = await getJson<{ keys: Array<{ keyId: string; alg?: string; publicKeyPem: string }> }>(srv, '/.well-known/kanyan-evidence-keys.json');
  return new Map(published.keys.filter((k) => (k.alg ?? 'Ed25519') === 'Ed25519').map((k) => [k.keyId, crypto.createPublicKey(k.publicKeyPem)]));
}

/** The case's records as an export has them: records/NNNNNN.json bytes, their hash, case and seq. */
async function exportedRecords(srv: RunningServer, caseId: string): Promise<ExportedRecord[]> {
  return (await srv.server.store.evidenceRecords.list(caseId)).map((r) => ({ canonical: Buffer.from(canonicalJson(r.record), 'utf8'), hash: r.hash, caseId, seq: r.record.seq }));
}

describe('office log on the running server', () => {
  let srv: RunningServer;
  let dataDir: string;
  let cookie: string;
  let A: CreatedCase;
  let B: CreatedCase;
  let pointKey: string;
  let jpeg: Buffer;
  let kept: SignedCheckpoint;

  const restart = async () => {
    await srv.stop({ keepData: true });
    // Checkpoints are made on demand here: the schedule would only add sizes the test does not look at.
    srv = await startTestServer({ LOG_CHECKPOINT_SECONDS: '3600' }, { dataDir });
    cookie = await loginCookie(srv.url);
  };
  const caseNumberOf = async (c: CreatedCase) => (await srv.server.store.cases.get(c.caseId))!.caseNumber;

  beforeAll(async () => {
    srv = await startTestServer({ LOG_CHECKPOINT_SECONDS: '3600' });
    dataDir = srv.dataDir;
    cookie = await loginCookie(srv.url);
    A = await createCase(srv.url, cookie);
    B = await createCase(srv.url, cookie);
    pointKey = (await srv.server.walks.view(A.sessionId)).points.find((p) => p.applies)!.key;
    jpeg = await testJpeg(640, 480);
  });
  afterAll(() => srv?.stop());

  it('gives records of two cases appended at once distinct, dense leaves, with proofs over HTTP that verify', async () => {
    await Promise.all([A, B, A, B].map((c) => uploadFrame(srv.url, cookie, c.sessionId, pointKey, jpeg)));
    const leaves = [...(await srv.server.store.officeLog.caseRecords(A.caseId, Infinity)), ...(await srv.server.store.officeLog.caseRecords(B.caseId, Infinity))];
    const size = await srv.server.store.officeLog.size();
    expect(leaves.map((l) => l.leafIndex).sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
    expect(size).toBe(8); // an original and its stamped copy per frame

    const checkpoint = await getJson<SignedCheckpoint>(srv, `${LOG}/checkpoint`);
    expect(checkpoint.checkpoint.treeSize).toBe(8);
    const keys = await officeKeys(srv);
    expect(crypto.verify(null, checkpointBytes(checkpoint.checkpoint), keys.get(checkpoint.keyId)!, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);

    for (const c of [A, B]) {
      const records = await exportedRecords(srv, c.caseId);
      for (const r of records) {
        const leaf = leaves.find((l) => l.recordHash === r.hash)!.leafIndex;
        const proof = await getJson<InclusionProof>(srv, `${LOG}/proof/inclusion?leaf=${leaf}&size=8`);
        expect([r.seq, verifyInclusion(leaf, 8, leafHash(r.canonical), fromHex(proof.path)!, Buffer.from(checkpoint.checkpoint.rootHash, 'hex'))]).toEqual([r.seq, true]);
      }
      const proofs = await srv.server.officeLog.exportProofs(c.caseId);
      expect(proofs.checkpoint.checkpoint.treeSize).toBe(8);
      expect(verifyCaseLogProofs(records, proofs, keys)).toEqual([]);
    }

    // The tail dropped from an export: the log still names it, and the case head counts it.
    const records = await exportedRecords(srv, A.caseId);
    const problems = verifyCaseLogProofs(records.slice(0, -1), await srv.server.officeLog.exportProofs(A.caseId), keys);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^record 4: in the office log at leaf \d+ but missing from the export$/), expect.stringContaining('records were dropped')]));
  });

  it('answers bad or too-large sizes with a clear 400 in both languages, and unknown checkpoints with 404', async () => {
    for (const q of ['proof/inclusion?leaf=x&size=3', 'proof/inclusion?leaf=0', 'proof/inclusion?leaf=0&size=99', 'proof/inclusion?leaf=5&size=5', 'proof/consistency?from=5&to=3', 'proof/consistency?from=1&to=1e3', 'checkpoints/-1']) {
      const res = await fetch(`${srv.url}${LOG}/${q}`);
      const body = await res.text();
      expect([q, res.status]).toEqual([q, 400]);
      expect(body).toMatch(/[\u4e00-\u9fff]/);
    }
    const en = await (await fetch(`${srv.url}${LOG}/proof/inclusion?leaf=0&size=99&lang=en`)).text();
    expect(en + (await (await fetch(`${srv.url}${LOG}/proof/inclusion?leaf=0&size=99`)).text())).toMatch(/beyond the log|超出日志/);
    expect((await fetch(`${srv.url}${LOG}/checkpoints/5`)).status).toBe(404);
    expect((await fetch(`${srv.url}${LOG}/proof/case?case=KY-none&size=8`)).status).toBe(404);
  });

  it('keeps checkpoints across a restart and proves a later one extends a kept one', async () => {
    kept = await getJson<SignedCheckpoint>(srv, `${LOG}/checkpoint`);
    await restart();
    expect(await getJson<SignedCheckpoint>(srv, `${LOG}/checkpoints/${kept.checkpoint.treeSize}`)).toEqual(kept);

    await uploadFrame(srv.url, cookie, A.sessionId, pointKey, jpeg);
    await uploadFrame(srv.url, cookie, B.sessionId, pointKey, jpeg);
    const latest = await getJson<SignedCheckpoint>(srv, `${LOG}/checkpoint`);
    expect(latest.checkpoint.treeSize).toBe(12);
    const consistency = await getJson<ConsistencyProof>(srv, `${LOG}/proof/consistency?from=${kept.checkpoint.treeSize}&to=12`);
    expect(verifyConsistency(kept.checkpoint.treeSize, 12, fromHex(consistency.path)!, Buffer.from(kept.checkpoint.rootHash, 'hex'), Buffer.from(latest.checkpoint.rootHash, 'hex'))).toBe(true);

    const { caseHead } = await getJson<{ caseHead: CaseLogProofs['caseHead'] }>(srv, `${LOG}/proof/case?case=${encodeURIComponent(await caseNumberOf(A))}&size=${kept.checkpoint.treeSize}`);
    expect(caseHead).toMatchObject({ caseId: A.caseId, records: 4 });
    const exported = await srv.server.officeLog.exportProofs(A.caseId);
    const records = await exportedRecords(srv, A.caseId);
    const keys = await officeKeys(srv);
    expect(verifyAgainstKeptCheckpoint(kept, { consistency, caseHead }, exported, records, keys)).toEqual([]);
    // An export cut back to what the case had at the kept checkpoint passes the kept check, but not the export's own.
    expect(verifyCaseLogProofs(records.slice(0, 4), exported, keys).length).toBeGreaterThan(0);
    kept = latest;
  });

  it('catches a case record rewritten and re-signed after an outsider kept a checkpoint', async () => {
    const caseNumber = await caseNumberOf(A);
    await srv.stop({ keepData: true });
    // What someone holding the live key and the database can do: change the case's last record,
    // re-sign it, and put its new hash in the log (the chain still links: nothing follows it).
    const db = new Database(path.join(dataDir, 'kanyan.db'));
    const last = db.prepare('SELECT seq, body, hash FROM evidence_records WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(A.caseId) as { seq: number; body: string; hash: string };
    const record = JSON.parse(last.body) as EvidenceRecord;
    const forged: EvidenceRecord = { ...record, serverTime: record.serverTime - 3_600_000, claimed: { ...record.claimed, note: 'rewritten' } };
    const canonical = Buffer.from(canonicalJson(forged), 'utf8');
    const hash = crypto.createHash('sha256').update(canonical).digest('hex');
    const signature = EvidenceSigner.loadOrCreate(dataDir).sign(canonical);
    db.prepare('UPDATE evidence_records SET body = ?, hash = ?, signature = ? WHERE case_id = ? AND seq = ?').run(canonical.toString('utf8'), hash, signature, A.caseId, last.seq);
    db.prepare('UPDATE log_leaves SET record_hash = ?, leaf_hash = ? WHERE record_hash = ?').run(hash, leafHash(canonical), last.hash);
    db.close();

    await restart();
    await uploadFrame(srv.url, cookie, B.sessionId, pointKey, jpeg);
    const exported = await srv.server.officeLog.exportProofs(A.caseId);
    const records = await exportedRecords(srv, A.caseId);
    const keys = await officeKeys(srv);
    // The export alone is self-consistent: only a checkpoint kept from before shows the rewrite.
    expect(verifyCaseLogProofs(records, exported, keys)).toEqual([]);
    const m = kept.checkpoint.treeSize;
    const consistency = await getJson<ConsistencyProof>(srv, `${LOG}/proof/consistency?from=${m}&to=${exported.checkpoint.checkpoint.treeSize}`);
    const { caseHead } = await getJson<{ caseHead: CaseLogProofs['caseHead'] }>(srv, `${LOG}/proof/case?case=${encodeURIComponent(caseNumber)}&size=${m}`);
    const problems = verifyAgainstKeptCheckpoint(kept, { consistency, caseHead }, exported, records, keys);
    expect(problems).toEqual(expect.arrayContaining([`kept checkpoint of tree size ${m}: the exported checkpoint (${exported.checkpoint.checkpoint.treeSize}) does not extend it: the log was rewritten after it was kept`]));
    // The case head the server gives now is not in the kept checkpoint's casesRoot either.
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('is not in the checkpoint\'s casesRoot')]));
  });
});

describe('office log on its own', () => {
  it('back-fills records made before the log existed, in (serverTime, case, seq) order, once; close leaves no timer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-log-'));
    const store = await SqliteStore.open(path.join(dir, 'kanyan.db'));
    try {
      const signer = EvidenceSigner.loadOrCreate(dir);
      // Two cases' records as a data dir from before migration 9 has them: chained, no leaves.
      const db = (store as unknown as { db: Database.Database }).db;
      // The cases themselves do not matter to the log: their rows are left out.
      db.pragma('foreign_keys = OFF');
      const made: Array<{ caseId: string; seq: number; serverTime: number; hash: string }> = [];
      const addRecord = (caseId: string, seq: number, serverTime: number) => {
        const body = canonicalJson({ v: 1, caseId, seq, serverTime, kind: 'original' });
        const hash = crypto.createHash('sha256').update(body).digest('hex');
        db.prepare('INSERT INTO evidence_records (case_id, seq, body, hash, signature) VALUES (?, ?, ?, ?, ?)').run(caseId, seq, body, hash, signer.sign(Buffer.from(body)));
        made.push({ caseId, seq, serverTime, hash });
      };
      addRecord('case-b', 1, 1000);
      addRecord('case-a', 1, 1000);
      addRecord('case-a', 2, 3000);
      addRecord('case-b', 2, 2000);
      // A clock that went back within case A: its seq 3 still follows its seq 2 in the log.
      addRecord('case-a', 3, 1500);

      const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const log = await OfficeLog.create(store, signer, { now: () => 10_000 }, createLogger('silent'), { origin: 'test', checkpointEveryMs: 60_000 });
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before + 1);
      const order = async () => [...(await store.officeLog.caseRecords('case-a', Infinity)), ...(await store.officeLog.caseRecords('case-b', Infinity))].sort((x, y) => x.leafIndex - y.leafIndex).map((l) => made.find((m) => m.hash === l.recordHash)!).map((m) => `${m.caseId}#${m.seq}`);
      // By time: a#1 (1000), b#1 (1000), then a's next place (1500) takes a#2, b#2 (2000), a#3 (3000).
      expect(await order()).toEqual(['case-a#1', 'case-b#1', 'case-a#2', 'case-b#2', 'case-a#3']);
      expect((await log.latestCheckpoint()).checkpoint.treeSize).toBe(5);
      await log.close();
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);

      const again = await OfficeLog.create(store, signer, { now: () => 20_000 }, createLogger('silent'), { origin: 'test', checkpointEveryMs: 60_000 });
      expect(again.size).toBe(5);
      await again.close();
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('office log with an RFC 3161 authority', () => {
  let tsa: LocalTsa;
  let srv: RunningServer;
  beforeAll(async () => {
    tsa = await startLocalTsa();
    srv = await startTestServer({ TSA_URL: tsa.url, TSA_CA_FILE: tsa.caFile, LOG_CHECKPOINT_SECONDS: '1' });
  });
  afterAll(async () => {
    await srv?.stop();
    await tsa?.close();
  });

  const opensslVerifies = async (c: SignedCheckpoint) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-ts-'));
    try {
      fs.writeFileSync(path.join(dir, 'checkpoint.json'), checkpointBytes(c.checkpoint));
      fs.writeFileSync(path.join(dir, 'token.tsr'), Buffer.from(c.tsaToken!, 'base64'));
      const { stdout } = await run('openssl', ['ts', '-verify', '-data', path.join(dir, 'checkpoint.json'), '-in', path.join(dir, 'token.tsr'), '-CAfile', tsa.caFile]);
      return stdout.trim();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('time-stamps checkpoints, keeps taking evidence while the authority is down, and stamps at the next checkpoint', async () => {
    const cookie = await loginCookie(srv.url);
    const c = await createCase(srv.url, cookie);
    const point = (await srv.server.walks.view(c.sessionId)).points.find((p) => p.applies)!.key;
    const jpeg = await testJpeg(320, 240);
    await uploadFrame(srv.url, cookie, c.sessionId, point, jpeg);
    const stamped = await srv.server.officeLog.latestCheckpoint();
    expect(stamped.tsaToken).toBeDefined();
    expect(await opensslVerifies(stamped)).toBe('Verification: OK');
    expect((await getJson<SignedCheckpoint>(srv, `${LOG}/checkpoints/${stamped.checkpoint.treeSize}`)).tsaToken).toBe(stamped.tsaToken);

    tsa.down = true;
    await uploadFrame(srv.url, cookie, c.sessionId, point, jpeg);
    const unstamped = await srv.server.officeLog.latestCheckpoint();
    expect(unstamped.checkpoint.treeSize).toBe(stamped.checkpoint.treeSize + 2);
    expect(unstamped.tsaToken).toBeUndefined();
    tsa.down = false;
    const retried = await waitFor(() => srv.server.officeLog.checkpointAt(unstamped.checkpoint.treeSize), (s) => !!s.tsaToken, 'the token retried at the next checkpoint');
    expect(await opensslVerifies(retried)).toBe('Verification: OK');
    const proofs = await srv.server.officeLog.exportProofs(c.caseId);
    expect(proofs.checkpoint.tsaToken).toBe(retried.tsaToken);
    expect(srv.server.officeLog.tsaCaPem).toBe(tsa.caPem);
  });
});
