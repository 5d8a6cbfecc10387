/** Versioned schema steps. Never edit a published step: add a new one. */
export const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        case_number TEXT NOT NULL UNIQUE,
        business_name TEXT NOT NULL,
        permit_types TEXT NOT NULL,
        address_text TEXT NOT NULL,
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE INDEX cases_created ON cases(created_at);
      CREATE TABLE inspection_sessions (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT
      );
      CREATE INDEX sessions_case ON inspection_sessions(case_id);
      CREATE TABLE join_links (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases(id),
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX links_session ON join_links(session_id);
      CREATE TABLE inspectors (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE login_sessions (
        token_hash TEXT PRIMARY KEY,
        inspector_id TEXT NOT NULL REFERENCES inspectors(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE location_fixes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        accuracy_m REAL NOT NULL,
        fix_time INTEGER NOT NULL,
        server_time INTEGER NOT NULL
      );
      CREATE INDEX fixes_session ON location_fixes(session_id, seq);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE template_versions (
        hash TEXT PRIMARY KEY,
        template_id TEXT NOT NULL,
        version TEXT NOT NULL,
        permit_type TEXT NOT NULL,
        spec TEXT NOT NULL,
        first_used_at INTEGER NOT NULL
      );
      CREATE TABLE inspection_walks (
        session_id TEXT PRIMARY KEY REFERENCES inspection_sessions(id),
        template_hashes TEXT NOT NULL,
        parent_session_id TEXT REFERENCES inspection_sessions(id),
        carried_keys TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE walk_events (
        session_id TEXT NOT NULL REFERENCES inspection_walks(session_id),
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      );
      CREATE TABLE evidence_items (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        point_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        grade TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        media_type TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        server_time INTEGER NOT NULL,
        claimed TEXT NOT NULL,
        checked TEXT NOT NULL,
        captured_by TEXT NOT NULL
      );
      CREATE INDEX evidence_session ON evidence_items(session_id, server_time);
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE evidence_records (
        case_id TEXT NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        signature TEXT NOT NULL,
        PRIMARY KEY (case_id, seq)
      );
      ALTER TABLE evidence_items ADD COLUMN request_id TEXT;
      ALTER TABLE evidence_items ADD COLUMN parent_sha256 TEXT;
      CREATE UNIQUE INDEX evidence_request ON evidence_items(session_id, request_id) WHERE request_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE capture_tickets (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        point_key TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        issued_by TEXT NOT NULL,
        used_by_request TEXT
      );
    `,
  },
  {
    // Accounts with roles and departments, case assignments, the inspection lifecycle with its
    // transition log, and join links that remember why they were revoked and when first used.
    version: 5,
    sql: `
      ALTER TABLE inspectors RENAME TO accounts;
      ALTER TABLE accounts ADD COLUMN roles TEXT NOT NULL DEFAULT '["inspector"]';
      ALTER TABLE accounts ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;
      ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      -- Before roles existed the one account did everything: it becomes the office's first admin.
      UPDATE accounts SET roles = '["admin","supervisor","inspector"]',
        departments = '["food_business","public_hygiene","pharmacy_retail","seed_business","fuel_retail"]';
      ALTER TABLE login_sessions RENAME COLUMN inspector_id TO account_id;
      CREATE INDEX logins_account ON login_sessions(account_id);

      CREATE TABLE case_assignments (
        case_id TEXT NOT NULL REFERENCES cases(id),
        account_id TEXT NOT NULL REFERENCES accounts(id),
        assigned_at INTEGER NOT NULL,
        assigned_by TEXT NOT NULL,
        PRIMARY KEY (case_id, account_id)
      );
      INSERT INTO case_assignments (case_id, account_id, assigned_at, assigned_by)
        SELECT c.id, a.id, c.created_at, 'migration' FROM cases c JOIN accounts a ON a.username = c.created_by;

      ALTER TABLE inspection_sessions ADD COLUMN state TEXT NOT NULL DEFAULT 'scheduled';
      ALTER TABLE inspection_sessions ADD COLUMN state_changed_at INTEGER;
      ALTER TABLE inspection_sessions ADD COLUMN outcome TEXT;
      -- The old release sealed a checklist's log when it closed, whether or not the call was ended after.
      UPDATE inspection_sessions SET state_changed_at = COALESCE(ended_at, created_at), state = CASE
        WHEN EXISTS (SELECT 1 FROM walk_events w WHERE w.session_id = inspection_sessions.id AND w.body LIKE '{"type":"closed"%') THEN 'sealed'
        WHEN status = 'ended' THEN 'interrupted'
        ELSE 'scheduled' END;
      UPDATE inspection_sessions SET outcome = (SELECT json_extract(w.body, '$.outcome') FROM walk_events w
        WHERE w.session_id = inspection_sessions.id AND w.body LIKE '{"type":"closed"%');
      ALTER TABLE inspection_sessions DROP COLUMN status;
      CREATE TABLE session_transitions (
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        seq INTEGER NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        trigger TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (session_id, seq)
      );

      -- A case's status is derived from its sessions, never stored.
      ALTER TABLE cases DROP COLUMN status;
      ALTER TABLE join_links ADD COLUMN revoke_reason TEXT;
      ALTER TABLE join_links ADD COLUMN first_used_at INTEGER;
    `,
  },
  {
    // A registered address keeps the coordinates as typed and their system (GPS WGS-84, or a Chinese
    // map app's GCJ-02 / BD-09); lat/lon stay WGS-84. Cases from before were typed as WGS-84.
    version: 6,
    sql: `
      ALTER TABLE cases ADD COLUMN coord_system TEXT NOT NULL DEFAULT 'wgs84';
      ALTER TABLE cases ADD COLUMN original_lat REAL;
      ALTER TABLE cases ADD COLUMN original_lon REAL;
      UPDATE cases SET original_lat = lat, original_lon = lon;
    `,
  },
  {
    // Recording: one row per recorded segment (the database, not Redis, owns its processing state),
    // reviewers' time-pinned comments, and who watched which recording.
    version: 7,
    sql: `
      CREATE TABLE recording_segments (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        case_id TEXT NOT NULL REFERENCES cases(id),
        seq INTEGER NOT NULL,
        track TEXT NOT NULL,
        peer TEXT NOT NULL,
        file TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        first_media_at INTEGER,
        ended_at INTEGER,
        start_cause TEXT NOT NULL,
        end_cause TEXT,
        state TEXT NOT NULL,
        sha256 TEXT,
        bytes INTEGER,
        duration_ms INTEGER,
        has_video INTEGER,
        has_audio INTEGER,
        rotation INTEGER,
        record_hash TEXT,
        derived TEXT,
        recorder_pid INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        failure TEXT,
        UNIQUE (session_id, seq)
      );
      CREATE INDEX segments_state ON recording_segments(state);
      CREATE INDEX segments_case ON recording_segments(case_id);
      CREATE TABLE review_comments (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        offset_ms INTEGER,
        body TEXT NOT NULL,
        author TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX review_comments_session ON review_comments(session_id, at);
      CREATE TABLE recording_views (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        segment_id TEXT,
        viewer TEXT NOT NULL,
        what TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX recording_views_session ON recording_views(session_id, at);
    `,
  },
  {
    // Video evidence per checklist point: a stretch of a phone segment, registered when the walk
    // gets its video note and cut by copy once the segment is final. No foreign key to the segment:
    // a recorder dropping an empty segment must never be refused because of a clip.
    version: 8,
    sql: `
      CREATE TABLE pending_clips (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        case_id TEXT NOT NULL REFERENCES cases(id),
        point_key TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        from_ms INTEGER NOT NULL,
        to_ms INTEGER NOT NULL,
        seconds INTEGER NOT NULL,
        cause TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        sha256 TEXT,
        record_hash TEXT,
        failure TEXT,
        UNIQUE (session_id, point_key, segment_id, from_ms, cause)
      );
      CREATE INDEX pending_clips_segment ON pending_clips(segment_id);
      CREATE INDEX pending_clips_state ON pending_clips(state);
    `,
  },
  {
    // The office-wide append-only log (RFC 6962): one leaf per case record, in the order the
    // records were made, plus office statements (key rotations, case_id NULL, their canonical JSON
    // in `entry`). Checkpoints are kept forever: an outsider may ask for any one they were shown.
    version: 9,
    sql: `
      CREATE TABLE log_leaves (
        leaf_index INTEGER PRIMARY KEY,
        case_id TEXT REFERENCES cases(id),
        record_seq INTEGER,
        record_hash TEXT NOT NULL UNIQUE,
        leaf_hash BLOB NOT NULL,
        entry TEXT
      );
      CREATE INDEX log_leaves_case ON log_leaves(case_id, leaf_index);
      CREATE TABLE log_checkpoints (
        tree_size INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        signature TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tsa_token BLOB,
        made_at INTEGER NOT NULL
      );
    `,
  },
  {
    // Reused photos: each original's exact and perceptual hashes (whole frame and centre, 64-bit hex),
    // so a later photo identical or near to any earlier one, in any case, is found. `seq` orders them.
    version: 10,
    sql: `
      CREATE TABLE photo_fingerprints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        evidence_id TEXT NOT NULL UNIQUE,
        case_id TEXT NOT NULL REFERENCES cases(id),
        case_number TEXT NOT NULL,
        session_id TEXT NOT NULL REFERENCES inspection_sessions(id),
        point_key TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        phash TEXT NOT NULL,
        phash_centre TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX photo_fingerprints_sha256 ON photo_fingerprints(sha256, seq);
      CREATE INDEX photo_fingerprints_case ON photo_fingerprints(case_id, seq);
    `,
  },
  {
    // 国密: a record's SM2 signature (JSON { keyId, signature }), next to its Ed25519 one; NULL when SM2 is off.
    version: 11,
    sql: `
      ALTER TABLE evidence_records ADD COLUMN sm2 TEXT;
    `,
  },
  {
    // Challenge photos: the code (JSON { code, issuedAt }) a challenge point's ticket was issued with; NULL elsewhere.
    version: 12,
    sql: `
      ALTER TABLE capture_tickets ADD COLUMN challenge TEXT;
    `,
  },
];
