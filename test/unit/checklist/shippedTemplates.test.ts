import { TemplateLibrary } from '../../../server/checklist/TemplateLibrary';
import { mergeTemplates } from '../../../server/checklist/WalkPlan';
import { PERMIT_TYPES } from '../../../server/protocol/cases';

describe('shipped templates', () => {
  const library = TemplateLibrary.load();

  it('has one valid template of 10 to 30 points for every permit type offered', () => {
    for (const permit of PERMIT_TYPES) {
      const t = library.forPermit(permit);
      expect(t.points.length).toBeGreaterThanOrEqual(10);
      expect(t.points.length).toBeLessThanOrEqual(30);
      for (const p of t.points) {
        expect(p.prompt['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
        expect(p.clause.length).toBeGreaterThan(0);
      }
    }
  });

  it('shares requirements across permits so a combined walk is shorter than the sum', () => {
    const food = library.forPermit('food_business');
    const hygiene = library.forPermit('public_hygiene');
    const plan = mergeTemplates([food, hygiene]);
    expect(plan.points.length).toBeLessThan(food.points.length + hygiene.points.length);
    expect(plan.points.find((p) => p.key === 'common.fire_extinguishers')?.sources.map((s) => s.permitType)).toEqual(['food_business', 'public_hygiene']);
  });

  it('labels every fact and every enum value in both languages, and units in words both can read', () => {
    for (const t of library.all) {
      for (const f of t.facts) {
        expect(f.label['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
        expect(f.label.en).not.toMatch(/[\u4e00-\u9fff]/);
        if (f.type === 'enum') {
          for (const v of f.values) {
            expect([t.id, f.key, v, f.valueLabels?.[v]?.['zh-CN']]).toEqual([t.id, f.key, v, expect.stringMatching(/[\u4e00-\u9fff]/)]);
            expect(f.valueLabels?.[v]?.en).toMatch(/^[^\u4e00-\u9fff]+$/);
          }
        }
        // A bare string unit is shown in both languages, so it must not be Chinese.
        if (f.type === 'number' && typeof f.unit === 'string') expect(f.unit).not.toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('offers a value for the businesses the templates are for (a snack shop, a café under a hygiene permit)', () => {
    const form = library.forPermit('food_business').facts.find((f) => f.key === 'business_form');
    const venue = library.forPermit('public_hygiene').facts.find((f) => f.key === 'venue_type');
    expect(form?.type === 'enum' && form.values).toEqual(expect.arrayContaining(['snack_bar', 'restaurant', 'canteen', 'takeaway_only', 'beverage_shop']));
    expect(venue?.type === 'enum' && venue.values).toEqual(expect.arrayContaining(['catering_venue', 'hotel', 'barbershop', 'swimming', 'other']));
  });
});
