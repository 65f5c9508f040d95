import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * One review per pull request at a time across every replica: a Redis key per PR, set with NX
 * and an expiry, renewed while the review runs and deleted only by its holder. A replica that
 * dies mid-review holds the PR for at most `ttlMs`. Without it, two replicas could each find no
 * comment and each create one (opened + reopened, or a push + `/rereview`).
 */
export class PrLock {
  private readonly ttlMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: { ttlMs?: number; pollMs?: number } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.pollMs = options.pollMs ?? 100;
  }

  /** Runs `work` holding the PR's lock, waiting for the holder (another job, another replica) first. */
  async run<T>(pr: string, work: () => Promise<T>): Promise<T> {
    const key = `${this.prefix}:lock:${pr}`;
    const token = randomUUID();
    while ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) !== 'OK') await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, key, token, String(this.ttlMs)).catch(() => undefined), this.ttlMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, key, token);
    }
  }
}

/** Only the holder (same token) may extend or delete the lock: an expired holder must not free a newer one's. */
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
