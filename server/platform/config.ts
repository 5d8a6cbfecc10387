import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

// The only module that reads process.env: everything else receives a typed Config.

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  ANNOUNCED_IP: z.string().optional(),
  RTC_PORT: z.coerce.number().int().min(0).max(65535).default(40000),
  RTC_LISTEN_IP: z.string().default('0.0.0.0'),
  MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  REDIS_URL: z.string().optional(),
  DATA_DIR: z.string().default('data'),
  RECORDINGS_DIR: z.string().default('recordings'),
  // Every session is recorded unless an office turns it off (then the replay shows no video).
  RECORDING: bool.default('true'),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  // ffmpeg sends no key-frame requests of its own: a periodic one keeps seeking and thumbnails cheap.
  RECORDING_KEYFRAME_SECONDS: z.coerce.number().min(0).max(600).default(5),
  MIN_FREE_DISK_MB: z.coerce.number().int().min(0).max(10_000_000).default(500),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  TLS: z.enum(['auto', 'off']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_USER: z.string().regex(/^[A-Za-z0-9._-]{2,40}$/).optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  // The names before roles existed; still read so an existing install keeps starting.
  INSPECTOR_USER: z.string().regex(/^[A-Za-z0-9._-]{2,40}$/).optional(),
  INSPECTOR_PASSWORD: z.string().min(8).optional(),
  JOIN_LINK_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20),
  LOGIN_OFFICE_MAX_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(100),
  RECONNECT_GRACE_SECONDS: z.coerce.number().positive().max(600).default(30),
  SEED_DEMO: bool.default('true'),
  GALLERY_UPLOADS: bool.default('false'),
  EXIF_MAX_TIME_SKEW_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(10),
  EXIF_MAX_GPS_MISMATCH_M: z.coerce.number().positive().max(100_000).default(200),
  // Reused photos: how many of 64 perceptual-hash bits may differ for "near-identical"; 0 flags identical bytes only.
  PHOTO_REUSE_NEAR_BITS: z.coerce.number().int().min(0).max(20).default(10),
  // The office named on the phone page: a shop owner is asked for camera and location only after seeing who asks.
  OFFICE_NAME: z.string().trim().min(1).max(60).default('行政审批服务局'),
  OFFICE_NAME_EN: z.string().trim().min(1).max(100).default('Administrative Approval Service Bureau'),
  // 国密: SM2 signs each record as well as Ed25519 (sm2 and both alike: Ed25519 keeps the chain verifiable by every tool).
  EVIDENCE_SIGNATURE: z.enum(['ed25519', 'sm2', 'both']).default('ed25519'),
  EVIDENCE_KEY_PASSPHRASE: z.string().min(8).optional(),
  // The office log: a signed checkpoint this often when it grew; each checkpoint time-stamped (RFC 3161) when TSA_URL is set.
  LOG_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  TSA_URL: z.string().url().optional(),
  TSA_CA_FILE: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  /** Base URL printed in join links; derived from the bound address when not set. */
  publicUrl?: string;
  rtc: { listenIp: string; announcedIp?: string; basePort: number; workers: number };
  redisUrl?: string;
  dataDir: string;
  /** Where call recordings go (`<case>/<session>/<seq>-<track>.mkv`); its free space is watched. */
  recordingsDir: string;
  recording: { enabled: boolean; ffmpeg: string; keyFrameIntervalMs: number };
  /** /healthz reports a disk as full below this much free space. */
  minFreeDiskMb: number;
  tls: { mode: 'auto' | 'off'; certFile?: string; keyFile?: string };
  logLevel: string;
  /** The first account, made on an empty database: an administrator who may also inspect and supervise. */
  seedAdmin: { username: string; password?: string };
  joinLinkTtlMs: number;
  /** Log-in limits: failures before a username locks, per address per 10 minutes, office-wide per minute. */
  login: { accountFailures: number; addressFailures: number; officeFailuresPerMinute: number };
  reconnectGraceMs: number;
  seedDemo: boolean;
  /** Whether the phone may send an existing photo from its gallery, and how far its EXIF may stray. */
  gallery: { allowed: boolean; maxExifTimeSkewMs: number; maxExifGpsMismatchM: number };
  /** Reused photos: the perceptual distance (bits) up to which a photo is near-identical to an earlier one; 0: identical bytes only. */
  photoReuse: { nearBits: number };
  /** The approval office's name as the phone page and the link-error pages show it. */
  office: { 'zh-CN': string; en: string };
  /** Which signatures each evidence record gets, and the passphrase that encrypts the private keys at rest. */
  evidenceKeys: { signature: 'ed25519' | 'sm2' | 'both'; passphrase?: string };
  /** The office-wide log: checkpoint period, and the RFC 3161 authority with the CA its tokens chain to. */
  officeLog: { checkpointEveryMs: number; tsaUrl?: string; tsaCaFile?: string };
}

