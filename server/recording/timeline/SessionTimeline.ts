import type { Literal } from '../../checklist/conditions/ConditionTree';
import type { ResultKind } from '../../checklist/TemplateSchema';
import type { OutcomeKind } from '../../checklist/WalkEvent';
import type { LocationFix } from '../../cases/LocationFix';
import type { EvidenceItem } from '../../evidence/EvidenceItem';
import type { WalkEvent } from '../../checklist/WalkEvent';
import type { SessionState } from '../../inspection/SessionState';
import type { SessionTransition, TransitionTrigger } from '../../inspection/SessionTransition';
import type { RecordingSegment, SegmentCause, SegmentTrack } from '../RecordingSegment';

/** When something happened: trusted server time, and where that falls on the recording. */
export interface TimelineMoment {
  /** Server time, ms since the epoch. */
  at: number;
  /** Milliseconds from the recording's start (negative before it); see SessionTimeline.originAt. */
  offsetMs: number;
}

/** The checklist's own events, under their own type names (server/checklist/WalkEvent.ts), with who did it. */
export type WalkTimelineEntry =
  | { kind: 'point_opened'; seq: number; actor: string; key: string }
  | { kind: 'result_set'; seq: number; actor: string; key: string; result: ResultKind; note?: string }
  | { kind: 'note_set'; seq: number; actor: string; key: string; note: string }
  | { kind: 'fact_answered'; seq: number; actor: string; fact: string; value: Literal }
  | {
      kind: 'evidence_attached';
      seq: number;
      actor: string;
      key: string;
      evidenceId: string;
      evidenceKind: 'photo' | 'video';
      source?: 'photo' | 'frame' | 'gallery';
      distance?: 'pass' | 'fail' | 'uncertain';
      seconds?: number;
      flags?: string[];
    }
  | { kind: 'permit_signed'; seq: number; actor: string; permitType: string }
  /** A photo flagged as reused, counted anyway with the inspector's written reason. */
  | { kind: 'reuse_accepted'; seq: number; actor: string; key: string; evidenceId: string; reason: string }
  | { kind: 'closed'; seq: number; actor: string; outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string; rectificationDeadline?: number };

export type TimelineEntryBody =
  | WalkTimelineEntry
  /** A photo or a frame grab as the server took it in (the original; its stamped copy is named). */
  | {
      kind: 'photo';
      evidenceId: string;
      stampedId?: string;
      pointKey: string;
      grade: 'original' | 'frame';
      source: 'photo' | 'frame' | 'gallery';
      capturedBy: string;
      sha256: string;
      distance?: 'pass' | 'fail' | 'uncertain';
      distanceM?: number;
      flags?: string[];
    }
  /** A point's video clip cut from a segment: `at` is where its content begins, `toAt` where it ends. */
  | { kind: 'clip'; evidenceId: string; pointKey: string; capturedBy: string; sha256: string; parentSha256?: string; segmentId?: string; toAt?: number; durationMs?: number }
  /** A position the phone reported; `at` is when the server received it, `fixTime` the phone's own (unverified) time. */
  | { kind: 'fix'; lat: number; lon: number; accuracyM: number; fixTime: number }
  /** A lifecycle step: presence changes (live ⇄ applicant_reconnecting, waiting) are transitions too. */
  | { kind: 'transition'; seq: number; from: SessionState; to: SessionState; trigger: TransitionTrigger; actor: string; reason?: string }
  /** `at` is the segment's first media (its file's time 0), or its start when no media arrived yet. */
  | { kind: 'segment_started'; segmentId: string; seq: number; track: SegmentTrack; peer: string; cause: SegmentCause }
  | { kind: 'segment_ended'; segmentId: string; seq: number; track: SegmentTrack; peer: string; cause?: SegmentCause }
  /** Time a track was not recorded between two of its segments; `at` is its start. */
  | { kind: 'gap'; track: SegmentTrack; peer: string; toAt: number; durationMs: number; cause: SegmentCause; after: string; before: string };

export type TimelineEntry = TimelineMoment & TimelineEntryBody;
export type TimelineKind = TimelineEntry['kind'];

/**
 * Everything that happened in one inspection session, in server-time order, each with its place on
 * the recording: the single source the chapters, stamps and replay are derived from, and what is
 * chained as the session's timeline evidence.
 */
export interface SessionTimeline {
  v: 1;
  sessionId: string;
  caseId: string;
  /** Server time of the recording's time 0: the earliest segment's first media (or its start); null when nothing was recorded. */
  recordingStartedAt: number | null;
  /** Server time of the last segment's end; null while one is still recording or when nothing was recorded. */
  recordingEndedAt: number | null;
  /** What offsets count from: the recording start, or the first entry when nothing was recorded. */
  originAt: number;
  entries: TimelineEntry[];
}

/** What a timeline is built from: the store's records of one session, as they are. */
export interface TimelineInput {
  sessionId: string;
  caseId: string;
  walkEvents: readonly WalkEvent[];
  evidence: readonly EvidenceItem[];
  fixes: readonly LocationFix[];
  transitions: readonly SessionTransition[];
  segments: readonly RecordingSegment[];
}
