import type Redis from 'ioredis';
import { TooMany } from './errors';

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
    const [[, count]] = (await this.redis.multi().incr(k).expire(k, this.windowSeconds, 'NX').exec()) as [[null, number]];
    if (count > this.limit) throw new TooMany('尝试次数过多，请稍后再试', `rate limited: ${this.prefix}`);
  }
}
