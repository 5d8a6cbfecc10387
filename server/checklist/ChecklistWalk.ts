import type { Literal } from './conditions/ConditionTree';
import { evaluateCondition } from './conditions/evaluateCondition';
import type { LocalText, ResultKind } from './TemplateSchema';
import { REUSE_REASON, type EvidenceNote, type OutcomeKind, type WalkEvent, type WalkEventBody } from './WalkEvent';
import type { PointSource, WalkPlan, WalkPoint } from './WalkPlan';
import { alreadySigned, factValueProblem, named, NO_RESULT, NOT_SIGNED, photosMissing, RULES, signRefused, unknownFact, videoMissing } from './walkText';

export interface PointAnswer {
  result: ResultKind;
  note?: string;
  at: number;
  by: string;
}

/** A department's sign-off (一业一证): who signed the permit's points, and when. */
export interface SignOff {
  by: string;
  at: number;
}

/** A sign-off a later change took back, kept so everyone sees what was withdrawn and why. */
export interface WithdrawnSignOff {
  by: string;
  signedAt: number;
  withdrawnAt: number;
  withdrawnBy: string;
  /** The point whose result changed. */
  pointKey?: string;
  /** The fact whose answer changed which points apply. */
  fact?: string;
}

export interface PermitOutcome {
  permitType: string;
  outcome: OutcomeKind;
  scorePercent?: number;
  rectification: string[];
  signedBy?: string;
  signedAt?: number;
  withdrawn?: WithdrawnSignOff;
}

export interface ScoringRule {
  permitType: string;
  passPercent?: number;
  rectificationDays: number;
}

/** Which rule refused a change, so a caller can word its own answer (e.g. evidence for a closed walk). */
export type WalkRule = 'closed' | 'unknown_point' | 'result' | 'fact' | 'permit' | 'sign' | 'close' | 'outcome_changed' | 'override_reason' | 'reuse';

/** A change the walk refuses; `text` says why to the inspector in both languages (the message is its zh-CN side). */
export class WalkRuleError extends Error {
  constructor(
    readonly text: LocalText,
    readonly rule: WalkRule,
  ) {
    super(text['zh-CN']);
  }
}

/**
 * The state of one inspection's checklist, folded from its events (pure: no I/O, no clock). The
 * same events always give the same state, so a walk survives a restart by replaying them.
 */
export class ChecklistWalk {
  current: string | undefined;
  readonly answers = new Map<string, PointAnswer>();
  readonly notes = new Map<string, string>();
  readonly facts = new Map<string, Literal>();
  readonly evidence = new Map<string, EvidenceNote[]>();
  /** Evidence id -> the inspector's written acceptance of a photo flagged as reused. */
  readonly reuseAccepted = new Map<string, { reason: string; by: string; at: number }>();
  readonly signoffs = new Map<string, SignOff>();
  /** Permit type -> its last withdrawn sign-off, until the permit is signed again. */
  readonly withdrawals = new Map<string, WithdrawnSignOff>();
  closed: Extract<WalkEventBody, { type: 'closed' }> | undefined;
  private readonly byKey: Map<string, WalkPoint>;
  /** Template point id -> walk key, per template, to resolve `@point` references. */
  private readonly keyOfSourcePoint = new Map<string, string>();

  constructor(
    readonly plan: WalkPlan,
    private readonly rules: ScoringRule[],
    events: WalkEvent[] = [],
  ) {
    this.byKey = new Map(plan.points.map((p) => [p.key, p]));
    for (const p of plan.points) for (const s of p.sources) this.keyOfSourcePoint.set(`${s.templateId}/${s.pointId}`, p.key);
    this.current = plan.points[0]?.key;
    for (const e of events) this.apply(e);
  }

  point(key: string): WalkPoint {
    const p = this.byKey.get(key);
    if (!p) throw new WalkRuleError(RULES.unknownPoint, 'unknown_point');
    return p;
  }

