import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { InspectionSession } from '../inspection/InspectionSession';
import type { JoinLinkRecord } from '../cases/JoinLinkRecord';
import type { SessionState } from '../inspection/SessionState';
import type { SessionTransition, TransitionTrigger } from '../inspection/SessionTransition';
import type { LocationFix } from '../cases/LocationFix';
import type { StoredTemplateVersion, StoredWalk } from '../checklist/StoredWalk';
import type { WalkEvent } from '../checklist/WalkEvent';
import { canonicalJson } from '../checklist/canonicalJson';
import type { EvidenceItem } from '../evidence/EvidenceItem';
import type { EvidenceRecord, SignedRecord } from '../evidence/EvidenceRecord';
import type { CaptureTicket } from '../evidence/CaptureTickets';
import { caseRows, assignmentRows } from './sqlite/caseRows';
import { accountRows, loginRows } from './sqlite/accountRows';
import { segmentRows, pendingClipRows, reviewCommentRows, recordingViewRows } from './sqlite/recordingRows';
import { logRows } from './sqlite/logRows';
import { fingerprintRows } from './sqlite/fingerprintRows';
import type { Store } from './Store';
import { MIGRATIONS } from './migrations';

import type { Row } from './sqlite/Row';

/** The embedded default store: one SQLite file under the data dir, WAL mode, migrated on open. */
export class SqliteStore implements Store {
  /**
   * Marks the async flow that owns the open transaction: its calls go straight through. Each
   * transaction has its own token, so work that outlives one never passes as part of a later one.
   */
  private readonly txScope = new AsyncLocalStorage<symbol>();
  private txTail: Promise<void> = Promise.resolve();
  private txOpen: Promise<void> | undefined;
  private txToken: symbol | undefined;

  private insideTransaction(): boolean {
    return this.txToken !== undefined && this.txScope.getStore() === this.txToken;
  }

