/** A row as better-sqlite3 returns it: column name to value. */
export type Row = Record<string, unknown>;
