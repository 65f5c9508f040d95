import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { InProcessQueue, RedisQueue, type ReviewJob } from '../../src/github/queue.js';

/** The two queues: coalescing in process; BullMQ against the Redis on this machine (started by .ci/run). */
const job = (pr: number, headSha: string, extra: Partial<ReviewJob> = {}): ReviewJob => ({
  owner: 'acme',
  repo: 'shop',
  pr,
  installationId: 1,
  headSha,
  reason: 'push',
  delivery: `d-${pr}-${headSha}`,
  commentIds: [],
  ...extra,
});

describe('in-process queue', () => {
  it('runs one review per PR at a time and coalesces what waits: the newest push wins, every /rereview is kept', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new InProcessQueue(async (j) => {
      seen.push(`${j.pr}@${j.headSha}:${j.commentIds.join(',')}`);
      if (j.headSha === 'a') await gate;
    }, 4);
    await queue.add(job(1, 'a'));
    await queue.add(job(1, 'b', { commentIds: [7] }));
    await queue.add(job(1, 'c'));
    await queue.add(job(2, 'x'));
    release();
    await queue.idle();
    expect(seen).toEqual(['1@a:', '2@x:', '1@c:7']);
  });
  it('a coalesced job carries the head SHAs it replaced, so each still gets a check', async () => {
    const seen: ReviewJob[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new InProcessQueue(async (j) => {
      seen.push(j);
      if (j.headSha === 'a') await gate;
    }, 1);
    for (const sha of ['a', 'b', 'c', 'd']) await queue.add(job(1, sha));
    await queue.add(job(1, 'd', { delivery: 'redelivered-d' }));
    release();
    await queue.idle();
    expect(seen.map((j) => [j.headSha, j.coalescedShas ?? []])).toEqual([
      ['a', []],
      ['d', ['b', 'c']],
    ]);
  });
});

describe('Redis queue (BullMQ)', () => {
  const prefix = `mr-test-${process.pid}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('processes jobs, once per delivery, shared by two workers (replicas)', async () => {
    const seen: string[] = [];
    const process = async (j: ReviewJob): Promise<void> => void seen.push(j.delivery);
    const replicaA = new RedisQueue(redis, process, { prefix });
    const second = redis.duplicate();
    const replicaB = new RedisQueue(second, process, { prefix });
    await replicaA.add(job(1, 'a'));
    await replicaB.add(job(1, 'a')); // a redelivery: same PR, SHA and delivery id
    await replicaA.add(job(2, 'b'));
    await replicaA.idle();
    await replicaB.idle();
    expect(seen.sort()).toEqual(['d-1-a', 'd-2-b']);
    expect(await replicaA.stats()).toMatchObject({ kind: 'redis', waiting: 0, running: 0 });
    await replicaA.close();
    await replicaB.close();
    await second.quit();
  });

  it('never runs two jobs of one PR at once, across replicas (the per-PR lock); other PRs run alongside', async () => {
    const active = new Map<number, number>();
    let mostAtOnce = 0;
    let prsAtOnce = 0;
    const process = async (j: ReviewJob): Promise<void> => {
      active.set(j.pr, (active.get(j.pr) ?? 0) + 1);
      mostAtOnce = Math.max(mostAtOnce, active.get(j.pr)!);
      prsAtOnce = Math.max(prsAtOnce, [...active.values()].filter((n) => n > 0).length);
      await new Promise((resolve) => setTimeout(resolve, 60));
      active.set(j.pr, active.get(j.pr)! - 1);
    };
    const second = redis.duplicate();
    const replicaA = new RedisQueue(redis, process, { prefix: `${prefix}-lock`, concurrency: 3 });
    const replicaB = new RedisQueue(second, process, { prefix: `${prefix}-lock`, concurrency: 3 });
    try {
      await Promise.all([
        replicaA.add(job(1, 'a', { delivery: 'opened' })),
        replicaB.add(job(1, 'a', { delivery: 'reopened' })),
        replicaA.add(job(1, 'a', { delivery: 'rereview', reason: 'rereview' })),
        replicaB.add(job(2, 'b', { delivery: 'opened' })),
      ]);
      await replicaA.idle();
      await replicaB.idle();
      expect(mostAtOnce).toBe(1);
      expect(prsAtOnce).toBe(2);
    } finally {
      await replicaA.close();
      await replicaB.close();
      await second.quit();
    }
  });
});
