import crypto from 'node:crypto';
import { canonicalJson } from './canonicalJson';
import { checkCondition } from './conditions/checkCondition';
import { ConditionError, type ConditionNode } from './conditions/ConditionTree';
import { parseCondition } from './conditions/parseCondition';
import type { InspectionTemplate, TemplatePoint } from './InspectionTemplate';
import { TemplateSchema, type FactSpec } from './TemplateSchema';

export class TemplateError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where}: ${field}: ${problem}`);
  }
}

/**
 * Validates one template's JSON and compiles it: schema, unique ids, conditions parsed and
 * type-checked against the declared facts and the points before them.
 */
export function compileTemplate(file: string, raw: unknown): InspectionTemplate {
  const parsed = TemplateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TemplateError(file, locate(raw, issue.path), fieldOf(issue.path), issue.message);
  }
  const spec = parsed.data;
  const facts = new Map<string, FactSpec>();
  for (const f of spec.facts) {
    if (facts.has(f.key)) throw new TemplateError(file, `fact "${f.key}"`, 'key', 'declared twice');
    if (f.type === 'enum' && f.valueLabels) {
      const missing = f.values.find((v) => !f.valueLabels![v]);
      if (missing) throw new TemplateError(file, `fact "${f.key}"`, 'valueLabels', `value "${missing}" has no label`);
      const extra = Object.keys(f.valueLabels).find((v) => !f.values.includes(v));
      if (extra) throw new TemplateError(file, `fact "${f.key}"`, 'valueLabels', `"${extra}" is not one of the values`);
    }
    facts.set(f.key, f);
  }
  const earlier = new Set<string>();
  const points: TemplatePoint[] = [];
  const sectionIds = new Set<string>();
  for (const section of spec.sections) {
    if (sectionIds.has(section.id)) throw new TemplateError(file, `section "${section.id}"`, 'id', 'used twice');
    sectionIds.add(section.id);
    const sectionCondition = section.when ? compileCondition(file, `section "${section.id}"`, section.when, facts, earlier) : undefined;
    for (const p of section.points) {
      const where = `point "${p.id}"`;
      if (earlier.has(p.id)) throw new TemplateError(file, where, 'id', 'used twice in this template');
      const own = p.when ? compileCondition(file, where, p.when, facts, earlier) : undefined;
      if (p.evidence.maxDistanceM !== undefined && p.evidence.minPhotos === 0) {
        throw new TemplateError(file, where, 'evidence.maxDistanceM', 'a distance limit needs at least one photo (minPhotos >= 1)');
      }
      if (p.evidence.challengeCode && p.evidence.minPhotos === 0) {
        throw new TemplateError(file, where, 'evidence.challengeCode', 'a challenge code is held in a photo: the point needs at least one (minPhotos >= 1)');
      }
      points.push({
        id: p.id,
        requirementKey: p.requirementKey ?? `${spec.id}.${p.id}`,
        sectionId: section.id,
        zone: p.zone ?? section.zone,
        title: p.title,
        guidance: p.guidance,
        prompt: p.prompt,
        clause: p.clause,
        required: p.required,
        results: p.results,
        severity: p.severity,
        critical: p.critical,
        weight: p.weight,
        evidence: p.evidence,
        condition: both(sectionCondition, own),
      });
      earlier.add(p.id);
    }
  }
  return {
    id: spec.id,
    version: spec.version,
    permitType: spec.permitType,
    title: spec.title,
    hash: crypto.createHash('sha256').update(canonicalJson(raw)).digest('hex'),
    facts: spec.facts,
    scoring: spec.scoring,
    rectificationDays: spec.outcome.rectificationDays,
    points,
    source: raw,
  };
}

function compileCondition(file: string, where: string, text: string, facts: Map<string, FactSpec>, earlier: Set<string>): ConditionNode {
  try {
    const node = parseCondition(text);
    checkCondition(node, { facts, earlierPoints: earlier });
    return node;
  } catch (err) {
    if (err instanceof ConditionError) {
      const at = err.at === undefined ? '' : ` (at character ${err.at + 1} of "${text}")`;
      throw new TemplateError(file, where, 'when', `${err.message}${at}`);
    }
    throw err;
  }
}

function both(a: ConditionNode | undefined, b: ConditionNode | undefined): ConditionNode | undefined {
  if (a && b) return { kind: 'and', args: [a, b] };
  return a ?? b;
}

/** Names the point or section an issue path lands in, e.g. `point "fire_extinguisher"`. */
function locate(raw: unknown, path: PropertyKey[]): string {
  const r = raw as { sections?: Array<{ id?: string; points?: Array<{ id?: string }> }> };
  if (path[0] === 'sections' && typeof path[1] === 'number') {
    const section = r?.sections?.[path[1]];
    if (path[2] === 'points' && typeof path[3] === 'number') {
      const point = section?.points?.[path[3]];
      return `point "${point?.id ?? `#${path[3] + 1}`}" (section "${section?.id ?? `#${path[1] + 1}`}")`;
    }
    return `section "${section?.id ?? `#${path[1] + 1}`}"`;
  }
  if (path[0] === 'facts' && typeof path[1] === 'number') return `fact #${path[1] + 1}`;
  return 'template';
}

function fieldOf(path: PropertyKey[]): string {
  const tail: string[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]!;
    if ((path[i - 1] === 'points' || path[i - 1] === 'sections' || path[i - 1] === 'facts') && typeof seg === 'number') break;
    tail.unshift(String(seg));
  }
  return tail.join('.') || '(root)';
}