export class ConfigError extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TLS === 'off' && !isLoopback(e.HOST)) {
    // Phones only grant camera and location on a secure origin; plain HTTP is for local development.
    throw new ConfigError('TLS=off is only allowed when HOST is a loopback address (127.0.0.1 / localhost)');
  }
  if (e.TSA_URL && !e.TSA_CA_FILE) {
    // Without the CA nobody, the server included, can check a token: refuse rather than keep unverifiable ones.
    throw new ConfigError('TSA_URL needs TSA_CA_FILE: the CA certificate the time-stamping authority\'s tokens chain to');
  }
  if ((e.TLS_CERT && !e.TLS_KEY) || (!e.TLS_CERT && e.TLS_KEY)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be given together');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    rtc: {
      listenIp: e.RTC_LISTEN_IP,
      announcedIp: e.ANNOUNCED_IP,
      basePort: e.RTC_PORT,
      workers: e.MEDIA_WORKERS ?? Math.max(1, os.availableParallelism()),
    },
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.DATA_DIR),
    recordingsDir: path.resolve(e.RECORDINGS_DIR),
    recording: { enabled: e.RECORDING, ffmpeg: e.FFMPEG_PATH, keyFrameIntervalMs: e.RECORDING_KEYFRAME_SECONDS * 1000 },
    minFreeDiskMb: e.MIN_FREE_DISK_MB,
    tls: { mode: e.TLS, certFile: e.TLS_CERT, keyFile: e.TLS_KEY },
    logLevel: e.LOG_LEVEL,
    seedAdmin: { username: e.ADMIN_USER ?? e.INSPECTOR_USER ?? 'admin', password: e.ADMIN_PASSWORD ?? e.INSPECTOR_PASSWORD },
    joinLinkTtlMs: e.JOIN_LINK_TTL_HOURS * 3600_000,
    login: { accountFailures: e.LOGIN_MAX_FAILURES, addressFailures: e.LOGIN_ADDRESS_MAX_FAILURES, officeFailuresPerMinute: e.LOGIN_OFFICE_MAX_FAILURES_PER_MINUTE },
    reconnectGraceMs: e.RECONNECT_GRACE_SECONDS * 1000,
    seedDemo: e.SEED_DEMO,
    gallery: { allowed: e.GALLERY_UPLOADS, maxExifTimeSkewMs: e.EXIF_MAX_TIME_SKEW_MINUTES * 60_000, maxExifGpsMismatchM: e.EXIF_MAX_GPS_MISMATCH_M },
    photoReuse: { nearBits: e.PHOTO_REUSE_NEAR_BITS },
    office: { 'zh-CN': e.OFFICE_NAME, en: e.OFFICE_NAME_EN },
    evidenceKeys: { signature: e.EVIDENCE_SIGNATURE, passphrase: e.EVIDENCE_KEY_PASSPHRASE },
    officeLog: { checkpointEveryMs: e.LOG_CHECKPOINT_SECONDS * 1000, tsaUrl: e.TSA_URL, tsaCaFile: e.TSA_CA_FILE && path.resolve(e.TSA_CA_FILE) },
  };
}
