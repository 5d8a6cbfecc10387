import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type Redis from 'ioredis';
import type { EvidenceChain } from '../../evidence/EvidenceChain';
import type { EvidenceFiles } from '../../evidence/EvidenceFiles';
import { isFinished } from '../../inspection/SessionState';
import type { Clock } from '../../platform/clock';
import { Conflict, NotFound } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { connectRedis } from '../../platform/redis';
import { text } from '../../platform/Text';
import type { Store } from '../../store/Store';
import type { RecordingSegment } from '../RecordingSegment';
import { MediaTools } from './MediaTools';
import { failureOf } from './segmentFailure';
import { SegmentProcessor } from './SegmentProcessor';
import { settlesWithin } from './settlesWithin';
import { TimelineSealer } from './TimelineSealer';

export interface RecordingPipelineOptions {
  store: Store;
  chain: EvidenceChain;
  evidenceFiles: EvidenceFiles;
  clock: Clock;
  log: Logger;
  recordingsDir: string;
  /** The server's Redis: a redis:// URL or the private redis-server's unix socket. */
  redis: { url?: string; socketPath?: string };
  ffmpeg?: string;
  ffprobe?: string;
  /** Key prefix in Redis, so two data dirs sharing one REDIS_URL never share a queue. */
  prefix?: string;
  queueName?: string;
  /** Tries per job before the segment is marked failed (exponential back-off between them). */
  attempts?: number;
  backoffMs?: number;
  /** How often a phone segment looks again for an inspector microphone still recording. */
  waitMs?: number;
  concurrency?: number;
  /** How long close() lets a running job finish before killing its ffmpeg and putting it back. */
  closeTimeoutMs?: number;
}

/** A failed segment as the admin page lists it, with what bullmq remembers of its job. */
export interface FailedRecording {
  segment: RecordingSegment;
  caseNumber: string;
  job: { state: string; attemptsMade: number; failedReason?: string; finishedOn?: number } | null;
}

type SegmentJob = { segmentId: string };
type TimelineJob = { sessionId: string };
type JobData = SegmentJob | TimelineJob;

const segmentJobId = (segmentId: string) => `segment-${segmentId}`;
const timelineJobId = (sessionId: string) => `timeline-${sessionId}`;

/**
 * Post-processing of recordings as bullmq jobs on the server's Redis. The database, not Redis, holds
 * each segment's state: `reconcile()` re-adds every unfinished piece of work on start and after
 * Redis comes back, so a restarted or emptied Redis never loses a job. Fixed job ids make adding
 * idempotent; failed jobs stay (never removed automatically) for the admin page and its retry.
 */
export class RecordingPipeline {
  private readonly abort = new AbortController();
  private readonly jobOptions: JobsOptions;
  private readonly segments: SegmentProcessor;
  private readonly timelines: TimelineSealer;
  private closing: Promise<void> | undefined;
  private reconciling: Promise<unknown> = Promise.resolve();
  /** The job running now (concurrency is small): what shutdown waits for, a bounded time. */
  private readonly active = new Set<Promise<unknown>>();
  private seenReady = false;

  private constructor(
    private readonly opts: RecordingPipelineOptions,
    private readonly connection: Redis,
    private readonly queue: Queue<JobData>,
    private readonly worker: Worker<JobData>,
  ) {
    this.jobOptions = {
      attempts: opts.attempts ?? 5,
      backoff: { type: 'exponential', delay: opts.backoffMs ?? 5000 },
      removeOnComplete: true,
      removeOnFail: false,
    };
    const log = opts.log;
    this.segments = new SegmentProcessor({
      store: opts.store,
      chain: opts.chain,
      clock: opts.clock,
      log,
      recordingsDir: opts.recordingsDir,
      tools: new MediaTools(opts.ffmpeg ?? 'ffmpeg', opts.ffprobe),
      waitMs: opts.waitMs ?? 10_000,
    });
    this.timelines = new TimelineSealer(opts.store, opts.evidenceFiles, opts.chain, opts.clock);
    connection.on('error', (err: Error) => log.warn({ err: err.message }, 'post-processing redis connection error'));
    // Redis came back (restarted, perhaps emptied): whatever the database says is unfinished is queued again.
    connection.on('ready', () => {
      if (!this.seenReady) {
        this.seenReady = true;
        return;
      }
      if (this.closing) return;
      log.info('redis is back: reconciling post-processing jobs with the database');
      void this.reconcile().catch((err: unknown) => log.error({ err }, 'reconcile after redis reconnect failed'));
    });
    worker.on('error', (err) => log.warn({ err: err.message }, 'post-processing worker error'));
    worker.on('failed', (job, err) => void this.jobFailed(job, err).catch((e: unknown) => log.error({ err: e }, 'could not record a failed job')));
  }

