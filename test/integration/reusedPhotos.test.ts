import { canonicalJson } from '../../server/checklist/canonicalJson';
import type { ReuseFinding } from '../../server/evidence/reuse/ReuseCheck';
import { decisionFacts } from '../../server/evidence/seal/decisionFacts';
import { asInspectorInCall, joinCall, uploadFrame } from '../support/office';
import { ask, connect, connected } from '../support/sockets';
import { uploadPhoto } from '../support/photoUpload';
import { reencodedCopy, sceneJpeg } from '../support/sceneImages';
import { createCase, loginCookie, startTestServer, type CreatedCase, type RunningServer } from '../support/testServer';

const ADDRESS = { text: '测试地址', lat: 39.92893, lon: 116.41642 };
const NEAR = { lat: 39.92898, lon: 116.41642, accuracy: 5 };
const SIGNBOARD = 'common.signboard_address'; // food template: one photo within 50 m

describe('reused photos', () => {
  let srv: RunningServer;
  let cookie: string;
  let a: CreatedCase & { caseNumber: string };
  let b: CreatedCase & { caseNumber: string };
  let scene: Buffer;

  const opened = async (): Promise<CreatedCase & { caseNumber: string }> => {
    const c = await createCase(srv.url, cookie, ADDRESS);
    return { ...c, caseNumber: (await srv.server.store.cases.get(c.caseId))!.caseNumber };
  };
  /** Uploads a camera photo answering a fresh request; returns the original's reuse finding as stored and as signed. */
  const photo = async (c: CreatedCase, point: string, bytes: Buffer) => {
    const now = Date.now();
    const r = await uploadPhoto(srv, c, point, bytes, { ...NEAR, fixTime: now - 1000, deviceTime: now });
    expect(r.status).toBe(201);
    const item = (await srv.server.store.evidence.get(r.body.evidenceId!))!;
    const record = (await srv.server.store.evidenceRecords.list(c.caseId)).find((x) => x.record.kind === 'original' && x.record.sha256 === item.sha256 && x.record.serverTime === item.serverTime)!;
    return { id: item.id, reuse: item.checked.reuse, signed: record.record.checked.reuse as ReuseFinding | null, recordJson: canonicalJson(record.record) };
  };
  const pointOf = async (c: CreatedCase, key: string) => (await srv.server.walks.view(c.sessionId)).points.find((p) => p.key === key)!;

  beforeAll(async () => {
    srv = await startTestServer({ PHOTO_REUSE_NEAR_BITS: '10' });
    cookie = await loginCookie(srv.url);
    a = await opened();
    b = await opened();
    scene = await sceneJpeg(21);
  });
  afterAll(() => srv.stop());

  it('flags the same bytes in the same case and in another case, naming the earlier case, in the signed record', async () => {
    const first = await photo(a, SIGNBOARD, scene);
    expect(first.reuse).toBeNull();
    expect(first.signed).toBeNull();

    const again = await photo(a, SIGNBOARD, scene);
    expect(again.reuse).toMatchObject({ kind: 'identical', caseNumber: a.caseNumber, caseId: a.caseId, sameCase: true, photoNumber: 1, evidenceId: first.id, pointKey: SIGNBOARD, distance: 0 });
    expect(again.signed).toEqual(again.reuse);

    const elsewhere = await photo(b, SIGNBOARD, scene);
    // The earliest copy is named, not the later one in case A.
    expect(elsewhere.reuse).toMatchObject({ kind: 'identical', caseNumber: a.caseNumber, sameCase: false, evidenceId: first.id, photoNumber: 1 });
    expect(elsewhere.recordJson).toContain(`"caseNumber":"${a.caseNumber}"`);

    // The console's view says which photos are flagged.
    const view = await pointOf(b, SIGNBOARD);
    expect(view.photos.find((p) => p.id === elsewhere.id)?.reuse).toMatchObject({ kind: 'identical', caseNumber: a.caseNumber, sameCase: false });
  });

  it('checks frames grabbed by the inspector too, and flags one of two copies arriving at once', async () => {
    const c = await opened();
    const frame = await uploadFrame(srv.url, cookie, c.sessionId, SIGNBOARD, scene);
    expect((await srv.server.store.evidence.get(frame.evidenceId))!.checked.reuse).toMatchObject({ kind: 'identical', caseNumber: a.caseNumber });

    const twin = await sceneJpeg(23);
    const both = await Promise.all([photo(c, SIGNBOARD, twin), photo(c, SIGNBOARD, twin)]);
    expect(both.map((x) => x.reuse?.kind ?? 'none').sort()).toEqual(['identical', 'none']);
  });

  it('flags a re-encoded, slightly cropped copy as near-identical and leaves a different scene alone', async () => {
    const c = await opened();
    const copy = await photo(c, SIGNBOARD, await reencodedCopy(scene, 60, 0.03));
    expect(copy.reuse).toMatchObject({ kind: 'near', caseNumber: a.caseNumber, sameCase: false });
    expect(copy.reuse!.distance).toBeLessThanOrEqual(10);
    const other = await photo(c, SIGNBOARD, await sceneJpeg(22));
    expect(other.reuse).toBeNull();
  });

  it('does not count a flagged photo towards the point until the inspector accepts it with a written reason', async () => {
    const d = await opened();
    const flagged = await photo(d, SIGNBOARD, scene);
    expect(flagged.reuse?.kind).toBe('identical');
    expect((await pointOf(d, SIGNBOARD)).evidenceGap).toContain('已有 0 张');

    const reason = '同一门店复验，现场核实门头未变';
    await asInspectorInCall(srv, cookie, d.sessionId, async (send) => {
      await expect(send('walk:accept_reuse', { key: SIGNBOARD, evidenceId: flagged.id, reason: '  好 ' })).rejects.toThrow('请填写采用理由（至少 4 个字）');
      await expect(send('walk:accept_reuse', { key: SIGNBOARD, evidenceId: 'no-such-photo', reason })).rejects.toThrow('没有被标记为重复使用');
      expect((await pointOf(d, SIGNBOARD)).evidenceGap).toContain('已有 0 张');
      await send('walk:accept_reuse', { key: SIGNBOARD, evidenceId: flagged.id, reason });
      await expect(send('walk:accept_reuse', { key: SIGNBOARD, evidenceId: flagged.id, reason })).rejects.toThrow('已经采用过了');
    });

    const point = await pointOf(d, SIGNBOARD);
    expect(point.evidenceGap).toBeUndefined();
    expect(point.photos.find((p) => p.id === flagged.id)?.reuse?.accepted).toMatchObject({ reason, by: expect.any(String) });
    // The acceptance is a checklist event, in the log the walk record signs.
    const events = await srv.server.walks.eventLog(d.sessionId);
    expect(events.filter((e) => e.type === 'reuse_accepted')).toEqual([expect.objectContaining({ key: SIGNBOARD, evidenceId: flagged.id, reason, actor: expect.any(String) })]);
    const attached = events.find((e) => e.type === 'evidence_attached' && e.evidence.evidenceId === flagged.id);
    expect(attached).toMatchObject({ evidence: { reuse: { kind: 'identical', caseNumber: a.caseNumber } } });
    // The decision signed with the walk log says the photo repeats another and who accepted it, and why.
    const decision = decisionFacts(await srv.server.walks.walk(d.sessionId), await srv.server.store.evidence.listBySession(d.sessionId));
    expect(decision.points.find((p) => p.key === SIGNBOARD)!.evidence.find((r) => r.evidenceId === flagged.id)?.reuse).toMatchObject({ kind: 'identical', caseNumber: a.caseNumber, accepted: { reason } });
  });

  it('words its refusals in English for an English console', async () => {
    const e = await opened();
    const flagged = await photo(e, SIGNBOARD, scene);
    const s = connect(srv.url, { role: 'inspector', sessionId: e.sessionId, lang: 'en' }, cookie);
    try {
      await connected(s);
      await joinCall(srv, s);
      const short = await ask(s, 'walk:accept_reuse', { key: SIGNBOARD, evidenceId: flagged.id, reason: 'ok' });
      expect(short.ok ? 'accepted' : short.error.message).toContain('Write a reason for accepting (at least 4 characters)');
      const unflagged = await ask(s, 'walk:accept_reuse', { key: SIGNBOARD, evidenceId: 'no-such-photo', reason: 'checked on site' });
      expect(unflagged.ok ? 'accepted' : unflagged.error.message).toContain('not flagged as reused');
    } finally {
      s.disconnect();
    }
  });
});
