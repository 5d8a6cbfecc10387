import type { PermitOutcome, WithdrawnSignOff } from '../checklist/ChecklistWalk';
import { z } from 'zod';
import { text } from '../platform/Text';
import { labelled } from './fieldText';
import { humanText } from './text';

// Checklist messages between the console, the phone and the server.

const Key = labelled(z.string().min(1).max(200), text('检查项', 'Checklist point'));
const Note = humanText({ label: text('备注', 'Note'), max: 2000, multiline: true });
const ResultKindInput = labelled(z.enum(['pass', 'fail', 'not_applicable', 'needs_rectification', 'onsite_required']), text('检查结果', 'Result'));
const Outcome = z.enum(['pass', 'conditional_pass', 'fail', 'onsite_visit']);
const PermitTypeInput = labelled(z.string().min(1).max(100), text('许可类型', 'Permit type'));

export const OpenPointRequest = z.object({ key: Key });
export const SetResultRequest = z.object({ key: Key, result: ResultKindInput, note: Note.optional() });
export const SetNoteRequest = z.object({ key: Key, note: Note });
export const AnswerFactRequest = z.object({
  fact: labelled(z.string().min(1).max(100), text('经营情况项', 'Business fact')),
  value: labelled(z.union([z.string().max(200), z.number().finite(), z.boolean()]), text('经营情况的值', 'Business fact value')),
});
export const SignPermitRequest = z.object({ permitType: PermitTypeInput });
/** Counts a photo flagged as reused anyway: the inspector's written reason goes into the signed checklist log. */
export const AcceptReuseRequest = z.object({
  key: Key,
  evidenceId: labelled(z.string().min(1).max(64), text('照片', 'Photo')),
  reason: humanText({ label: text('采用理由', 'Reason for accepting'), min: 4, max: 500, multiline: true, minMessage: text('请填写采用理由（至少 4 个字）', 'Write a reason for accepting (at least 4 characters)') }),
});
export const CloseWalkRequest = z.object({
  outcome: labelled(Outcome, text('勘验结论', 'Outcome')),
  computed: labelled(Outcome, text('系统判定', 'Computed outcome')),
  overrideReason: humanText({ label: text('改判理由', 'Reason for the override'), max: 2000, multiline: true }).optional(),
});

export type OutcomeKind = z.infer<typeof Outcome>;

export interface WalkPointView {
  key: string;
  zone: string;
  title: string;
  guidance: string;
  prompt: string;
  results: string[];
  required: boolean;
  severity: 'major' | 'minor';
  critical: boolean;
  /** challengeCode: each requested photo holds a fresh code the console shows (challenge photo). */
  evidence: { minPhotos: number; maxDistanceM?: number; minVideoSeconds: number; challengeCode?: boolean };
  applies: boolean;
  result?: string;
  note?: string;
  answeredAt?: number;
  evidenceGap?: string;
  evidenceCount: number;
  /** Attached photos: the original's evidence id, its distance verdict, where it came from, and any doubts (gallery EXIF). */
  photos: Array<{ id: string; distance?: 'pass' | 'fail' | 'uncertain'; source: 'photo' | 'frame' | 'gallery'; flags: string[]; reuse?: ReusedPhotoView }>;
  sources: Array<{ permitType: string; templateId: string; templateVersion: string; pointId: string; clause: string }>;
}

/**
 * A photo that repeats an earlier one (`sameCase`: of this case, its photo number `photoNumber`; otherwise
 * of case `caseNumber`). It does not count towards the point's rule until `accepted`.
 */
export interface ReusedPhotoView {
  kind: 'identical' | 'near';
  caseNumber: string;
  sameCase: boolean;
  photoNumber: number;
  evidenceId: string;
  accepted?: { reason: string; by: string; at: number };
}

/** A department's sign-off that a later change took back: who had signed, who changed what, and when. */
export type WithdrawnSignOffView = WithdrawnSignOff;

/** A permit's computed outcome and its department's sign-off, as the console shows it. */
export interface PermitOutcomeView extends PermitOutcome {
  /** Why this permit's department cannot sign yet; empty when it can. */
  signBlockers?: string[];
}

export interface WalkView {
  sessionId: string;
  /** `title` is the template's, which names the permit (and its sign-off) on the console. */
  pins: Array<{ id: string; version: string; hash: string; permitType: string; title: string }>;
  /** `options` are an enum fact's values with their labels in the view's language; `unit` is localized too. */
  facts: Array<{ key: string; type: string; label: string; values?: string[]; options?: Array<{ value: string; label: string }>; unit?: string; value?: string | number | boolean }>;
  points: WalkPointView[];
  current?: string;
  blockers: string[];
  outcome: { outcome: OutcomeKind; permits: PermitOutcomeView[] };
  closed?: { outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string; rectificationDeadline?: number };
  parentSessionId?: string;
}

/** What the phone shows: the current point in plain words. */
export interface ApplicantPrompt {
  /** The point photos from the phone's gallery are attached to. */
  pointKey: string;
  index: number;
  total: number;
  title: string;
  prompt: string;
  closed: boolean;
}
