import { ProbotOctokit } from 'probot';

/**
 * The app's GitHub client: Probot's Octokit with our answers to GitHub's limits.
 *
 * - Secondary rate limits (403 with `retry-after`) are retried. Probot's own throttle options
 *   only log them, so a limit hit on the final check update used to leave the check open.
 * - Writes are budgeted per installation (the throttle plugin keys its groups by the
 *   installation id Probot gives each client) by GitHub's documented content-creation limit,
 *   instead of the plugin's default of one write a second: that forced second sat between the
 *   check run and the comment of every review and queued every PR behind the others.
 * - 5xx answers are retried by the retry plugin, `retryDelayMs`·n² apart (1 s, 4 s, 9 s by default).
 */
export interface GitHubLimits {
  /** Base of the retry plugin's back-off for 5xx answers (ms). */
  retryDelayMs: number;
}

/** How often a request that hit a (secondary) rate limit is tried again before the error stands. */
export const RATE_LIMIT_RETRIES = 3;
/** A wait longer than this is not worth holding a review for: the error stands and the job fails closed. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 300;

/** GitHub's documented secondary limit on content-creating requests: 80 a minute. */
export const WRITES_PER_MINUTE = 80;

interface ThrottledRequest {
  method: string;
  url: string;
}
interface ThrottleLog {
  log: { warn(message: string): void };
}

function retryWithin(kind: string) {
  return (retryAfter: number, options: ThrottledRequest, octokit: ThrottleLog, retryCount: number): boolean => {
    const retry = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
    octokit.log.warn(
      `${kind} on ${options.method} ${options.url}: ${retry ? `retrying in ${retryAfter} s (attempt ${retryCount + 1} of ${RATE_LIMIT_RETRIES})` : 'giving up'}`,
    );
    return retry;
  };
}

/**
 * Stands in for the throttle plugin's per-key Bottleneck groups (`key(id).schedule(options, fn)`)
 * for writes: no spacing between writes, at most `perMinute` of them in any minute per key.
 * Retries (`weight: 0`) are not counted again.
 */
export class WriteBudget {
  private readonly sent = new Map<string, number[]>();
  private readonly waiting = new Map<string, Promise<void>>();

  constructor(private readonly perMinute = WRITES_PER_MINUTE) {}

  key(id: string): { schedule<T>(options: { weight?: number }, fn: (...args: unknown[]) => T | Promise<T>, ...args: unknown[]): Promise<T> } {
    return {
      schedule: async (options, fn, ...args) => {
        if (options.weight !== 0) await this.take(id);
        return fn(...args);
      },
    };
  }

  /** One write slot for `id`; writers of one key take slots in arrival order. */
  private take(id: string): Promise<void> {
    const turn = (this.waiting.get(id) ?? Promise.resolve()).then(async () => {
      const now = Date.now();
      const recent = (this.sent.get(id) ?? []).filter((t) => now - t < 60_000);
      if (recent.length >= this.perMinute) await new Promise((resolve) => setTimeout(resolve, 60_000 - (now - recent[0]!)));
      recent.push(Date.now());
      this.sent.set(id, recent);
    });
    this.waiting.set(id, turn);
    return turn;
  }
}

/** Probot's Octokit (or a test's) with the limits above; one write budget per app process. */
export function appOctokit(base: typeof ProbotOctokit, limits: GitHubLimits): typeof ProbotOctokit {
  const writes = new WriteBudget();
  const notifying = new WriteBudget();
  return base.defaults((options: { throttle?: Record<string, unknown>; retry?: Record<string, unknown> }) => ({
    ...options,
    throttle: {
      ...options.throttle,
      onSecondaryRateLimit: retryWithin('secondary rate limit'),
      onRateLimit: retryWithin('rate limit'),
      write: writes,
      // Comments also pass the plugin's "notifications" gate (one every 3 s by default): same budget.
      notifications: notifying,
    },
    retry: { retryAfterBaseValue: limits.retryDelayMs, ...options.retry },
  }));
}
