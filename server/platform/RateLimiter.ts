import type Redis from 'ioredis';
import { TooMany, Unavailable } from './errors';
import { text } from './Text';

/** Fixed-window attempt counter in Redis, shared by every node: slows password and link guessing. */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  async hit(key: string): Promise<void> {
    const k = `rl:${this.prefix}:${key}`;
    let count: number;
    try {
      [[, count]] = (await this.redis.multi().incr(k).expire(k, this.windowSeconds, 'NX').exec()) as [[null, number]];
    } catch (err) {
      // Redis is being restarted: a clear "try again" rather than a 500, and no guessing let through.
      throw new Unavailable(text('服务暂时不可用，请几秒后重试', 'The service is temporarily unavailable; please try again in a few seconds.'), `rate limiter: ${(err as Error).message}`, 'dependency_down');
    }
    if (count > this.limit) throw new TooMany(text('尝试次数过多，请稍后再试', 'Too many attempts; please try again later.'), `rate limited: ${this.prefix}`);
  }
}
