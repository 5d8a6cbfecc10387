import type { SegmentCause, SegmentState, SegmentTrack } from '../RecordingSegment';
import type { Chapter } from './chapters';
import type { FileCheckState } from './FileVerifier';
import type { PresenceGap } from './presenceGaps';
import type { SessionTimeline } from './SessionTimeline';
import type { ThumbnailCue } from './thumbnailTrack';

// What GET /api/sessions/:id/replay answers: everything the replay page shows, on one clock (ms from
// the recording's start; see SessionTimeline.originAt). The page imports these as types only.

export interface ReplaySegment {
  id: string;
  seq: number;
  track: SegmentTrack;
  peer: string;
  state: SegmentState;
  startCause: SegmentCause;
  endCause?: SegmentCause;
  /** Server time of the file's time 0 (its first media), and where that is on the session's clock. */
  zeroAt: number;
  offsetMs: number;
  /** Its length (probed, else by the server clock); null while it is still being recorded. */
  durationMs: number | null;
  hasVideo: boolean;
  rotation: 0 | 90 | 180 | 270;
  /** The seekable WebM (phone segments, once post-processed), the untouched Matroska, the thumbnail sprite. */
  playbackUrl: string | null;
  originalUrl: string;
  thumbnailsUrl: string | null;
  /** Why post-processing gave up, in words a person can read. */
  failure?: string;
}

export interface ReplayGap {
  track: SegmentTrack;
  peer: string;
  fromMs: number;
  toMs: number;
  cause: SegmentCause;
}

export interface ReplayPoint {
  key: string;
  title: string;
  applies: boolean;
  critical: boolean;
  result?: string;
  note?: string;
  answeredAt?: number;
  /** When the result was given, on the recording's clock. */
  answeredMs?: number;
}

export interface ReplayPhoto {
  /** The original's evidence id (the photo viewer shows its stamped copy and record). */
  id: string;
  stampedId?: string;
  pointKey: string;
  pointTitle: string;
  at: number;
  offsetMs: number;
  grade: 'original' | 'frame';
  source: 'photo' | 'frame' | 'gallery';
  distance?: 'pass' | 'fail' | 'uncertain';
  flags: string[];
}

export interface ReplayFix {
  lat: number;
  lon: number;
  accuracyM: number;
  at: number;
  offsetMs: number;
}

/** One file the case's chain vouches for, and whether its bytes still match. */
export interface ReplayFile {
  kind: 'recording' | 'playback' | 'original' | 'stamped' | 'frame' | 'walk_log' | 'timeline' | 'clip';
  /** The segment or evidence item it belongs to. */
  segmentId?: string;
  evidenceId?: string;
  seq?: number;
  track?: SegmentTrack;
  pointKey?: string;
  sha256: string | null;
  bytes?: number;
  /** The chain record that holds its hash. */
  recordHash: string | null;
  state: FileCheckState;
}

export interface ReplayView {
  sessionId: string;
  sessionState: string;
  caseId: string;
  caseNumber: string;
  businessName: string;
  registered: { text: string; lat: number; lon: number };
  /** The distance rule most of the checklist's points use, for the position plot's circle. */
  maxDistanceM?: number;
  recordingStartedAt: number | null;
  recordingEndedAt: number | null;
  originAt: number;
  /** The session clock's length: from time 0 to the timeline's end. */
  durationMs: number;
  segments: ReplaySegment[];
  gaps: ReplayGap[];
  presenceGaps: PresenceGap[];
  chapters: Chapter[];
  points: ReplayPoint[];
  photos: ReplayPhoto[];
  trace: ReplayFix[];
  thumbnails: ThumbnailCue[];
  files: ReplayFile[];
  timeline: SessionTimeline;
}
