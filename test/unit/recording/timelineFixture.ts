import type { WalkEvent, WalkEventBody } from '../../../server/checklist/WalkEvent';
import type { LocationFix } from '../../../server/cases/LocationFix';
import type { EvidenceItem } from '../../../server/evidence/EvidenceItem';
import type { SessionTransition } from '../../../server/inspection/SessionTransition';
import type { RecordingSegment } from '../../../server/recording/RecordingSegment';
import type { TimelineInput } from '../../../server/recording/timeline/SessionTimeline';

/** 2026-03-14 09:00:00 Beijing time: every fixture time is T0 + seconds. */
export const T0 = Date.UTC(2026, 2, 14, 1, 0, 0);
export const at = (s: number) => T0 + s * 1000;

export function segment(p: Partial<RecordingSegment> & Pick<RecordingSegment, 'id' | 'seq' | 'track' | 'startedAt'>): RecordingSegment {
  return {
    sessionId: 's1',
    caseId: 'c1',
    peer: p.track === 'phone' ? 'applicant' : 'acct-inspector',
    file: `c1/s1/${p.seq}-${p.track}.mkv`,
    startCause: 'call_started',
    state: 'processed',
    attempts: 0,
    ...p,
  };
}

const walk = (seq: number, s: number, body: WalkEventBody): WalkEvent => ({ ...body, seq, at: at(s), actor: 'inspector' });
const transition = (seq: number, s: number, from: SessionTransition['from'], to: SessionTransition['to'], trigger: SessionTransition['trigger'], actor = 'system'): SessionTransition => ({
  sessionId: 's1',
  seq,
  from,
  to,
  trigger,
  actor,
  at: at(s),
});
const fix = (s: number, lat: number): LocationFix => ({ sessionId: 's1', lat, lon: 116.41642, accuracyM: 5, fixTime: at(s) - 800, serverTime: at(s) });
const photo = (id: string, s: number, grade: EvidenceItem['grade'], sha: string, parent?: string): EvidenceItem => ({
  id,
  sessionId: 's1',
  pointKey: 'common.signboard',
  kind: 'photo',
  grade,
  sha256: sha,
  mediaType: 'image/jpeg',
  bytes: 1000,
  serverTime: at(s),
  claimed: { lat: 39.92902, lon: 116.41642, accuracyM: 5 },
  checked: grade === 'stamped' ? {} : { distanceM: 10, limitM: 50, distance: 'pass', source: grade === 'frame' ? 'frame' : 'photo' },
  capturedBy: grade === 'frame' ? 'inspector' : 'applicant',
  parentSha256: parent,
});

/**
 * A session as the store would hold it: the inspector joins at 0 s (their microphone's segment
 * starts at 1 s), the phone at 5 s (its first key frame at 6 s), drops at 40 s and is back at 44 s
 * (a new phone segment from 45 s), three points walked, a photo of the signboard, three fixes,
 * the checklist closed at 70 s and the call ended at 71 s.
 */
export function sessionInput(): TimelineInput {
  return {
    sessionId: 's1',
    caseId: 'c1',
    walkEvents: [
      walk(1, 3, { type: 'fact_answered', fact: 'seating_capacity', value: 30 }),
      walk(2, 10, { type: 'point_opened', key: 'common.signboard' }),
      walk(3, 20, { type: 'evidence_attached', key: 'common.signboard', evidence: { evidenceId: 'p1', kind: 'photo', distance: 'pass', source: 'photo' } }),
      walk(4, 22, { type: 'result_set', key: 'common.signboard', result: 'pass', note: '招牌与执照一致' }),
      walk(5, 23, { type: 'point_opened', key: 'common.extinguishers' }),
      walk(6, 35, { type: 'note_set', key: 'common.extinguishers', note: '压力表在红区' }),
      walk(7, 36, { type: 'result_set', key: 'common.extinguishers', result: 'fail' }),
      // A result given from the list, without opening the point first.
      walk(8, 50, { type: 'result_set', key: 'food.records', result: 'needs_rectification' }),
      walk(9, 68, { type: 'permit_signed', permitType: 'food_business' }),
      walk(10, 70, { type: 'closed', outcome: 'fail', computed: 'fail' }),
    ],
    evidence: [photo('p1', 19.5, 'original', 'aaa'), photo('p1s', 19.5, 'stamped', 'bbb', 'aaa'), photo('f1', 30, 'frame', 'ccc')],
    fixes: [fix(8, 39.92902), fix(28, 39.92903), fix(60, 39.935)],
    transitions: [
      transition(1, 0, 'scheduled', 'waiting_for_applicant', 'inspector_joined', 'staff:inspector'),
      transition(2, 5, 'waiting_for_applicant', 'live', 'applicant_joined', 'applicant'),
      transition(3, 40, 'live', 'applicant_reconnecting', 'applicant_dropped'),
      transition(4, 44, 'applicant_reconnecting', 'live', 'applicant_joined', 'applicant'),
      transition(5, 70, 'live', 'checklist_closed', 'walk_closed', 'staff:inspector'),
      transition(6, 71, 'checklist_closed', 'ended', 'call_ended', 'staff:inspector'),
    ],
    segments: [
      segment({ id: 'g1', seq: 1, track: 'inspector', startedAt: at(0.5), firstMediaAt: at(1), endedAt: at(71), endCause: 'call_ended' }),
      segment({ id: 'g2', seq: 2, track: 'phone', startedAt: at(5), firstMediaAt: at(6), endedAt: at(40), startCause: 'phone_joined', endCause: 'phone_left', durationMs: 34_000 }),
      segment({ id: 'g3', seq: 3, track: 'phone', startedAt: at(44), firstMediaAt: at(45), endedAt: at(71), startCause: 'phone_reconnected', endCause: 'call_ended', durationMs: 26_000 }),
    ],
  };
}
