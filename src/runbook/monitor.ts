import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { LockTracker, rootBlockerOf, type Blocker, type LockSample, type LockSpan } from './lock-tracker.js';

/**
 * `migration-review monitor --database-url <staging> -- <command>`: runs the command that applies
 * the migrations and samples pg_locks, pg_stat_activity and pg_stat_replication every ~250 ms.
 * Per table: the longest write-blocking lock held (from its grant, not from the transaction's
 * start), the longest wait on it with the session at the head of the blocking chain, and the
 * migration's own wait and hold. The command's sessions are told apart by the application_name
 * the monitor gives it (PGAPPNAME, honoured by libpq, node-postgres, pgx and lib/pq), or by having
 * connected after the monitor started. A failed, killed or interrupted command heads the report.
 */
export interface MonitorOptions {
  databaseUrl: string;
  command: string[];
  intervalMs?: number;
  thresholdSeconds?: number;
  /** Where the command's own output goes (default: our stderr, keeping stdout for the report). */
  output?: NodeJS.WritableStream;
  /** Forward SIGINT / SIGTERM / SIGHUP received by this process to the command (the CLI sets it). */
  forwardSignals?: boolean;
}

export interface TableReport {
  table: string;
  /** Longest write-blocking lock held on it (from its grant), by whom. */
  longestHold: { seconds: number; mode: string; query: string } | null;
  /**
   * Longest time a session waited for a lock on it. `rootBlocker` started the queue (the head of
   * pg_blocking_pids' chain when first seen), `heads` every session that headed it in turn;
   * `blockedBy` is the root blocker's query.
   */
  longestWait: { seconds: number; waiter: string; blockedBy: string; rootBlocker: Blocker | null; heads: Blocker[] } | null;
  /** The migration's own lock on it: how long it queued, then how long it held. */
  migration: { mode: string; waitedSeconds: number; heldSeconds: number; blockedBy: Blocker | null } | null;
}

export interface MonitorReport {
  command: string;
  exitCode: number | null;
  /** The signal that ended the command, if one did. */
  signal: string | null;
  /** What went wrong with the run itself (failed, killed, interrupted, or the sampling broke); null when it succeeded. */
  failure: string | null;
  seconds: number;
  samples: number;
  thresholdSeconds: number;
  tables: TableReport[];
  maxReplicationLagSeconds: number | null;
  /** Sentences for everything over the threshold. */
  exceeded: string[];
}

const STRONG = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);
export const MONITORED_APPLICATION = 'migration-review-monitored';

const epoch = (column: string): string => `extract(epoch FROM ${column})::float8`;
const lockSql = (hasWaitstart: boolean): string => `
  SELECT l.pid, c.relname AS rel, l.mode, l.granted, ${hasWaitstart ? epoch('l.waitstart') : 'NULL::float8'} AS waitstart,
         ${epoch('a.xact_start')} AS xact_start, ${epoch('a.backend_start')} AS backend_start, a.application_name AS app,
         left(a.query, 200) AS query, CASE WHEN l.granted THEN '{}' ELSE pg_blocking_pids(l.pid) END AS blockers
  FROM pg_locks l
  JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND l.pid <> pg_backend_pid()
    AND a.datname = current_database()`;
const ACTIVITY = `SELECT pid, coalesce(state, '') AS state, left(query, 200) AS query, application_name AS app,
  ${epoch('now() - xact_start')} AS xact_age, ${epoch('clock_timestamp()')} AS now FROM pg_stat_activity`;

interface LockRow {
  pid: number;
  rel: string;
  mode: string;
  granted: boolean;
  waitstart: number | null;
  xact_start: number | null;
  backend_start: number;
  app: string;
  query: string;
  blockers: number[];
}
interface ActivityRow {
  pid: number;
  state: string;
  query: string;
  app: string;
  xact_age: number | null;
  now: number;
}

/** One sample: every relation lock in the database with its waiter's root blocker, into the tracker. */
async function sampleLocks(client: pg.Client, sql: string, tracker: LockTracker, startedAt: number): Promise<void> {
  const { rows: activity } = await client.query<ActivityRow>(ACTIVITY);
  const { rows: locks } = await client.query<LockRow>(sql);
  const now = activity[0]?.now ?? Date.now() / 1000;
  const sessions = new Map(activity.map((a) => [a.pid, a]));
  const blockedBy = new Map(locks.filter((l) => l.blockers.length).map((l) => [l.pid, l.blockers]));
  const blocker = (pid: number | null): Blocker | null => {
    const s = pid === null ? undefined : sessions.get(pid);
    return s ? { pid: s.pid, query: s.query, state: s.state, transactionSeconds: s.xact_age, application: s.app } : null;
  };
  const samples: LockSample[] = locks.map((l) => ({
    pid: l.pid,
    rel: l.rel,
    mode: l.mode,
    granted: l.granted,
    waitstart: l.waitstart,
    xactStart: l.xact_start,
    query: l.query,
    migration: l.app === MONITORED_APPLICATION || l.backend_start >= startedAt,
    rootBlocker: l.granted ? null : blocker(rootBlockerOf(l.pid, blockedBy)),
  }));
  tracker.observe(samples, now);
}

