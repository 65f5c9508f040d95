/**
 * Lock history from samples of pg_locks: when each lock was first waited for, when it was
 * granted, and how long it was then held — two different numbers that `now() − xact_start`
 * conflates (a migration that queued 16 s behind a reader and held ACCESS EXCLUSIVE 0.4 s is not
 * a 17 s lock). Waits start at `pg_locks.waitstart` (PostgreSQL 14+) or the first sample that
 * saw them; a grant is the first sample that sees the lock granted. Resolution: one interval.
 */
export interface LockSample {
  pid: number;
  rel: string;
  mode: string;
  granted: boolean;
  /** Server clock, epoch seconds. */
  waitstart: number | null;
  xactStart: number | null;
  query: string;
  /** The command's own session (the migration), not the application's. */
  migration: boolean;
  /** For a waiting lock: the session at the head of the chain of blockers. */
  rootBlocker: Blocker | null;
}

export interface Blocker {
  pid: number;
  query: string;
  /** `active`, `idle in transaction`, … — what decides how to get rid of it. */
  state: string;
  /** Age of its transaction, seconds. */
  transactionSeconds: number | null;
  application: string;
}

interface LockHistory {
  sample: LockSample;
  waitStart: number | null;
  grantedAt: number | null;
  lastSeen: number;
  /** The sessions at the head of its queue while it waited, in the order they were seen there. */
  blockers: Blocker[];
}

export interface LockSpan {
  pid: number;
  table: string;
  mode: string;
  query: string;
  migration: boolean;
  /** Seconds between asking for the lock and getting it (or the last sample, if never granted). */
  waited: number;
  /** Seconds between getting it and the last sample that saw it; 0 when never granted. */
  held: number;
  granted: boolean;
  /** Heads of the queue over the wait, first first: the session that started it, then whoever took its place (often the migration itself). */
  blockers: Blocker[];
}

export class LockTracker {
  private readonly locks = new Map<string, LockHistory>();
  private previousSample: number | null = null;

  observe(rows: LockSample[], now: number): void {
    for (const row of rows) {
      const key = `${row.pid}:${row.rel}:${row.mode}`;
      let history = this.locks.get(key);
      if (!history) {
        // Granted when first seen: some time since the previous sample (and not before its transaction began).
        const grantedAt = row.granted ? Math.max(row.xactStart ?? now, this.previousSample ?? row.xactStart ?? now) : null;
        history = { sample: row, waitStart: row.granted ? null : (row.waitstart ?? now), grantedAt, lastSeen: now, blockers: [] };
        this.locks.set(key, history);
      }
      if (row.granted && history.grantedAt === null) history.grantedAt = now;
      const head = row.rootBlocker;
      if (!row.granted && head && !history.blockers.some((b) => b.pid === head.pid)) history.blockers.push(head);
      history.lastSeen = now;
    }
    this.previousSample = now;
  }

  spans(): LockSpan[] {
    return [...this.locks.values()].map((h) => ({
      pid: h.sample.pid,
      table: h.sample.rel,
      mode: h.sample.mode,
      query: h.sample.query,
      migration: h.sample.migration,
      waited: h.waitStart === null ? 0 : (h.grantedAt ?? h.lastSeen) - h.waitStart,
      held: h.grantedAt === null ? 0 : Math.max(0, h.lastSeen - h.grantedAt),
      granted: h.grantedAt !== null,
      blockers: h.blockers,
    }));
  }
}

/** The session at the head of `pid`'s chain of blockers (pg_blocking_pids, followed to a session that waits for no one). */
export function rootBlockerOf(pid: number, blockedBy: Map<number, number[]>): number | null {
  const seen = new Set([pid]);
  let current: number | undefined = blockedBy.get(pid)?.[0];
  if (current === undefined) return null;
  for (;;) {
    const next: number | undefined = blockedBy.get(current)?.[0];
    if (next === undefined || seen.has(next)) return current;
    seen.add(current);
    current = next;
  }
}
