import type { ChecklistWalk } from '../checklist/ChecklistWalk';
import type { InspectionTemplate } from '../checklist/InspectionTemplate';
import type { ApplicantPrompt, WalkView } from '../protocol/walk';

/** What the console shows of a walk, in one language. */
export function walkView(sessionId: string, walk: ChecklistWalk, templates: InspectionTemplate[], lang: 'zh-CN' | 'en', parentSessionId?: string): WalkView {
  const facts = new Map<string, WalkView['facts'][number]>();
  for (const t of templates) {
    for (const f of t.facts) {
      if (facts.has(f.key)) continue;
      facts.set(f.key, {
        key: f.key,
        type: f.type,
        label: f.label[lang],
        values: f.type === 'enum' ? f.values : undefined,
        unit: f.type === 'number' ? f.unit : undefined,
        value: walk.facts.get(f.key),
      });
    }
  }
  return {
    sessionId,
    pins: walk.plan.pins,
    facts: [...facts.values()],
    points: walk.plan.points.map((p) => {
      const a = walk.answers.get(p.key);
      return {
        key: p.key,
        zone: p.zone,
        title: p.title[lang],
        guidance: p.guidance[lang],
        prompt: p.prompt[lang],
        results: p.results,
        required: p.required,
        severity: p.severity,
        critical: p.critical,
        evidence: p.evidence,
        applies: walk.applies(p),
        result: a?.result,
        note: walk.notes.get(p.key),
        answeredAt: a?.at,
        evidenceGap: walk.evidenceGap(p),
        evidenceCount: walk.evidence.get(p.key)?.length ?? 0,
        photos: (walk.evidence.get(p.key) ?? []).filter((e) => e.kind === 'photo').map((e) => ({ id: e.evidenceId, distance: e.distance, source: e.source ?? 'photo', flags: e.flags ?? [] })),
        sources: p.sources.map((s) => ({ permitType: s.permitType, templateId: s.templateId, templateVersion: s.templateVersion, pointId: s.pointId, clause: s.clause })),
      };
    }),
    current: walk.current,
    blockers: walk.closed ? [] : walk.closeBlockers(),
    outcome: walk.outcome(),
    closed: walk.closed,
    parentSessionId,
  };
}

export function applicantPrompt(walk: ChecklistWalk, lang: 'zh-CN' | 'en'): ApplicantPrompt | null {
  const applicable = walk.plan.points.filter((p) => walk.applies(p));
  const current = walk.plan.points.find((p) => p.key === walk.current);
  if (!current) return null;
  return {
    pointKey: current.key,
    index: Math.max(0, applicable.indexOf(current)) + 1,
    total: applicable.length,
    title: current.title[lang],
    prompt: current.prompt[lang],
    closed: !!walk.closed,
  };
}
