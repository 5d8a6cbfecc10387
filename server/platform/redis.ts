import Redis, { type RedisOptions } from 'ioredis';

/**
 * How the server's clients ride out a Redis restart: they reconnect quickly, queue commands
 * meanwhile, and give up on a command after 2 s so the request gets a clear 503, not a hang.
 */
export const RESILIENT_REDIS: RedisOptions = {
  maxRetriesPerRequest: 10,
  commandTimeout: 2000,
  retryStrategy: (times) => Math.min(times * 100, 500),
};

/** Opens a client for either a redis:// URL or our private server's unix socket. */
export function connectRedis(target: { url?: string; socketPath?: string }, opts: RedisOptions = {}): Redis {
  if (target.socketPath) return new Redis({ path: target.socketPath, ...opts });
  // A bare path is a unix socket; anything else is a redis:// URL.
  if (target.url?.startsWith('/')) return new Redis({ path: target.url, ...opts });
  if (target.url) return new Redis(target.url, opts);
  throw new Error('connectRedis needs a url or a socket path');
}
