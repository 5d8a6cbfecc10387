import type { CaseRecord } from '../../cases/CaseRecord';
import type { ChecklistWalk } from '../../checklist/ChecklistWalk';
import type { EvidenceItem } from '../EvidenceItem';

/** A piece of evidence as a verifier can find it in the export: by the hashes of its files. */
export interface EvidenceRef {
  evidenceId: string;
  kind: 'photo' | 'video';
  /** The original's SHA-256 (the phone's bytes, the grabbed frame or the cut clip): its file is `originals/` or `clips/<sha256>`. */
  sha256: string | null;
  /** The stamped copy's SHA-256, for a photo. */
  stampedSha256: string | null;
  distance?: 'pass' | 'fail' | 'uncertain';
  source?: string;
  flags?: string[];
  /**
   * The photo repeats an earlier one (its original record's `checked.reuse` names it fully); it counted
   * towards the point only with the inspector's written acceptance (null: not accepted, did not count).
   */
  reuse?: { kind: 'identical' | 'near'; caseNumber: string; sameCase: boolean; photoNumber: number; accepted: { reason: string; by: string; at: number } | null };
}

/** What a point ended as, with everything its result rests on. */
export interface PointDecision {
  key: string;
  title: string;
  applies: boolean;
  required: boolean;
  result: string | null;
  note: string | null;
  answeredAt: number | null;
  evidence: EvidenceRef[];
}

/** The decision of one checklist, as signed into the case's chain with its log. */
export interface DecisionFacts {
  outcome: { computed: string; closed: string | null; overrideReason: string | null; rectificationDeadline: number | null };
  facts: Record<string, unknown>;
  points: PointDecision[];
}

/** The case as registered: who, what permits, and where, with the system the coordinates were read in. */
export function caseFacts(c: CaseRecord) {
  return {
    caseNumber: c.caseNumber,
    businessName: c.businessName,
    permitTypes: c.permitTypes,
    // lat/lon are the WGS-84 values every distance check used; `system` and `original` say where they came from.
    address: { text: c.address.text, lat: c.address.lat, lon: c.address.lon, system: c.address.system, original: c.address.original },
  };
}

/**
 * The checklist's results, notes and outcome, with each photo named by the content hash of its
 * files (database ids appear nowhere else in an export, hashes do).
 */
export function decisionFacts(walk: ChecklistWalk, evidence: readonly EvidenceItem[]): DecisionFacts {
  const byId = new Map(evidence.map((e) => [e.id, e]));
  const stampedOf = new Map<string, string>();
  for (const e of evidence) if (e.grade === 'stamped' && e.parentSha256) stampedOf.set(e.parentSha256, e.sha256);
  const closed = walk.closed;
  return {
    outcome: {
      computed: walk.outcome().outcome,
      closed: closed?.outcome ?? null,
      overrideReason: closed?.overrideReason ?? null,
      rectificationDeadline: closed?.rectificationDeadline ?? null,
    },
    facts: Object.fromEntries([...walk.facts].sort(([a], [b]) => a.localeCompare(b))),
    points: walk.plan.points.map((p) => {
      const answer = walk.answers.get(p.key);
      return {
        key: p.key,
        title: p.title['zh-CN'],
        applies: walk.applies(p),
        required: Boolean(p.required),
        result: answer?.result ?? null,
        note: walk.notes.get(p.key) ?? null,
        answeredAt: answer?.at ?? null,
        evidence: (walk.evidence.get(p.key) ?? []).map((n) => {
          const item = byId.get(n.evidenceId);
          return {
            evidenceId: n.evidenceId,
            kind: n.kind,
            sha256: item?.sha256 ?? null,
            stampedSha256: item ? (stampedOf.get(item.sha256) ?? null) : null,
            ...(n.distance ? { distance: n.distance } : {}),
            ...(n.source ? { source: n.source } : {}),
            ...(n.flags?.length ? { flags: n.flags } : {}),
            ...(n.reuse ? { reuse: { kind: n.reuse.kind, caseNumber: n.reuse.caseNumber, sameCase: n.reuse.sameCase, photoNumber: n.reuse.photoNumber, accepted: walk.reuseAccepted.get(n.evidenceId) ?? null } } : {}),
          };
        }),
      };
    }),
  };
}
