import crypto from 'node:crypto';
import { canonicalJson } from '../../checklist/canonicalJson';
import type { Clock } from '../../platform/clock';
import { Invalid, NotFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { text } from '../../platform/Text';
import type { Store } from '../../store/Store';
import { shanghaiTime } from '../shanghaiTime';
import { CasesTree, type CaseHeadProof } from './CasesRoot';
import type { CaseLogProofs, ConsistencyProof, InclusionProof } from './CaseLogProofs';
import { checkpointBytes, type Checkpoint, type SignedCheckpoint } from './Checkpoint';
import { CheckpointSchedule } from './CheckpointSchedule';
import type { UnloggedRecord } from './LogLeaf';
import { leafHash, toHex } from './merkle';
import { MerkleTree } from './MerkleTree';
import type { TimeStamper } from './TimeStampAuthority';

/** What signs checkpoints: the evidence key. keyId and sign are read in one synchronous stretch. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(data: Buffer): string;
}

export interface OfficeLogOptions {
  /** Names this log in every checkpoint. */
  origin: string;
  /** LOG_CHECKPOINT_SECONDS, in ms. */
  checkpointEveryMs: number;
  /** TSA_URL: each checkpoint (not each record) is time-stamped when set. */
  timeStamper?: TimeStamper;
  /** TSA_CA_FILE's content: what an export ships as log/tsa-ca.pem. */
  tsaCaPem?: string;
}

const sizeTooLarge = (asked: number, size: number) =>
  new Invalid(text(`树大小 ${asked} 超出日志：日志现有 ${size} 条`, `Tree size ${asked} is beyond the log: it holds ${size} leaves`), `size ${asked} > ${size}`);
const leafOutside = (leaf: number, size: number) =>
  new Invalid(text(`叶子序号 ${leaf} 不在大小为 ${size} 的树中（序号从 0 起）`, `Leaf ${leaf} is not in a tree of ${size} leaves (indexes start at 0)`), `leaf ${leaf} >= ${size}`);

/**
 * The office-wide append-only log (RFC 6962). Every case record is a leaf (EvidenceChain appends it
 * in the record's own transaction), and so is every office statement such as a key rotation. The
 * log publishes signed checkpoints every LOG_CHECKPOINT_SECONDS when it grew, and on demand; all
 * are kept, so an outsider who kept one can ask for a consistency proof from it at any time.
 * The stored leaves are the truth; the tree in memory is caught up from them before each answer.
 */
export class OfficeLog {
  private readonly tree: MerkleTree;
  private syncTail: Promise<unknown> = Promise.resolve();
  private checkpointTail: Promise<unknown> = Promise.resolve();
  private readonly schedule: CheckpointSchedule;
  private closed = false;

  private constructor(
    private readonly store: Store,
    private readonly signer: CheckpointSigner,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: OfficeLogOptions,
    leaves: Buffer[],
  ) {
    this.tree = MerkleTree.from(leaves);
    this.schedule = new CheckpointSchedule(opts.checkpointEveryMs, clock, () => this.scheduledCheckpoint());
  }

  /** Back-fills records made before the log existed (once: they then have leaves), rebuilds the tree, starts the schedule. */
  static async create(store: Store, signer: CheckpointSigner, clock: Clock, log: Logger, opts: OfficeLogOptions): Promise<OfficeLog> {
    await store.transaction(async () => {
      const unlogged = await store.officeLog.unloggedRecords();
      if (unlogged.length === 0) return;
      if ((await store.officeLog.size()) > 0) log.warn({ records: unlogged.length }, 'chained records without a log leaf in a log already started: appending them now');
      for (const r of inCaseOrder(unlogged)) {
        const canonical = Buffer.from(r.body, 'utf8');
        if (crypto.createHash('sha256').update(canonical).digest('hex') !== r.hash) throw new Error(`record ${r.seq} of case ${r.caseId} does not hash to its stored hash: not logging a changed record`);
        await store.officeLog.appendLeaf({ caseId: r.caseId, recordSeq: r.seq, recordHash: r.hash, leafHash: leafHash(canonical) });
      }
      log.info({ records: unlogged.length }, 'office log back-filled with the records made before it existed');
    });
    const leaves = await store.officeLog.leafHashesFrom(0);
    return new OfficeLog(store, signer, clock, log, opts, leaves);
  }

