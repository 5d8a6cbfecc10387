import { compileTemplate, TemplateError } from '../../../server/checklist/compileTemplate';
import { tinyTemplate } from './fixtures';

function errorOf(raw: unknown): TemplateError {
  try {
    compileTemplate('tiny.json', raw);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('template validation', () => {
  it('compiles a good template and pins its content hash', () => {
    const t = compileTemplate('tiny.json', tinyTemplate());
    expect(t.points.map((p) => p.id)).toEqual(['licence', 'sign', 'sink', 'cold_room']);
    expect(t.points[0]!.requirementKey).toBe('tiny.licence');
    expect(t.points[2]!.zone).toBe('kitchen');
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = JSON.parse(JSON.stringify(tinyTemplate()));
    expect(compileTemplate('tiny.json', { ...reordered }).hash).toBe(t.hash);
    const edited = tinyTemplate();
    edited.sections[0].points[0].guidance['zh-CN'] = '看得更清楚';
    expect(compileTemplate('tiny.json', edited).hash).not.toBe(t.hash);
  });

  it('names file, point and field for a missing field', () => {
    const raw = tinyTemplate();
    delete raw.sections[1].points[0].prompt;
    const e = errorOf(raw);
    expect(e.message).toContain('tiny.json');
    expect(e.where).toBe('point "sink" (section "kitchen")');
    expect(e.field).toBe('prompt');
  });

  it('names a bad enum value and a misspelt field', () => {
    const raw = tinyTemplate();
    raw.sections[0].points[1].severity = 'huge';
    expect(errorOf(raw)).toMatchObject({ where: 'point "sign" (section "front")', field: 'severity' });
    const raw2 = tinyTemplate();
    raw2.sections[0].points[0].requird = true;
    expect(errorOf(raw2).where).toBe('point "licence" (section "front")');
  });

  it('refuses duplicate point ids, unknown facts, forward references and bad evidence rules', () => {
    const dup = tinyTemplate();
    dup.sections[1].points[0].id = 'licence';
    expect(errorOf(dup)).toMatchObject({ where: 'point "licence"', field: 'id' });

    const unknown = tinyTemplate();
    unknown.sections[1].points[0].when = 'tables > 3';
    expect(errorOf(unknown)).toMatchObject({ where: 'point "sink"', field: 'when' });
    expect(errorOf(unknown).problem).toContain('unknown fact "tables"');

    const forward = tinyTemplate();
    forward.sections[0].points[0].when = '@cold_room == "pass"';
    expect(errorOf(forward).problem).toContain('not an earlier point');

    const typeErr = tinyTemplate();
    typeErr.sections[1].when = 'form > 2';
    expect(errorOf(typeErr)).toMatchObject({ where: 'section "kitchen"', field: 'when' });

    const distance = tinyTemplate();
    distance.sections[0].points[0].evidence = { minPhotos: 0, maxDistanceM: 50 };
    expect(errorOf(distance).field).toBe('evidence.maxDistanceM');
  });

  it('refuses enum value labels that miss a value or name one that is not there', () => {
    const label = (zh: string, en: string) => ({ 'zh-CN': zh, en });
    const missing = tinyTemplate();
    missing.facts[2].valueLabels = { restaurant: label('餐馆', 'Restaurant') };
    expect(errorOf(missing)).toMatchObject({ where: 'fact "form"', field: 'valueLabels' });
    expect(errorOf(missing).problem).toContain('"canteen" has no label');
    const extra = tinyTemplate();
    extra.facts[2].valueLabels = { restaurant: label('餐馆', 'Restaurant'), canteen: label('食堂', 'Canteen'), bar: label('酒吧', 'Bar') };
    expect(errorOf(extra).problem).toContain('"bar" is not one of the values');
  });

  it('refuses a bad version string and an empty section', () => {
    expect(errorOf(tinyTemplate({ version: 'v1' })).field).toBe('version');
    const empty = tinyTemplate();
    empty.sections[0].points = [];
    expect(errorOf(empty)).toMatchObject({ where: 'section "front"', field: 'points' });
  });
});