/** Runs the command with its output passed through; resolves with how it ended. */
function runCommand(options: MonitorOptions): { child: ChildProcess; ended: Promise<{ code: number | null; signal: string | null }> } {
  const env = { ...process.env, PGAPPNAME: process.env.PGAPPNAME || MONITORED_APPLICATION };
  const child = spawn(options.command[0]!, options.command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = options.output ?? process.stderr;
  child.stdout!.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr!.on('data', (chunk: Buffer) => out.write(chunk));
  const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => {
      out.write(`migration-review monitor: cannot run ${options.command[0]}: ${error.message}\n`);
      resolve({ code: 127, signal: null });
    });
  });
  return { child, ended };
}

/** Passes our SIGINT / SIGTERM / SIGHUP on to the command (a second one as SIGKILL); returns the first received (if any) and the undo. */
function forwardSignals(child: ChildProcess): { received: () => string | null; restore: () => void } {
  let received: string | null = null;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = (signal: NodeJS.Signals): void => {
    // A second signal means the command did not stop on the first: SIGKILL, so the run does end.
    child.kill(received ? 'SIGKILL' : signal);
    received ??= signal;
  };
  for (const s of signals) process.on(s, handler);
  return { received: () => received, restore: () => signals.forEach((s) => process.off(s, handler)) };
}

export async function monitor(options: MonitorOptions): Promise<MonitorReport> {
  const intervalMs = options.intervalMs ?? 250;
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'migration-review-monitor' });
  // Our session ended under us (pg_terminate_backend, a restart) between samples: pg emits 'error'
  // on the idle client, which would crash the process. The next sample fails, and the report says so.
  client.on('error', () => undefined);
  await client.connect();
  const [{ v }] = (await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v")).rows as [{ v: number }];
  const sql = lockSql(v >= 140000);
  const started = Date.now();
  const startedAt = (await client.query<{ t: number }>(`SELECT ${epoch('clock_timestamp()')} AS t`)).rows[0]!.t;
  const tracker = new LockTracker();
  const run = { samples: 0, maxLag: null as number | null, error: null as string | null };
  const sample = async (): Promise<void> => {
    await sampleLocks(client, sql, tracker, startedAt);
    const lag = (await client.query<{ lag: number | null }>(`SELECT max(${epoch('replay_lag')}) AS lag FROM pg_stat_replication`)).rows[0]?.lag ?? null;
    if (lag !== null) run.maxLag = Math.max(run.maxLag ?? 0, lag);
    run.samples++;
  };
  const { child, ended } = runCommand(options);
  const signals = options.forwardSignals ? forwardSignals(child) : null;
  let done = false;
  void ended.then(() => (done = true));
  try {
    while (!done) {
      const tick = Date.now();
      await sample();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - tick))));
    }
    await sample(); // what the command left behind (an open transaction, say)
  } catch (error) {
    // The report is still written: the command runs on, and its end is what the operator needs to know.
    run.error = (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
  const end = await ended;
  signals?.restore();
  const report = { command: options.command.join(' '), exitCode: end.code, signal: end.signal, seconds: (Date.now() - started) / 1000, samples: run.samples };
  const failure = failureOf(end, signals?.received() ?? null, run.error);
  return { ...report, failure, ...summarize(tracker.spans(), options.thresholdSeconds ?? 5), maxReplicationLagSeconds: run.maxLag, thresholdSeconds: options.thresholdSeconds ?? 5 };
}

function failureOf(end: { code: number | null; signal: string | null }, received: string | null, samplingError: string | null): string | null {
  const parts: string[] = [];
  if (received) parts.push(`monitor was interrupted (${received}) and passed it on to the command`);
  if (end.signal) parts.push(`the command was killed by ${end.signal}`);
  else if (end.code !== 0) parts.push(`the command failed (exit ${end.code})`);
  if (samplingError) parts.push(`sampling stopped early: ${samplingError}`);
  return parts.length ? parts.join('; ') : null;
}

/** Who was at the head of the queue, in the words an on-call DBA needs: pid, state, for how long, what. */
export function describeBlocker(b: Blocker): string {
  const age = b.transactionSeconds === null ? '' : ` for ${b.transactionSeconds.toFixed(1)} s`;
  return `pid ${b.pid}${b.application ? ` (${b.application})` : ''}, ${b.state || 'unknown state'}${age}: ${b.query}`;
}

const longest = <T>(items: T[], value: (t: T) => number): T | undefined => items.reduce<T | undefined>((best, t) => (best === undefined || value(t) > value(best) ? t : best), undefined);

function tableReport(table: string, spans: LockSpan[]): TableReport {
  const hold = longest(spans.filter((s) => s.granted && STRONG.has(s.mode)), (s) => s.held);
  const wait = longest(spans.filter((s) => s.waited > 0), (s) => s.waited);
  const own = spans.filter((s) => s.migration);
  const mine = longest(own.filter((s) => STRONG.has(s.mode)), (s) => s.waited + s.held) ?? longest(own.filter((s) => s.waited > 0), (s) => s.waited);
  return {
    table,
    longestHold: hold ? { seconds: hold.held, mode: hold.mode, query: hold.query } : null,
    longestWait: wait ? { seconds: wait.waited, waiter: wait.query, blockedBy: wait.blockers[0]?.query ?? '(unknown)', rootBlocker: wait.blockers[0] ?? null, heads: wait.blockers } : null,
    migration: mine ? { mode: mine.mode, waitedSeconds: mine.waited, heldSeconds: mine.held, blockedBy: mine.blockers[0] ?? null } : null,
  };
}

function summarize(spans: LockSpan[], threshold: number): { tables: TableReport[]; exceeded: string[] } {
  const names = [...new Set(spans.map((s) => s.table))].sort();
  const tables = names.map((name) => tableReport(name, spans.filter((s) => s.table === name))).filter((t) => t.longestHold || t.longestWait || t.migration);
  const exceeded: string[] = [];
  for (const t of tables) {
    const m = t.migration;
    if (m && m.waitedSeconds > threshold) {
      exceeded.push(`${t.table}: the migration queued ${m.waitedSeconds.toFixed(1)} s for ${m.mode} (over ${threshold} s), and every query on ${t.table} queued behind it; at the head: ${m.blockedBy ? describeBlocker(m.blockedBy) : 'unknown'}`);
    }
    if (t.longestHold && t.longestHold.seconds > threshold) exceeded.push(`${t.table}: ${t.longestHold.mode} held for ${t.longestHold.seconds.toFixed(1)} s (over ${threshold} s) by: ${t.longestHold.query}`);
    const w = t.longestWait;
    if (w && w.seconds > threshold && !(m && w.waiter === m.blockedBy?.query && m.waitedSeconds === w.seconds)) {
      const heads = w.heads.length ? w.heads.map(describeBlocker).join('; then ') : 'unknown';
      exceeded.push(`${t.table}: a session waited ${w.seconds.toFixed(1)} s (over ${threshold} s) to run \`${w.waiter}\`; at the head of the queue: ${heads}`);
    }
  }
  return { tables, exceeded };
}

const code = (text: string, max = 80): string => `\`${text.replace(/[`|\n]/g, ' ').slice(0, max)}\``;

