import { ChecklistWalk } from '../../../server/checklist/ChecklistWalk';
import { compileTemplate } from '../../../server/checklist/compileTemplate';
import type { LocalText } from '../../../server/checklist/TemplateSchema';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { tinyTemplate } from './fixtures';
import { Log, twoPermitRules as rules, twoPermits } from './walkFixtures';

const zh = (texts: LocalText[]) => texts.map((t) => t['zh-CN']);

describe('combined walk (一业一证)', () => {
  it('shows a shared requirement once, with the strictest rule and every source', () => {
    const plan = mergeTemplates(twoPermits());
    const licence = plan.points.find((p) => p.key === 'common.licence')!;
    expect(plan.points.filter((p) => p.key === 'common.licence')).toHaveLength(1);
    expect(licence.required).toBe(true); // required wins
    expect(licence.critical).toBe(true);
    expect(licence.evidence).toEqual({ minPhotos: 2, maxDistanceM: 50, minVideoSeconds: 10 });
    expect(licence.sources.map((s) => [s.permitType, s.templateId, s.pointId, s.clause])).toEqual([
      ['food', 'food', 'licence', '测试条款'],
      ['hygiene', 'hygiene', 'licence', '卫生条款'],
    ]);
    // Ordered by where the points are on site: entrance, kitchen, then office.
    expect(plan.points.map((p) => p.zone)).toEqual(['entrance', 'entrance', 'entrance', 'kitchen', 'kitchen', 'kitchen', 'kitchen', 'office']);
    expect(plan.pins.map((p) => p.permitType)).toEqual(['food', 'hygiene']);
  });

  it('keeps close disabled with reasons until required points have results and evidence', () => {
    const walk = new ChecklistWalk(mergeTemplates(twoPermits()), rules);
    const log = new Log(walk);
    expect(walk.closeBlockers().length).toBeGreaterThan(0);
    log.do({ type: 'fact_answered', fact: 'seats', value: 20 }); // the sinks no longer apply
    log.do({ type: 'fact_answered', fact: 'cold', value: false }); // nor the cold rooms
    for (const p of walk.plan.points) if (walk.applies(p)) log.do({ type: 'result_set', key: p.key, result: 'pass' });
    const unsigned = ['“食品经营许可现场核查”尚未由主管部门签字确认', '“公共场所卫生许可现场核查”尚未由主管部门签字确认'];
    expect(zh(walk.closeBlockers())).toEqual([expect.stringContaining('需要 2 张照片（须在登记地址 50 米内拍摄）'), ...unsigned]);
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'a', kind: 'photo', distance: 'pass' } });
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'b', kind: 'photo', distance: 'fail' } });
    expect(walk.closeBlockers()[0]!['zh-CN']).toContain('已有 1 张');
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'c', kind: 'photo', distance: 'pass' } });
    expect(walk.closeBlockers()[0]!['zh-CN']).toContain('10 秒连续视频');
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'd', kind: 'video', seconds: 12 } });
    expect(zh(walk.closeBlockers())).toEqual(unsigned);
    log.do({ type: 'permit_signed', permitType: 'food' });
    log.do({ type: 'permit_signed', permitType: 'hygiene' });
    expect(walk.closeBlockers()).toEqual([]);
    expect(walk.outcome().outcome).toBe('pass');
    expect(() => walk.validate({ type: 'closed', outcome: 'fail', computed: 'pass', overrideReason: 'short' })).toThrow('更改系统判定结果需要填写不少于10个字的理由');
    log.do({ type: 'closed', outcome: 'pass', computed: 'pass' });
    expect(() => walk.validate({ type: 'point_opened', key: 'common.licence' })).toThrow('本次勘验已结束，不能再修改');

    // Replaying the stored events rebuilds the same state (restart mid-inspection).
    const again = new ChecklistWalk(mergeTemplates(twoPermits()), rules, log.events);
    expect(again.closed?.outcome).toBe('pass');
    expect(again.answers.size).toBe(walk.answers.size);
  });

  it('computes outcomes per permit and combines them', () => {
    const walk = new ChecklistWalk(mergeTemplates(twoPermits()), rules);
    const log = new Log(walk);
    log.do({ type: 'fact_answered', fact: 'seats', value: 100 });
    log.do({ type: 'fact_answered', fact: 'cold', value: false });
    const set = (key: string, result: 'pass' | 'fail' | 'needs_rectification' | 'onsite_required' | 'not_applicable') => log.do({ type: 'result_set', key, result });
    set('common.licence', 'pass');
    set('food.sign', 'pass');
    set('food.sink', 'pass');
    set('hygiene.sign', 'needs_rectification');
    set('hygiene.sink', 'pass');
    set('hygiene.records', 'not_applicable');
    let o = walk.outcome();
    expect(o.permits.find((p) => p.permitType === 'food')).toMatchObject({ outcome: 'pass', scorePercent: 100 });
    expect(o.permits.find((p) => p.permitType === 'hygiene')).toMatchObject({ outcome: 'conditional_pass', rectification: ['hygiene.sign'] });
    expect(o.outcome).toBe('conditional_pass');

    set('food.sign', 'fail'); // minor fail: score 2/3 = 66.7% < 80% fails food
    o = walk.outcome();
    expect(o.permits.find((p) => p.permitType === 'food')).toMatchObject({ outcome: 'fail', scorePercent: 66.7 });
    expect(o.outcome).toBe('fail');

    set('food.sign', 'pass');
    set('hygiene.sink', 'onsite_required');
    expect(walk.outcome().outcome).toBe('onsite_visit');

    set('common.licence', 'fail'); // critical for hygiene, major for food
    expect(walk.outcome().permits.every((p) => p.outcome === 'fail')).toBe(true);
    expect(walk.failedKeys().sort()).toEqual(['common.licence', 'hygiene.sign']);
  });

  it('carries only the failed points into a re-inspection (复验)', () => {
    const plan = mergeTemplates(twoPermits(), new Set(['common.licence', 'hygiene.sign']));
    expect(plan.points.map((p) => p.key)).toEqual(['common.licence', 'hygiene.sign']);
  });

  it('rejects a result the point does not allow and an unknown point', () => {
    const raw = tinyTemplate();
    raw.sections[0].points[0].results = ['pass', 'fail'];
    const walk = new ChecklistWalk(mergeTemplates([compileTemplate('t.json', raw)]), [{ permitType: 'tiny_permit', rectificationDays: 30 }]);
    expect(() => walk.validate({ type: 'result_set', key: 'tiny.licence', result: 'not_applicable' })).toThrow('该检查项不允许这个结果');
    expect(() => walk.validate({ type: 'point_opened', key: 'nope' })).toThrow('检查项不存在');
  });
});
