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
}

/** Everything that changes a walk, as stored (with server time and who did it). */
export type WalkEventBody =
  | { type: 'point_opened'; key: string }
  | { type: 'result_set'; key: string; result: ResultKind; note?: string }
  | { type: 'note_set'; key: string; note: string }
  | { type: 'fact_answered'; fact: string; value: Literal }
  | { type: 'evidence_attached'; key: string; evidence: EvidenceNote }
  | { type: 'permit_signed'; permitType: string }
  | { type: 'closed'; outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string; rectificationDeadline?: number };

export type WalkEvent = WalkEventBody & { seq: number; at: number; actor: string };
