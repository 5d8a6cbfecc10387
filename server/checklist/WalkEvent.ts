import type { Literal } from './conditions/ConditionTree';
import type { ResultKind } from './TemplateSchema';

export type OutcomeKind = 'pass' | 'conditional_pass' | 'fail' | 'onsite_visit';

export interface EvidenceNote {
  evidenceId: string;
  kind: 'photo' | 'video';
  /** Distance rule verdict when the point has one: photos that fail it do not count. */
  distance?: 'pass' | 'fail' | 'uncertain';
  seconds?: number;
  /** Where the photo came from; absent in events from before gallery uploads existed (a camera photo or frame). */
  source?: 'photo' | 'frame' | 'gallery';
  /** Doubts the server found (a gallery photo's EXIF time or place away from the server's): such a photo does not count. */
  flags?: string[];
  /** The photo repeats an earlier one (this case or another): it does not count until the inspector accepts it in writing. */
  reuse?: ReuseNote;
}

/** What the walk keeps of an earlier photo a new one repeats (the evidence record holds the whole finding). */
export interface ReuseNote {
  kind: 'identical' | 'near';
  caseNumber: string;
  sameCase: boolean;
  /** Which photo of its case the earlier one was (1 for the first). */
  photoNumber: number;
  evidenceId: string;
}

/** Written reasons for accepting a reused photo are this long (characters, trimmed). */
export const REUSE_REASON = { min: 4, max: 500 } as const;

/** Everything that changes a walk, as stored (with server time and who did it). */
export type WalkEventBody =
  | { type: 'point_opened'; key: string }
  | { type: 'result_set'; key: string; result: ResultKind; note?: string }
  | { type: 'note_set'; key: string; note: string }
  | { type: 'fact_answered'; fact: string; value: Literal }
  | { type: 'evidence_attached'; key: string; evidence: EvidenceNote }
  | { type: 'permit_signed'; permitType: string }
  /** The inspector counts a photo flagged as reused anyway, with a written reason. */
  | { type: 'reuse_accepted'; key: string; evidenceId: string; reason: string }
  | { type: 'closed'; outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string; rectificationDeadline?: number };

export type WalkEvent = WalkEventBody & { seq: number; at: number; actor: string };
