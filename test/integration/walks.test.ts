import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conflict } from '../../server/platform/errors';
import { tinyTemplate } from '../unit/checklist/fixtures';
import { openDomain } from '../support/domain';

describe('inspection walks on SQLite', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-walks-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('continues where it was after a restart, on the template version it pinned', async () => {
    let d = await openDomain(dir);
    const caseRecord = await d.newCase();
    const sid = (await d.lifecycle.schedule(caseRecord, 'inspector')).id;
    await d.walks.record(sid, { type: 'fact_answered', fact: 'seats', value: 80 }, 'inspector');
    await d.walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass', note: '证照齐全' }, 'inspector');
    await d.walks.record(sid, { type: 'point_opened', key: 'tiny.sink' }, 'inspector');
    const pinned = (await d.walks.view(sid)).pins[0]!.hash;
    await d.store.close();

    // The office edits the template file afterwards: the running inspection must not change.
    const edited = tinyTemplate();
    edited.sections[0].points[0].guidance['zh-CN'] = '新版指引';
    fs.writeFileSync(path.join(dir, 'templates', 'tiny.json'), JSON.stringify(edited));

    d = await openDomain(dir);
    const view = await d.walks.view(sid);
    expect(view.current).toBe('tiny.sink');
    expect(view.points.find((p) => p.key === 'tiny.licence')).toMatchObject({ result: 'pass', note: '证照齐全' });
    expect(view.points.find((p) => p.key === 'tiny.licence')!.guidance).toBe('看清楚');
    expect(view.pins[0]!.hash).toBe(pinned);
    expect(view.facts.find((f) => f.key === 'seats')!.value).toBe(80);

    // A new inspection of the same case pins the edited version.
    const s2 = await d.lifecycle.schedule(await d.cases.get(caseRecord.id), 'inspector');
    expect((await d.walks.view(s2.id)).pins[0]!.hash).not.toBe(pinned);
    await d.store.close();
  });

  it('refuses changes that break the rules, with a message, and keeps sequence numbers gapless', async () => {
    const d = await openDomain(dir);
    const sid = (await d.lifecycle.schedule(await d.newCase(), 'inspector')).id;
    const results = await Promise.allSettled([
      d.walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'a'),
      d.walks.record(sid, { type: 'result_set', key: 'tiny.nope', result: 'pass' }, 'a'),
      d.walks.record(sid, { type: 'fact_answered', fact: 'seats', value: 'many' }, 'a'),
      d.walks.record(sid, { type: 'result_set', key: 'tiny.sign', result: 'fail' }, 'a'),
      d.walks.close(sid, { outcome: 'pass', computed: 'pass' }, 'a'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason.userMessage).toBe('“座位”应为数字');
    expect((results[4] as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    expect((await d.store.walks.events(sid)).map((e) => e.seq)).toEqual([1, 2]);
    await d.store.close();
  });

  it('makes a re-inspection (复验) that carries only the failed points, once the first one is sealed', async () => {
    const d = await openDomain(dir);
    const caseRecord = await d.newCase();
    const sid = (await d.lifecycle.schedule(caseRecord, 'inspector')).id;
    await d.walks.record(sid, { type: 'fact_answered', fact: 'seats', value: 10 }, 'i');
    await d.walks.record(sid, { type: 'fact_answered', fact: 'cold', value: false }, 'i');
    await d.walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'i');
    await d.walks.record(sid, { type: 'result_set', key: 'tiny.sign', result: 'needs_rectification' }, 'i');
    // The parent must be finished: an open checklist cannot be a re-inspection's parent.
    await expect(d.lifecycle.schedule(caseRecord, 'i', sid)).rejects.toMatchObject({ userMessage: expect.stringContaining('不能发起复验') });
    await d.lifecycle.closeWalk(sid, { outcome: 'conditional_pass', computed: 'conditional_pass' }, 'i');
    expect((await d.walks.view(sid)).closed?.rectificationDeadline).toBeGreaterThan(d.clock.t + 29 * 86_400_000);
    const re = await d.lifecycle.schedule(caseRecord, 'i', sid);
    const view = await d.walks.view(re.id);
    expect(view.points.map((p) => p.key)).toEqual(['tiny.sign']);
    expect(view.parentSessionId).toBe(sid);
    // One re-inspection per inspection: a second one is refused while the first is not abandoned.
    await expect(d.lifecycle.schedule(caseRecord, 'i', sid)).rejects.toMatchObject({ userMessage: expect.stringContaining('已经发起过复验') });
    await d.store.close();
  });
});
