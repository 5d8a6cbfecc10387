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
];