function headline(report: MonitorReport): string {
  if (report.failure) return `## ⛔ Migration run on staging: ${report.failure}`;
  if (report.exceeded.length) return `## ⛔ Migration run on staging: ${report.exceeded.length} threshold${report.exceeded.length === 1 ? '' : 's'} crossed`;
  return `## ✅ Migration run on staging: nothing over ${report.thresholdSeconds} s`;
}

export function monitorMarkdown(report: MonitorReport): string {
  const rows = report.tables.map((t) => {
    const m = t.migration ? `queued ${t.migration.waitedSeconds.toFixed(1)} s, held ${t.migration.heldSeconds.toFixed(1)} s ${t.migration.mode}` : '—';
    const hold = t.longestHold ? `${t.longestHold.seconds.toFixed(1)} s ${t.longestHold.mode}` : '—';
    const wait = t.longestWait ? `${t.longestWait.seconds.toFixed(1)} s; head of the queue: ${t.longestWait.rootBlocker ? `pid ${t.longestWait.rootBlocker.pid} (${t.longestWait.rootBlocker.state}) ${code(t.longestWait.rootBlocker.query)}` : 'unknown'}` : '—';
    return `| ${t.table} | ${m} | ${hold} | ${wait} |`;
  });
  const ended = report.signal ? `was killed by ${report.signal}` : `exited ${report.exitCode}`;
  return [
    headline(report),
    '',
    `\`${report.command}\` ${ended} after ${report.seconds.toFixed(1)} s (${report.samples} samples).`,
    '',
    '| Table | The migration\'s lock | Longest write-blocking lock held | Longest wait on it |',
    '|---|---|---|---|',
    ...(rows.length ? rows : ['| — | — | — | — |']),
    '',
    `Replication lag: ${report.maxReplicationLagSeconds === null ? 'no replicas' : `${report.maxReplicationLagSeconds.toFixed(1)} s at most`}.`,
    ...(report.exceeded.length ? ['', 'Over the threshold — redesign before production:', ...report.exceeded.map((e) => `- ${e}`)] : []),
    '',
  ].join('\n');
}