  static async create(opts: RecordingPipelineOptions): Promise<RecordingPipeline> {
    // bullmq's blocking commands must never give up on their own: it retries them itself.
    const connection = connectRedis(opts.redis, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 100, 1000) });
    const name = opts.queueName ?? 'recording-jobs';
    const prefix = opts.prefix ?? 'kanyan';
    const queue = new Queue<JobData>(name, { connection, prefix });
    let worker: Worker<JobData> | undefined;
    let pipeline: RecordingPipeline | undefined;
    try {
      worker = new Worker<JobData>(name, (job, token) => pipeline!.run(job, token), { connection, prefix, concurrency: opts.concurrency ?? 1, autorun: false });
      pipeline = new RecordingPipeline(opts, connection, queue, worker);
      // A REDIS_URL that is down must not hold the server's start: the jobs wait in ioredis's queue until it is back.
      if (!(await settlesWithin(Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]), 10_000))) opts.log.warn('redis not reachable yet: post-processing starts once it is');
      void worker.run().catch((err: unknown) => opts.log.error({ err }, 'post-processing worker stopped'));
      return pipeline;
    } catch (err) {
      await worker?.close(true).catch(() => undefined);
      await queue.close().catch(() => undefined);
      connection.disconnect();
      throw err;
    }
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** A segment's file is final: queue its post-processing (a second call for the same segment adds nothing). */
  async segmentClosed(segmentId: string): Promise<void> {
    if (this.closing) return;
    await this.ensureJob('segment', segmentJobId(segmentId), { segmentId });
  }

  /** The session ended for good: its timeline is chained once every segment is processed or failed. */
  async sessionSealed(sessionId: string): Promise<void> {
    if (this.closing) return;
    await this.ensureJob('timeline', timelineJobId(sessionId), { sessionId });
  }

  /**
   * Queues every piece of work the database says is unfinished: segments in state 'closed', and
   * finished sessions with segments whose timeline is not chained yet.
   */
  reconcile(): Promise<{ segments: number; timelines: number }> {
    const run = this.reconciling.then(async () => {
      const { store } = this.opts;
      const closed = await store.segments.listInStates(['closed']);
      for (const s of closed) await this.ensureJob('segment', segmentJobId(s.id), { segmentId: s.id });
      const sessionIds = new Set((await store.segments.listInStates(['recording', 'closed', 'processed', 'failed'])).map((s) => s.sessionId));
      let timelines = 0;
      for (const sessionId of sessionIds) {
        const session = await store.sessions.get(sessionId);
        if (!session || !isFinished(session.state) || (await this.timelines.chainedTimeline(session.caseId, sessionId))) continue;
        await this.ensureJob('timeline', timelineJobId(sessionId), { sessionId });
        timelines++;
      }
      if (closed.length || timelines) this.opts.log.info({ segments: closed.length, timelines }, 'post-processing work re-queued from the database');
      return { segments: closed.length, timelines };
    });
    this.reconciling = run.catch(() => undefined);
    return run;
  }

  /** Segments post-processing gave up on, newest first, with their job as bullmq keeps it. */
  async failed(): Promise<FailedRecording[]> {
    const caseNumbers = new Map<string, string>();
    const out: FailedRecording[] = [];
    for (const segment of (await this.opts.store.segments.listInStates(['failed'])).reverse()) {
      if (!caseNumbers.has(segment.caseId)) caseNumbers.set(segment.caseId, (await this.opts.store.cases.get(segment.caseId))?.caseNumber ?? '');
      const job = await this.queue.getJob(segmentJobId(segment.id));
      out.push({
        segment,
        caseNumber: caseNumbers.get(segment.caseId)!,
        job: job ? { state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason, finishedOn: job.finishedOn } : null,
      });
    }
    return out;
  }

  /** An admin's retry: the failure is cleared and the segment queued again (its attempts keep counting). */
  async retry(segmentId: string): Promise<void> {
    const s = await this.opts.store.segments.get(segmentId);
    if (!s) throw new NotFound(text('没有这段录像', 'No such recording segment'), `no segment ${segmentId}`);
    if (s.state !== 'failed') throw new Conflict(text('这段录像没有处理失败，无需重试', 'This recording has not failed: there is nothing to retry'), `segment ${segmentId} is ${s.state}`);
    await this.opts.store.segments.update(segmentId, { state: 'closed', failure: undefined });
    this.opts.log.info({ segmentId, attempts: s.attempts }, 'post-processing retried by an admin');
    await this.ensureJob('segment', segmentJobId(segmentId), { segmentId });
  }

  /** Adds the job unless it is waiting or running already; a failed or finished one is replaced (the database says there is work). */
  private async ensureJob(name: 'segment' | 'timeline', jobId: string, data: JobData): Promise<void> {
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed') return;
      await existing.remove();
    }
    await this.queue.add(name, data, { ...this.jobOptions, jobId });
  }

  private run(job: Job<JobData>, token?: string): Promise<string> {
    const running = this.runJob(job, token);
    const tracked = running.catch(() => undefined).finally(() => this.active.delete(tracked));
    this.active.add(tracked);
    return running;
  }

  private async runJob(job: Job<JobData>, token?: string): Promise<string> {
    try {
      if (job.name === 'segment') return await this.runSegment(job as Job<SegmentJob>, token);
      if (job.name === 'timeline') return await this.runTimeline(job as Job<TimelineJob>, token);
      throw new UnrecoverableError(`unknown post-processing job ${job.name}`);
    } catch (err) {
      if (this.abort.signal.aborted && !(err instanceof DelayedError)) {
        // Shutting down: the job goes back to wait, not into the failed list.
        await job.moveToDelayed(Date.now() + 1000, token);
        throw new DelayedError();
      }
      throw err;
    }
  }

  private async runSegment(job: Job<SegmentJob>, token?: string): Promise<string> {
    const { segmentId } = job.data;
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let outcome;
    try {
      outcome = await this.segments.process(segmentId, { signal: this.abort.signal, finalAttempt });
    } catch (err) {
      await this.afterSegment(segmentId);
      throw err;
    }
    if (outcome.kind === 'waiting') return this.later(job, token, outcome.retryInMs);
    await this.afterSegment(segmentId);
    return outcome.kind === 'processed' ? 'processed' : `skipped: ${outcome.why}`;
  }

  private async runTimeline(job: Job<TimelineJob>, token?: string): Promise<string> {
    const outcome = await this.timelines.sealIfReady(job.data.sessionId);
    if (outcome.kind === 'waiting') return this.later(job, token, this.opts.waitMs ?? 10_000);
    if (outcome.kind === 'chained') this.opts.log.info({ sessionId: job.data.sessionId, recordHash: outcome.hash }, 'session timeline chained');
    return outcome.kind;
  }

  /** Looks again later without using up an attempt. */
  private async later(job: Job, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** A segment finished (processed or failed): once its finished session has no pending segment, the timeline follows. */
  private async afterSegment(segmentId: string): Promise<void> {
    const s = await this.opts.store.segments.get(segmentId);
    if (!s || (s.state !== 'processed' && s.state !== 'failed')) return;
    const session = await this.opts.store.sessions.get(s.sessionId);
    if (session && isFinished(session.state)) await this.ensureJob('timeline', timelineJobId(s.sessionId), { sessionId: s.sessionId });
  }

  /** bullmq gave up on a job the processor could not mark (stalled too often): the database is told. */
  private async jobFailed(job: Job<JobData> | undefined, err: Error): Promise<void> {
    if (!job || job.name !== 'segment' || this.abort.signal.aborted) return;
    if (job.attemptsMade < (job.opts.attempts ?? 1) && !(err instanceof UnrecoverableError) && !/stalled/i.test(err.message)) return;
    const { segmentId } = job.data as SegmentJob;
    const s = await this.opts.store.segments.get(segmentId);
    if (s?.state === 'closed') await this.opts.store.segments.update(segmentId, { state: 'failed', failure: failureOf('processing', err.message) });
  }

  /** Lets a running job finish for a bounded time, then kills its ffmpeg and puts it back; closes every connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const log = this.opts.log;
      await settlesWithin(this.reconciling, 3000);
      // Our own bounded wait for the job in hand; then bullmq is closed with force, because its
      // graceful close also waits for its fetch loop, which can hang on a connection Redis dropped
      // (and then its lock and stalled-job timers would keep the process alive).
      const jobs = Promise.all([...this.active]);
      if (!(await settlesWithin(jobs, this.opts.closeTimeoutMs ?? 5000))) {
        log.warn('post-processing still running at shutdown: its ffmpeg is stopped and the job put back');
        this.abort.abort();
        await settlesWithin(jobs, 3000);
      }
      if (!(await settlesWithin(this.worker.close(true), 3000))) log.error('post-processing worker did not close');
      if (!(await settlesWithin(this.queue.close(), 3000))) log.error('post-processing queue did not close');
      this.abort.abort();
      this.worker.removeAllListeners();
      this.connection.removeAllListeners('ready');
      this.connection.disconnect();
    })();
    return this.closing;
  }
}
