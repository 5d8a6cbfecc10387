import { ChecklistWalk, WalkRuleError } from '../../../server/checklist/ChecklistWalk';
import { compileTemplate } from '../../../server/checklist/compileTemplate';
import type { WalkEventBody } from '../../../server/checklist/WalkEvent';
import type { LocalText } from '../../../server/checklist/TemplateSchema';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { walkView } from '../../../server/inspection/walkView';
import { tinyTemplate } from './fixtures';
import { combinedWalk, Log, twoPermitRules } from './walkFixtures';

const FOOD_UNSIGNED = '“食品经营许可现场核查”尚未由主管部门签字确认';
const HYGIENE_UNSIGNED = '“公共场所卫生许可现场核查”尚未由主管部门签字确认';
const zh = (texts: LocalText[]) => texts.map((t) => t['zh-CN']);

function refusal(walk: ChecklistWalk, body: WalkEventBody): string {
  try {
    walk.validate(body);
  } catch (err) {
    expect(err).toBeInstanceOf(WalkRuleError);
    return (err as Error).message;
  }
  throw new Error(`${body.type} was not refused`);
}

/** Small site (no sinks, no cold rooms), the shared licence fully evidenced, food's sign passed: food's points are done, hygiene's sign and records are open. */
function foodDone(): { walk: ChecklistWalk; log: Log } {
  const walk = combinedWalk();
  const log = new Log(walk);
  log.do({ type: 'fact_answered', fact: 'seats', value: 20 });
  log.do({ type: 'fact_answered', fact: 'cold', value: false });
  log.do({ type: 'result_set', key: 'common.licence', result: 'pass' });
  log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'a', kind: 'photo', distance: 'pass' } });
  log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'b', kind: 'photo', distance: 'pass' } });
  log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'c', kind: 'video', seconds: 12 } });
  log.do({ type: 'result_set', key: 'food.sign', result: 'pass' });
  return { walk, log };
}