  /** Checks that an event is allowed now; throws WalkRuleError with the reason otherwise. */
  validate(body: WalkEventBody): void {
    if (this.closed) throw new WalkRuleError(RULES.closed, 'closed');
    switch (body.type) {
      case 'point_opened':
      case 'note_set':
      case 'evidence_attached':
        this.point(body.key);
        return;
      case 'result_set': {
        const p = this.point(body.key);
        if (!p.results.includes(body.result)) throw new WalkRuleError(RULES.resultNotAllowed, 'result');
        return;
      }
      case 'reuse_accepted': {
        const note = (this.evidence.get(this.point(body.key).key) ?? []).find((n) => n.evidenceId === body.evidenceId);
        if (!note?.reuse) throw new WalkRuleError(RULES.reuseNotFlagged, 'reuse');
        if (this.reuseAccepted.has(body.evidenceId)) throw new WalkRuleError(RULES.reuseAlreadyAccepted, 'reuse');
        const reason = body.reason.trim().length;
        if (reason < REUSE_REASON.min || reason > REUSE_REASON.max) throw new WalkRuleError(RULES.reuseReason, 'reuse');
        return;
      }
      case 'fact_answered': {
        const spec = this.plan.facts.find((f) => f.key === body.fact);
        if (!spec) throw new WalkRuleError(unknownFact(body.fact), 'fact');
        const problem = factValueProblem(spec, body.value);
        if (problem) throw new WalkRuleError(problem, 'fact');
        return;
      }
      case 'permit_signed': {
        const pin = this.plan.pins.find((p) => p.permitType === body.permitType);
        if (!pin) throw new WalkRuleError(RULES.permitNotInWalk, 'permit');
        if (this.signoffs.has(body.permitType)) throw new WalkRuleError(alreadySigned(pin.title), 'sign');
        const blockers = this.signBlockers(body.permitType);
        if (blockers.length) throw new WalkRuleError(signRefused(blockers[0]!), 'sign');
        return;
      }
      case 'closed': {
        const blockers = this.closeBlockers();
        if (blockers.length) throw new WalkRuleError(blockers[0]!, 'close');
        const computed = this.outcome().outcome;
        if (body.computed !== computed) throw new WalkRuleError(RULES.outcomeChanged, 'outcome_changed');
        if (body.outcome !== computed && (body.overrideReason ?? '').trim().length < 10) throw new WalkRuleError(RULES.overrideReason, 'override_reason');
        return;
      }
    }
  }

  apply(e: WalkEvent): void {
    switch (e.type) {
      case 'point_opened':
        this.current = e.key;
        break;
      case 'result_set': {
        const before = this.answers.get(e.key)?.result;
        this.answers.set(e.key, { result: e.result, note: e.note, at: e.at, by: e.actor });
        if (e.note) this.notes.set(e.key, e.note);
        if (before !== e.result) for (const s of this.byKey.get(e.key)?.sources ?? []) this.withdraw(s.permitType, e, { pointKey: e.key });
        break;
      }
      case 'note_set':
        this.notes.set(e.key, e.note);
        break;
      case 'fact_answered': {
        // A signature covers the points that applied when it was given; a fact that changes them voids it.
        const before = [...this.signoffs.keys()].map((permit) => [permit, this.scope(permit)] as const);
        this.facts.set(e.fact, e.value);
        for (const [permit, scope] of before) if (this.scope(permit) !== scope) this.withdraw(permit, e, { fact: e.fact });
        break;
      }
      case 'evidence_attached':
        this.evidence.set(e.key, [...(this.evidence.get(e.key) ?? []), e.evidence]);
        break;
      case 'reuse_accepted':
        this.reuseAccepted.set(e.evidenceId, { reason: e.reason, by: e.actor, at: e.at });
        break;
      case 'permit_signed':
        this.signoffs.set(e.permitType, { by: e.actor, at: e.at });
        this.withdrawals.delete(e.permitType);
        break;
      case 'closed':
        this.closed = { type: 'closed', outcome: e.outcome, computed: e.computed, overrideReason: e.overrideReason, rectificationDeadline: e.rectificationDeadline };
        break;
    }
  }

  /** A source applies unless its condition is known to be false (unknown facts keep it in). */
  sourceApplies(s: PointSource): boolean {
    if (!s.condition) return true;
    const results = new Map<string, string>();
    for (const [ref, key] of this.keyOfSourcePoint) {
      const [templateId, pointId] = ref.split('/') as [string, string];
      const a = this.answers.get(key);
      if (templateId === s.templateId && a) results.set(pointId, a.result);
    }
    return evaluateCondition(s.condition, { facts: this.facts, results }) !== false;
  }

  applies(p: WalkPoint): boolean {
    return p.sources.some((s) => this.sourceApplies(s));
  }

  /** Whether the point's evidence rule is met, and if not, what is missing. */
  evidenceGap(p: WalkPoint): LocalText | undefined {
    const notes = this.evidence.get(p.key) ?? [];
    const photos = notes.filter((n) => n.kind === 'photo' && !n.flags?.length && this.reuseSettled(n) && (p.evidence.maxDistanceM === undefined || n.distance === 'pass')).length;
    if (photos < p.evidence.minPhotos) return photosMissing(p.evidence, photos);
    const longest = Math.max(0, ...notes.filter((n) => n.kind === 'video').map((n) => n.seconds ?? 0));
    if (longest < p.evidence.minVideoSeconds) return videoMissing(p.evidence.minVideoSeconds, longest);
    return undefined;
  }

  /** A photo repeating an earlier one counts only once the inspector has accepted it in writing. */
  reuseSettled(n: EvidenceNote): boolean {
    return !n.reuse || this.reuseAccepted.has(n.evidenceId);
  }