  get size(): number {
    return this.tree.size;
  }

  /** The CA that TSA tokens chain to (TSA_CA_FILE), for log/tsa-ca.pem in an export. */
  get tsaCaPem(): string | undefined {
    return this.opts.tsaCaPem;
  }

  /** Server time (ms) by which the next scheduled checkpoint is published (for receipts). */
  nextCheckpointBy(): number {
    return this.schedule.nextCheckpointBy();
  }

  /** Appends a non-record leaf (a key rotation statement); its leaf input is the statement's canonical JSON. */
  async appendOfficeEntry(statement: object): Promise<number> {
    const entry = canonicalJson(statement);
    const canonical = Buffer.from(entry, 'utf8');
    return this.store.transaction(() =>
      this.store.officeLog.appendLeaf({ caseId: null, recordSeq: null, recordHash: crypto.createHash('sha256').update(canonical).digest('hex'), leafHash: leafHash(canonical), entry }),
    );
  }

  /** The newest checkpoint, made now if the log grew since the last one (time-stamped when a TSA is set). */
  latestCheckpoint(): Promise<SignedCheckpoint> {
    return this.serialCheckpoint(async () => {
      await this.sync();
      const last = await this.store.officeLog.latestCheckpoint();
      if (last && last.checkpoint.treeSize >= this.tree.size) return last;
      return this.stamp(await this.makeCheckpoint(this.tree.size));
    });
  }

  /** A kept checkpoint of exactly this size. */
  async checkpointAt(treeSize: number): Promise<SignedCheckpoint> {
    const c = await this.store.officeLog.checkpoint(treeSize);
    if (!c) throw new NotFound(text(`没有树大小为 ${treeSize} 的检查点`, `No checkpoint of tree size ${treeSize}`), `no checkpoint ${treeSize}`);
    return c;
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    await this.sync();
    if (treeSize > this.tree.size) throw sizeTooLarge(treeSize, this.tree.size);
    if (leafIndex >= treeSize) throw leafOutside(leafIndex, treeSize);
    return { leafIndex, treeSize, leafHash: this.tree.leaf(leafIndex).toString('hex'), path: toHex(this.tree.inclusionProof(leafIndex, treeSize)) };
  }

  async consistencyProof(from: number, to: number): Promise<ConsistencyProof> {
    await this.sync();
    if (to > this.tree.size) throw sizeTooLarge(to, this.tree.size);
    if (from > to) throw new Invalid(text('起点树大小不能大于终点树大小', 'The first tree size cannot exceed the second'), `consistency ${from} > ${to}`);
    return { from, to, path: toHex(this.tree.consistencyProof(from, to)) };
  }

  /** The case's head at a checkpointed size with its proof in that checkpoint's casesRoot; null when the case had no records there. */
  async caseHeadProof(caseId: string, treeSize: number): Promise<CaseHeadProof | null> {
    const checkpoint = await this.checkpointAt(treeSize);
    const cases = new CasesTree(await this.store.officeLog.caseHeads(treeSize), treeSize);
    // Served all the same: the proof then fails at the verifier, which is where a rewrite must show.
    if (cases.root.toString('hex') !== checkpoint.checkpoint.casesRoot) this.log.error({ treeSize }, 'the stored leaves no longer give this checkpoint\'s casesRoot: the log was changed after it was published');
    return cases.proofOf(caseId);
  }

  /** The case id behind a case number (the public case-head URL takes numbers). */
  caseIdOfNumber(caseNumber: string): Promise<string | undefined> {
    return this.store.officeLog.caseIdOfNumber(caseNumber);
  }

  /**
   * What a case export carries: the latest checkpoint, each record's inclusion proof in it, and the
   * case's head proof. Call it before reading the case's records for the export, and export the
   * records up to `caseHead.records`: a record chained in between is then in neither.
   */
  async exportProofs(caseId: string): Promise<CaseLogProofs> {
    const checkpoint = await this.latestCheckpoint();
    const size = checkpoint.checkpoint.treeSize;
    await this.sync();
    const records = (await this.store.officeLog.caseRecords(caseId, size)).map((r) => ({
      seq: r.seq,
      leafIndex: r.leafIndex,
      recordHash: r.recordHash,
      path: toHex(this.tree.inclusionProof(r.leafIndex, size)),
    }));
    return { v: 1, caseId, checkpoint, records, caseHead: await this.caseHeadProof(caseId, size) };
  }

