import { checkCondition } from '../../../server/checklist/conditions/checkCondition';
import { ConditionError } from '../../../server/checklist/conditions/ConditionTree';
import { evaluateCondition } from '../../../server/checklist/conditions/evaluateCondition';
import { parseCondition } from '../../../server/checklist/conditions/parseCondition';
import type { FactSpec } from '../../../server/checklist/TemplateSchema';

const text = { 'zh-CN': 'x', en: 'x' };
const facts = new Map<string, FactSpec>([
  ['seats', { key: 'seats', type: 'number', label: text }],
  ['cold', { key: 'cold', type: 'boolean', label: text }],
  ['fuel', { key: 'fuel', type: 'boolean', label: text }],
  ['form', { key: 'form', type: 'enum', label: text, values: ['restaurant', 'canteen'] }],
]);
const scope = { facts, earlierPoints: new Set(['licence']) };
const run = (src: string, f: Record<string, string | number | boolean>, r: Record<string, string> = {}) =>
  evaluateCondition(parseCondition(src), { facts: new Map(Object.entries(f)), results: new Map(Object.entries(r)) });

describe('condition language', () => {
  it('binds "and" tighter than "or", and "not" tighter than "and"', () => {
    expect(parseCondition('cold or fuel and seats > 5')).toEqual({
      kind: 'or',
      args: [{ kind: 'truthy', operand: { kind: 'fact', key: 'cold' } }, { kind: 'and', args: [expect.anything(), expect.anything()] }],
    });
    expect(run('cold or fuel and seats > 5', { cold: true, fuel: false, seats: 1 })).toBe(true);
    expect(run('(cold or fuel) and seats > 5', { cold: true, fuel: false, seats: 1 })).toBe(false);
    expect(run('not cold and fuel', { cold: false, fuel: true })).toBe(true);
    expect(run('not (cold and fuel)', { cold: true, fuel: false })).toBe(true);
  });

  it('compares numbers, enums and earlier answers, and tests membership', () => {
    expect(run('seats >= 50', { seats: 50 })).toBe(true);
    expect(run('seats < 50', { seats: 50 })).toBe(false);
    expect(run('form in ["canteen", "restaurant"]', { form: 'canteen' })).toBe(true);
    expect(run('form != "canteen"', { form: 'canteen' })).toBe(false);
    expect(run('@licence == "pass"', {}, { licence: 'pass' })).toBe(true);
  });

  it('is unknown, not false, while a fact is unanswered', () => {
    expect(run('seats > 50', {})).toBeUndefined();
    expect(run('seats > 50 and cold', { cold: false })).toBe(false);
    expect(run('seats > 50 or cold', { cold: true })).toBe(true);
  });

  it.each([
    ['seats == "many"', /expected a number/],
    ['seats > "many"', /needs numbers on both sides/],
    ['form == "bar"', /one of "restaurant", "canteen"/],
    ['cold > 3', /needs numbers/],
    ['seats', /not a yes\/no fact/],
    ['unknown_fact', /unknown fact "unknown_fact"/],
    ['@later == "pass"', /not an earlier point/],
    ['@licence == "great"', /expected one of "pass"/],
    ['form in [1, 2]', /expected one of/],
  ])('rejects %s at load time', (src, message) => {
    expect(() => checkCondition(parseCondition(src), scope)).toThrow(message);
  });

  it.each([['seats >'], ['(cold'], ['cold cold'], ['seats = 3'], ['"open'], ['process.exit()'], ['a in []']])('refuses to parse %s', (src) => {
    expect(() => parseCondition(src)).toThrow(ConditionError);
  });
});
