import type { Literal } from './conditions/ConditionTree';
import type { EvidenceRule, FactSpec, LocalText } from './TemplateSchema';

// What the walk tells the inspector (evidence gaps, blockers, refusals), in both languages. Names of
// points, permits and facts come from the template, which carries both; the view picks one.

const both = (zh: string, en: string): LocalText => ({ 'zh-CN': zh, en });

/** Joins texts with each language's own list separator. */
function joined(parts: LocalText[], zhSep: string, enSep: string): LocalText {
  return both(parts.map((p) => p['zh-CN']).join(zhSep), parts.map((p) => p.en).join(enSep));
}

export function photosMissing(rule: EvidenceRule, have: number): LocalText {
  const near = rule.maxDistanceM;
  return both(
    `需要 ${rule.minPhotos} 张照片${near !== undefined ? `（须在登记地址 ${near} 米内拍摄）` : ''}，已有 ${have} 张`,
    `needs ${rule.minPhotos} photo${rule.minPhotos === 1 ? '' : 's'}${near !== undefined ? ` (taken within ${near} m of the registered address)` : ''}; ${have} so far`,
  );
}

export function videoMissing(seconds: number, longest: number): LocalText {
  return both(`需要至少 ${seconds} 秒连续视频，目前最长 ${longest} 秒`, `needs at least ${seconds} s of continuous video; the longest so far is ${longest} s`);
}

/** "“<title>” <what>": a point or permit named before what it lacks. */
export function named(title: LocalText, what: LocalText): LocalText {
  return both(`“${title['zh-CN']}”${what['zh-CN']}`, `“${title.en}” ${what.en}`);
}

export const NO_RESULT = both('尚未填写结果', 'has no result yet');
export const NOT_SIGNED = both('尚未由主管部门签字确认', 'is not yet signed off by its department');

export const RULES = {
  closed: both('本次勘验已结束，不能再修改', 'This inspection is closed and can no longer be changed'),
  unknownPoint: both('检查项不存在', 'No such checklist point'),
  resultNotAllowed: both('该检查项不允许这个结果', 'This result is not allowed for this point'),
  permitNotInWalk: both('本次勘验不包含该许可', 'This permit is not part of this inspection'),
  outcomeChanged: both('系统判定结果已变化，请刷新后重试', 'The computed outcome has changed; reload and try again'),
  overrideReason: both('更改系统判定结果需要填写不少于10个字的理由', 'Overriding the computed outcome needs a written reason of at least 10 characters'),
  reuseNotFlagged: both('这张照片没有被标记为重复使用，无需采用', 'This photo is not flagged as reused; there is nothing to accept'),
  reuseAlreadyAccepted: both('这张照片已经采用过了', 'This photo has already been accepted'),
  reuseReason: both('采用重复照片需要填写 4 到 500 字的理由', 'Accepting a reused photo needs a written reason of 4 to 500 characters'),
};

export function unknownFact(key: string): LocalText {
  return both(`未知的经营情况项“${key}”`, `Unknown business fact “${key}”`);
}

export function alreadySigned(permitTitle: LocalText): LocalText {
  return named(permitTitle, both('已签字确认，不能重复签字', 'is already signed off and cannot be signed again'));
}

export function signRefused(blocker: LocalText): LocalText {
  return both(`签字确认前，${blocker['zh-CN']}`, `Before signing off: ${blocker.en}`);
}

/** Why a fact's value does not fit its declaration, after the fact's label; undefined when it does. */
export function factValueProblem(spec: FactSpec, value: Literal): LocalText | undefined {
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : named(spec.label, both('应为数字', 'must be a number'));
    case 'boolean':
      return typeof value === 'boolean' ? undefined : named(spec.label, both('应为“是”或“否”', 'must be yes or no'));
    case 'enum': {
      if (typeof value === 'string' && spec.values.includes(value)) return undefined;
      // Templates stored before value labels existed show their codes.
      const values = joined(
        spec.values.map((v) => spec.valueLabels?.[v] ?? both(v, v)),
        '、',
        ', ',
      );
      return named(spec.label, both(`应为以下之一：${values['zh-CN']}`, `must be one of: ${values.en}`));
    }
  }
}