describe('department sign-off (一业一证)', () => {
  it('refuses a permit whose points are open and accepts the one whose points are done', () => {
    const { walk, log } = foodDone();
    expect(zh(walk.signBlockers('hygiene'))).toEqual(['“点 sign”尚未填写结果', '“点 records”尚未填写结果']);
    expect(refusal(walk, { type: 'permit_signed', permitType: 'hygiene' })).toBe('签字确认前，“点 sign”尚未填写结果');

    expect(walk.signBlockers('food')).toEqual([]);
    const signed = log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    expect(walk.signoffs.get('food')).toEqual({ by: 'food_officer', at: signed.at });
    expect(walk.outcome().permits.find((p) => p.permitType === 'food')).toMatchObject({ signedBy: 'food_officer', signedAt: signed.at, withdrawn: undefined });
    expect(refusal(walk, { type: 'permit_signed', permitType: 'food' })).toBe('“食品经营许可现场核查”已签字确认，不能重复签字');
    expect(refusal(walk, { type: 'permit_signed', permitType: 'fuel' })).toBe('本次勘验不包含该许可');
  });

  it('refuses while a point lacks its evidence, and needs none for not applicable', () => {
    const walk = combinedWalk();
    const log = new Log(walk);
    log.do({ type: 'fact_answered', fact: 'seats', value: 20 });
    log.do({ type: 'fact_answered', fact: 'cold', value: false });
    log.do({ type: 'result_set', key: 'common.licence', result: 'pass' });
    log.do({ type: 'result_set', key: 'food.sign', result: 'pass' });
    expect(refusal(walk, { type: 'permit_signed', permitType: 'food' })).toBe('签字确认前，“点 licence”需要 2 张照片（须在登记地址 50 米内拍摄），已有 0 张');
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'a', kind: 'photo', distance: 'pass' } });
    log.do({ type: 'evidence_attached', key: 'common.licence', evidence: { evidenceId: 'b', kind: 'photo', distance: 'pass' } });
    expect(refusal(walk, { type: 'permit_signed', permitType: 'food' })).toBe('签字确认前，“点 licence”需要至少 10 秒连续视频，目前最长 0 秒');
    log.do({ type: 'result_set', key: 'common.licence', result: 'not_applicable' });
    expect(() => walk.validate({ type: 'permit_signed', permitType: 'food' })).not.toThrow();
  });

  it('withdraws the sign-off when a result of that permit changes, naming the point and who changed it', () => {
    const { walk, log } = foodDone();
    const signed = log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    log.do({ type: 'result_set', key: 'food.sign', result: 'pass', note: '复核无误' }, 'inspector'); // same result: still signed
    expect(walk.signoffs.get('food')?.by).toBe('food_officer');

    const change = log.do({ type: 'result_set', key: 'food.sign', result: 'fail' }, 'inspector_2');
    const withdrawn = { by: 'food_officer', signedAt: signed.at, withdrawnAt: change.at, withdrawnBy: 'inspector_2', pointKey: 'food.sign' };
    expect(walk.signoffs.has('food')).toBe(false);
    expect(walk.withdrawals.get('food')).toStrictEqual(withdrawn);
    const food = walk.outcome().permits.find((p) => p.permitType === 'food')!;
    expect(food.signedBy).toBeUndefined();
    expect(food.withdrawn).toStrictEqual(withdrawn);
    // Replaying the stored events gives the same withdrawal after a restart.
    expect(new ChecklistWalk(walk.plan, twoPermitRules, log.events).withdrawals.get('food')).toStrictEqual(withdrawn);

    const again = log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer_2');
    expect(walk.withdrawals.has('food')).toBe(false);
    expect(walk.outcome().permits.find((p) => p.permitType === 'food')).toMatchObject({ signedBy: 'food_officer_2', signedAt: again.at, withdrawn: undefined });
  });

  it('keeps the sign-off when only another permit’s point changes, and withdraws it on a shared point', () => {
    const { walk, log } = foodDone();
    log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    log.do({ type: 'result_set', key: 'hygiene.sign', result: 'pass' });
    log.do({ type: 'result_set', key: 'hygiene.sign', result: 'fail' });
    log.do({ type: 'result_set', key: 'hygiene.records', result: 'pass' });
    expect(walk.signoffs.get('food')?.by).toBe('food_officer');
    expect(walk.withdrawals.size).toBe(0);

    log.do({ type: 'result_set', key: 'common.licence', result: 'needs_rectification' }, 'inspector');
    expect(walk.signoffs.has('food')).toBe(false);
    expect(walk.withdrawals.get('food')).toMatchObject({ pointKey: 'common.licence', withdrawnBy: 'inspector' });
  });

  it('withdraws the sign-off when a fact changes which of its points apply', () => {
    const { walk, log } = foodDone();
    const signed = log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    log.do({ type: 'fact_answered', fact: 'seats', value: 30 }); // the sink still does not apply
    expect(walk.signoffs.get('food')?.by).toBe('food_officer');

    const change = log.do({ type: 'fact_answered', fact: 'seats', value: 100 }, 'inspector_2'); // now the sink applies
    expect(walk.signoffs.has('food')).toBe(false);
    expect(walk.withdrawals.get('food')).toStrictEqual({ by: 'food_officer', signedAt: signed.at, withdrawnAt: change.at, withdrawnBy: 'inspector_2', fact: 'seats' });
    expect(refusal(walk, { type: 'permit_signed', permitType: 'food' })).toBe('签字确认前，“点 sink”尚未填写结果');
  });

  it('closes a combined walk only once every permit is signed, after the open points', () => {
    const { walk, log } = foodDone();
    const early = zh(walk.closeBlockers());
    expect(early).toEqual(['“点 sign”尚未填写结果', '“点 records”尚未填写结果', FOOD_UNSIGNED, HYGIENE_UNSIGNED]);

    log.do({ type: 'result_set', key: 'hygiene.sign', result: 'pass' });
    log.do({ type: 'result_set', key: 'hygiene.records', result: 'pass' });
    expect(zh(walk.closeBlockers())).toEqual([FOOD_UNSIGNED, HYGIENE_UNSIGNED]);
    expect(refusal(walk, { type: 'closed', outcome: 'pass', computed: 'pass' })).toBe(FOOD_UNSIGNED);
    log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    expect(refusal(walk, { type: 'closed', outcome: 'pass', computed: 'pass' })).toBe(HYGIENE_UNSIGNED);
    log.do({ type: 'permit_signed', permitType: 'hygiene' }, 'hygiene_officer');
    expect(walk.closeBlockers()).toEqual([]);
    log.do({ type: 'closed', outcome: 'pass', computed: 'pass' });
    expect(walk.closed?.outcome).toBe('pass');
  });

  it('closes a single-permit walk, or a re-inspection of one permit’s points, without a sign-off', () => {
    const walk = new ChecklistWalk(mergeTemplates([compileTemplate('t.json', tinyTemplate())]), [{ permitType: 'tiny_permit', rectificationDays: 30 }]);
    const log = new Log(walk);
    log.do({ type: 'fact_answered', fact: 'seats', value: 10 });
    log.do({ type: 'fact_answered', fact: 'cold', value: false });
    log.do({ type: 'result_set', key: 'tiny.licence', result: 'pass' });
    log.do({ type: 'result_set', key: 'tiny.sign', result: 'pass' });
    expect(walk.closeBlockers()).toEqual([]);
    log.do({ type: 'closed', outcome: 'pass', computed: 'pass' });
    expect(walk.signoffs.size).toBe(0);

    const recheck = combinedWalk(new Set(['hygiene.sign']));
    new Log(recheck).do({ type: 'result_set', key: 'hygiene.sign', result: 'pass' });
    expect(recheck.closeBlockers()).toEqual([]);
  });

  it('shows sign-offs, withdrawals and what each permit still lacks on the console', () => {
    const { walk, log } = foodDone();
    const signed = log.do({ type: 'permit_signed', permitType: 'food' }, 'food_officer');
    const change = log.do({ type: 'result_set', key: 'food.sign', result: 'needs_rectification' });
    const view = walkView('s1', walk, 'zh-CN');
    expect(view.pins.map((p) => p.title)).toEqual(['食品经营许可现场核查', '公共场所卫生许可现场核查']);
    const food = view.outcome.permits.find((p) => p.permitType === 'food')!;
    expect(food.signedBy).toBeUndefined();
    expect(food.withdrawn).toStrictEqual({ by: 'food_officer', signedAt: signed.at, withdrawnAt: change.at, withdrawnBy: 'inspector', pointKey: 'food.sign' });
    expect(food.signBlockers).toEqual([]);
    expect(view.outcome.permits.find((p) => p.permitType === 'hygiene')?.signBlockers).toEqual(['“点 sign”尚未填写结果', '“点 records”尚未填写结果']);
    expect(view.blockers.slice(-2)).toEqual([FOOD_UNSIGNED, HYGIENE_UNSIGNED]);
  });
});
