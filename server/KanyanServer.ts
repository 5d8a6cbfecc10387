import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import type Redis from 'ioredis';
import { AccountService } from './accounts/AccountService';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './accounts/LoginThrottle';
import { createAuthorize } from './accounts/authorize';
import { CallRegistry } from './call/CallRegistry';
import { CaseService } from './cases/CaseService';
import { JoinLinks } from './cases/JoinLinks';
import { TemplateLibrary } from './checklist/TemplateLibrary';
import { EvidenceFiles } from './evidence/EvidenceFiles';
import { CaseExporter } from './evidence/CaseExporter';
import { EvidenceChain } from './evidence/EvidenceChain';
import { EvidenceIntake } from './evidence/EvidenceIntake';
import { EvidenceSigner } from './evidence/EvidenceSigner';
import { EvidenceKeyRotation } from './evidence/keys/EvidenceKeyRotation';
import { CaptureTickets } from './evidence/CaptureTickets';
import { WalkLogSealer } from './evidence/WalkLogSealer';
import { OfficeLog } from './evidence/log/OfficeLog';
import { HttpTimeStamper } from './evidence/log/TimeStampAuthority';
import { ReceiptCheck } from './evidence/receipts/ReceiptCheck';
import { UploadReceipts } from './evidence/receipts/UploadReceipts';
import { AccessResources } from './inspection/AccessResources';
import { CaptureRequests } from './inspection/CaptureRequests';
import { CaseIntake } from './inspection/CaseIntake';
import type { InspectionEvents } from './inspection/InspectionEvents';
import { InspectionLifecycle } from './inspection/InspectionLifecycle';
import { InspectionWalks } from './inspection/InspectionWalks';
import { SessionLinks } from './inspection/SessionLinks';
import { CLIENT_DIST, createHttpApp } from './http/HttpApp';
import { systemClock, type Clock } from './platform/clock';
import type { Config } from './platform/config';
import type { Logger } from './platform/logger';
import { assertCjkFont } from './platform/fonts';
import { diskProbe } from './platform/diskProbe';
import { HealthMonitor } from './platform/HealthMonitor';
import { RateLimiter } from './platform/RateLimiter';
import { connectRedis, RESILIENT_REDIS } from './platform/redis';
import { RedisProcess } from './platform/RedisProcess';
import { loadOrCreateSecret, writeSecretNote } from './platform/secrets';
import { lanAddresses, loadTls } from './platform/tls';
import { TypedEvents } from './platform/TypedEvents';
import { sha256Hex } from './platform/ids';
import { CallRecordings } from './recording/CallRecordings';
import { RecordingPipeline } from './recording/jobs/RecordingPipeline';
import { ClipCutter } from './recording/clips/ClipCutter';
import { PhoneKeyFrames } from './recording/clips/PhoneKeyFrames';
import { PointVideos } from './recording/clips/PointVideos';
import type { RecordingSegment } from './recording/RecordingSegment';
import { FileVerifier } from './recording/timeline/FileVerifier';
import { SessionReplay } from './recording/timeline/SessionReplay';
import { ReviewDesk } from './review/ReviewDesk';
import { SignalingServer } from './signaling/SignalingServer';
import { WorkerPool } from './sfu/WorkerPool';
import { SqliteStore } from './store/SqliteStore';
import type { Store } from './store/Store';

/**
 * Browsers cannot send media to 0.0.0.0: when listening on every interface without ANNOUNCED_IP,
 * announce the machine's LAN address so phones on the office network can reach it.
 */
function announcedIpFor(config: Config): string | undefined {
  if (config.rtc.announcedIp) return config.rtc.announcedIp;
  if (config.rtc.listenIp === '0.0.0.0' || config.rtc.listenIp === '::') return lanAddresses()[0] ?? '127.0.0.1';
  return undefined;
}

/** Where a generated first password is kept (data/secrets/…) so a missed banner is not a lock-out. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface StartOptions {
  clock?: Clock;
  clientDir?: string;
}

/**
 * The composition root: builds every part from the config, and closes them in reverse order.
 * Tests start it in-process on port 0 with a temporary data dir, through the same path as `npm start`.
 */
