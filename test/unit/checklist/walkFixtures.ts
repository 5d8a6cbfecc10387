import { ChecklistWalk, type ScoringRule } from '../../../server/checklist/ChecklistWalk';
import { compileTemplate } from '../../../server/checklist/compileTemplate';
import type { InspectionTemplate } from '../../../server/checklist/InspectionTemplate';
import type { WalkEvent, WalkEventBody } from '../../../server/checklist/WalkEvent';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { tinyTemplate } from './fixtures';

/**
 * Two permits of one business (一业一证): food and hygiene share the licence point (hygiene's rule
 * is stricter), each has its own sign, sink and cold room, and hygiene alone has an office point.
 */
export function twoPermits(): InspectionTemplate[] {
  const text = (zh: string) => ({ 'zh-CN': zh, en: zh });
  const food = tinyTemplate({ id: 'food', permitType: 'food', title: text('食品经营许可现场核查'), scoring: { passPercent: 80 } });
  food.sections[0].points[0].requirementKey = 'common.licence';
  food.sections[0].points[0].evidence = { minPhotos: 1, maxDistanceM: 100 };
  food.sections[0].points[0].required = false;
  const hygiene = tinyTemplate({ id: 'hygiene', permitType: 'hygiene', title: text('公共场所卫生许可现场核查') });
  hygiene.sections[0].points[0].requirementKey = 'common.licence';
  hygiene.sections[0].points[0].evidence = { minPhotos: 2, maxDistanceM: 50, minVideoSeconds: 10 };
  hygiene.sections[0].points[0].critical = true;
  hygiene.sections[0].points[0].clause = '卫生条款';
  // An office point that only hygiene has, placed before the kitchen by zone.
  hygiene.sections.push({ ...hygiene.sections[0], id: 'office', zone: 'office', points: [{ ...hygiene.sections[0].points[1], id: 'records', title: text('点 records'), requirementKey: undefined }] });
  return [compileTemplate('food.json', food), compileTemplate('hygiene.json', hygiene)];
}

export const twoPermitRules: ScoringRule[] = [
  { permitType: 'food', passPercent: 80, rectificationDays: 30 },
  { permitType: 'hygiene', rectificationDays: 30 },
];

export function combinedWalk(only?: ReadonlySet<string>): ChecklistWalk {
  return new ChecklistWalk(mergeTemplates(twoPermits(), only), twoPermitRules);
}

/** Validates and applies events as InspectionWalks does, numbering them and giving each its own time. */
export class Log {
  events: WalkEvent[] = [];
  constructor(readonly walk: ChecklistWalk) {}
  do(body: WalkEventBody, actor = 'inspector') {
    this.walk.validate(body);
    const e = { ...body, seq: this.events.length + 1, at: 1000 + this.events.length, actor } as WalkEvent;
    this.events.push(e);
    this.walk.apply(e);
    return e;
  }
}
