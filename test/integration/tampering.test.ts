import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SignedRecord } from '../../server/evidence/EvidenceRecord';
import { verifyExport } from '../../server/evidence/verify/verifyExport';
import { closedInspection, type ClosedInspection } from '../support/closedInspection';
import { apiCall, createAccount } from '../support/office';
import { resignExport } from '../support/resignExport';
import { loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The tampering suite of issue 12, against one real export: a food-business inspection with phone
// photos, a frame grab and a closed checklist, the evidence key rotated, then a reviewer's decision
// signed by the new key. Each attack starts from a fresh copy of the archive and must be caught by
// the record or file it touched.

jest.setTimeout(180_000);

let work: string;
let tar: string;
let closed: ClosedInspection;
let oldKey: string;
let officeKeys: string[];
let second: RunningServer;
let dataDir: string;
/** The office's checkpoint as a supervisor kept it after the inspection closed, before the review. */
let keptFile: string;

const records = (dir: string) => fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SignedRecord);
const writeLines = (dir: string, lines: string[]) => fs.writeFileSync(path.join(dir, 'records.jsonl'), lines.join('\n') + '\n');
const lines = (dir: string) => fs.readFileSync(path.join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
const flipByte = (file: string, at: number) => {
  const b = fs.readFileSync(file);
  b[at % b.length] = b[at % b.length]! ^ 0x01;
  fs.writeFileSync(file, b);
};
const firstIn = (dir: string, folder: string) => path.join(dir, folder, fs.readdirSync(path.join(dir, folder)).sort()[0]!);
let n = 0;
const fresh = () => {
  const into = path.join(work, `x-${++n}`);
  fs.mkdirSync(into);
  execFileSync('tar', ['-xf', tar, '-C', into]);
  return path.join(into, fs.readdirSync(into)[0]!);
};
const problemsOf = async (dir: string, opts?: Parameters<typeof verifyExport>[1]) => (await verifyExport(dir, opts)).problems.join('\n');
/** Drops the records `drop` picks from records.jsonl and records/, with the files only they name; the rest is left as exported. */
const dropRecords = (dir: string, drop: (r: SignedRecord, i: number, all: SignedRecord[]) => boolean) => {
  const all = records(dir);
  const kept = all.filter((r, i) => !drop(r, i, all));
  for (const r of all.filter((x) => !kept.includes(x))) {
    const name = String(r.record.seq).padStart(6, '0');
    fs.rmSync(path.join(dir, 'records', `${name}.json`));
    fs.rmSync(path.join(dir, 'records', `${name}.sig`));
    if (!kept.some((k) => k.record.file === r.record.file)) fs.rmSync(path.join(dir, r.record.file), { force: true });
  }
  writeLines(dir, kept.map((r) => JSON.stringify(r)));
};

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-tamper-'));
  const first = await startTestServer();
  dataDir = first.dataDir;
  closed = await closedInspection(first, await loginCookie(first.url), '篡改测试面馆');
  oldKey = (await (await fetch(`${first.url}/api/evidence-key`)).json()).keyId;
  keptFile = path.join(work, 'kept.json');
  fs.writeFileSync(keptFile, Buffer.from(await (await fetch(`${first.url}/.well-known/kanyan-log/checkpoint`)).arrayBuffer()));
  await first.stop({ keepData: true });
  execFileSync('node', ['--require', 'tsx/cjs', 'scripts/rotate-key.ts'], { env: { ...process.env, DATA_DIR: dataDir } });
  second = await startTestServer({}, { dataDir });
  {
    const admin = await loginCookie(second.url);
    const reviewer = await createAccount(second.url, admin, { username: 'reviewer.zhao', roles: ['reviewer'] });
    await apiCall(second.url, 'POST', `/api/sessions/${closed.sessionId}/review/decision`, reviewer.cookie, { decision: 'approve', reason: '照片与结论一致，同意通过' });
    const res = await fetch(`${second.url}/api/cases/${closed.caseId}/export`, { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    tar = path.join(work, 'case.tar');
    fs.writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
    officeKeys = ((await (await fetch(`${second.url}/.well-known/kanyan-evidence-keys.json`)).json()).keys as Array<{ keyId: string }>).map((k) => k.keyId);
    fs.writeFileSync(path.join(work, 'office-keys.json'), JSON.stringify(await (await fetch(`${second.url}/.well-known/kanyan-evidence-keys.json`)).json()));
  }
});

afterAll(async () => {
  await second?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/**
 * The verify command as an outsider runs it, with the office's keys and the checkpoint they kept. Not
 * spawnSync: the office's server runs in this process and must answer the command's requests.
 */
const verifyCommand = (target: string) =>
  new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const child = spawn('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', target, '--keys', path.join(work, 'office-keys.json'), '--checkpoint', keptFile, '--log', second.url]);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (status) => resolve({ status, stdout }));
  });

