import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError, Conflict } from '../../server/platform/errors';
import { openDomain } from '../support/domain';

type Domain = Awaited<ReturnType<typeof openDomain>>;

/** Answers every point of the tiny template so its checklist can close (no photos needed). */
async function answerAll(d: Domain, sid: string): Promise<void> {
  await d.lifecycle.changeWalk(sid, { type: 'fact_answered', fact: 'seats', value: 10 }, 'insp');
  await d.lifecycle.changeWalk(sid, { type: 'fact_answered', fact: 'cold', value: false }, 'insp');
  await d.lifecycle.changeWalk(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'insp');
  await d.lifecycle.changeWalk(sid, { type: 'result_set', key: 'tiny.sign', result: 'pass' }, 'insp');
}

const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: AppError) => `${e.constructor.name}:${e.reason ?? ''}`);

describe('the inspection lifecycle owner', () => {
  let dir: string;
  let d: Domain;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-lifecycle-'));
    d = await openDomain(dir);
  });
  afterEach(async () => {
    await d.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('walks the happy path: presence moves it, closing the checklist ends and seals it, every step stored with who and why', async () => {
    const caseRecord = await d.newCase();
    const sid = (await d.lifecycle.schedule(caseRecord, 'insp')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 0 }); // phone first: still scheduled
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await d.lifecycle.presence(sid, { applicant: 'reconnecting', inspectors: 1 });
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await answerAll(d, sid);
    await d.lifecycle.closeWalk(sid, { outcome: 'pass', computed: 'pass' }, 'insp');

    const steps = await d.lifecycle.transitions(sid);
    expect(steps.map((s) => `${s.from}>${s.to}:${s.trigger}:${s.actor}`)).toEqual([
      'scheduled>live:inspector_joined:system',
      'live>applicant_reconnecting:applicant_dropped:system',
      'applicant_reconnecting>live:applicant_joined:system',
      'live>checklist_closed:walk_closed:insp',
      'checklist_closed>ended:call_ended:insp',
      'ended>sealed:sealed:system',
    ]);
    expect(steps.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(steps.every((s) => s.at > 0)).toBe(true);
    expect(d.changes.map((c) => c.to)).toEqual(['live', 'applicant_reconnecting', 'live', 'checklist_closed', 'ended', 'sealed']);
    const { session } = await d.lifecycle.session(sid);
    expect(session).toMatchObject({ state: 'sealed', outcome: 'pass', endReason: '检查清单已结束' });

    // The sealed log in the evidence chain carries the checklist events and the lifecycle steps.
    const [record] = await d.chain.list(caseRecord.id);
    expect(record!.record).toMatchObject({ kind: 'walk_log', sessionId: sid, checked: { events: 5, transitions: 5 } });
  });

  it('interrupts when the call ends with the checklist open; resumed, the same walk closes in a second call', async () => {
    const sid = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await d.lifecycle.changeWalk(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'insp');
    expect(await d.lifecycle.endCall(sid, 'insp', '申请人网络太差')).toBe('interrupted');
    expect((await d.lifecycle.session(sid)).session).toMatchObject({ state: 'interrupted', endReason: '申请人网络太差' });

    // Interrupted: the checklist waits; nothing changes it until resumed.
    expect(await refusal(d.lifecycle.changeWalk(sid, { type: 'result_set', key: 'tiny.sign', result: 'pass' }, 'insp'))).toBe('Conflict:');
    await d.lifecycle.resume(sid, 'insp');
    // Resumed, it is not ended any more: the end stays only in the transition log.
    expect((await d.lifecycle.session(sid)).session).toMatchObject({ state: 'scheduled', endedAt: undefined, endReason: undefined });
    await d.lifecycle.presence(sid, { applicant: 'waiting', inspectors: 1 });
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await answerAll(d, sid);
    await d.lifecycle.closeWalk(sid, { outcome: 'pass', computed: 'pass' }, 'insp');
    const view = await d.walks.view(sid);
    expect(view.points.find((p) => p.key === 'tiny.licence')!.result).toBe('pass'); // the first call's answer survived
    expect((await d.lifecycle.transitions(sid)).map((s) => s.to)).toEqual([
      'live', 'interrupted', 'scheduled', 'waiting_for_applicant', 'live', 'checklist_closed', 'ended', 'sealed',
    ]);
  });

  it('refuses every step that is not allowed, with a typed error and a message, and writes nothing', async () => {
    const sid = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    const resumed = d.lifecycle.resume(sid, 'insp');
    await expect(resumed).rejects.toBeInstanceOf(Conflict);
    await expect(resumed).rejects.toMatchObject({ reason: 'transition_refused', userMessage: '本次勘验当前为“待开始”，不能恢复勘验' });
    await expect(d.lifecycle.abandon(sid, 'insp', '短')).rejects.toMatchObject({ userMessage: '放弃勘验需要填写不少于5个字的理由' });
    expect(await d.lifecycle.transitions(sid)).toEqual([]);
    expect((await d.lifecycle.session(sid)).session.state).toBe('scheduled');
  });

  it('accepts nothing once sealed', async () => {
    const sid = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await answerAll(d, sid);
    await d.lifecycle.closeWalk(sid, { outcome: 'pass', computed: 'pass' }, 'insp');
    const before = await d.lifecycle.transitions(sid);
    const attempts = {
      walk: await refusal(d.lifecycle.changeWalk(sid, { type: 'note_set', key: 'tiny.licence', note: '补充' }, 'insp')),
      close: await refusal(d.lifecycle.closeWalk(sid, { outcome: 'pass', computed: 'pass' }, 'insp')),
      end: await refusal(d.lifecycle.endCall(sid, 'insp')),
      resume: await refusal(d.lifecycle.resume(sid, 'insp')),
      abandon: await refusal(d.lifecycle.abandon(sid, 'insp', '理由很充分的放弃')),
    };
    expect(attempts).toEqual({ walk: 'Conflict:', close: 'Conflict:', end: 'Conflict:transition_refused', resume: 'Conflict:transition_refused', abandon: 'Conflict:transition_refused' });
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 }); // presence never reopens it
    expect(await d.lifecycle.transitions(sid)).toEqual(before);
  });

  it('abandons an interrupted inspection with a reason and seals its log', async () => {
    const caseRecord = await d.newCase();
    const sid = (await d.lifecycle.schedule(caseRecord, 'insp')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    await d.lifecycle.endCall(sid, 'insp');
    await d.lifecycle.abandon(sid, 'sup', '企业已撤回申请');
    const last = (await d.lifecycle.transitions(sid)).at(-1)!;
    expect(last).toMatchObject({ from: 'interrupted', to: 'abandoned', trigger: 'abandoned', actor: 'sup', reason: '企业已撤回申请' });
    const chained = await d.chain.list(caseRecord.id);
    expect(chained.map((r) => r.record.kind)).toEqual(['walk_log', 'seal']);
    // The seal after the step states the one record before it and the state it left.
    expect(chained[1]!.record.checked).toEqual({ step: 'abandoned', lifecycleState: 'abandoned', records: 1, headHash: chained[0]!.hash });
  });

  it('after a restart puts calls back to scheduled and finishes a decision that was taken but not sealed', async () => {
    const a = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    const b = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    const e = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    const caseOfF = await d.newCase();
    const f = (await d.lifecycle.schedule(caseOfF, 'insp')).id;
    for (const x of [a, b, e, f]) await d.lifecycle.presence(x, { applicant: 'live', inspectors: 1 });
    await answerAll(d, b);
    await d.walks.close(b, { outcome: 'pass', computed: 'pass' }, 'insp');
    // Killed between closing the checklist and ending the call: the store says checklist_closed.
    await d.store.sessions.transition({ sessionId: b, from: 'live', to: 'checklist_closed', trigger: 'walk_closed', actor: 'insp', at: d.clock.now() });
    // Killed right after the checklist closed, before its transition was written.
    await answerAll(d, e);
    await d.walks.close(e, { outcome: 'pass', computed: 'pass' }, 'insp');
    // Killed after abandoning, before the seal.
    await d.lifecycle.endCall(f, 'insp');
    await d.store.sessions.transition({ sessionId: f, from: 'interrupted', to: 'abandoned', trigger: 'abandoned', actor: 'insp', reason: '企业撤回申请', at: d.clock.now() });
    await d.store.close();

    d = await openDomain(dir);
    await d.lifecycle.recover();
    expect((await d.lifecycle.session(a)).session.state).toBe('scheduled');
    expect((await d.lifecycle.transitions(a)).at(-1)).toMatchObject({ trigger: 'server_restarted', actor: 'system' });
    expect((await d.lifecycle.session(b)).session.state).toBe('sealed');
    expect((await d.lifecycle.session(e)).session).toMatchObject({ state: 'sealed', outcome: 'pass' });
    expect((await d.chain.list(caseOfF.id)).map((r) => r.record.kind)).toEqual(['walk_log']);
    // A second restart seals nothing twice.
    await d.lifecycle.recover();
    expect((await d.chain.list(caseOfF.id)).map((r) => r.record.kind)).toEqual(['walk_log']);
  });

  it('lets one of two racing owners (two nodes on one database) win a transition', async () => {
    const sid = (await d.lifecycle.schedule(await d.newCase(), 'insp')).id;
    await d.lifecycle.presence(sid, { applicant: 'live', inspectors: 1 });
    const other = await openDomain(dir);
    try {
      const results = await Promise.all([refusal(d.lifecycle.endCall(sid, 'a')), refusal(other.lifecycle.endCall(sid, 'b'))]);
      expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
      expect(results.filter((r) => r.startsWith('Conflict'))).toHaveLength(1);
      expect((await d.lifecycle.transitions(sid)).filter((t) => t.to === 'interrupted')).toHaveLength(1);
    } finally {
      await other.store.close();
    }
  });
});