export class KanyanServer {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly url: string,
    readonly store: Store,
    readonly redis: Redis,
    readonly parts: {
      cases: CaseService;
      intake: CaseIntake;
      lifecycle: InspectionLifecycle;
      links: SessionLinks;
      accounts: AccountService;
      pool: WorkerPool;
      calls: CallRegistry;
      walks: InspectionWalks;
      captures: CaptureTickets;
      /** The express app, so tests can enumerate every route (the permission matrix). */
      httpApp: Express;
      /** The private redis-server when REDIS_URL is unset (the fault tests kill it). */
      redisProcess?: RedisProcess;
      health: HealthMonitor;
      recordings: CallRecordings;
      /** Post-processing of recorded segments (bullmq): playback copies, thumbnails, chaining. */
      recordingPipeline: RecordingPipeline;
      /** The office-wide append-only log (checkpoints, proofs). */
      officeLog: OfficeLog;
    },
    readonly seededPassword: string | undefined,
    private readonly teardown: Array<() => Promise<void> | void>,
  ) {}

  get cases() {
    return this.parts.cases;
  }
  get lifecycle() {
    return this.parts.lifecycle;
  }
  get links() {
    return this.parts.links;
  }
  get accounts() {
    return this.parts.accounts;
  }
  get pool() {
    return this.parts.pool;
  }
  get calls() {
    return this.parts.calls;
  }
  get walks() {
    return this.parts.walks;
  }
  get captures() {
    return this.parts.captures;
  }
  get intake() {
    return this.parts.intake;
  }
  get httpApp() {
    return this.parts.httpApp;
  }
  get redisProcess() {
    return this.parts.redisProcess;
  }
  get health() {
    return this.parts.health;
  }
  get recordings() {
    return this.parts.recordings;
  }
  get recordingPipeline() {
    return this.parts.recordingPipeline;
  }
  get officeLog() {
    return this.parts.officeLog;
  }

  static async start(config: Config, log: Logger, opts: StartOptions = {}): Promise<KanyanServer> {
    const clock = opts.clock ?? systemClock;
    const teardown: Array<() => Promise<void> | void> = [];
    const undo = async () => {
      for (const t of teardown.reverse()) await Promise.resolve(t()).catch((err) => log.error({ err }, 'teardown step failed'));
    };
    try {
      fs.mkdirSync(config.dataDir, { recursive: true });
      // First, before anything is opened: refuses to start on a private key others can read, or one
      // it cannot decrypt (EvidenceKeyError names the file and the fix).
      const signer = EvidenceSigner.loadOrCreate(config.dataDir, clock.now(), { mode: config.evidenceKeys.signature, passphrase: config.evidenceKeys.passphrase });
      log.info({ font: assertCjkFont() }, 'CJK font for evidence stamps');
      const clientDir = opts.clientDir ?? CLIENT_DIST;
      if (!fs.existsSync(path.join(clientDir, 'applicant.js'))) {
        throw new Error(`client bundle missing in ${clientDir}: run "npm run build:client" (npm start does it for you)`);
      }

      const store = await SqliteStore.open(path.join(config.dataDir, 'kanyan.db'));
      teardown.push(() => store.close());

      let redisTarget: { url?: string; socketPath?: string } = { url: config.redisUrl };
      let proc: RedisProcess | undefined;
      if (!config.redisUrl) {
        proc = await RedisProcess.start(config.dataDir, log);
        const started = proc;
        teardown.push(() => started.stop());
        redisTarget = { socketPath: proc.socketPath };
      }
      const redis = connectRedis(redisTarget, RESILIENT_REDIS);
      redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      teardown.push(() => void redis.disconnect());

      const accounts = new AccountService(store.accounts, store.logins, clock, log, new LoginThrottle(redis, clock, log, {
        ...DEFAULT_LOGIN_LIMITS,
        account: { ...DEFAULT_LOGIN_LIMITS.account, failures: config.login.accountFailures },
        address: { ...DEFAULT_LOGIN_LIMITS.address, failures: config.login.addressFailures },
        office: { ...DEFAULT_LOGIN_LIMITS.office, failures: config.login.officeFailuresPerMinute },
      }));
      const seeded = await accounts.seed(config.seedAdmin.username, config.seedAdmin.password);
      if (seeded.generatedPassword) writeSecretNote(config.dataDir, INITIAL_PASSWORD_FILE, seeded.generatedPassword);
      const authorize = createAuthorize(log.child({ part: 'authorize' }));
      // The office-wide append-only log: every record (and every key rotation) a leaf, signed checkpoints, RFC 3161 time when TSA_URL is set.
      const officeLog = await OfficeLog.create(store, signer, clock, log.child({ part: 'office-log' }), {
        origin: config.publicUrl ? `${config.publicUrl}/.well-known/kanyan-log` : `kanyan-log:${config.office.en}`,
        checkpointEveryMs: config.officeLog.checkpointEveryMs,
        timeStamper: config.officeLog.tsaUrl ? new HttpTimeStamper(config.officeLog.tsaUrl, config.officeLog.tsaCaFile) : undefined,
        tsaCaPem: config.officeLog.tsaCaFile ? fs.readFileSync(config.officeLog.tsaCaFile, 'utf8') : undefined,
      });
      teardown.push(() => officeLog.close());
      // Every rotation (the admin's button, or npm run rotate-key while stopped) becomes an office log entry.
      const keyRotation = new EvidenceKeyRotation(signer, (statement) => officeLog.appendOfficeEntry(statement), clock, log.child({ part: 'evidence-keys' }));
      await keyRotation.deliverPending();
      const chain = new EvidenceChain(store, signer);
      const evidenceFiles = new EvidenceFiles(path.join(config.dataDir, 'evidence'));

      // The inspection domain: one event bus, one lifecycle owner, the checklist it drives.
      const inspectionEvents = new TypedEvents<InspectionEvents>(log);
      teardown.push(() => inspectionEvents.removeAll());
      const walks = new InspectionWalks(store, TemplateLibrary.load(), clock, inspectionEvents);
      const cases = new CaseService(store, clock, log);
      const lifecycle = new InspectionLifecycle(store, cases, walks, new WalkLogSealer(store, evidenceFiles, chain, clock), clock, inspectionEvents, log);
      await lifecycle.recover();
      const joinLinks = new JoinLinks(store, loadOrCreateSecret(config.dataDir, 'join-link.key'), clock, config.joinLinkTtlMs);
      const links = new SessionLinks(joinLinks, lifecycle, clock, inspectionEvents, log);
      const intake = new CaseIntake(store, cases, accounts, lifecycle, links);
      const resources = new AccessResources(cases, lifecycle);
      const captures = new CaptureTickets(store, clock);
      const captureRequests = new CaptureRequests(lifecycle, walks, captures, inspectionEvents);

      const pool = await WorkerPool.create(
        { workers: config.rtc.workers, listenIp: config.rtc.listenIp, announcedIp: announcedIpFor(config), basePort: config.rtc.basePort },
        log,
      );
      teardown.push(() => pool.close());
      const calls = new CallRegistry(pool, { store, clock, log, reconnectGraceMs: config.reconnectGraceMs }, inspectionEvents, (sessionId, presence) => {
        void lifecycle.presence(sessionId, presence).catch((err: unknown) => log.warn({ err, sessionId }, 'presence did not move the lifecycle'));
      });
      teardown.push(() => calls.close('server_shutdown'));

      // --- Post-processing of recordings (bullmq on the same Redis; the database holds the state) ---
      const recordingPipeline = await RecordingPipeline.create({
        store,
        chain,
        evidenceFiles,
        clock,
        log: log.child({ part: 'recording-jobs' }),
        recordingsDir: config.recordingsDir,
        redis: redisTarget,
        ffmpeg: config.recording.ffmpeg,
        // A shared REDIS_URL may serve several data dirs: each gets its own queue.
        prefix: config.redisUrl ? `kanyan-${sha256Hex(path.resolve(config.dataDir)).slice(0, 12)}` : 'kanyan',
      });
      // Closed before the store and Redis (teardown runs reversed), after the recorder finalised its files.
      teardown.push(() => recordingPipeline.close());
      inspectionEvents.on('session.sealed', (e) => recordingPipeline.sessionSealed(e.sessionId));
      // An abandoned session is sealed without that event: its timeline follows the same way.
      inspectionEvents.on('state.changed', (c) => (c.to === 'abandoned' ? recordingPipeline.sessionSealed(c.sessionId) : undefined));
      // --- end of post-processing wiring (reconcile() runs once the recorder has recovered its files, below) ---

      // --- Video evidence per checklist point: dwell counting, "record this point", clips cut from closed segments ---
      const phoneKeyFrames = new PhoneKeyFrames(clock, log.child({ part: 'point-video' }));
      const clipCutter = new ClipCutter({
        store,
        files: evidenceFiles,
        chain,
        log: log.child({ part: 'clips' }),
        recordingsDir: config.recordingsDir,
        ffmpeg: config.recording.ffmpeg,
        workDir: path.join(config.dataDir, 'tmp', 'clips'),
      });
      const pointVideos = new PointVideos({ store, inspection: lifecycle, walks, keyFrames: phoneKeyFrames, clips: clipCutter, clock, log });
      if (config.recording.enabled) {
        calls.opened.on('room', (room, caseRecord) => {
          phoneKeyFrames.attach(room);
          pointVideos.watch(room.sessionId, caseRecord.id);
          room.observer.once('close', () => void pointVideos.unwatch(room.sessionId).catch((err: unknown) => log.warn({ err }, 'point videos did not stop cleanly')));
        });
      }
      // Reversed teardown: runs after the recorder finished its files; a clip not cut by then stays pending and is cut on the next start.
      teardown.push(async () => {
        await pointVideos.close();
        await clipCutter.close();
        phoneKeyFrames.close();
      });
      // --- end of point video wiring (recover/resume run once the recorder has recovered its files, below) ---

      // A finished segment goes to post-processing (chained first), and any point clip waiting on it is cut.
      const segmentClosed = (segment: RecordingSegment) => {
        void recordingPipeline.segmentClosed(segment.id).catch((err: unknown) => log.warn({ err, segmentId: segment.id }, 'could not queue post-processing'));
        clipCutter.segmentClosed(segment);
      };
      // Recording: every call's room is recorded; segments a killed server left open are recovered first.
      const recordings = new CallRecordings({
        store,
        clock,
        log: log.child({ part: 'recording' }),
        recordingsDir: config.recordingsDir,
        ffmpeg: config.recording.ffmpeg,
        keyFrameIntervalMs: config.recording.keyFrameIntervalMs,
        onSegmentClosed: (segment) => segmentClosed(segment),
      });
      await recordings.recover();
      // A clip registered just before a crash gets its walk note back; clips left uncut are cut.
      await pointVideos.recover();
      await clipCutter.resume();
      // Every segment the database says is unfinished (a lost or restarted Redis included) is queued again;
      // not awaited, so a REDIS_URL that is down delays the jobs, not the server's start.
      void recordingPipeline.reconcile().catch((err: unknown) => log.error({ err }, 'could not re-queue unfinished post-processing'));
      if (config.recording.enabled) calls.opened.on('room', (room, caseRecord) => recordings.attach(room, caseRecord));
      // Runs before the calls close (teardown is reversed): files are finished with the shutdown as their cause.
      teardown.push(() => recordings.close());

      const health = new HealthMonitor({
        redis: async () => ({ ok: (await redis.ping()) === 'PONG', detail: proc ? { private: true, restarts: proc.restarts } : { private: false } }),
        store: async () => {
          await store.ping();
          return { ok: true };
        },
        media: async () => {
          const live = pool.liveWorkers.length;
          return { ok: live > 0, detail: { liveWorkers: live, workers: config.rtc.workers } };
        },
        disk: () => diskProbe({ data: config.dataDir, recordings: config.recordingsDir }, config.minFreeDiskMb),
      });

      const tls = loadTls(config, log);
      // Each accepted upload's signed receipt names its record, its log leaf and when a checkpoint will cover it.
      const receipts = new UploadReceipts(signer, officeLog);
      const evidence = new EvidenceIntake(store, evidenceFiles, walks, chain, clock, captures, inspectionEvents, lifecycle, receipts, { maxTimeSkewMs: config.gallery.maxExifTimeSkewMs, maxGpsMismatchM: config.gallery.maxExifGpsMismatchM }, config.photoReuse.nearBits);
      const exporter = new CaseExporter(store, chain, evidenceFiles, signer, walks, config.recordingsDir, officeLog);
      const app = createHttpApp({
        accounts,
        cases,
        lifecycle,
        links,
        resources,
        authorize,
        intake,
        walks,
        evidence,
        captureTickets: captures,
        exporter,
        recordingAdmin: recordingPipeline,
        // The reviewer's replay: recordings, timeline, chapters, and whether every chained file still matches.
        replay: new SessionReplay({ store, walks, recordingsDir: config.recordingsDir, evidenceFileOf: (item) => evidence.fileOf(item), evidencePathOf: (sha, ext) => evidenceFiles.pathOf(sha, ext), verifier: new FileVerifier(), clock }),
        // The reviewer's comments and decision (复核); the decision is a lifecycle step.
        reviews: new ReviewDesk(store.reviewComments, lifecycle, clock),
        signer,
        keyRotation,
        officeLog,
        // The public receipt check: anyone holding a phone's receipt asks whether it is genuine and its record still there.
        receipts: {
          check: new ReceiptCheck({
            publicKeyPemOf: (keyId) => signer.publicKeyPemOf(keyId),
            chainOfSession: async (sessionId) => {
              const session = await store.sessions.get(sessionId);
              const caseRecord = session && (await store.cases.get(session.caseId));
              return caseRecord ? { caseNumber: caseRecord.caseNumber, records: await chain.list(caseRecord.id) } : undefined;
            },
          }),
          limiter: new RateLimiter(redis, 'receipt', 60, 60),
        },
        linkLimiter: new RateLimiter(redis, 'link', 120, 60),
        routerRtpCapabilities: pool.routerRtpCapabilities,
        clientDir,
        publicUrl: config.publicUrl,
        lanHost: lanAddresses()[0],
        knownHosts: ['localhost', ...lanAddresses(), ...(config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host])],
        secureCookies: !!tls,
        galleryUploads: config.gallery.allowed,
        office: config.office,
        health,
        log,
      });
      const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : http.createServer(app);
      const signaling = new SignalingServer(
        server,
        { links, accounts, cases, lifecycle, resources, authorize, calls, walks, captures: captureRequests, limiter: new RateLimiter(redis, 'join', 120, 60), publicUrl: config.publicUrl, pointVideos: config.recording.enabled ? pointVideos : undefined },
        log,
      );
      // Runs before the calls close in the reversed teardown, so pages get their 'call:ended' first.
      teardown.push(async () => {
        await signaling.close();
        server.closeAllConnections?.();
      });

      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
      const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
      log.info({ url }, 'kanyan listening');
      return new KanyanServer(url, store, redis, { cases, intake, lifecycle, links, accounts, pool, calls, walks, captures, httpApp: app, redisProcess: proc, health, recordings, recordingPipeline, officeLog }, seeded.generatedPassword, teardown);
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /** Ends live calls with a message, then closes sockets, media workers, Redis and the store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.parts.recordings.stopAll('server_shutdown');
      this.parts.calls.endAll('server_shutdown');
      for (const t of this.teardown.reverse()) await Promise.resolve(t()).catch(() => undefined);
    })();
    return this.closing;
  }
}