describe('a real case export', () => {
  it('verifies as exported: records under two keys, seals after the close and after the review', async () => {
    const dir = fresh();
    const report = await verifyExport(dir, { officeKeys });
    expect(report.problems).toEqual([]);
    const all = records(dir);
    const kinds = all.map((r) => r.record.kind);
    expect(kinds.filter((k) => k === 'original')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'frame')).toHaveLength(1);
    expect(kinds).toContain('walk_log');
    // The close sealed the case with the old key, the review with the new one (the last record).
    const seals = all.filter((r) => r.record.kind === 'seal');
    const steps = seals.map((s) => s.record.checked.step);
    expect(steps[0]).toBe('closed');
    // Post-processing seals again once the session's recordings (none here) are finished.
    expect(steps).toEqual(expect.arrayContaining(['recordings_finished', 'reviewed']));
    expect(seals[0]!.record.keyId).toBe(oldKey);
    expect(seals.find((s) => s.record.checked.step === 'reviewed')!.record.keyId).not.toBe(oldKey);
    expect(all.at(-1)!.record.kind).toBe('seal');
    const reviewed = seals.find((s) => s.record.checked.step === 'reviewed')!;
    const reviewSeal = JSON.parse(fs.readFileSync(path.join(dir, reviewed.record.file), 'utf8'));
    expect(reviewSeal).toMatchObject({ step: 'reviewed', lifecycleState: 'approved', records: reviewed.record.seq - 1, headHash: reviewed.record.prevHash, review: { decision: 'approve', reason: '照片与结论一致，同意通过', by: 'reviewer.zhao' } });
    // The signed log names each photo by content hash and carries the address with its coordinate source.
    const log = JSON.parse(fs.readFileSync(path.join(dir, all.find((r) => r.record.kind === 'walk_log')!.record.file), 'utf8'));
    expect(log.case.address).toMatchObject({ text: '北京市东城区测试胡同12号', system: expect.any(String) });
    const shas = new Set(all.map((r) => r.record.sha256));
    const refs = log.decision.points.flatMap((p: { evidence: Array<{ sha256: string; stampedSha256: string | null }> }) => p.evidence);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) expect(shas.has(ref.sha256)).toBe(true);
    expect(log.decision.outcome.closed).toEqual(expect.any(String));
    expect(log.decision.points.find((p: { key: string }) => p.key === 'common.fire_extinguishers')).toMatchObject({ result: 'fail', note: expect.stringContaining('灭火器') });
    // The distance verdict's inputs are signed with it.
    const far = all.find((r) => r.record.kind === 'original' && r.record.checked.distance === 'fail')!;
    expect(far.record.checked.registered).toEqual({ lat: 39.92893, lon: 116.41642 });
  });

  it('is complete up to a checkpoint kept before the review, and the log still extends it', async () => {
    const r = await verifyCommand(tar);
    expect(r.stdout).toMatch(/^OK: \d+ record/);
    expect(r.stdout).toMatch(/checked against the kept checkpoint of tree size \d+/);
    expect(r.status).toBe(0);
  });

  it('passes the README’s standard-tools recipe for the manifest and the whole chain, which catches a changed photo', async () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const at = readme.indexOf('Check the whole chain and the manifest with standard tools only:');
    const block = readme.slice(readme.indexOf('```sh\n', at) + 6, readme.indexOf('\n```', at + 80));
    const recipe = block.split('\n').filter((l) => !l.startsWith('tar -xf')).join('\n');
    const run = (dir: string) => spawnSync('bash', ['-c', recipe], { cwd: dir }).stdout.toString();
    const clean = run(fresh());
    expect(clean).toContain('all files match');
    expect(clean).toContain('no file added or missing');
    expect(clean).toMatch(/chain complete: \d+ records/);
    expect(clean).not.toMatch(/differs|bad signature|chain broken/);
    const dir = fresh();
    flipByte(firstIn(dir, 'originals'), 5000);
    expect(run(dir)).toMatch(/record \d+: file differs/);
  });

  it('passes the verify command, and says which keys signed', () => {
    const out = execFileSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', tar]).toString();
    expect(out).toMatch(/^OK: \d+ record/);
    expect(out).toContain(oldKey);
  });
});

