import type { WalkEvent } from '../../checklist/WalkEvent';
import type { EvidenceItem } from '../../evidence/EvidenceItem';
import type { RecordingSegment } from '../RecordingSegment';
import { segmentGaps } from '../segmentGaps';
import type { SessionTimeline, TimelineEntry, TimelineEntryBody, TimelineInput } from './SessionTimeline';

/** Where a segment's file begins on the server clock: its first key frame, or its start before any media. */
export const segmentZeroAt = (s: RecordingSegment): number => s.firstMediaAt ?? s.startedAt;

/** The recording's time 0: the earliest segment's first media (over every track); null when nothing was recorded. */
export function recordingStart(segments: readonly RecordingSegment[]): number | null {
  return segments.length ? Math.min(...segments.map(segmentZeroAt)) : null;
}

/** The last segment's end, or null while any segment is still being written (or none exists). */
export function recordingEnd(segments: readonly RecordingSegment[]): number | null {
  if (!segments.length || segments.some((s) => s.endedAt === undefined)) return null;
  return Math.max(...segments.map((s) => s.endedAt!));
}

/**
 * Entries at the same millisecond keep a reading order: a segment ends, its gap opens, the next
 * one starts; lifecycle steps before the checklist events they caused.
 */
const KIND_ORDER: Record<TimelineEntry['kind'], number> = {
  segment_ended: 0,
  gap: 1,
  segment_started: 2,
  transition: 3,
  point_opened: 4,
  fact_answered: 5,
  fix: 6,
  photo: 7,
  clip: 7,
  evidence_attached: 8,
  note_set: 9,
  result_set: 10,
  reuse_accepted: 10,
  permit_signed: 11,
  closed: 12,
};

/**
 * The session's timeline from its stored records, pure (no I/O, no clock): the same records always
 * give the same timeline, byte for byte once serialised, so it can be hashed into the chain.
 */
export function buildTimeline(input: TimelineInput): SessionTimeline {
  const bodies: Array<{ at: number; tie: number; body: TimelineEntryBody }> = [];
  const add = (at: number, tie: number, body: TimelineEntryBody) => bodies.push({ at, tie, body });

  for (const e of input.walkEvents) add(e.at, e.seq, walkEntry(e));

  // A photo's stamped copy is the same moment; it is named on its original's entry.
  const stampedOf = new Map(input.evidence.filter((e) => e.grade === 'stamped' && e.parentSha256).map((e) => [e.parentSha256!, e.id]));
  for (const item of input.evidence) {
    if (item.grade === 'stamped') continue;
    add(item.serverTime, 0, evidenceEntry(item, stampedOf.get(item.sha256)));
  }

  input.fixes.forEach((f, i) => add(f.serverTime, i, { kind: 'fix', lat: f.lat, lon: f.lon, accuracyM: f.accuracyM, fixTime: f.fixTime }));

  for (const t of input.transitions) {
    add(t.at, t.seq, { kind: 'transition', seq: t.seq, from: t.from, to: t.to, trigger: t.trigger, actor: t.actor, ...(t.reason ? { reason: t.reason } : {}) });
  }

  for (const s of input.segments) {
    add(segmentZeroAt(s), s.seq, { kind: 'segment_started', segmentId: s.id, seq: s.seq, track: s.track, peer: s.peer, cause: s.startCause });
    if (s.endedAt !== undefined) add(s.endedAt, s.seq, { kind: 'segment_ended', segmentId: s.id, seq: s.seq, track: s.track, peer: s.peer, ...(s.endCause ? { cause: s.endCause } : {}) });
  }
  const peerOf = new Map(input.segments.map((s) => [s.id, s.peer]));
  for (const g of segmentGaps(input.segments)) {
    add(g.from, 0, { kind: 'gap', track: g.track, peer: peerOf.get(g.before) ?? '', toAt: g.to, durationMs: g.to - g.from, cause: g.cause, after: g.after, before: g.before });
  }

  bodies.sort((a, b) => a.at - b.at || KIND_ORDER[a.body.kind] - KIND_ORDER[b.body.kind] || a.tie - b.tie);
  const recordingStartedAt = recordingStart(input.segments);
  const originAt = recordingStartedAt ?? bodies[0]?.at ?? 0;
  return {
    v: 1,
    sessionId: input.sessionId,
    caseId: input.caseId,
    recordingStartedAt,
    recordingEndedAt: recordingEnd(input.segments),
    originAt,
    entries: bodies.map(({ at, body }) => ({ at, offsetMs: at - originAt, ...body })),
  };
}

function walkEntry(e: WalkEvent): TimelineEntryBody {
  const who = { seq: e.seq, actor: e.actor };
  switch (e.type) {
    case 'point_opened':
      return { kind: 'point_opened', ...who, key: e.key };
    case 'result_set':
      return { kind: 'result_set', ...who, key: e.key, result: e.result, ...(e.note ? { note: e.note } : {}) };
    case 'note_set':
      return { kind: 'note_set', ...who, key: e.key, note: e.note };
    case 'fact_answered':
      return { kind: 'fact_answered', ...who, fact: e.fact, value: e.value };
    case 'evidence_attached': {
      const ev = e.evidence;
      return {
        kind: 'evidence_attached',
        ...who,
        key: e.key,
        evidenceId: ev.evidenceId,
        evidenceKind: ev.kind,
        ...(ev.source ? { source: ev.source } : {}),
        ...(ev.distance ? { distance: ev.distance } : {}),
        ...(ev.seconds !== undefined ? { seconds: ev.seconds } : {}),
        ...(ev.flags?.length ? { flags: ev.flags } : {}),
      };
    }
    case 'reuse_accepted':
      return { kind: 'reuse_accepted', ...who, key: e.key, evidenceId: e.evidenceId, reason: e.reason };
    case 'permit_signed':
      return { kind: 'permit_signed', ...who, permitType: e.permitType };
    case 'closed':
      return {
        kind: 'closed',
        ...who,
        outcome: e.outcome,
        computed: e.computed,
        ...(e.overrideReason ? { overrideReason: e.overrideReason } : {}),
        ...(e.rectificationDeadline !== undefined ? { rectificationDeadline: e.rectificationDeadline } : {}),
      };
  }
}

function evidenceEntry(item: EvidenceItem, stampedId: string | undefined): TimelineEntryBody {
  if (item.kind === 'video') {
    const c = item.checked;
    return {
      kind: 'clip',
      evidenceId: item.id,
      pointKey: item.pointKey,
      capturedBy: item.capturedBy,
      sha256: item.sha256,
      ...(item.parentSha256 ? { parentSha256: item.parentSha256 } : {}),
      ...(c.segmentId ? { segmentId: c.segmentId } : {}),
      ...(c.toMs !== undefined ? { toAt: c.toMs } : {}),
      ...(c.durationMs !== undefined ? { durationMs: c.durationMs } : {}),
    };
  }
  const c = item.checked;
  return {
    kind: 'photo',
    evidenceId: item.id,
    ...(stampedId ? { stampedId } : {}),
    pointKey: item.pointKey,
    grade: item.grade === 'frame' ? 'frame' : 'original',
    source: c.source ?? (item.grade === 'frame' ? 'frame' : 'photo'),
    capturedBy: item.capturedBy,
    sha256: item.sha256,
    ...(c.distance ? { distance: c.distance } : {}),
    ...(c.distanceM !== undefined ? { distanceM: c.distanceM } : {}),
    ...(c.flags?.length ? { flags: c.flags } : {}),
  };
}
