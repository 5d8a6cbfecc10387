import type Database from 'better-sqlite3';
import type { SignedCheckpoint } from '../../evidence/log/Checkpoint';
import type { CaseHead, LoggedRecord, LogLeafInput, UnloggedRecord } from '../../evidence/log/LogLeaf';
import type { Row } from './Row';

/** The office log's leaves and its kept checkpoints. */
export function logRows(db: Database.Database) {
  return {
    appendLeaf: async (l: LogLeafInput): Promise<number> => {
      // The index is taken in the insert itself, under the store's one-writer transactions: dense from 0, office-wide.
      const row = db
        .prepare(
          `INSERT INTO log_leaves (leaf_index, case_id, record_seq, record_hash, leaf_hash, entry)
           SELECT COALESCE(MAX(leaf_index), -1) + 1, ?, ?, ?, ?, ? FROM log_leaves RETURNING leaf_index`,
        )
        .get(l.caseId, l.recordSeq, l.recordHash, l.leafHash, l.entry ?? null) as { leaf_index: number };
      return row.leaf_index;
    },
    size: async (): Promise<number> => (db.prepare('SELECT COALESCE(MAX(leaf_index), -1) + 1 AS n FROM log_leaves').get() as { n: number }).n,
    /** Leaf hashes from `start` on, in index order (the tree is rebuilt and caught up from these). */
    leafHashesFrom: async (start: number): Promise<Buffer[]> =>
      (db.prepare('SELECT leaf_hash FROM log_leaves WHERE leaf_index >= ? ORDER BY leaf_index').raw().all(start) as Array<[Buffer]>).map((r) => r[0]),
    leafOfRecord: async (recordHash: string): Promise<number | undefined> =>
      (db.prepare('SELECT leaf_index FROM log_leaves WHERE record_hash = ?').get(recordHash) as { leaf_index: number } | undefined)?.leaf_index,
    officeEntry: async (leafIndex: number): Promise<string | undefined> =>
      (db.prepare('SELECT entry FROM log_leaves WHERE leaf_index = ? AND case_id IS NULL').get(leafIndex) as { entry: string | null } | undefined)?.entry ?? undefined,
    caseRecords: async (caseId: string, belowSize: number): Promise<LoggedRecord[]> =>
      (db.prepare('SELECT leaf_index, record_seq, record_hash FROM log_leaves WHERE case_id = ? AND leaf_index < ? ORDER BY leaf_index').all(caseId, belowSize) as Row[]).map((r) => ({
        leafIndex: Number(r.leaf_index),
        seq: Number(r.record_seq),
        recordHash: String(r.record_hash),
      })),
    /** Every case's head among the first `belowSize` leaves (any order: the caller sorts). */
    caseHeads: async (belowSize: number): Promise<CaseHead[]> =>
      (
        db
          .prepare(
            `SELECT h.case_id, h.n, l.record_hash FROM
               (SELECT case_id, COUNT(*) AS n, MAX(leaf_index) AS last FROM log_leaves WHERE case_id IS NOT NULL AND leaf_index < ? GROUP BY case_id) h
             JOIN log_leaves l ON l.leaf_index = h.last`,
          )
          .all(belowSize) as Row[]
      ).map((r) => ({ caseId: String(r.case_id), records: Number(r.n), headHash: String(r.record_hash) })),
    caseIdOfNumber: async (caseNumber: string): Promise<string | undefined> =>
      (db.prepare('SELECT id FROM cases WHERE case_number = ?').get(caseNumber) as { id: string } | undefined)?.id,
    /** Chained records without a leaf, oldest first by (serverTime, case, seq). */
    unloggedRecords: async (): Promise<UnloggedRecord[]> =>
      (
        db
          .prepare(
            `SELECT r.case_id, r.seq, r.hash, r.body, json_extract(r.body, '$.serverTime') AS server_time
             FROM evidence_records r LEFT JOIN log_leaves l ON l.record_hash = r.hash
             WHERE l.leaf_index IS NULL ORDER BY server_time, r.case_id, r.seq`,
          )
          .all() as Row[]
      ).map((r) => ({ caseId: String(r.case_id), seq: Number(r.seq), hash: String(r.hash), body: String(r.body), serverTime: Number(r.server_time) })),
    insertCheckpoint: async (s: SignedCheckpoint, body: string, madeAt: number): Promise<void> => {
      db.prepare('INSERT OR IGNORE INTO log_checkpoints (tree_size, body, signature, key_id, tsa_token, made_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        s.checkpoint.treeSize,
        body,
        s.signature,
        s.keyId,
        s.tsaToken ? Buffer.from(s.tsaToken, 'base64') : null,
        madeAt,
      );
    },
    checkpoint: async (treeSize: number): Promise<SignedCheckpoint | undefined> => {
      const r = db.prepare('SELECT * FROM log_checkpoints WHERE tree_size = ?').get(treeSize) as Row | undefined;
      return r ? toCheckpoint(r) : undefined;
    },
    latestCheckpoint: async (): Promise<SignedCheckpoint | undefined> => {
      const r = db.prepare('SELECT * FROM log_checkpoints ORDER BY tree_size DESC LIMIT 1').get() as Row | undefined;
      return r ? toCheckpoint(r) : undefined;
    },
    setTsaToken: async (treeSize: number, token: Buffer): Promise<void> => {
      db.prepare('UPDATE log_checkpoints SET tsa_token = ? WHERE tree_size = ?').run(token, treeSize);
    },
  };
}

function toCheckpoint(r: Row): SignedCheckpoint {
  const s: SignedCheckpoint = { checkpoint: JSON.parse(String(r.body)) as SignedCheckpoint['checkpoint'], keyId: String(r.key_id), signature: String(r.signature) };
  if (r.tsa_token != null) s.tsaToken = (r.tsa_token as Buffer).toString('base64');
  return s;
}
