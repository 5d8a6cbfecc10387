import crypto from 'node:crypto';
import { canonicalJson } from '../../server/checklist/canonicalJson';
import { apiCall, joinCall } from '../support/office';
import { testJpeg } from '../support/images';
import { uploadPhoto } from '../support/photoUpload';
import { connect, connected, ask, next, type TestSocket } from '../support/sockets';
import { createCase, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// Phone receipts and challenge photos (issue 12), against the running server: the upload's answer
// carries a receipt naming its record, the public check says whether a receipt is genuine, and a
// challenge point's code travels from the inspector's request to the phone and into the signed record.

const SIGNBOARD = 'common.signboard_address';
const PHARMACIST = 'pharmacy_retail.licensed_pharmacist';

describe('phone receipts', () => {
  let srv: RunningServer;
  let cookie: string;
  let jpeg: Buffer;
  const sockets: TestSocket[] = [];
  const verify = (body: unknown, lang = 'zh-CN') =>
    fetch(`${srv.url}/api/receipts/verify?lang=${lang}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  beforeAll(async () => {
    srv = await startTestServer();
    cookie = await loginCookie(srv.url);
    jpeg = await testJpeg(640, 480);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => srv?.stop());

  it('an accepted upload returns a signed receipt naming its record; the public check says genuine; a retry gets one for the same record', async () => {
    const c = await createCase(srv.url, cookie);
    const up = await uploadPhoto(srv, c, SIGNBOARD, jpeg, { requestId: 'receipt-upload-1', lat: 39.9, lon: 116.4, accuracy: 5 });
    expect(up.status).toBe(201);
    const signed = (up.body as any).receipt;
    const records = await srv.server.store.evidenceRecords.list(c.caseId);
    const named = records.find((r) => r.record.seq === signed.receipt.recordSeq)!;
    expect(named.record.kind).toBe('original');
    expect(signed.receipt).toMatchObject({ v: 1, recordHash: named.hash, sha256: crypto.createHash('sha256').update(jpeg).digest('hex'), pointKey: SIGNBOARD, sessionId: c.sessionId, serverTime: named.record.serverTime });
    expect(signed.receipt.leafIndex).toEqual(expect.any(Number));
    expect(signed.receipt.checkpointBy).toBeGreaterThanOrEqual(signed.receipt.serverTime);
    // Signed by a key the office publishes, over the canonical JSON.
    const keys = (await (await fetch(`${srv.url}/.well-known/kanyan-evidence-keys.json`)).json()) as { keys: Array<{ keyId: string; publicKeyPem: string }> };
    const pem = keys.keys.find((k) => k.keyId === signed.receipt.keyId)!.publicKeyPem;
    expect(crypto.verify(null, Buffer.from(canonicalJson(signed.receipt)), pem, Buffer.from(signed.signature, 'base64'))).toBe(true);

    const check = await verify(signed);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ genuine: true, record: 'present', number: signed.number, problems: [], named: { hash: named.hash, seq: named.record.seq, kind: 'original', pointKey: SIGNBOARD } });
    expect(check.body.message).toMatch(/^回执真实/);
    expect((await verify(signed, 'en')).body.message).toMatch(/^Genuine/);

    // The first answer was lost: the retry is a duplicate, and still carries a receipt for the same record.
    const again = await uploadPhoto(srv, c, SIGNBOARD, jpeg, { requestId: 'receipt-upload-1', capture: 'unused-ticket-1' });
    expect(again.status).toBe(200);
    expect((again.body as any).receipt.receipt).toMatchObject({ recordHash: named.hash, recordSeq: named.record.seq });
    expect((await verify((again.body as any).receipt)).body.genuine).toBe(true);
  });

  it('refuses a tampered receipt with the reason, and a malformed one with the field named', async () => {
    const c = await createCase(srv.url, cookie);
    const signed = ((await uploadPhoto(srv, c, SIGNBOARD, jpeg)).body as any).receipt;
    const tampered = { ...signed, receipt: { ...signed.receipt, sha256: 'f'.repeat(64) } };
    const t = await verify(tampered);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ genuine: false, record: null });
    expect(t.body.named).toBeUndefined();
    expect(t.body.problems).toEqual(['回执号与回执内容不符', '签名不符：回执内容被改动过，或不是本办理机关签发的']);
    const malformed = await verify({ ...signed, number: '1234' }, 'en');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/Receipt number/);
    const extra = await verify({ ...signed, receipt: { ...signed.receipt, note: 'added' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/回执内容/);
  });

  it('a challenge point: the inspector is told a fresh code, the phone is asked to hold it, the signed record keeps it with both times', async () => {
    const opened = await apiCall(srv.url, 'POST', '/api/cases', cookie, { businessName: '测试大药房', permitTypes: ['pharmacy_retail'], address: { text: '测试地址', lat: 39.9, lon: 116.4 } });
    const c = { caseId: opened.caseRecord.id as string, sessionId: opened.session.id as string, token: (opened.joinUrl as string).split('/j/')[1]! };
    expect((await srv.server.walks.view(c.sessionId)).points.find((p) => p.key === PHARMACIST)).toMatchObject({ applies: true, evidence: { challengeCode: true } });
    const inspector = connect(srv.url, { role: 'inspector', sessionId: c.sessionId }, cookie);
    sockets.push(inspector);
    await connected(inspector);
    await joinCall(srv, inspector);
    const phone = connect(srv.url, { role: 'applicant', token: c.token });
    sockets.push(phone);
    await connected(phone);
    await joinCall(srv, phone);

    const asked = next(phone, 'capture:request');
    const reply = await ask(inspector, 'capture:request', { pointKey: PHARMACIST });
    expect(reply.ok).toBe(true);
    const challenge = (reply as { data: { challenge: { code: string; issuedAt: number } } }).data.challenge;
    expect(challenge.code).toMatch(/^[34679ACDEFGHJKMNPQRTUVWXY]{6}$/);
    const ask1 = await asked;
    expect(ask1).toEqual({ pointKey: PHARMACIST, captureId: expect.any(String), challenge });

    // A point without the flag: no code.
    const plain = await ask(inspector, 'capture:request', { pointKey: SIGNBOARD });
    expect(plain.ok && plain.data).toEqual({ challenge: null });

    const up = await uploadPhoto(srv, c, PHARMACIST, jpeg, { capture: ask1.captureId });
    expect(up.status).toBe(201);
    const receipt = (up.body as any).receipt.receipt;
    const record = (await srv.server.store.evidenceRecords.list(c.caseId)).find((r) => r.hash === receipt.recordHash)!;
    expect(record.record.checked.challenge).toEqual({ code: challenge.code, issuedAt: challenge.issuedAt, arrivedAt: record.record.serverTime });
    expect(record.record.serverTime).toBeGreaterThanOrEqual(challenge.issuedAt);
    // The staff's record view shows it too (the photo viewer's row).
    const view = await apiCall(srv.url, 'GET', `/api/evidence/${(up.body as any).evidenceId}/record`, cookie);
    expect(view.evidence.checked.challenge.code).toBe(challenge.code);
  });
});
