import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PrLock } from './pr-lock.js';

/**
 * Reviews run off the webhook's request path, one per pull request at a time. Jobs are keyed by
 * pull request: pushes in quick succession coalesce (a waiting job is replaced by the newer one,
 * keeping every /rereview comment that asked, so each still gets its reaction, and every head SHA
 * it replaced, so each still gets a completed check). In-process by default; with REDIS_URL,
 * BullMQ, so several replicas share the work, serialised per PR by a lock in Redis (there, a
 * superseded job finds the PR's head moved and completes its SHA's check as superseded).
 */
export interface ReviewJob {
  owner: string;
  repo: string;
  pr: number;
  installationId: number;
  /** The head SHA the event was about (pushes); a job whose SHA is no longer the head is dropped. */
  headSha?: string;
  reason: 'push' | 'rereview' | 'rerequest';
  delivery: string;
  /** /rereview comments to react to when the review completes. */
  commentIds: number[];
  /** Head SHAs of pushes this job replaced while they waited: each gets a "Superseded" check. */
  coalescedShas?: string[];
}

export type Processor = (job: ReviewJob) => Promise<void>;

export interface JobQueue {
  add(job: ReviewJob): Promise<void>;
  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
  stats(): Promise<{ waiting: number; running: number; kind: string }>;
}

export const jobKey = (job: Pick<ReviewJob, 'owner' | 'repo' | 'pr'>): string => `${job.owner}/${job.repo}#${job.pr}`;

function merge(older: ReviewJob, newer: ReviewJob): ReviewJob {
  const replaced = [...(older.coalescedShas ?? []), ...(older.headSha ? [older.headSha] : []), ...(newer.coalescedShas ?? [])];
  return {
    ...newer,
    commentIds: [...new Set([...older.commentIds, ...newer.commentIds])],
    coalescedShas: [...new Set(replaced)].filter((sha) => sha !== newer.headSha),
  };
}

export class InProcessQueue implements JobQueue {
  private readonly waiting = new Map<string, ReviewJob>();
  private readonly running = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly process: Processor,
    private readonly concurrency = 2,
    private readonly onError: (error: unknown, job: ReviewJob) => void = () => undefined,
  ) {}

  add(job: ReviewJob): Promise<void> {
    const key = jobKey(job);
    const queued = this.waiting.get(key);
    this.waiting.set(key, queued ? merge(queued, job) : job);
    // Re-insert at the end: a coalesced PR waits its turn behind the others.
    const latest = this.waiting.get(key)!;
    this.waiting.delete(key);
    this.waiting.set(key, latest);
    this.pump();
    return Promise.resolve();
  }

  private pump(): void {
    for (const [key, job] of this.waiting) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(key)) continue; // one review per PR at a time; the newer one waits
      this.waiting.delete(key);
      this.running.add(key);
      void this.process(job)
        .catch((error: unknown) => this.onError(error, job))
        .finally(() => {
          this.running.delete(key);
          this.pump();
          if (!this.running.size && !this.waiting.size) {
            for (const resolve of this.idleWaiters) resolve();
            this.idleWaiters = [];
          }
        });
    }
  }

  idle(): Promise<void> {
    if (!this.running.size && !this.waiting.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): Promise<{ waiting: number; running: number; kind: string }> {
    return Promise.resolve({ waiting: this.waiting.size, running: this.running.size, kind: 'in-process' });
  }

  async close(): Promise<void> {
    this.waiting.clear();
    await this.idle();
  }
}

/**
 * BullMQ on Redis: the job id is the PR plus its head SHA, so a redelivered push is queued once.
 * A worker holds the PR's lock while it reviews, so replicas never review one PR at once.
 */
export class RedisQueue implements JobQueue {
  private readonly queue: Queue<ReviewJob>;
  private readonly worker: Worker<ReviewJob>;

  constructor(connection: Redis, process: Processor, options: { concurrency?: number; prefix?: string; lockTtlMs?: number; onError?: (error: unknown, job: ReviewJob) => void } = {}) {
    const prefix = options.prefix ?? 'migration-review';
    const lock = new PrLock(connection, prefix, { ttlMs: options.lockTtlMs });
    this.queue = new Queue<ReviewJob>('reviews', { connection, prefix });
    this.worker = new Worker<ReviewJob>(
      'reviews',
      async (job) => {
        try {
          await lock.run(jobKey(job.data), () => process(job.data));
        } catch (error) {
          options.onError?.(error, job.data);
        }
      },
      { connection, prefix, concurrency: options.concurrency ?? 2 },
    );
  }

  async add(job: ReviewJob): Promise<void> {
    const id = `${jobKey(job)}@${job.headSha ?? job.reason}:${job.delivery}`.replace(/[:/#@]/g, '_');
    await this.queue.add('review', job, { jobId: id, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stats(): Promise<{ waiting: number; running: number; kind: string }> {
    const counts = await this.queue.getJobCounts('waiting', 'active');
    return { waiting: counts.waiting ?? 0, running: counts.active ?? 0, kind: 'redis' };
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }

  /** Removes every job of this queue (tests). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }
}