  /** Stops the schedule and waits for a checkpoint under way; leaves no timer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.schedule.close();
    await this.checkpointTail;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The scheduled step: a checkpoint when the log grew, and a retry of a token the TSA did not give last time. */
  private async scheduledCheckpoint(): Promise<void> {
    try {
      await this.serialCheckpoint(async () => {
        await this.sync();
        const last = await this.store.officeLog.latestCheckpoint();
        if (!last || last.checkpoint.treeSize < this.tree.size) await this.stamp(await this.makeCheckpoint(this.tree.size));
        // A token for the newest checkpoint covers every earlier leaf too (by consistency), so only it is retried.
        else if (this.opts.timeStamper && !last.tsaToken) await this.stamp(last);
      });
    } catch (err) {
      this.log.error({ err }, 'scheduled office log checkpoint failed');
    }
  }

  private serialCheckpoint<T>(work: () => Promise<T>): Promise<T> {
    const run = this.checkpointTail.then(work);
    this.checkpointTail = run.catch(() => undefined);
    return run;
  }

  /** Catches the tree up with the committed leaves (one at a time, so no leaf is added twice). */
  private sync(): Promise<void> {
    const run = this.syncTail.then(async () => {
      for (const h of await this.store.officeLog.leafHashesFrom(this.tree.size)) this.tree.append(h);
    });
    this.syncTail = run.catch(() => undefined);
    return run;
  }

  private async makeCheckpoint(treeSize: number): Promise<SignedCheckpoint> {
    const time = this.clock.now();
    const cases = new CasesTree(await this.store.officeLog.caseHeads(treeSize), treeSize);
    const checkpoint: Checkpoint = {
      v: 1,
      origin: this.opts.origin,
      treeSize,
      rootHash: this.tree.root(treeSize).toString('hex'),
      casesRoot: cases.root.toString('hex'),
      time,
      timeText: shanghaiTime(time),
    };
    const bytes = checkpointBytes(checkpoint);
    const signed: SignedCheckpoint = { checkpoint, keyId: this.signer.keyId, signature: this.signer.sign(bytes) };
    await this.store.officeLog.insertCheckpoint(signed, bytes.toString('utf8'), time);
    // Another process may have kept one of this size first: what is kept is what is served.
    return (await this.store.officeLog.checkpoint(treeSize)) ?? signed;
  }

  /** Adds a TSA token when a TSA is set; an authority that is down never stops the log (retried at the next checkpoint). */
  private async stamp(s: SignedCheckpoint): Promise<SignedCheckpoint> {
    if (!this.opts.timeStamper || s.tsaToken) return s;
    try {
      const token = await this.opts.timeStamper.stamp(checkpointBytes(s.checkpoint));
      await this.store.officeLog.setTsaToken(s.checkpoint.treeSize, token);
      return { ...s, tsaToken: token.toString('base64') };
    } catch (err) {
      this.log.warn({ err, treeSize: s.checkpoint.treeSize }, 'time-stamping authority gave no token: checkpoint kept without one, retried at the next checkpoint');
      return s;
    }
  }
}

/**
 * The back-fill order: (serverTime, case, seq), except that each case's records keep their seq
 * order among the places its records take, so a case's leaves are always a prefix of its chain.
 */
function inCaseOrder(records: readonly UnloggedRecord[]): UnloggedRecord[] {
  const byCase = new Map<string, UnloggedRecord[]>();
  for (const r of records) {
    const list = byCase.get(r.caseId) ?? [];
    list.push(r);
    byCase.set(r.caseId, list);
  }
  for (const list of byCase.values()) list.sort((a, b) => a.seq - b.seq);
  const next = new Map<string, number>();
  return records.map((r) => {
    const i = next.get(r.caseId) ?? 0;
    next.set(r.caseId, i + 1);
    return byCase.get(r.caseId)![i]!;
  });
}
