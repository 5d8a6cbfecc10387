import { ChecklistWalk } from '../../../server/checklist/ChecklistWalk';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { Log, twoPermitRules as rules, twoPermits } from './walkFixtures';

const reuse = { kind: 'identical' as const, caseNumber: 'KY-20260101-0001', sameCase: false, photoNumber: 1, evidenceId: 'earlier' };

describe('a photo flagged as reused', () => {
  it('does not count towards the point until the inspector accepts it in writing', () => {
    const walk = new ChecklistWalk(mergeTemplates(twoPermits()), rules);
    const log = new Log(walk);
    const licence = walk.point('common.licence');
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'a', kind: 'photo', distance: 'pass' } });
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'b', kind: 'photo', distance: 'pass', reuse } });
    expect(walk.evidenceGap(licence)?.['zh-CN']).toContain('已有 1 张');

    expect(() => walk.validate({ type: 'reuse_accepted', key: 'common.licence', evidenceId: 'a', reason: '现场核实' })).toThrow('没有被标记为重复使用');
    expect(() => walk.validate({ type: 'reuse_accepted', key: 'common.licence', evidenceId: 'b', reason: '  同 ' })).toThrow('4 到 500 字');
    expect(() => walk.validate({ type: 'reuse_accepted', key: 'common.licence', evidenceId: 'b', reason: '理'.repeat(501) })).toThrow('4 到 500 字');
    expect(() => walk.validate({ type: 'reuse_accepted', key: 'no.such', evidenceId: 'b', reason: '现场核实门头' })).toThrow('检查项不存在');

    log.do({ type: 'reuse_accepted', key: 'common.licence', evidenceId: 'b', reason: '同一门店复验，门头未变' });
    expect(walk.evidenceGap(licence)?.['zh-CN']).toContain('10 秒连续视频');
    expect(walk.reuseAccepted.get('b')).toMatchObject({ reason: '同一门店复验，门头未变' });
    expect(() => walk.validate({ type: 'reuse_accepted', key: 'common.licence', evidenceId: 'b', reason: '再次采用' })).toThrow('已经采用过了');

    // Rebuilt from its events, the walk still counts the accepted photo.
    const again = new ChecklistWalk(mergeTemplates(twoPermits()), rules, log.events);
    expect(again.evidenceGap(licence)?.['zh-CN']).toContain('10 秒连续视频');
  });
});
