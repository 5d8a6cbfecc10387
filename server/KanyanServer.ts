import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Redis from 'ioredis';
import { CallRegistry } from './call/CallRegistry';
import { CaseService } from './cases/CaseService';
import { InspectorAuth } from './cases/InspectorAuth';
import { JoinLinks } from './cases/JoinLinks';
import { TemplateLibrary } from './checklist/TemplateLibrary';
import { EvidenceFiles } from './evidence/EvidenceFiles';
import { CaseExporter } from './evidence/CaseExporter';
import { EvidenceChain } from './evidence/EvidenceChain';
import { EvidenceIntake } from './evidence/EvidenceIntake';
import { EvidenceSigner } from './evidence/EvidenceSigner';
import { CaptureTickets } from './evidence/CaptureTickets';
import { WalkLogSealer } from './evidence/WalkLogSealer';
import { InspectionWalks } from './inspection/InspectionWalks';
import { CLIENT_DIST, createHttpApp } from './http/HttpApp';
import { systemClock, type Clock } from './platform/clock';
import type { Config } from './platform/config';
import type { Logger } from './platform/logger';
import { assertCjkFont } from './platform/fonts';
import { RateLimiter } from './platform/RateLimiter';
import { connectRedis } from './platform/redis';
import { RedisProcess } from './platform/RedisProcess';
import { loadOrCreateSecret, writeSecretNote } from './platform/secrets';
import { lanAddresses, loadTls } from './platform/tls';
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
export const INITIAL_PASSWORD_FILE = 'initial-inspector-password';

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
    readonly cases: CaseService,
    readonly joinLinks: JoinLinks,
    readonly auth: InspectorAuth,
    readonly pool: WorkerPool,
    readonly calls: CallRegistry,
    readonly walks: InspectionWalks,
    readonly captures: CaptureTickets,
    readonly seededPassword: string | undefined,
    private readonly teardown: Array<() => Promise<void> | void>,
  ) {}

  static async start(config: Config, log: Logger, opts: StartOptions = {}): Promise<KanyanServer> {
    const clock = opts.clock ?? systemClock;
    const teardown: Array<() => Promise<void> | void> = [];
    const undo = async () => {
      for (const t of teardown.reverse()) await Promise.resolve(t()).catch((err) => log.error({ err }, 'teardown step failed'));
    };
    try {
      fs.mkdirSync(config.dataDir, { recursive: true });
      log.info({ font: assertCjkFont() }, 'CJK font for evidence stamps');
      const clientDir = opts.clientDir ?? CLIENT_DIST;
      if (!fs.existsSync(path.join(clientDir, 'applicant.js'))) {
        throw new Error(`client bundle missing in ${clientDir}: run "npm run build:client" (npm start does it for you)`);
      }

      const store = await SqliteStore.open(path.join(config.dataDir, 'kanyan.db'));
      teardown.push(() => store.close());

      let redisTarget: { url?: string; socketPath?: string } = { url: config.redisUrl };
      if (!config.redisUrl) {
        const proc = await RedisProcess.start(config.dataDir, log);
        teardown.push(() => proc.stop());
        redisTarget = { socketPath: proc.socketPath };
      }
      const redis = connectRedis(redisTarget, { maxRetriesPerRequest: 3 });
      redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      teardown.push(() => void redis.disconnect());

      const joinLinks = new JoinLinks(store, loadOrCreateSecret(config.dataDir, 'join-link.key'), clock, config.joinLinkTtlMs);
      const auth = new InspectorAuth(store, clock);
      const seeded = await auth.seed(config.seedInspector.username, config.seedInspector.password);
      if (seeded.generatedPassword) writeSecretNote(config.dataDir, INITIAL_PASSWORD_FILE, seeded.generatedPassword);
      const signer = EvidenceSigner.loadOrCreate(config.dataDir, clock.now());
      const chain = new EvidenceChain(store, signer);
      const evidenceFiles = new EvidenceFiles(path.join(config.dataDir, 'evidence'));
      const sealer = new WalkLogSealer(store, evidenceFiles, chain, clock);
      const walks = new InspectionWalks(store, TemplateLibrary.load(), clock, (sid, events, by) => sealer.seal(sid, events, by));
      const cases = new CaseService(store, joinLinks, clock, walks);

      const pool = await WorkerPool.create(
        { workers: config.rtc.workers, listenIp: config.rtc.listenIp, announcedIp: announcedIpFor(config), basePort: config.rtc.basePort },
        log,
      );
      teardown.push(() => pool.close());
      const calls = new CallRegistry(pool, { store, clock, log, reconnectGraceMs: config.reconnectGraceMs });
      teardown.push(() => calls.endAll('server_shutdown'));

      const tls = loadTls(config, log);
      const captures = new CaptureTickets(store, clock);
      const evidence = new EvidenceIntake(store, evidenceFiles, walks, chain, clock, captures, { maxTimeSkewMs: config.gallery.maxExifTimeSkewMs, maxGpsMismatchM: config.gallery.maxExifGpsMismatchM });
      const exporter = new CaseExporter(store, chain, evidenceFiles, signer, walks);
      const app = createHttpApp({
        walks,
        evidence,
        exporter,
        signer,
        cases,
        auth,
        joinLinks,
        calls,
        loginLimiter: new RateLimiter(redis, 'login', 10, 60),
        linkLimiter: new RateLimiter(redis, 'link', 120, 60),
        routerRtpCapabilities: pool.routerRtpCapabilities,
        clientDir,
        publicUrl: config.publicUrl,
        lanHost: lanAddresses()[0],
        secureCookies: !!tls,
        galleryUploads: config.gallery.allowed,
        log,
      });
      const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app) : http.createServer(app);
      const signaling = new SignalingServer(server, calls, walks, captures, { joinLinks, auth, cases, limiter: new RateLimiter(redis, 'join', 120, 60) }, log);
      // Runs before endAll in the reversed teardown, so pages get their 'call:ended' first.
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
      return new KanyanServer(url, store, redis, cases, joinLinks, auth, pool, calls, walks, captures, seeded.generatedPassword, teardown);
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /** Ends live calls with a message, then closes sockets, media workers, Redis and the store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.calls.endAll('server_shutdown');
      for (const t of this.teardown.reverse()) await Promise.resolve(t()).catch(() => undefined);
    })();
    return this.closing;
  }
}
