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
});
