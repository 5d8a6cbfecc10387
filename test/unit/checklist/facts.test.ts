import { ChecklistWalk, WalkRuleError } from '../../../server/checklist/ChecklistWalk';
import { compileTemplate } from '../../../server/checklist/compileTemplate';
import type { Literal } from '../../../server/checklist/conditions/ConditionTree';
import { TemplateLibrary } from '../../../server/checklist/TemplateLibrary';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { PERMIT_TYPES } from '../../../server/protocol/cases';
import { tinyTemplate } from './fixtures';

const walkOf = (...raws: Record<string, any>[]) =>
  new ChecklistWalk(
    mergeTemplates(raws.map((r, i) => compileTemplate(`t${i}.json`, r))),
    raws.map((r) => ({ permitType: r.permitType as string, rectificationDays: 30 })),
  );

function refusal(walk: ChecklistWalk, fact: string, value: Literal): string {
  try {
    walk.validate({ type: 'fact_answered', fact, value });
  } catch (err) {
    expect(err).toBeInstanceOf(WalkRuleError);
    return (err as Error).message;
  }
  throw new Error(`${fact} = ${String(value)} was not refused`);
}

describe('fact answers', () => {
  const walk = walkOf(tinyTemplate());

  it('refuses a fact no pinned template declares', () => {
    expect(refusal(walk, 'many', 51)).toBe('未知的经营情况项“many”');
  });

  it('refuses a value of the wrong type', () => {
    expect(refusal(walk, 'seats', 'many')).toBe('“座位”应为数字');
    expect(refusal(walk, 'seats', Number.POSITIVE_INFINITY)).toBe('“座位”应为数字');
    expect(refusal(walk, 'seats', true)).toBe('“座位”应为数字');
    expect(refusal(walk, 'cold', 'yes')).toBe('“冷食”应为“是”或“否”');
    expect(refusal(walk, 'cold', 1)).toBe('“冷食”应为“是”或“否”');
  });

  it('refuses an enum value the template does not list', () => {
    expect(refusal(walk, 'form', 'bar')).toBe('“业态”应为以下之一：restaurant、canteen');
    expect(refusal(walk, 'form', 1)).toBe('“业态”应为以下之一：restaurant、canteen');
  });

  it('accepts declared facts with values of their type', () => {
    for (const [fact, value] of [['seats', 0], ['seats', 80.5], ['cold', false], ['form', 'canteen']] as const) {
      expect(() => walk.validate({ type: 'fact_answered', fact, value })).not.toThrow();
    }
  });

  it('merges facts by key: enum values are united, a type clash is refused', () => {
    const other = tinyTemplate({ id: 'other', permitType: 'other' });
    other.facts[2].values = ['canteen', 'takeaway'];
    const both = walkOf(tinyTemplate(), other);
    expect(both.plan.facts.map((f) => f.key)).toEqual(['seats', 'cold', 'form']);
    expect(both.plan.facts.find((f) => f.key === 'form')).toMatchObject({ values: ['restaurant', 'canteen', 'takeaway'] });
    expect(() => both.validate({ type: 'fact_answered', fact: 'form', value: 'takeaway' })).not.toThrow();

    const clash = tinyTemplate({ id: 'clash', permitType: 'clash' });
    clash.facts[0].type = 'boolean';
    clash.sections = [clash.sections[0]]; // its conditions compare seats as a number
    expect(() => walkOf(tinyTemplate(), clash)).toThrow('fact "seats" is a number in one template and a boolean in template "clash"');
  });

  it('has no clashing facts among the shipped templates', () => {
    const library = TemplateLibrary.load();
    const all = PERMIT_TYPES.map((p) => library.forPermit(p));
    expect(mergeTemplates(all).facts).toHaveLength(all.reduce((n, t) => n + t.facts.length, 0));
  });
});
