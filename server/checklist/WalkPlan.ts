import type { ConditionNode } from './conditions/ConditionTree';
import type { InspectionTemplate } from './InspectionTemplate';
import type { EvidenceRule, FactSpec, LocalText, ResultKind, Zone } from './TemplateSchema';
import { ZONES } from './TemplateSchema';

/** Where a merged point comes from: which permit's template and which of its points and clauses. */
export interface PointSource {
  permitType: string;
  templateId: string;
  templateVersion: string;
  pointId: string;
  clause: string;
  required: boolean;
  severity: 'major' | 'minor';
  critical: boolean;
  weight: number;
  condition?: ConditionNode;
}

/** One stop of the combined walk: a requirement checked once for every permit that needs it. */
export interface WalkPoint {
  /** Stable within the walk: the requirement key. */
  key: string;
  zone: Zone;
  title: LocalText;
  guidance: LocalText;
  prompt: LocalText;
  results: ResultKind[];
  required: boolean;
  severity: 'major' | 'minor';
  critical: boolean;
  evidence: EvidenceRule;
  sources: PointSource[];
}

export interface TemplatePin {
  id: string;
  version: string;
  hash: string;
  permitType: string;
}

/** A pinned template as the walk shows it: with its title, which names the permit's sign-off. */
export interface WalkPin extends TemplatePin {
  title: LocalText;
}

export interface WalkPlan {
  pins: WalkPin[];
  points: WalkPoint[];
  /** The facts the pinned templates ask about, once per key: the only facts a walk accepts. */
  facts: FactSpec[];
}

/**
 * Merges the templates of every permit in one inspection (一业一证) into one walk ordered by where
 * the points are on site. Points sharing a requirement key appear once, keep every source, and
 * take the strictest rule: required wins, the smallest distance limit wins, the most photos and
 * the longest video win, critical and major win. The first template's wording is shown.
 */
export function mergeTemplates(templates: InspectionTemplate[], only?: ReadonlySet<string>): WalkPlan {
  const merged = new Map<string, WalkPoint & { order: number }>();
  let order = 0;
  for (const t of templates) {
    for (const p of t.points) {
      if (only && !only.has(p.requirementKey)) continue;
      const source: PointSource = {
        permitType: t.permitType,
        templateId: t.id,
        templateVersion: t.version,
        pointId: p.id,
        clause: p.clause,
        required: p.required,
        severity: p.severity,
        critical: p.critical,
        weight: p.weight,
        condition: p.condition,
      };
      const existing = merged.get(p.requirementKey);
      if (!existing) {
        merged.set(p.requirementKey, {
          key: p.requirementKey,
          zone: p.zone,
          title: p.title,
          guidance: p.guidance,
          prompt: p.prompt,
          results: [...p.results],
          required: p.required,
          severity: p.severity,
          critical: p.critical,
          evidence: { ...p.evidence },
          sources: [source],
          order: order++,
        });
        continue;
      }
      existing.sources.push(source);
      existing.required ||= p.required;
      existing.critical ||= p.critical;
      if (p.severity === 'major') existing.severity = 'major';
      for (const r of p.results) if (!existing.results.includes(r)) existing.results.push(r);
      existing.evidence = strictest(existing.evidence, p.evidence);
    }
  }
  const zoneRank = (z: Zone) => ZONES.indexOf(z);
  const points = [...merged.values()]
    .sort((a, b) => zoneRank(a.zone) - zoneRank(b.zone) || a.order - b.order)
    .map(({ order: _order, ...p }) => p);
  return {
    pins: templates.map((t) => ({ id: t.id, version: t.version, hash: t.hash, permitType: t.permitType, title: t.title })),
    points,
    facts: mergeFacts(templates),
  };
}

/**
 * A fact key means one thing across the combined walk. Two templates declaring it with different
 * types could not both be answered, so that combination is refused; enum values are united, each
 * template's conditions only name its own.
 */
function mergeFacts(templates: InspectionTemplate[]): FactSpec[] {
  const facts = new Map<string, FactSpec>();
  for (const t of templates) {
    for (const f of t.facts) {
      const seen = facts.get(f.key);
      if (!seen) facts.set(f.key, f.type === 'enum' ? { ...f, values: [...f.values], valueLabels: { ...f.valueLabels } } : f);
      else if (seen.type !== f.type) throw new Error(`fact "${f.key}" is a ${seen.type} in one template and a ${f.type} in template "${t.id}"`);
      else if (seen.type === 'enum' && f.type === 'enum') {
        for (const v of f.values) if (!seen.values.includes(v)) seen.values.push(v);
        for (const [v, label] of Object.entries(f.valueLabels ?? {})) seen.valueLabels![v] ??= label;
      }
    }
  }
  return [...facts.values()];
}

function strictest(a: EvidenceRule, b: EvidenceRule): EvidenceRule {
  const distances = [a.maxDistanceM, b.maxDistanceM].filter((d): d is number => d !== undefined);
  return {
    minPhotos: Math.max(a.minPhotos, b.minPhotos),
    minVideoSeconds: Math.max(a.minVideoSeconds, b.minVideoSeconds),
    maxDistanceM: distances.length ? Math.min(...distances) : undefined,
    ...(a.challengeCode || b.challengeCode ? { challengeCode: true } : {}),
  };
}
