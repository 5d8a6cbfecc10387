import type Database from 'better-sqlite3';
import type { PhotoFingerprint, PhotoFingerprintRepository, StoredFingerprint } from '../../evidence/reuse/PhotoFingerprint';
import type { Row } from './Row';

/** Fingerprints of original photos, for finding reused ones. */
export function fingerprintRows(db: Database.Database): PhotoFingerprintRepository {
  return {
    insert: async (f: PhotoFingerprint) => {
      db.prepare(
        `INSERT INTO photo_fingerprints (evidence_id, case_id, case_number, session_id, point_key, sha256, phash, phash_centre, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(f.evidenceId, f.caseId, f.caseNumber, f.sessionId, f.pointKey, f.sha256, f.phash, f.phashCentre, f.createdAt);
    },
    firstWithSha256: async (sha256: string) => {
      const r = db.prepare('SELECT * FROM photo_fingerprints WHERE sha256 = ? ORDER BY seq LIMIT 1').get(sha256) as Row | undefined;
      return r ? toFingerprint(r) : undefined;
    },
    hashesAfter: async (afterSeq: number, limit: number) =>
      (db.prepare('SELECT seq, phash, phash_centre FROM photo_fingerprints WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as Row[]).map((r) => ({
        seq: Number(r.seq),
        phash: String(r.phash),
        phashCentre: String(r.phash_centre),
      })),
    bySeq: async (seq: number) => {
      const r = db.prepare('SELECT * FROM photo_fingerprints WHERE seq = ?').get(seq) as Row | undefined;
      return r ? toFingerprint(r) : undefined;
    },
    ordinalInCase: async (caseId: string, seq: number) => (db.prepare('SELECT COUNT(*) AS n FROM photo_fingerprints WHERE case_id = ? AND seq <= ?').get(caseId, seq) as { n: number }).n,
  };
}

function toFingerprint(r: Row): StoredFingerprint {
  return {
    seq: Number(r.seq),
    evidenceId: String(r.evidence_id),
    caseId: String(r.case_id),
    caseNumber: String(r.case_number),
    sessionId: String(r.session_id),
    pointKey: String(r.point_key),
    sha256: String(r.sha256),
    phash: String(r.phash),
    phashCentre: String(r.phash_centre),
    createdAt: Number(r.created_at),
  };
}
