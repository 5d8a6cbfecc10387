import Redis, { type RedisOptions } from 'ioredis';

/** Opens a client for either a redis:// URL or our private server's unix socket. */
export function connectRedis(target: { url?: string; socketPath?: string }, opts: RedisOptions = {}): Redis {
  if (target.socketPath) return new Redis({ path: target.socketPath, ...opts });
  // A bare path is a unix socket; anything else is a redis:// URL.
  if (target.url?.startsWith('/')) return new Redis({ path: target.url, ...opts });
  if (target.url) return new Redis(target.url, opts);
  throw new Error('connectRedis needs a url or a socket path');
}