  /** What the point still lacks (a result, or the evidence its result needs); undefined when done. */
  private pointBlocker(p: WalkPoint): LocalText | undefined {
    const a = this.answers.get(p.key);
    if (!a) return named(p.title, NO_RESULT);
    if (a.result === 'not_applicable' || a.result === 'onsite_required') return undefined;
    const gap = this.evidenceGap(p);
    return gap ? named(p.title, gap) : undefined;
  }

  /** The points a permit's department answers for: those where one of its sources applies. */
  private permitPoints(permitType: string): WalkPoint[] {
    return this.plan.points.filter((p) => p.sources.some((s) => s.permitType === permitType && this.sourceApplies(s)));
  }

  private scope(permitType: string): string {
    return this.permitPoints(permitType).map((p) => p.key).join('\n');
  }

  private withdraw(permitType: string, e: WalkEvent, cause: { pointKey?: string; fact?: string }): void {
    const signed = this.signoffs.get(permitType);
    if (!signed) return;
    this.signoffs.delete(permitType);
    this.withdrawals.set(permitType, { by: signed.by, signedAt: signed.at, withdrawnAt: e.at, withdrawnBy: e.actor, ...cause });
  }

  /** Why the permit's department cannot sign yet (every applicable point of it needs its result and evidence); empty when it can. */
  signBlockers(permitType: string): LocalText[] {
    return this.permitPoints(permitType).flatMap((p) => this.pointBlocker(p) ?? []);
  }

  /** Why the inspection cannot be closed yet; empty when it can. */
  closeBlockers(): LocalText[] {
    const out: LocalText[] = [];
    for (const p of this.plan.points) {
      if (!p.required || !this.applies(p)) continue;
      const blocker = this.pointBlocker(p);
      if (blocker) out.push(blocker);
    }
    // A combined walk (一业一证) ends only with every department's signature. A permit none of
    // whose points are in this walk (a re-inspection of another permit's failures) has nothing to sign.
    const permits = this.plan.pins.filter((pin) => this.plan.points.some((p) => p.sources.some((s) => s.permitType === pin.permitType)));
    if (permits.length > 1) for (const pin of permits) if (!this.signoffs.has(pin.permitType)) out.push(named(pin.title, NOT_SIGNED));
    return out;
  }

  /** Per-permit outcomes computed from the results, and the one combined decision. */
  outcome(): { outcome: OutcomeKind; permits: PermitOutcome[] } {
    const permits = this.rules.map((rule) => this.permitOutcome(rule));
    const rank: OutcomeKind[] = ['pass', 'conditional_pass', 'onsite_visit', 'fail'];
    const worst = permits.reduce<OutcomeKind>((w, p) => (rank.indexOf(p.outcome) > rank.indexOf(w) ? p.outcome : w), 'pass');
    return { outcome: worst, permits };
  }

  private permitOutcome(rule: ScoringRule): PermitOutcome {
    let onsite = false;
    let criticalFail = false;
    let majorFail = false;
    const rectification: string[] = [];
    let weighted = 0;
    let weights = 0;
    for (const p of this.plan.points) {
      for (const s of p.sources) {
        if (s.permitType !== rule.permitType || !this.sourceApplies(s)) continue;
        const a = this.answers.get(p.key);
        if (!a || a.result === 'not_applicable') continue;
        if (a.result === 'onsite_required') {
          onsite = true;
          continue;
        }
        const score = a.result === 'pass' ? 1 : a.result === 'needs_rectification' ? 0.5 : 0;
        weighted += score * s.weight;
        weights += s.weight;
        if (a.result === 'fail') {
          if (s.critical) criticalFail = true;
          if (s.severity === 'major') majorFail = true;
        }
        if (a.result === 'fail' || a.result === 'needs_rectification') rectification.push(p.key);
      }
    }
    const scorePercent = rule.passPercent !== undefined && weights > 0 ? Math.round((weighted / weights) * 1000) / 10 : undefined;
    let outcome: OutcomeKind = 'pass';
    if (criticalFail || majorFail || (scorePercent !== undefined && rule.passPercent !== undefined && scorePercent < rule.passPercent)) outcome = 'fail';
    else if (onsite) outcome = 'onsite_visit';
    else if (rectification.length) outcome = 'conditional_pass';
    const signed = this.signoffs.get(rule.permitType);
    return {
      permitType: rule.permitType,
      outcome,
      scorePercent,
      rectification,
      signedBy: signed?.by,
      signedAt: signed?.at,
      withdrawn: this.withdrawals.get(rule.permitType),
    };
  }

  /** Points a re-inspection (复验) carries over: those failed or left for rectification. */
  failedKeys(): string[] {
    return [...this.answers.entries()].filter(([, a]) => a.result === 'fail' || a.result === 'needs_rectification').map(([k]) => k);
  }
}
