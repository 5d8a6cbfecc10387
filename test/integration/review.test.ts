import type { StateChange } from '../../server/inspection/InspectionEvents';
import { apiCall } from '../support/office';
import { closedInspection, type ClosedInspection } from '../support/closedInspection';
import { createStaff, postJson, type StaffAccount } from '../support/staff';
import { INSPECTOR, loginCookie, startTestServer, type RunningServer } from '../support/testServer';

// The reviewer's desk (复核) through the server's real doors: comments pinned to the recording, and
// the one decision, approve or send back with a reason, taken as a lifecycle step and logged. Nobody
// reviews an inspection they took part in.

interface Answer {
  status: number;
  body: any;
}

const TOOK_PART = { 'zh-CN': '您参与了本次勘验，不能复核', en: 'You took part in this inspection, so you cannot review it' };

describe('review of a sealed inspection', () => {
  let srv: RunningServer;
  /** The seeded first account (admin + supervisor + inspector): it inspects the cases below. */
  let seeded: string;
  /** A reviewer who was in none of the calls. */
  let reviewer: StaffAccount;
  /** Inspector and reviewer at once: inspects `own` itself. */
  let inspectorReviewer: StaffAccount;
  /** An inspector only, assigned to `approved` later. */
  let inspector: StaffAccount;
  /** Sealed by `seeded`, approved by `reviewer` in the first test. */
  let approved: ClosedInspection;
  /** Sealed by `inspectorReviewer`, sent back by `reviewer`. */
  let own: ClosedInspection;
  const changes: StateChange[] = [];

  const call = async (method: 'GET' | 'POST', path: string, cookie: string, body?: unknown): Promise<Answer> => {
    const res = method === 'GET' ? await fetch(`${srv.url}${path}`, { headers: { cookie } }) : await postJson(`${srv.url}${path}`, cookie, body);
    return { status: res.status, body: await res.json() };
  };
  const decide = (sessionId: string, cookie: string, body: unknown, lang = '') => call('POST', `/api/sessions/${sessionId}/review/decision${lang}`, cookie, body);
  const comment = (sessionId: string, cookie: string, body: unknown, lang = '') => call('POST', `/api/sessions/${sessionId}/review/comments${lang}`, cookie, body);
  const review = (sessionId: string, cookie: string) => call('GET', `/api/sessions/${sessionId}/review`, cookie);

  beforeAll(async () => {
    srv = await startTestServer();
    seeded = await loginCookie(srv.url);
    reviewer = await createStaff(srv.url, seeded, { username: 'rev-wang', roles: ['reviewer'] });
    inspectorReviewer = await createStaff(srv.url, seeded, { username: 'insp-rev-li', roles: ['inspector', 'reviewer'], departments: ['food_business'] });
    inspector = await createStaff(srv.url, seeded, { username: 'insp-zhao', roles: ['inspector'], departments: ['food_business'] });
    srv.server.lifecycle.events.on('state.changed', (c) => {
      changes.push(c);
    });
    approved = await closedInspection(srv, seeded, '复核通过测试餐馆');
    own = await closedInspection(srv, inspectorReviewer.cookie, '自己勘验的餐馆');
  }, 120_000);
  afterAll(() => srv?.stop());

  it('lets a reviewer approve with a reason: the session is approved, the step logged with who and why, the case decided', async () => {
    const before = await review(approved.sessionId, reviewer.cookie);
    expect(before).toEqual({ status: 200, body: { comments: [], canReview: true, canComment: true } });

    const reason = '  记录完整，结论与照片一致，同意  ';
    expect(await decide(approved.sessionId, reviewer.cookie, { decision: 'approve', reason })).toEqual({ status: 200, body: { state: 'approved' } });

    const { body } = await call('GET', `/api/sessions/${approved.sessionId}`, reviewer.cookie);
    expect(body.session.state).toBe('approved');
    expect(body.transitions.at(-1)).toMatchObject({ from: 'sealed', to: 'approved', trigger: 'review_approved', actor: 'rev-wang', reason: '记录完整，结论与照片一致，同意' });
    // Announced like every other step (the console's live view and the recording follow these).
    expect(changes.filter((c) => c.sessionId === approved.sessionId).at(-1)).toMatchObject({ caseId: approved.caseId, from: 'sealed', to: 'approved', actor: 'rev-wang', reason: '记录完整，结论与照片一致，同意' });
    expect((await call('GET', `/api/cases/${approved.caseId}`, reviewer.cookie)).body.status).toBe('decided');

    const after = await review(approved.sessionId, reviewer.cookie);
    expect(after.body).toEqual({
      comments: [],
      decision: { decision: 'approve', reason: '记录完整，结论与照片一致，同意', by: 'rev-wang', at: body.transitions.at(-1).at },
      canReview: false,
      canComment: true,
    });
  });

  it('refuses a second decision (409) and keeps the first', async () => {
    const again = await decide(approved.sessionId, reviewer.cookie, { decision: 'send_back', reason: '改变主意，退回重新勘验' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('本次勘验当前为“已复核通过”，不能退回审批人员');
    const en = await decide(approved.sessionId, reviewer.cookie, { decision: 'approve', reason: '再次确认通过结论' }, '?lang=en');
    expect(en.status).toBe(409);
    expect(en.body.error.message).toBe('This inspection is “approved on review”, so you cannot approve it on review now');
    expect((await srv.server.lifecycle.session(approved.sessionId)).session.state).toBe('approved');
    expect((await srv.server.lifecycle.transitions(approved.sessionId)).filter((t) => t.trigger.startsWith('review_'))).toHaveLength(1);
  });

  it('refuses a reviewer who did the inspection, in both languages, and offers them nothing', async () => {
    // Who did each: the account that worked the checklist (the phone is never among them).
    expect(await srv.server.lifecycle.inspectedBy(own.sessionId)).toEqual(['insp-rev-li']);
    expect(await srv.server.lifecycle.inspectedBy(approved.sessionId)).toEqual([INSPECTOR.username]);
    const zh = await decide(own.sessionId, inspectorReviewer.cookie, { decision: 'approve', reason: '我自己检查过，没问题' });
    expect(zh).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'forbidden', message: TOOK_PART['zh-CN'] }) } });
    const en = await comment(own.sessionId, inspectorReviewer.cookie, { offsetMs: 0, body: 'Looks fine to me' }, '?lang=en');
    expect(en).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'forbidden', message: TOOK_PART.en }) } });
    // The seeded account is a supervisor too, and inspected `approved`: the same rule holds.
    expect((await comment(approved.sessionId, seeded, { offsetMs: null, body: '我来补充一句' })).body.error.message).toBe(TOOK_PART['zh-CN']);
    // It may read its own inspection's review, but the page offers no decision and no comment.
    expect((await review(own.sessionId, inspectorReviewer.cookie)).body).toMatchObject({ canReview: false, canComment: false });
    expect((await srv.server.lifecycle.session(own.sessionId)).session.state).toBe('sealed');
  });

  it('refuses an inspector who is not a reviewer, with the plain refusal', async () => {
    const { assignees } = await apiCall(srv.url, 'POST', `/api/cases/${approved.caseId}/assignees`, seeded, { accountId: inspector.id, assigned: true });
    expect(assignees.map((a: { username: string }) => a.username)).toContain('insp-zhao');
    // Assigned, so the review can be read; not a reviewer, so nothing can be done with it.
    expect((await review(approved.sessionId, inspector.cookie)).body).toMatchObject({ canReview: false, canComment: false });
    const refused = await comment(approved.sessionId, inspector.cookie, { offsetMs: 1000, body: '我也想发表意见' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('您没有权限进行此操作');
    expect((await decide(own.sessionId, inspector.cookie, { decision: 'approve', reason: '看起来没有问题' })).status).toBe(403);
  });

  it('refuses a reviewer whose voice was recorded in the call, though the checklist was worked by another', async () => {
    // Two inspectors in the call: one works the checklist, the other only speaks. The recorder names
    // the speaker's microphone by account id, as it does for every inspector segment.
    const speaker = await createStaff(srv.url, seeded, { username: 'insp-rev-sun', roles: ['inspector', 'reviewer'], departments: ['food_business'] });
    const target = await closedInspection(srv, seeded, '两人勘验的餐馆');
    expect((await review(target.sessionId, speaker.cookie)).body).toMatchObject({ canReview: true });
    await srv.server.store.segments.insert({
      id: `seg-${speaker.id}`,
      sessionId: target.sessionId,
      caseId: target.caseId,
      track: 'inspector',
      peer: speaker.id,
      file: `${target.caseId}/${target.sessionId}/9-inspector.mkv`,
      startedAt: Date.now() - 60_000,
      endedAt: Date.now() - 1000,
      startCause: 'inspector_joined',
      endCause: 'call_ended',
      state: 'failed',
      attempts: 0,
    });
    const refused = await decide(target.sessionId, speaker.cookie, { decision: 'approve', reason: '我在通话中听到了全部过程' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(TOOK_PART['zh-CN']);
    expect((await review(target.sessionId, speaker.cookie)).body).toMatchObject({ canReview: false, canComment: false });
  });

  it('takes comments pinned to a time or to the whole inspection, trimmed, oldest first', async () => {
    const pinned = await comment(approved.sessionId, reviewer.cookie, { offsetMs: 12_500, body: '  灭火器压力表在这里看不清\n建议下次近拍  ' });
    expect(pinned.status).toBe(201);
    expect(pinned.body).toEqual({ comment: { id: expect.any(String), offsetMs: 12_500, body: '灭火器压力表在这里看不清\n建议下次近拍', author: 'rev-wang', at: expect.any(Number) } });
    const whole = await comment(approved.sessionId, reviewer.cookie, { offsetMs: null, body: '整体记录完整' });
    expect(whole.status).toBe(201);
    const { body } = await review(approved.sessionId, reviewer.cookie);
    expect(body.comments.map((c: { body: string; offsetMs: number | null }) => [c.offsetMs, c.body])).toEqual([
      [12_500, '灭火器压力表在这里看不清\n建议下次近拍'],
      [null, '整体记录完整'],
    ]);
    // Stored as sent back (the replay page reads these).
    expect(await srv.server.store.reviewComments.listBySession(approved.sessionId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: pinned.body.comment.id, sessionId: approved.sessionId, author: 'rev-wang' })]),
    );
  });

  it('refuses bad comments and decisions with a message naming the field, in Chinese and (with ?lang=en) in English', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ offsetMs: 0, body: '   ' }, '输入有误：请填写评论内容', 'Invalid input: Comment is required'],
      [{ offsetMs: 0, body: '长'.repeat(2001) }, '输入有误：评论内容不能超过 2000 个字', 'Invalid input: Comment must be at most 2000 characters'],
      [{ offsetMs: -1, body: '时间点不对' }, '输入有误：录像时间点不能小于 0', 'Invalid input: Time in the recording must be at least 0'],
      [{ body: '没有时间点' }, '输入有误：请填写录像时间点', 'Invalid input: Time in the recording is required'],
      [{ offsetMs: 0, body: '控制\u0007字符' }, '输入有误：评论内容不能包含控制字符', 'Invalid input: Comment must not contain control characters'],
    ];
    for (const [input, zh, en] of cases) {
      expect(await comment(approved.sessionId, reviewer.cookie, input)).toEqual({ status: 400, body: { error: expect.objectContaining({ code: 'invalid', message: zh }) } });
      expect(await comment(approved.sessionId, reviewer.cookie, input, '?lang=en')).toEqual({ status: 400, body: { error: expect.objectContaining({ code: 'invalid', message: en }) } });
    }
    // 2000 characters is the limit itself.
    expect((await comment(approved.sessionId, reviewer.cookie, { offsetMs: 0, body: '长'.repeat(2000) })).status).toBe(201);

    const short = await decide(own.sessionId, reviewer.cookie, { decision: 'send_back', reason: ' 不行 ' });
    expect(short).toEqual({ status: 400, body: { error: expect.objectContaining({ message: '输入有误：请填写不少于5个字的理由' }) } });
    const unknown = await decide(own.sessionId, reviewer.cookie, { decision: 'maybe', reason: '还需要再想一想' }, '?lang=en');
    expect(unknown).toEqual({ status: 400, body: { error: expect.objectContaining({ message: 'Invalid input: Review decision: not one of the allowed values' }) } });
    expect((await srv.server.lifecycle.session(own.sessionId)).session.state).toBe('sealed');
  });

  it('refuses review of an inspection that is not sealed yet', async () => {
    const opened = await apiCall(srv.url, 'POST', '/api/cases', seeded, { businessName: '尚未勘验的餐馆', permitTypes: ['food_business'], address: { text: '测试地址', lat: 39.9, lon: 116.4 } });
    const sessionId: string = opened.session.id;
    expect((await review(sessionId, reviewer.cookie)).status).toBe(403);
    const early = await comment(sessionId, reviewer.cookie, { offsetMs: null, body: '提前看一看' });
    expect(early).toEqual({ status: 403, body: { error: expect.objectContaining({ message: '勘验结束并封存后才能复核' }) } });
    // A supervisor may read it while it runs, but not review it.
    expect((await review(sessionId, seeded)).body).toMatchObject({ canReview: false, canComment: false });
    await expect(srv.server.lifecycle.review(sessionId, 'approve', '绕过权限直接通过', 'rev-wang')).rejects.toMatchObject({ status: 409 });
  });

  it('sends back with a reason; the case goes back to the inspector, and a re-inspection can follow', async () => {
    const reason = '灭火器照片无法判断压力，请复验';
    expect(await decide(own.sessionId, reviewer.cookie, { decision: 'send_back', reason })).toEqual({ status: 200, body: { state: 'sent_back' } });
    const history = (await call('GET', `/api/sessions/${own.sessionId}?lang=en`, reviewer.cookie)).body.transitions;
    expect(history.at(-1)).toMatchObject({ from: 'sealed', to: 'sent_back', trigger: 'review_sent_back', actor: 'rev-wang', reason });
    expect((await call('GET', `/api/cases/${own.caseId}`, reviewer.cookie)).body.status).toBe('sent_back');
    expect((await review(own.sessionId, reviewer.cookie)).body).toMatchObject({ decision: { decision: 'send_back', reason, by: 'rev-wang' }, canReview: false, canComment: true });

    // The inspector re-inspects the failed points (复验) in a new session.
    const again = await postJson(`${srv.url}/api/sessions/${own.sessionId}/reinspect`, inspectorReviewer.cookie);
    expect(again.status).toBe(201);
    const { session } = (await again.json()) as { session: { id: string; state: string } };
    expect(session.state).toBe('scheduled');
    expect(await srv.server.walks.parentOf(session.id)).toBe(own.sessionId);
    expect((await call('GET', `/api/cases/${own.caseId}`, inspectorReviewer.cookie)).body.status).toBe('inspection_scheduled');
  });

  it('lets an approved inspection with failures be re-inspected too', async () => {
    const again = await postJson(`${srv.url}/api/sessions/${approved.sessionId}/reinspect`, seeded);
    expect(again.status).toBe(201);
  });
});
