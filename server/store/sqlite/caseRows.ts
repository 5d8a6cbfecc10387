import type Database from 'better-sqlite3';
import type { CaseRecord } from '../../cases/CaseRecord';
import type { PermitType } from '../../protocol/cases';
import { DATUM_SYSTEMS, type DatumSystem } from '../../geo/datum';
import type { Row } from './Row';

/** Cases (numbered per day by the database) and who is assigned to them. */
export function caseRows(db: Database.Database) {
  return {
      insertNumbered: async (c: Omit<CaseRecord, 'caseNumber'>, prefix: string): Promise<CaseRecord> => {
        // One statement: the day's next number is read and used atomically.
        const row = db
          .prepare(
            `INSERT INTO cases (id, case_number, business_name, permit_types, address_text, lat, lon, coord_system, original_lat, original_lon, created_at, created_by)
             SELECT ?, ? || printf('%04d', COALESCE(MAX(CAST(substr(case_number, length(?) + 1) AS INTEGER)), 0) + 1), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
             FROM cases WHERE case_number LIKE ? || '%'
             RETURNING case_number`,
          )
          .get(
            c.id,
            prefix,
            prefix,
            c.businessName,
            JSON.stringify(c.permitTypes),
            c.address.text,
            c.address.lat,
            c.address.lon,
            c.address.system,
            c.address.original.lat,
            c.address.original.lon,
            c.createdAt,
            c.createdBy,
            prefix,
          ) as { case_number: string };
        return { ...c, caseNumber: row.case_number };
      },
      get: async (id: string) => {
        const row = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
        return row ? toCase(row) : undefined;
      },
      list: async (limit: number) =>
        (db.prepare('SELECT * FROM cases ORDER BY created_at DESC LIMIT ?').all(limit) as Row[]).map(toCase),
  };
}

export function assignmentRows(db: Database.Database) {
  return {
      assign: async (caseId: string, accountId: string, at: number, by: string) => {
        db.prepare('INSERT OR IGNORE INTO case_assignments (case_id, account_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)').run(caseId, accountId, at, by);
      },
      unassign: async (caseId: string, accountId: string) => {
        db.prepare('DELETE FROM case_assignments WHERE case_id = ? AND account_id = ?').run(caseId, accountId);
      },
      accountsOf: async (caseId: string) =>
        (db.prepare('SELECT account_id FROM case_assignments WHERE case_id = ? ORDER BY assigned_at').all(caseId) as Row[]).map((r) => String(r.account_id)),
      casesOf: async (accountId: string) =>
        (db.prepare('SELECT case_id FROM case_assignments WHERE account_id = ?').all(accountId) as Row[]).map((r) => String(r.case_id)),
  };
}

function toDatumSystem(v: unknown): DatumSystem {
  return (DATUM_SYSTEMS as readonly unknown[]).includes(v) ? (v as DatumSystem) : 'wgs84';
}

function toCase(r: Row): CaseRecord {
  return {
    id: String(r.id),
    caseNumber: String(r.case_number),
    businessName: String(r.business_name),
    permitTypes: JSON.parse(String(r.permit_types)) as string[],
    address: {
      text: String(r.address_text),
      lat: Number(r.lat),
      lon: Number(r.lon),
      system: toDatumSystem(r.coord_system),
      original: { lat: Number(r.original_lat ?? r.lat), lon: Number(r.original_lon ?? r.lon) },
    },
    createdAt: Number(r.created_at),
    createdBy: String(r.created_by),
  };
}
