import { spawn } from 'node:child_process';
import pg from 'pg';

/**
 * `migration-review monitor --database-url <staging> -- <command>`: runs the command that applies
 * the migrations and samples pg_locks, pg_stat_activity and pg_stat_replication every ~250 ms.
 * Per table: the longest write-blocking lock held, and the longest wait anyone spent on it (and
 * who made them wait); the worst replication lag. Anything over the threshold (5 s by default,
 * the seed's staging rule) is reported, and the exit code says so.
 */
export interface MonitorOptions {
  databaseUrl: string;
  command: string[];
  intervalMs?: number;
  thresholdSeconds?: number;
  /** Where the command's own output goes (default: our stderr, keeping stdout for the report). */
  output?: NodeJS.WritableStream;
}

export interface TableReport {
  table: string;
  /** Longest write-blocking lock held on it, by whom. */
  longestHold: { seconds: number; mode: string; query: string } | null;
  /** Longest time a session waited for a lock on it, and the query it waited behind. */
  longestWait: { seconds: number; waiter: string; blockedBy: string } | null;
}

export interface MonitorReport {
  command: string;
  exitCode: number | null;
  seconds: number;
  samples: number;
  thresholdSeconds: number;
  tables: TableReport[];
  maxReplicationLagSeconds: number | null;
  /** Sentences for everything over the threshold. */
  exceeded: string[];
}

const STRONG = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);

const SAMPLE = `
  SELECT l.pid, c.relname AS rel, l.mode, l.granted,
         extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::float8 AS age,
         extract(epoch FROM now() - a.state_change)::float8 AS waiting_for,
         left(a.query, 200) AS query,
         (SELECT left(b.query, 200) FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(l.pid))[1]) AS blocker
  FROM pg_locks l
  JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND l.pid <> pg_backend_pid()
    AND a.datname = current_database()`;

export async function monitor(options: MonitorOptions): Promise<MonitorReport> {
  const intervalMs = options.intervalMs ?? 250;
  const threshold = options.thresholdSeconds ?? 5;
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'migration-review-monitor' });
  await client.connect();
  const tables = new Map<string, TableReport>();
  let maxLag = null as number | null;
  let samples = 0;
  const started = Date.now();
  const table = (name: string): TableReport => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { table: name, longestHold: null, longestWait: null }));
    return t;
  };
  const sample = async (): Promise<void> => {
    const { rows } = await client.query<{ rel: string; mode: string; granted: boolean; age: number; waiting_for: number; query: string; blocker: string | null }>(SAMPLE);
    for (const row of rows) {
      const t = table(row.rel);
      if (row.granted && STRONG.has(row.mode) && (!t.longestHold || row.age > t.longestHold.seconds)) t.longestHold = { seconds: row.age, mode: row.mode, query: row.query };
      if (!row.granted && (!t.longestWait || row.waiting_for > t.longestWait.seconds)) t.longestWait = { seconds: row.waiting_for, waiter: row.query, blockedBy: row.blocker ?? '(unknown)' };
    }
    const lag = await client.query<{ lag: number | null }>('SELECT max(extract(epoch FROM replay_lag))::float8 AS lag FROM pg_stat_replication');
    const value = lag.rows[0]?.lag ?? null;
    if (value !== null) maxLag = Math.max(maxLag ?? 0, value);
    samples++;
  };

  const child = spawn(options.command[0]!, options.command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const out = options.output ?? process.stderr;
  child.stdout.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => out.write(chunk));
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (error) => {
      out.write(`migration-review monitor: cannot run ${options.command[0]}: ${error.message}\n`);
      resolve(127);
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  try {
    while (!done) {
      const tick = Date.now();
      await sample();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - tick))));
    }
    await sample(); // what the command left behind (an open transaction, say)
  } finally {
    await client.end();
  }
  const exitCode = await exited;
  const list = [...tables.values()].filter((t) => t.longestHold || t.longestWait).sort((a, b) => a.table.localeCompare(b.table));
  const exceeded: string[] = [];
  for (const t of list) {
    if (t.longestHold && t.longestHold.seconds > threshold) exceeded.push(`${t.table}: ${t.longestHold.mode} held for ${t.longestHold.seconds.toFixed(1)} s (over ${threshold} s) by: ${t.longestHold.query}`);
    if (t.longestWait && t.longestWait.seconds > threshold) exceeded.push(`${t.table}: a session waited ${t.longestWait.seconds.toFixed(1)} s (over ${threshold} s) behind: ${t.longestWait.blockedBy}`);
  }
  const lag = maxLag as number | null;
  if (lag !== null && lag > 60) exceeded.push(`replication lag reached ${lag.toFixed(0)} s`);
  return { command: options.command.join(' '), exitCode, seconds: (Date.now() - started) / 1000, samples, thresholdSeconds: threshold, tables: list, maxReplicationLagSeconds: maxLag, exceeded };
}

export function monitorMarkdown(report: MonitorReport): string {
  const rows = report.tables.map(
    (t) => `| ${t.table} | ${t.longestHold ? `${t.longestHold.seconds.toFixed(1)} s ${t.longestHold.mode}` : '—'} | ${t.longestWait ? `${t.longestWait.seconds.toFixed(1)} s behind \`${t.longestWait.blockedBy.replace(/[`|]/g, ' ').slice(0, 80)}\`` : '—'} |`,
  );
  return [
    `## ${report.exceeded.length ? '⛔' : '✅'} Migration run on staging: ${report.exceeded.length ? `${report.exceeded.length} threshold${report.exceeded.length === 1 ? '' : 's'} crossed` : `nothing over ${report.thresholdSeconds} s`}`,
    '',
    `\`${report.command}\` exited ${report.exitCode} after ${report.seconds.toFixed(1)} s (${report.samples} samples).`,
    '',
    '| Table | Longest write-blocking lock | Longest wait on it |',
    '|---|---|---|',
    ...(rows.length ? rows : ['| — | — | — |']),
    '',
    `Replication lag: ${report.maxReplicationLagSeconds === null ? 'no replicas' : `${report.maxReplicationLagSeconds.toFixed(1)} s at most`}.`,
    ...(report.exceeded.length ? ['', 'Over the threshold — redesign before production:', ...report.exceeded.map((e) => `- ${e}`)] : []),
    '',
  ].join('\n');
}
