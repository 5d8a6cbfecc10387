/**
 * One recorded file of an inspection session: the lifetime of one set of producers on one
 * recorder process. A phone reconnecting, switching camera, or a recorder restart closes the
 * segment and opens the next; the time between two segments of a track is a gap with a cause.
 */
export type SegmentTrack =
  /** The phone's camera and microphone, in one Matroska file (one ffmpeg, so RTCP aligns them). */
  | 'phone'
  /** One inspector's microphone, audio-only Matroska. */
  | 'inspector';

/** Why a segment started or ended: what the manifest and the replay show for each gap. */
export const SEGMENT_CAUSES = [
  'call_started',
  'phone_joined',
  'phone_left',
  'phone_reconnected',
  'camera_switched',
  'inspector_joined',
  'inspector_left',
  'microphone_changed',
  'recorder_died',
  'recorder_restarted',
  'call_ended',
  'server_shutdown',
  'server_killed',
] as const;
export type SegmentCause = (typeof SEGMENT_CAUSES)[number];

/**
 * recording: ffmpeg is writing it. closed: the file is final (or recovered after a crash) and
 * waits for post-processing. processed: chained and its playback copy exists. failed: a job gave
 * up (the original file is always kept; an admin may retry).
 */
export type SegmentState = 'recording' | 'closed' | 'processed' | 'failed';

/** A file made from a segment by post-processing; never evidence on its own, it names its original. */
export interface SegmentDerivative {
  /** Path relative to the recordings root. */
  file: string;
  sha256: string;
  bytes: number;
  mediaType: string;
  /**
   * A thumbnail sprite's grid: tile n (from 0) shows the segment at n × intervalMs, at column
   * n % columns and row ⌊n / columns⌋, each width × height pixels (for a WebVTT thumbnails track).
   */
  sprite?: { intervalMs: number; width: number; height: number; columns: number; rows: number; count: number };
  /** The playback copy: which inspector segments' audio is mixed into it. */
  mixedSegmentIds?: string[];
}

export interface RecordingSegment {
  id: string;
  sessionId: string;
  caseId: string;
  /** Order within the session, from 1, over all tracks. */
  seq: number;
  track: SegmentTrack;
  /** Whose media: 'applicant' for the phone, the inspector's account id for a microphone. */
  peer: string;
  /** The untouched Matroska original, relative to the recordings root: `<case>/<session>/<seq>-<track>.mkv`. */
  file: string;
  /** Server time when the recorder was started. */
  startedAt: number;
  /** Server time of the first key frame written (audio-only: the first packet); the file's time 0. */
  firstMediaAt?: number;
  /** Server time the recorder stopped (or, after a crash, the file's last write). */
  endedAt?: number;
  startCause: SegmentCause;
  endCause?: SegmentCause;
  state: SegmentState;
  /** Of the final original bytes, once closed. */
  sha256?: string;
  bytes?: number;
  /** Probed from the file by post-processing. */
  durationMs?: number;
  hasVideo?: boolean;
  hasAudio?: boolean;
  /** Video rotation the phone signalled (urn:3gpp:video-orientation), degrees clockwise. */
  rotation?: 0 | 90 | 180 | 270;
  /** Hash of the evidence record that chained the original. */
  recordHash?: string;
  /** Seekable WebM with the mixed audio, thumbnails: made by post-processing. */
  derived?: { playback?: SegmentDerivative; thumbnails?: SegmentDerivative; recordHash?: string };
  /** The ffmpeg writing it: a restart after `kill -9` stops an orphan before recovering the file. */
  recorderPid?: number;
  /** Post-processing attempts made, and the last error a person can read. */
  attempts: number;
  failure?: string;
}
