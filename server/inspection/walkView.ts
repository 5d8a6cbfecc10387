import type { ChecklistWalk } from '../checklist/ChecklistWalk';
import type { ApplicantPrompt, WalkView } from '../protocol/walk';

/** What the console shows of a walk, in one language (the plan carries the merged facts). */
export function walkView(sessionId: string, walk: ChecklistWalk, lang: 'zh-CN' | 'en', parentSessionId?: string): WalkView {
  const outcome = walk.outcome();
  return {
    sessionId,
    pins: walk.plan.pins.map((p) => ({ id: p.id, version: p.version, hash: p.hash, permitType: p.permitType, title: p.title[lang] })),
    // The plan's facts are the ones the walk accepts, so the console offers exactly those.
    facts: walk.plan.facts.map((f) => ({
      key: f.key,
      type: f.type,
      label: f.label[lang],
      values: f.type === 'enum' ? f.values : undefined,
      // Templates stored before value labels existed show their codes.
      options: f.type === 'enum' ? f.values.map((v) => ({ value: v, label: f.valueLabels?.[v]?.[lang] ?? v })) : undefined,
      unit: f.type === 'number' ? (typeof f.unit === 'string' ? f.unit : f.unit?.[lang]) : undefined,
      value: walk.facts.get(f.key),
    })),
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
        evidenceGap: walk.evidenceGap(p)?.[lang],
        evidenceCount: walk.evidence.get(p.key)?.length ?? 0,
        photos: (walk.evidence.get(p.key) ?? [])
          .filter((e) => e.kind === 'photo')
          .map((e) => ({ id: e.evidenceId, distance: e.distance, source: e.source ?? 'photo', flags: e.flags ?? [], ...(e.reuse ? { reuse: { ...e.reuse, accepted: walk.reuseAccepted.get(e.evidenceId) } } : {}) })),
        sources: p.sources.map((s) => ({ permitType: s.permitType, templateId: s.templateId, templateVersion: s.templateVersion, pointId: s.pointId, clause: s.clause })),
      };
    }),
    current: walk.current,
    blockers: walk.closed ? [] : walk.closeBlockers().map((b) => b[lang]),
    outcome: { ...outcome, permits: outcome.permits.map((p) => ({ ...p, signBlockers: walk.signBlockers(p.permitType).map((b) => b[lang]) })) },
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
