import type Database from 'better-sqlite3';
import type { ClipState, PendingClip } from '../../recording/clips/PendingClip';
import type { RecordingSegment, SegmentState } from '../../recording/RecordingSegment';
import type { ReviewComment } from '../../review/ReviewComment';
import type { Row } from './Row';

/** Recording segments, point clips waiting to be cut, reviewers' comments and who watched what. */
export function segmentRows(db: Database.Database) {
  return {
      insert: async (s: Omit<RecordingSegment, 'seq'>): Promise<RecordingSegment> => {
        const row = db
          .prepare(
            `INSERT INTO recording_segments (id, session_id, case_id, seq, track, peer, file, started_at, first_media_at, ended_at, start_cause, end_cause, state, rotation, recorder_pid, attempts)
             SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM recording_segments WHERE session_id = ?
             RETURNING seq`,
          )
          .get(s.id, s.sessionId, s.caseId, s.track, s.peer, s.file, s.startedAt, s.firstMediaAt ?? null, s.endedAt ?? null, s.startCause, s.endCause ?? null, s.state, s.rotation ?? null, s.recorderPid ?? null, s.attempts, s.sessionId) as { seq: number };
        return { ...s, seq: row.seq };
      },
      get: async (id: string) => {
        const row = db.prepare('SELECT * FROM recording_segments WHERE id = ?').get(id) as Row | undefined;
        return row ? toSegment(row) : undefined;
      },
      listBySession: async (sessionId: string) =>
        (db.prepare('SELECT * FROM recording_segments WHERE session_id = ? ORDER BY seq').all(sessionId) as Row[]).map(toSegment),
      listByCase: async (caseId: string) =>
        (db.prepare('SELECT * FROM recording_segments WHERE case_id = ? ORDER BY started_at, seq').all(caseId) as Row[]).map(toSegment),
      listInStates: async (states: readonly SegmentState[]) => {
        if (states.length === 0) return [];
        const marks = states.map(() => '?').join(', ');
        return (db.prepare(`SELECT * FROM recording_segments WHERE state IN (${marks}) ORDER BY started_at, seq`).all(...states) as Row[]).map(toSegment);
      },
      discard: async (id: string) => {
        db.prepare("DELETE FROM recording_segments WHERE id = ? AND state = 'recording'").run(id);
      },
      update: async (id: string, patch: Partial<RecordingSegment>) => {
        const columns: Record<string, unknown> = {};
        const put = (col: string, v: unknown) => {
          if (v !== undefined) columns[col] = v;
        };
        put('first_media_at', patch.firstMediaAt);
        put('ended_at', patch.endedAt);
        put('start_cause', patch.startCause);
        put('end_cause', patch.endCause);
        put('state', patch.state);
        put('sha256', patch.sha256);
        put('bytes', patch.bytes);
        put('duration_ms', patch.durationMs);
        put('has_video', patch.hasVideo === undefined ? undefined : patch.hasVideo ? 1 : 0);
        put('has_audio', patch.hasAudio === undefined ? undefined : patch.hasAudio ? 1 : 0);
        put('rotation', patch.rotation);
        put('recorder_pid', patch.recorderPid);
        put('record_hash', patch.recordHash);
        put('derived', patch.derived === undefined ? undefined : JSON.stringify(patch.derived));
        put('attempts', patch.attempts);
        // A failure is cleared explicitly with null-ish empty string (a retried job that succeeds).
        if ('failure' in patch) columns.failure = patch.failure ?? null;
        const names = Object.keys(columns);
        if (names.length === 0) return;
        db.prepare(`UPDATE recording_segments SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(columns), id);
      },
  };
}

export function pendingClipRows(db: Database.Database) {
  return {
      insert: async (c: PendingClip): Promise<PendingClip> => {
        db
          .prepare(
            `INSERT OR IGNORE INTO pending_clips (id, session_id, case_id, point_key, segment_id, from_ms, to_ms, seconds, cause, requested_by, created_at, state, attempts, sha256, record_hash, failure)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(c.id, c.sessionId, c.caseId, c.pointKey, c.segmentId, c.fromMs, c.toMs, c.seconds, c.cause, c.requestedBy, c.createdAt, c.state, c.attempts, c.sha256 ?? null, c.recordHash ?? null, c.failure ?? null);
        const row = db
          .prepare('SELECT * FROM pending_clips WHERE session_id = ? AND point_key = ? AND segment_id = ? AND from_ms = ? AND cause = ?')
          .get(c.sessionId, c.pointKey, c.segmentId, c.fromMs, c.cause) as Row;
        return toPendingClip(row);
      },
      get: async (id: string) => {
        const row = db.prepare('SELECT * FROM pending_clips WHERE id = ?').get(id) as Row | undefined;
        return row ? toPendingClip(row) : undefined;
      },
      listBySegment: async (segmentId: string) =>
        (db.prepare('SELECT * FROM pending_clips WHERE segment_id = ? ORDER BY from_ms').all(segmentId) as Row[]).map(toPendingClip),
      listBySession: async (sessionId: string) =>
        (db.prepare('SELECT * FROM pending_clips WHERE session_id = ? ORDER BY from_ms').all(sessionId) as Row[]).map(toPendingClip),
      listInStates: async (states: readonly ClipState[]) => {
        if (states.length === 0) return [];
        const marks = states.map(() => '?').join(', ');
        return (db.prepare(`SELECT * FROM pending_clips WHERE state IN (${marks}) ORDER BY created_at`).all(...states) as Row[]).map(toPendingClip);
      },
      update: async (id: string, patch: Partial<Pick<PendingClip, 'state' | 'attempts' | 'sha256' | 'recordHash' | 'failure'>>) => {
        const columns: Record<string, unknown> = {};
        if (patch.state !== undefined) columns.state = patch.state;
        if (patch.attempts !== undefined) columns.attempts = patch.attempts;
        if (patch.sha256 !== undefined) columns.sha256 = patch.sha256;
        if (patch.recordHash !== undefined) columns.record_hash = patch.recordHash;
        if ('failure' in patch) columns.failure = patch.failure ?? null;
        const names = Object.keys(columns);
        if (names.length === 0) return;
        db.prepare(`UPDATE pending_clips SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(columns), id);
      },
  };
}

export function reviewCommentRows(db: Database.Database) {
  return {
      insert: async (c: ReviewComment) => {
        db
          .prepare('INSERT INTO review_comments (id, session_id, offset_ms, body, author, at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(c.id, c.sessionId, c.offsetMs, c.body, c.author, c.at);
      },
      listBySession: async (sessionId: string): Promise<ReviewComment[]> =>
        (db.prepare('SELECT * FROM review_comments WHERE session_id = ? ORDER BY at').all(sessionId) as Row[]).map((r) => ({
          id: String(r.id),
          sessionId: String(r.session_id),
          offsetMs: r.offset_ms == null ? null : Number(r.offset_ms),
          body: String(r.body),
          author: String(r.author),
          at: Number(r.at),
        })),
  };
}

export function recordingViewRows(db: Database.Database) {
  return {
      log: async (v: { sessionId: string; segmentId: string | null; viewer: string; at: number; what: string }) => {
        db.prepare('INSERT INTO recording_views (session_id, segment_id, viewer, what, at) VALUES (?, ?, ?, ?, ?)').run(v.sessionId, v.segmentId, v.viewer, v.what, v.at);
      },
      listBySession: async (sessionId: string) =>
        (db.prepare('SELECT * FROM recording_views WHERE session_id = ? ORDER BY seq').all(sessionId) as Row[]).map((r) => ({
          sessionId: String(r.session_id),
          segmentId: r.segment_id == null ? null : String(r.segment_id),
          viewer: String(r.viewer),
          what: String(r.what),
          at: Number(r.at),
        })),
  };
}

function toSegment(r: Row): RecordingSegment {
  const opt = <T>(v: unknown, f: (x: unknown) => T): T | undefined => (v == null ? undefined : f(v));
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    caseId: String(r.case_id),
    seq: Number(r.seq),
    track: r.track as RecordingSegment['track'],
    peer: String(r.peer),
    file: String(r.file),
    startedAt: Number(r.started_at),
    firstMediaAt: opt(r.first_media_at, Number),
    endedAt: opt(r.ended_at, Number),
    startCause: r.start_cause as RecordingSegment['startCause'],
    endCause: opt(r.end_cause, (v) => v as RecordingSegment['startCause']),
    state: r.state as SegmentState,
    sha256: opt(r.sha256, String),
    bytes: opt(r.bytes, Number),
    durationMs: opt(r.duration_ms, Number),
    hasVideo: opt(r.has_video, (v) => v === 1),
    hasAudio: opt(r.has_audio, (v) => v === 1),
    rotation: opt(r.rotation, (v) => Number(v) as 0 | 90 | 180 | 270),
    recordHash: opt(r.record_hash, String),
    derived: opt(r.derived, (v) => JSON.parse(String(v)) as RecordingSegment['derived']),
    recorderPid: opt(r.recorder_pid, Number),
    attempts: Number(r.attempts),
    failure: opt(r.failure, String),
  };
}

function toPendingClip(r: Row): PendingClip {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    caseId: String(r.case_id),
    pointKey: String(r.point_key),
    segmentId: String(r.segment_id),
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    seconds: Number(r.seconds),
    cause: r.cause as PendingClip['cause'],
    requestedBy: String(r.requested_by),
    createdAt: Number(r.created_at),
    state: r.state as ClipState,
    attempts: Number(r.attempts),
    sha256: r.sha256 == null ? undefined : String(r.sha256),
    recordHash: r.record_hash == null ? undefined : String(r.record_hash),
    failure: r.failure == null ? undefined : String(r.failure),
  };
}
