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
];
