import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TemplateLibrary } from '../../server/checklist/TemplateLibrary';
import { InspectionWalks } from '../../server/inspection/InspectionWalks';
import { CaseService } from '../../server/cases/CaseService';
import { JoinLinks } from '../../server/cases/JoinLinks';
import { Conflict } from '../../server/platform/errors';
import { SqliteStore } from '../../server/store/SqliteStore';
import { tinyTemplate } from '../unit/checklist/fixtures';

describe('inspection walks on SQLite', () => {
  let dir: string;
  let templatesDir: string;
  const clock = { t: 1_800_000_000_000, now() { return this.t++; } };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-walks-'));
    templatesDir = path.join(dir, 'templates');
    fs.mkdirSync(templatesDir);
    fs.writeFileSync(path.join(templatesDir, 'tiny.json'), JSON.stringify(tinyTemplate()));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function open() {
    const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
    const walks = new InspectionWalks(store, TemplateLibrary.load(templatesDir), clock);
    const cases = new CaseService(store, new JoinLinks(store, Buffer.alloc(32, 1), clock, 3600_000), clock, walks);
    return { store, walks, cases };
  }

  it('continues where it was after a restart, on the template version it pinned', async () => {
    let { store, walks, cases } = await open();
    const c = await cases.create({ businessName: '店', permitTypes: ['tiny_permit' as never], address: { text: '地址', lat: 30, lon: 120 } }, 'inspector');
    const sid = c.session.id;
    await walks.record(sid, { type: 'fact_answered', fact: 'seats', value: 80 }, 'inspector');
    await walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass', note: '证照齐全' }, 'inspector');
    await walks.record(sid, { type: 'point_opened', key: 'tiny.sink' }, 'inspector');
    const pinned = (await walks.view(sid)).pins[0]!.hash;
    await store.close();

    // The office edits the template file afterwards: the running inspection must not change.
    const edited = tinyTemplate();
    edited.sections[0].points[0].guidance['zh-CN'] = '新版指引';
    fs.writeFileSync(path.join(templatesDir, 'tiny.json'), JSON.stringify(edited));

    ({ store, walks, cases } = await open());
    const view = await walks.view(sid);
    expect(view.current).toBe('tiny.sink');
    expect(view.points.find((p) => p.key === 'tiny.licence')).toMatchObject({ result: 'pass', note: '证照齐全' });
    expect(view.points.find((p) => p.key === 'tiny.licence')!.guidance).toBe('看清楚');
    expect(view.pins[0]!.hash).toBe(pinned);
    expect(view.facts.find((f) => f.key === 'seats')!.value).toBe(80);

    // A new inspection of the same case pins the edited version.
    const s2 = await cases.openSession(await cases.get(c.caseRecord.id));
    expect((await walks.view(s2.id)).pins[0]!.hash).not.toBe(pinned);
    await store.close();
  });

  it('refuses changes that break the rules, with a message, and keeps sequence numbers gapless', async () => {
    const { store, walks, cases } = await open();
    const c = await cases.create({ businessName: '店', permitTypes: ['tiny_permit' as never], address: { text: '地址', lat: 30, lon: 120 } }, 'inspector');
    const sid = c.session.id;
    const results = await Promise.allSettled([
      walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'a'),
      walks.record(sid, { type: 'result_set', key: 'tiny.nope', result: 'pass' }, 'a'),
      walks.record(sid, { type: 'result_set', key: 'tiny.sign', result: 'fail' }, 'a'),
      walks.close(sid, { outcome: 'pass', computed: 'pass' }, 'a'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    expect((await store.walks.events(sid)).map((e) => e.seq)).toEqual([1, 2]);
    await store.close();
  });

  it('makes a re-inspection (复验) that carries only the failed points', async () => {
    const { store, walks, cases } = await open();
    const c = await cases.create({ businessName: '店', permitTypes: ['tiny_permit' as never], address: { text: '地址', lat: 30, lon: 120 } }, 'inspector');
    const sid = c.session.id;
    await walks.record(sid, { type: 'fact_answered', fact: 'seats', value: 10 }, 'i');
    await walks.record(sid, { type: 'fact_answered', fact: 'cold', value: false }, 'i');
    await walks.record(sid, { type: 'result_set', key: 'tiny.licence', result: 'pass' }, 'i');
    await walks.record(sid, { type: 'result_set', key: 'tiny.sign', result: 'needs_rectification' }, 'i');
    await walks.close(sid, { outcome: 'conditional_pass', computed: 'conditional_pass' }, 'i');
    expect((await walks.view(sid)).closed?.rectificationDeadline).toBeGreaterThan(clock.t + 29 * 86_400_000);
    await expect(cases.reinspect(sid)).rejects.toThrow(); // the session is still open
    await store.sessions.setStatus(sid, 'ended', clock.now(), 'finished');
    const re = await cases.reinspect(sid);
    const view = await walks.view(re.session.id);
    expect(view.points.map((p) => p.key)).toEqual(['tiny.sign']);
    expect(view.parentSessionId).toBe(sid);
    await store.close();
  });
});