describe('store transactions', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-tx-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('numbers cases created in parallel without collisions, also from two connections', async () => {
    const a = await openDomain(dir);
    const b = await openDomain(dir);
    try {
      const made = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).newCase()));
      const numbers = made.map((c) => c.caseNumber).sort();
      expect(new Set(numbers).size).toBe(60);
      expect(numbers.map((n) => Number(n.slice(-4)))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('keeps checklist event numbers gapless with two writers on one session', async () => {
    const a = await openDomain(dir);
    const b = await openDomain(dir);
    try {
      const sid = (await a.lifecycle.schedule(await a.newCase(), 'i')).id;
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).walks.record(sid, { type: 'note_set', key: 'tiny.licence', note: `n${i}` }, 'i')));
      expect((await a.store.walks.events(sid)).map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('rolls back everything a failed transaction wrote, and other writers wait for it', async () => {
    const d = await openDomain(dir);
    try {
      let inside: string | undefined;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = d.store.transaction(async () => {
        inside = (await d.newCase()).id;
        await gate;
        throw new Error('boom');
      });
      await new Promise((r) => setTimeout(r, 10));
      // A writer from outside the transaction waits until it is over, then commits on its own.
      let outsideDone = false;
      const outside = d.newCase().then((c) => ((outsideDone = true), c));
      await new Promise((r) => setTimeout(r, 30));
      expect(outsideDone).toBe(false);
      release();
      await expect(tx).rejects.toThrow('boom');
      const kept = (await outside).id;
      expect((await d.store.cases.list(10)).map((c) => c.id)).toEqual([kept]);
      expect(await d.store.cases.get(inside!)).toBeUndefined();
    } finally {
      await d.store.close();
    }
  });
});