  private constructor(private readonly db: Database.Database) {
    // Built here, not as field initialisers: those run before `db` is set.
    this.cases = this.gated(caseRows(db));
    this.assignments = this.gated(assignmentRows(db));
    this.accounts = this.gated(accountRows(db));
    this.logins = this.gated(loginRows(db));
    this.segments = this.gated(segmentRows(db));
    this.pendingClips = this.gated(pendingClipRows(db));
    this.reviewComments = this.gated(reviewCommentRows(db));
    this.recordingViews = this.gated(recordingViewRows(db));
    this.officeLog = this.gated(logRows(db));
    this.fingerprints = this.gated(fingerprintRows(db));
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.insideTransaction()) return work();
    const previous = this.txTail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.txTail = previous.then(() => mine);
    await previous;
    const token = Symbol('transaction');
    this.txOpen = mine;
    this.txToken = token;
    try {
      return await this.txScope.run(token, async () => {
        this.db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work();
          this.db.exec('COMMIT');
          return result;
        } catch (err) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw err;
        }
      });
    } finally {
      this.txOpen = undefined;
      this.txToken = undefined;
      release();
    }
  }

  /**
   * One connection serves every caller, so a call from outside an open transaction must wait for
   * it; otherwise its write would commit or roll back with someone else's work.
   */
  private gated<R extends object>(repo: R): R {
    const out: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(repo)) {
      out[name] = async (...args: unknown[]) => {
        while (this.txOpen && !this.insideTransaction()) await this.txOpen;
        return (fn as (...a: unknown[]) => unknown)(...args);
      };
    }
    return out as R;
  }

  static async open(file: string): Promise<SqliteStore> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: an upload answered with 201 must survive a power cut too, not only a process crash;
    // one fsync per commit is nothing next to stamping a photo.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteStore(db);
  }

  get schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number };
    return row.v;
  }

  readonly fingerprints: ReturnType<typeof fingerprintRows>;

  readonly cases: ReturnType<typeof caseRows>;

  readonly assignments: ReturnType<typeof assignmentRows>;

  readonly sessions = this.gated({
    insert: async (x: InspectionSession) => {
      this.db
        .prepare('INSERT INTO inspection_sessions (id, case_id, state, created_at, state_changed_at) VALUES (?, ?, ?, ?, ?)')
        .run(x.id, x.caseId, x.state, x.createdAt, x.stateChangedAt);
    },
    get: async (id: string) => {
      const row = this.db.prepare('SELECT * FROM inspection_sessions WHERE id = ?').get(id) as Row | undefined;
      return row ? toSession(row) : undefined;
    },
    listByCase: async (caseId: string) =>
      (this.db.prepare('SELECT * FROM inspection_sessions WHERE case_id = ? ORDER BY created_at').all(caseId) as Row[]).map(toSession),
    listInStates: async (states: readonly SessionState[]) =>
      (this.db.prepare(`SELECT * FROM inspection_sessions WHERE state IN (${states.map(() => '?').join(',') || "''"}) ORDER BY created_at`).all(...states) as Row[]).map(toSession),
    transition: async (t: Omit<SessionTransition, 'seq'>, extra: { endReason?: string; outcome?: string } = {}) =>
      this.db.transaction(() => {
        const ends = t.to === 'ended' || t.to === 'interrupted' || t.to === 'abandoned';
        // A resumed session is no longer ended: its end time and reason stay only in the transition log.
        const reopens = t.to === 'scheduled' && t.from === 'interrupted';
        const changed = this.db
          .prepare(
            `UPDATE inspection_sessions SET state = ?, state_changed_at = ?,
               ended_at = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE ended_at END,
               end_reason = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE end_reason END,
               outcome = COALESCE(?, outcome)
             WHERE id = ? AND state = ?`,
          )
          .run(t.to, t.at, ends ? 1 : 0, t.at, reopens ? 1 : 0, ends ? 1 : 0, extra.endReason ?? t.reason ?? null, reopens ? 1 : 0, extra.outcome ?? null, t.sessionId, t.from).changes;
        if (!changed) return false;
        this.db
          .prepare(
            `INSERT INTO session_transitions (session_id, seq, from_state, to_state, trigger, actor, reason, at)
             SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM session_transitions WHERE session_id = ?`,
          )
          .run(t.sessionId, t.from, t.to, t.trigger, t.actor, t.reason ?? null, t.at, t.sessionId);
        return true;
      })(),
    transitions: async (sessionId: string): Promise<SessionTransition[]> =>
      (this.db.prepare('SELECT * FROM session_transitions WHERE session_id = ? ORDER BY seq').all(sessionId) as Row[]).map((r) => ({
        sessionId: String(r.session_id),
        seq: Number(r.seq),
        from: r.from_state as SessionState,
        to: r.to_state as SessionState,
        trigger: r.trigger as TransitionTrigger,
        actor: String(r.actor),
        reason: r.reason == null ? undefined : String(r.reason),
        at: Number(r.at),
      })),
  });

  readonly joinLinks = this.gated({
    insert: async (l: JoinLinkRecord) => {
      this.db
        .prepare('INSERT INTO join_links (id, case_id, session_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
        .run(l.id, l.caseId, l.sessionId, l.createdAt, l.expiresAt);
    },
    get: async (id: string) => {
      const row = this.db.prepare('SELECT * FROM join_links WHERE id = ?').get(id) as Row | undefined;
      return row ? toLink(row) : undefined;
    },
    listBySession: async (sessionId: string) =>
      (this.db.prepare('SELECT * FROM join_links WHERE session_id = ? ORDER BY created_at').all(sessionId) as Row[]).map(toLink),
    revoke: async (id: string, at: number, reason: string) =>
      this.db.prepare('UPDATE join_links SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL').run(at, reason, id).changes > 0,
    markUsed: async (id: string, at: number) => {
      this.db.prepare('UPDATE join_links SET first_used_at = ? WHERE id = ? AND first_used_at IS NULL').run(at, id);
    },
  });

  readonly accounts: ReturnType<typeof accountRows>;

  readonly logins: ReturnType<typeof loginRows>;

  readonly fixes = this.gated({
    append: async (f: LocationFix) => {
      this.db
        .prepare('INSERT INTO location_fixes (session_id, lat, lon, accuracy_m, fix_time, server_time) VALUES (?, ?, ?, ?, ?, ?)')
        .run(f.sessionId, f.lat, f.lon, f.accuracyM, f.fixTime, f.serverTime);
    },
    latest: async (sessionId: string) => {
      const row = this.db.prepare('SELECT * FROM location_fixes WHERE session_id = ? ORDER BY seq DESC LIMIT 1').get(sessionId) as Row | undefined;
      return row ? toFix(row) : undefined;
    },
    trace: async (sessionId: string) =>
      (this.db.prepare('SELECT * FROM location_fixes WHERE session_id = ? ORDER BY seq').all(sessionId) as Row[]).map(toFix),
  });

  readonly segments: ReturnType<typeof segmentRows>;

  readonly pendingClips: ReturnType<typeof pendingClipRows>;

  readonly reviewComments: ReturnType<typeof reviewCommentRows>;

  readonly recordingViews: ReturnType<typeof recordingViewRows>;

  readonly officeLog: ReturnType<typeof logRows>;

  readonly templates = this.gated({
    save: async (t: StoredTemplateVersion, at: number) => {
      this.db
        .prepare('INSERT OR IGNORE INTO template_versions (hash, template_id, version, permit_type, spec, first_used_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.hash, t.id, t.version, t.permitType, JSON.stringify(t.source), at);
    },
    get: async (hash: string) => {
      const r = this.db.prepare('SELECT * FROM template_versions WHERE hash = ?').get(hash) as Row | undefined;
      return r
        ? { hash: String(r.hash), id: String(r.template_id), version: String(r.version), permitType: String(r.permit_type), source: JSON.parse(String(r.spec)) as unknown }
        : undefined;
    },
  });

  readonly walks = this.gated({
    insert: async (w: StoredWalk) => {
      this.db
        .prepare('INSERT INTO inspection_walks (session_id, template_hashes, parent_session_id, carried_keys, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(w.sessionId, JSON.stringify(w.templateHashes), w.parentSessionId ?? null, w.carriedKeys ? JSON.stringify(w.carriedKeys) : null, w.createdAt);
    },
    get: async (sessionId: string) => {
      const r = this.db.prepare('SELECT * FROM inspection_walks WHERE session_id = ?').get(sessionId) as Row | undefined;
      if (!r) return undefined;
      return {
        sessionId: String(r.session_id),
        templateHashes: JSON.parse(String(r.template_hashes)) as string[],
        parentSessionId: r.parent_session_id == null ? undefined : String(r.parent_session_id),
        carriedKeys: r.carried_keys == null ? undefined : (JSON.parse(String(r.carried_keys)) as string[]),
        createdAt: Number(r.created_at),
      };
    },
    appendEvent: async (sessionId: string, e: Omit<WalkEvent, 'seq'>): Promise<WalkEvent> => {
      const { at, actor, ...body } = e;
      // The next number is taken in the insert itself: two writers (or two nodes) cannot both get it.
      const row = this.db
        .prepare(
          `INSERT INTO walk_events (session_id, seq, body, at, actor)
           SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM walk_events WHERE session_id = ? RETURNING seq`,
        )
        .get(sessionId, JSON.stringify(body), at, actor, sessionId) as { seq: number };
      return { ...e, seq: row.seq } as WalkEvent;
    },
    events: async (sessionId: string) =>
      (this.db.prepare('SELECT * FROM walk_events WHERE session_id = ? ORDER BY seq').all(sessionId) as Row[]).map(
        (r) => ({ ...JSON.parse(String(r.body)), seq: Number(r.seq), at: Number(r.at), actor: String(r.actor) }) as WalkEvent,
      ),
  });

  readonly captureTickets = this.gated({
    insert: async (t: CaptureTicket) => {
      this.db
        .prepare('INSERT INTO capture_tickets (id, session_id, point_key, issued_at, issued_by, challenge) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.id, t.sessionId, t.pointKey, t.issuedAt, t.issuedBy, t.challenge ? JSON.stringify(t.challenge) : null);
    },
    get: async (id: string): Promise<CaptureTicket | undefined> => {
      const r = this.db.prepare('SELECT * FROM capture_tickets WHERE id = ?').get(id) as Row | undefined;
      if (!r) return undefined;
      return {
        id: r.id as string,
        sessionId: r.session_id as string,
        pointKey: r.point_key as string,
        issuedAt: r.issued_at as number,
        issuedBy: r.issued_by as string,
        usedByRequest: (r.used_by_request as string | null) ?? undefined,
        ...(r.challenge ? { challenge: JSON.parse(String(r.challenge)) as CaptureTicket['challenge'] } : {}),
      };
    },
    markUsed: async (id: string, requestId: string) =>
      this.db.prepare('UPDATE capture_tickets SET used_by_request = ? WHERE id = ? AND (used_by_request IS NULL OR used_by_request = ?)').run(requestId, id, requestId).changes === 1,
  });

  readonly evidenceRecords = this.gated({
    insert: async (r: SignedRecord) => {
      // Stored exactly as signed: the canonical body is what the hash and signature cover.
      this.db
        .prepare('INSERT INTO evidence_records (case_id, seq, body, hash, signature, sm2) VALUES (?, ?, ?, ?, ?, ?)')
        .run(r.record.caseId, r.record.seq, canonicalJson(r.record), r.hash, r.signature, r.sm2 ? JSON.stringify({ keyId: r.sm2.keyId, signature: r.sm2.signature }) : null);
    },
    last: async (caseId: string) => {
      const row = this.db.prepare('SELECT * FROM evidence_records WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as Row | undefined;
      return row ? toSigned(row) : undefined;
    },
    list: async (caseId: string) => (this.db.prepare('SELECT * FROM evidence_records WHERE case_id = ? ORDER BY seq').all(caseId) as Row[]).map(toSigned),
  });

  private insertEvidence(e: EvidenceItem): void {
    this.db
      .prepare(
        `INSERT INTO evidence_items (id, session_id, point_key, kind, grade, sha256, media_type, bytes, server_time, claimed, checked, captured_by, request_id, parent_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.id, e.sessionId, e.pointKey, e.kind, e.grade, e.sha256, e.mediaType, e.bytes, e.serverTime, JSON.stringify(e.claimed), JSON.stringify(e.checked), e.capturedBy, e.requestId ?? null, e.parentSha256 ?? null);
  }

  readonly evidence = this.gated({
    insert: async (e: EvidenceItem) => this.insertEvidence(e),
    insertAll: async (items: EvidenceItem[]) => this.db.transaction(() => items.forEach((e) => this.insertEvidence(e)))(),
    byRequest: async (sessionId: string, requestId: string) => {
      const r = this.db.prepare('SELECT * FROM evidence_items WHERE session_id = ? AND request_id = ?').get(sessionId, requestId) as Row | undefined;
      return r ? toEvidence(r) : undefined;
    },
    listBySession: async (sessionId: string) =>
      (this.db.prepare('SELECT * FROM evidence_items WHERE session_id = ? ORDER BY server_time').all(sessionId) as Row[]).map(toEvidence),
    get: async (id: string) => {
      const r = this.db.prepare('SELECT * FROM evidence_items WHERE id = ?').get(id) as Row | undefined;
      return r ? toEvidence(r) : undefined;
    },
  });

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
  }
}

function toSession(r: Row): InspectionSession {
  return {
    id: String(r.id),
    caseId: String(r.case_id),
    state: r.state as SessionState,
    createdAt: Number(r.created_at),
    stateChangedAt: Number(r.state_changed_at ?? r.created_at),
    endedAt: r.ended_at == null ? undefined : Number(r.ended_at),
    endReason: r.end_reason == null ? undefined : String(r.end_reason),
    outcome: r.outcome == null ? undefined : String(r.outcome),
  };
}

function toLink(r: Row): JoinLinkRecord {
  return {
    id: String(r.id),
    caseId: String(r.case_id),
    sessionId: String(r.session_id),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    revokedAt: r.revoked_at == null ? undefined : Number(r.revoked_at),
    revokeReason: r.revoke_reason == null ? undefined : String(r.revoke_reason),
    firstUsedAt: r.first_used_at == null ? undefined : Number(r.first_used_at),
  };
}

function toFix(r: Row): LocationFix {
  return {
    sessionId: String(r.session_id),
    lat: Number(r.lat),
    lon: Number(r.lon),
    accuracyM: Number(r.accuracy_m),
    fixTime: Number(r.fix_time),
    serverTime: Number(r.server_time),
  };
}

function toEvidence(r: Row): EvidenceItem {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    pointKey: String(r.point_key),
    kind: r.kind as EvidenceItem['kind'],
    grade: r.grade as EvidenceItem['grade'],
    sha256: String(r.sha256),
    mediaType: String(r.media_type),
    bytes: Number(r.bytes),
    serverTime: Number(r.server_time),
    claimed: JSON.parse(String(r.claimed)),
    checked: JSON.parse(String(r.checked)),
    capturedBy: String(r.captured_by),
    requestId: r.request_id == null ? undefined : String(r.request_id),
    parentSha256: r.parent_sha256 == null ? undefined : String(r.parent_sha256),
  };
}

function toSigned(r: Row): SignedRecord {
  const signed: SignedRecord = { record: JSON.parse(String(r.body)) as EvidenceRecord, hash: String(r.hash), signature: String(r.signature) };
  if (r.sm2 != null) signed.sm2 = JSON.parse(String(r.sm2)) as { keyId: string; signature: string };
  return signed;
}