describe('tampering with it', () => {
  const caught: Array<[string, (dir: string) => void | Promise<void>, RegExp]> = [
    ['one byte of an original', (d) => flipByte(firstIn(d, 'originals'), 5000), /originals\/\S+: file differs from the signed manifest[\s\S]*originals\/\S+ was changed/],
    ['one byte of a derivative', (d) => flipByte(firstIn(d, 'derivatives'), 3000), /derivatives\/\S+ was changed/],
    ['one byte of the signed checklist log', (d) => flipByte(firstIn(d, 'logs'), 40), /logs\/\S+ was changed/],
    ['one byte of a seal', (d) => flipByte(firstIn(d, 'seals'), 30), /seals\/\S+ was changed/],
    ['one byte of a per-record file', (d) => flipByte(path.join(d, 'records', '000002.json'), 20), /records\/000002\.json differs/],
    ['a record field (a distance verdict)', (d) => {
      const l = lines(d);
      const i = l.findIndex((x) => x.includes('"distance":"fail"'));
      l[i] = l[i]!.replace('"distance":"fail"', '"distance":"pass"');
      writeLines(d, l);
    }, /record \d+ \(original.*altered/],
    ['two records swapped', (d) => {
      const l = lines(d);
      [l[1], l[2]] = [l[2]!, l[1]!];
      writeLines(d, l);
    }, /chain broken/],
    ['the first record dropped, with its file', (d) => dropRecords(d, (_, i) => i === 0), /expected sequence number 1[\s\S]*records dropped or added/],
    ['a middle record dropped, with its file', (d) => dropRecords(d, (_, i, all) => i === Math.floor(all.length / 2)), /chain broken[\s\S]*records dropped or added/],
    ['the last record (the review seal) dropped, with its file', (d) => dropRecords(d, (_, i, all) => i === all.length - 1), /records.jsonl: holds \d+ record\(s\)[\s\S]*records dropped or added/],
    ['everything after the key rotation dropped', (d) => dropRecords(d, (r) => r.record.keyId !== oldKey), /records dropped or added/],
    ['a record re-signed with a key of the forger’s', async (d) => {
      const l = lines(d);
      const e = JSON.parse(l[0]!) as SignedRecord;
      const crypto = await import('node:crypto');
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
      const { keyIdOf } = await import('../../server/evidence/EvidenceSigner');
      const { canonicalJson } = await import('../../server/checklist/canonicalJson');
      e.record.keyId = keyIdOf(publicKey);
      const canonical = Buffer.from(canonicalJson(e.record));
      e.hash = crypto.createHash('sha256').update(canonical).digest('hex');
      e.signature = crypto.sign(null, canonical, privateKey).toString('base64');
      l[0] = JSON.stringify(e);
      writeLines(d, l);
      fs.writeFileSync(path.join(d, 'keys', `${e.record.keyId}.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
    }, /keys\/\S+\.pem: file not in the signed manifest[\s\S]*record 2 .*chain broken/],
    ['a planted photo', (d) => fs.copyFileSync(firstIn(d, 'originals'), path.join(d, 'originals', 'planted.jpg')), /originals\/planted\.jpg: file not in the signed manifest[\s\S]*originals\/planted\.jpg: file not covered by any record/],
    ['a planted record file', (d) => fs.copyFileSync(path.join(d, 'records', '000001.json'), path.join(d, 'records', '000999.json')), /records\/000999\.json: (file not in the signed manifest|not the file of any record)/],
    ['a planted log', (d) => fs.writeFileSync(path.join(d, 'logs', 'extra.json'), '{}'), /logs\/extra\.json: file not in the signed manifest/],
    ['a planted key', (d) => fs.writeFileSync(path.join(d, 'keys', 'extra.pem'), 'x'), /keys\/extra\.pem: file not in the signed manifest/],
    ['a planted file at the top', (d) => fs.writeFileSync(path.join(d, 'NOTE.txt'), 'x'), /NOTE\.txt: file not in the signed manifest/],
    ['a deleted per-record signature', (d) => fs.rmSync(path.join(d, 'records', '000003.sig')), /records\/000003\.sig: file listed in the signed manifest is missing[\s\S]*records\/000003\.sig: missing/],
    ['a deleted stamped copy', (d) => fs.rmSync(firstIn(d, 'derivatives')), /derivatives\/\S+: file listed in the signed manifest is missing/],
    ['a deleted seal', (d) => fs.rmSync(firstIn(d, 'seals')), /seals\/\S+: file listed in the signed manifest is missing/],
    ['a deleted walk snapshot', (d) => fs.rmSync(firstIn(d, 'walks')), /walks\/\S+: file listed in the signed manifest is missing/],
    ['an edit to the walk snapshot', (d) => fs.appendFileSync(firstIn(d, 'walks'), ' '), /walks\/\S+: file differs from the signed manifest/],
    ['an edit to keys.json', (d) => fs.writeFileSync(path.join(d, 'keys.json'), '[]'), /keys\.json: file differs from the signed manifest/],
    ['a forged manifest (an entry removed, not re-signed)', (d) => {
      const m = JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8'));
      m.files = m.files.filter((f: { path: string }) => !f.path.startsWith('derivatives/'));
      fs.writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(m));
    }, /manifest\.sig: the manifest's signature does not verify[\s\S]*derivatives\/\S+: file not in the signed manifest/],
    ['a deleted manifest', (d) => fs.rmSync(path.join(d, 'manifest.json')), /manifest\.json: missing/],
    ['a malformed line in records.jsonl', (d) => writeLines(d, [...lines(d).slice(0, 3), '{"record": oops', ...lines(d).slice(3)]), /record at line 4 of records\.jsonl: not valid JSON/],
    ['a record of the wrong shape', (d) => writeLines(d, [...lines(d).slice(0, 2), '{"record":{"seq":"x"},"hash":1}', ...lines(d).slice(2)]), /record at line 3 of records\.jsonl: not a signed record/],
  ];

  it.each(caught)('catches %s', async (_name, attack, expected) => {
    const dir = fresh();
    await attack(dir);
    expect(await problemsOf(dir)).toMatch(expected);
  });

  it('catches the whole case re-signed by a forger’s key, once the office’s published keys are given', async () => {
    const dir = fresh();
    // The forger moves the far photo's fix next to the shop, so its distance and verdict recompute as a pass.
    const forged = await resignExport(dir, {
      edit: (r) => {
        if (r.checked.distance !== 'fail') return;
        Object.assign(r.claimed, { lat: 39.92902, lon: 116.41642, accuracyM: 5 });
        Object.assign(r.checked, { distanceM: 10, distance: 'pass' });
      },
    });
    // Internally consistent: only the office's key list shows the forgery.
    expect((await verifyExport(dir)).problems).toEqual([]);
    expect((await verifyExport(dir)).notes.join('\n')).toMatch(/not compared with the office's published keys/);
    expect(await problemsOf(dir, { officeKeys })).toMatch(new RegExp(`signed with key ${forged}, which is not one of the office's published keys`));
  });

  it('catches everything after the key rotation dropped and the manifest re-signed', async () => {
    const dir = fresh();
    await resignExport(dir, { keep: (r) => r.record.keyId === oldKey });
    expect(await problemsOf(dir, { officeKeys })).toMatch(/not one of the office's published keys/);
  });

  it('catches a case rewritten and re-signed with the office’s own stolen key, with its log proofs rebuilt, by a checkpoint kept before', async () => {
    const crypto = await import('node:crypto');
    const stolen = crypto.createPrivateKey(fs.readFileSync(path.join(dataDir, 'keys', 'evidence-ed25519.key')));
    const dir = fresh();
    // The far signboard photo made to pass, and the last records (the review and its seal) kept.
    await resignExport(dir, {
      privateKey: stolen,
      edit: (r) => {
        if (r.checked.distance !== 'fail') return;
        Object.assign(r.claimed, { lat: 39.92902, lon: 116.41642, accuracyM: 5 });
        Object.assign(r.checked, { distanceM: 10, distance: 'pass' });
      },
    });
    // Every check inside the export holds, and the key is the office's own.
    expect(await problemsOf(dir, { officeKeys })).toBe('');
    const forged = path.join(work, 'forged.tar');
    execFileSync('tar', ['-cf', forged, '-C', path.dirname(dir), path.basename(dir)]);
    const r = await verifyCommand(forged);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED[\s\S]*(kept checkpoint of tree size \d+: the exported checkpoint \(\d+\) does not extend it|consistency)/);
  });

  it('refuses a decoy folder beside the case, a malformed archive and a planted link, with the reason', async () => {
    const dir = fresh();
    const parent = path.dirname(dir);
    fs.mkdirSync(path.join(parent, '0-decoy'));
    execFileSync('cp', ['-r', path.join(dir, '.'), path.join(parent, '0-decoy')]);
    flipByte(firstIn(dir, 'originals'), 5000);
    const decoy = path.join(work, 'decoy.tar');
    execFileSync('tar', ['-cf', decoy, '-C', parent, '0-decoy', path.basename(dir)]);
    const r = spawnSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', decoy]);
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toMatch(/FAILED: not a Kanyan case export: expected one top folder/);

    const cut = path.join(work, 'cut.tar');
    fs.writeFileSync(cut, fs.readFileSync(tar).subarray(0, 10_000));
    const c = spawnSync('node', ['--require', 'tsx/cjs', 'scripts/verify.ts', cut]);
    expect(c.status).toBe(1);
    expect(c.stdout.toString()).toMatch(/FAILED: the archive is truncated/);

    const linked = fresh();
    fs.symlinkSync('/etc/passwd', path.join(linked, 'originals', 'link.jpg'));
    expect(await problemsOf(linked)).toMatch(/originals\/link\.jpg: not a plain file/);
  });
});
