import type { CaseRecord } from '../../cases/CaseRecord';
import type { RecordInput } from '../../evidence/EvidenceChain';
import type { RecordingSegment, SegmentDerivative } from '../RecordingSegment';
import { timeZeroOf } from './playbackMix';

/**
 * The chain record of an untouched segment: hashed as soon as the file is final, before anything
 * reads it, so even a file no tool can open is evidence of what was recorded. Its length here is
 * the server's clock (first media to stop); the probed length goes with the playback copy.
 */
export function recordingRecord(c: CaseRecord, s: RecordingSegment, hash: { sha256: string; bytes: number }, now: number): RecordInput {
  const timeZero = timeZeroOf(s);
  return {
    caseId: c.id,
    caseNumber: c.caseNumber,
    sessionId: s.sessionId,
    pointKey: null,
    kind: 'recording',
    sha256: hash.sha256,
    bytes: hash.bytes,
    mediaType: s.track === 'phone' ? 'video/x-matroska' : 'audio/x-matroska',
    file: `recordings/${hash.sha256}.mkv`,
    parentSha256: null,
    serverTime: now,
    claimed: {},
    checked: {
      segmentId: s.id,
      seq: s.seq,
      track: s.track,
      peer: s.peer,
      startedAt: s.startedAt,
      firstMediaAt: s.firstMediaAt ?? null,
      endedAt: s.endedAt ?? null,
      startCause: s.startCause,
      endCause: s.endCause ?? null,
      durationMs: s.endedAt === undefined ? null : Math.max(0, s.endedAt - timeZero),
      rotation: s.rotation ?? 0,
    },
    capturedBy: s.peer,
  };
}

/** The chain record of the seekable copy: a derivative naming its original by hash. */
export function playbackRecord(c: CaseRecord, s: RecordingSegment, playback: SegmentDerivative, now: number): RecordInput {
  if (!s.sha256) throw new Error(`segment ${s.id} has no chained original to name`);
  return {
    caseId: c.id,
    caseNumber: c.caseNumber,
    sessionId: s.sessionId,
    pointKey: null,
    kind: 'playback',
    sha256: playback.sha256,
    bytes: playback.bytes,
    mediaType: playback.mediaType,
    file: `playback/${playback.sha256}.webm`,
    parentSha256: s.sha256,
    serverTime: now,
    claimed: {},
    checked: {
      segmentId: s.id,
      seq: s.seq,
      track: s.track,
      durationMs: s.durationMs ?? null,
      hasVideo: s.hasVideo ?? null,
      // The video is copied; the audio is the phone's own or mixed with these inspector segments.
      videoCopied: !!s.hasVideo,
      mixedSegmentIds: playback.mixedSegmentIds ?? [],
    },
    capturedBy: s.peer,
  };
}
