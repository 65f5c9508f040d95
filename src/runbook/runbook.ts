import type { ResolvedConfig } from '../config/schema.js';
import type { Finding, MigrationFile, Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { computeImpact, excerptOf } from '../core/impact.js';
import { finalize } from '../review/finalize.js';
import type { ReviewRun } from '../review/pipeline.js';
import { findingOf } from '../rules/finding.js';
import { Catalog } from '../sql/catalog.js';
import { locksTaken } from '../sql/locks.js';
import { expandStatements } from '../sql/expand.js';
import { parseSql } from '../sql/parse.js';
import { codeBlock, codeSpan, markdownText, tableCell, visibleControls } from '../render/escape.js';
import type { TraceReport } from '../render/trace.js';
import type { LockTrace, StatementTrace } from '../trace/trace.js';
import type { Statement } from '../sql/parse.js';
import type { MonitorReport } from './monitor.js';
import { probesFor, type Probe, type ProbeResult } from './probes.js';

/**
 * The production runbook for the change: per migration, the statements in order with their locks
 * (from the trace where it ran) and estimated durations, the pre-flight probes, what to watch and
 * when to act, the rollback and what it cannot bring back, and who to call. Markdown, for the PR
 * comment's Runbook section and `migration-review runbook`.
 */
export interface RunbookInput {
  review: Review & { trace?: TraceReport };
  discovery: Discovery;
  change: Set<string> | null;
  config: ResolvedConfig;
  /** Probe results from a database, when the runbook was made with one. */
  probeResults?: ProbeResult[];
  /** A `monitor --format json` report from a staging run: measured locks beat estimates. */
  staging?: MonitorReport;
}

/** Which findings carry a duration, and of what kind of work. */
const WORK: Record<string, 'index' | 'rewrite' | 'scan' | 'update'> = {
  'create-index-non-concurrently': 'index',
  'add-constraint-builds-index': 'index',
  'alter-column-type-rewrite': 'rewrite',
  'add-column-volatile-default': 'rewrite',
  'table-rewrite-traced': 'rewrite',
  'vacuum-full-or-cluster': 'rewrite',
  'check-without-not-valid': 'scan',
  'set-not-null-full-scan': 'scan',
  'foreign-key-locks-both-tables': 'scan',
  'unbatched-backfill': 'update',
};

/**
 * Names, paths, SQL and database messages come from the pull request: each is escaped for where
 * it lands (issue #17 item 11), so none of it becomes markup in the PR comment that carries this.
 */
const textCell = (text: string): string => tableCell(markdownText(text));
/** A fenced SQL block inside a list item: every line indented, the fence longer than any backtick run. */
const sqlBlock = (sql: string): string[] => codeBlock(sql, 'sql').split('\n').map((line) => `  ${line}`);

export function changedMigrations(discovery: Discovery, change: Set<string> | null): MigrationFile[] {
  return discovery.migrations.filter((m) => change === null || change.has(m.path)).sort((a, b) => (a.set === b.set ? a.order - b.order : a.set.localeCompare(b.set)));
}

export function allProbes(discovery: Discovery, change: Set<string> | null): Probe[] {
  return changedMigrations(discovery, change).flatMap((m) => probesFor(m.path, expandStatements(parseSql(m.upSql, m.upStartLine, m.chunks)).statements));
}

/** A data check that counted offending rows proves the statement fails there: a BLOCK, with the count. */
export function dataCheckFindings(results: ProbeResult[]): Finding[] {
  return results
    .filter((r) => r.count !== null && r.count > 0)
    .map((r) =>
      findingOf('data-check-fails', {
        messageId: 'fails',
        data: { count: r.count!.toLocaleString('en-US'), unit: r.kind === 'duplicates' ? 'duplicate groups' : 'rows', table: r.table, meaning: r.meaning },
        file: r.file,
        line: r.line,
        status: 'BLOCK',
        source: 'trace',
        table: r.table,
        evidence: r.sql,
      }),
    );
}

/**
 * The review with the data checks' verdicts: a check that counted offending rows is a
 * data-check-fails finding, put through the same policy pass (levels, `off`, acks) as every other.
 */
export function withDataChecks(run: ReviewRun, results: ProbeResult[]): Review {
  const added = dataCheckFindings(results);
  if (!added.length) return run.review;
  return finalize({ ...run.draft, findings: [...run.draft.findings, ...added] }, run.prepared.config);
}

export function renderRunbook(input: RunbookInput): string {
  const results = new Map((input.probeResults ?? []).map((r) => [`${r.file}:${r.line}:${r.sql}`, r]));
  const out: string[] = [];
  const tables = new Set<string>();
  // Locks by statement type only (no schema needed); the trace's are used wherever it ran.
  const catalog = new Catalog();
  for (const m of changedMigrations(input.discovery, input.change)) {
    const parsed = expandStatements(parseSql(m.upSql, m.upStartLine, m.chunks)).statements;
    out.push(...statementTable(m, parsed.filter((s) => !s.nested), input, catalog, tables), '');
    out.push(...dataChecks(probesFor(m.path, parsed), results));
    out.push('**Rollback:** ', rollback(m, input.review.findings), '');
  }
  return [...beforeAndWatch(input.config, tables), ...out].join('\n');
}

interface HeldLock {
  lock: LockTrace;
  since: number;
}

/** Per statement: its locks (the ones it takes, and those earlier statements of its transaction still hold), and its duration. */
function statementTable(m: MigrationFile, statements: Statement[], input: RunbookInput, catalog: Catalog, tables: Set<string>): string[] {
  const traced = input.review.trace?.files.find((f) => f.path === m.path);
  const out = [`#### ${codeSpan(m.path)}`, '', `${markdownText(`${m.framework}: ${m.txReason || m.txMode}`)}.`, '', '| Line | Statement | Locks | Estimated time |', '|---|---|---|---|'];
  let held: HeldLock[] = [];
  const attributed = new Set<string>();
  for (const s of statements) {
    const trace = traced?.statements.find((t) => t.line === s.line);
    const taken = trace?.locks.filter((l) => !l.isNew) ?? [];
    held = held.filter((h) => h.lock.heldUntilLine >= s.line);
    const carried = held.filter((h) => !taken.some((l) => l.relation === h.lock.relation));
    const locks = trace
      ? [...taken.map((l) => `${l.mode.replace(/Lock$/, '')} ${l.relation}${l.heldUntilLine > s.line ? ` (until line ${l.heldUntilLine})` : ''}`), ...carried.map((h) => `${h.lock.mode.replace(/Lock$/, '')} ${h.lock.relation} (held since line ${h.since})`)]
      : locksTaken(s, catalog).map((l) => `${l.mode} ${l.table} (static)`);
    const lockedTables = trace ? [...taken.map((l) => l.relation), ...carried.map((h) => h.lock.relation)] : locksTaken(s, catalog).map((l) => l.table);
    lockedTables.forEach((t) => tables.add(t));
    held.push(...taken.filter((l) => l.heldUntilLine > s.line).map((lock) => ({ lock, since: s.line })));
    const estimated = estimateFor(m, s, trace, locks.length > 0, input);
    const measured = measuredOnStaging(s, lockedTables, input.staging, attributed);
    const duration = measured.length ? `${measured.join('; ')} (estimate: ${estimated})` : estimated;
    out.push(`| ${s.line} | ${tableCell(codeSpan(excerptOf(s.text).split('\n')[0]!.slice(0, 80)))} | ${textCell(locks.join(', ') || '—')} | ${textCell(duration)} |`);
  }
  return [...out, ...unattributedStaging(input.staging, tables, attributed)];
}

/** The duration: a rule's estimate of the work, else what the trace saw (a rewrite, an error), else a catalog change. */
function estimateFor(m: MigrationFile, s: Statement, trace: StatementTrace | undefined, locks: boolean, input: RunbookInput): string {
  const timed = input.review.findings.find((f) => f.file === m.path && f.line === s.line && WORK[f.rule] && f.table);
  if (timed) return estimate(computeImpact(input.config, timed.table!, WORK[timed.rule]!, false));
  if (trace?.status === 'error') return `fails: ${trace.reason ?? ''}`;
  // The trace saw the table get new storage: the statement rewrote it, whatever the rules expected.
  const rewritten = trace?.rewrites.find((r) => !trace.locks.some((l) => l.relation === r && l.isNew));
  if (rewritten) return `rewrites ${rewritten} (traced): ${estimate(computeImpact(input.config, bareName(rewritten), 'rewrite', false))}`;
  return locks ? 'seconds at most (catalog change; waits for the lock first)' : '—';
}

const bareName = (relation: string): string => relation.replace(/"/g, '').replace(/^public\./, '');
const normalized = (sql: string): string => sql.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * What the staging run measured for this statement: a table's longest hold belongs to the statement
 * that was running when it was seen (the monitor records the session's query), never to every
 * statement on the table.
 */
function measuredOnStaging(s: Statement, tables: string[], staging: MonitorReport | undefined, attributed: Set<string>): string[] {
  const text = normalized(s.text).slice(0, 80);
  return tables.flatMap((t) => {
    const report = staging?.tables.find((r) => r.table === bareName(t));
    const hold = report?.longestHold;
    if (!hold || attributed.has(report.table) || !normalized(hold.query).includes(text)) return [];
    attributed.add(report.table);
    const own = report.migration ? ` after queueing ${report.migration.waitedSeconds.toFixed(1)} s` : '';
    return [`staging: ${hold.mode.replace(/Lock$/, '')} on ${t} held ${hold.seconds.toFixed(1)} s${own}`];
  });
}

/** Staging measurements no statement could be matched to (a file sent as one query string): said once, per table. */
function unattributedStaging(staging: MonitorReport | undefined, tables: Set<string>, attributed: Set<string>): string[] {
  const rest = (staging?.tables ?? []).filter((r) => r.longestHold && !attributed.has(r.table) && [...tables].some((t) => bareName(t) === r.table));
  for (const r of rest) attributed.add(r.table);
  return rest.length ? ['', ...rest.map((r) => `Measured on staging: ${r.longestHold!.mode.replace(/Lock$/, '')} on ${r.table} held ${r.longestHold!.seconds.toFixed(1)} s by ${codeSpan(visibleControls(r.longestHold!.query.slice(0, 80)))}${r.migration ? `, after queueing ${r.migration.waitedSeconds.toFixed(1)} s` : ''}.`)] : [];
}

function dataChecks(probes: Probe[], results: Map<string, ProbeResult>): string[] {
  if (!probes.length) return [];
  const out = ['**Pre-flight — data checks** (read-only; each must return 0):', ''];
  for (const p of probes) {
    const result = results.get(`${p.file}:${p.line}:${p.sql}`);
    const verdict = !result ? '' : result.count === null ? ` — ⚠️ could not run: ${markdownText(result.error ?? '')}` : result.count > 0 ? ` — ⛔ **${result.count.toLocaleString('en-US')}** ${p.kind === 'duplicates' ? 'duplicate groups' : 'rows'}` : ' — ✅ 0';
    out.push(`- line ${p.line}, ${markdownText(`${p.table}: rows that ${p.meaning}`)}${verdict}`, '', ...sqlBlock(visibleControls(p.sql)), '');
  }
  return out;
}

function beforeAndWatch(config: ResolvedConfig, tables: Set<string>): string[] {
  // A line break in a name would end the list item its SQL block sits in.
  const list = [...tables].map((t) => `'${visibleControls(t).replace(/'/g, "''")}'::regclass`).join(', ') || "'<table>'::regclass";
  return [
    '**Before you start**',
    '',
    `- No long transaction on the tables (a migration waits behind it, and traffic queues behind the migration):`,
    '',
    '  ```sql',
    `  SELECT pid, now() - xact_start AS running_for, state, left(query, 60) AS query FROM pg_stat_activity WHERE xact_start < now() - interval '1 minute' ORDER BY xact_start;`,
    '  ```',
    '- Run the data checks below against production (read-only) and stop on any non-zero count.',
    '',
    '**Watch while it runs — act at these thresholds**',
    '',
    `- A lock on the migrated tables held, or waited for, longer than **${config.runbook.lockAlertSeconds} s**: every query on the table queues behind it. Locks on the tables, granted or waiting:`,
    '',
    ...sqlBlock(watchLocksSql(list, config.postgres)),
    '',
    '  Who blocks whom, and the action that works on the blocker. If the migration is the one waiting, end what it waits behind (or cancel the migration and reschedule); if the migration holds the lock too long, cancel the migration: `SELECT pg_cancel_backend(<its pid>)`. A session *idle in transaction* holds its locks until it ends: `pg_cancel_backend` does nothing to it, only `pg_terminate_backend` releases them.',
    '',
    '  ```sql',
    `  ${BLOCKERS_SQL}`,
    '  ```',
    `- Replication lag above **${config.runbook.replicationLagAlertSeconds} s**: pause the backfill (or stop the migration) until replicas catch up.`,
    '',
    '  ```sql',
    `  SELECT client_addr, state, replay_lag FROM pg_stat_replication WHERE replay_lag > interval '${config.runbook.replicationLagAlertSeconds} seconds';`,
    '  ```',
    '',
    `**Who to call:** ${config.runbook.contacts.length ? config.runbook.contacts.join('; ') : 'no contacts configured (`runbook.contacts` in .github/migration-review.yml)'}.`,
    '',
  ];
}

/** Every lock on the migrated tables — granted (how long its transaction has run) and waiting (for how long). */
export function watchLocksSql(tables: string, postgres: number): string {
  // pg_locks.waitstart is PostgreSQL 14+; before, the waiting statement's start is the closest.
  const waitStart = postgres >= 14 ? 'coalesce(l.waitstart, a.query_start)' : 'a.query_start';
  return `SELECT l.pid, l.relation::regclass AS tbl, l.mode, l.granted, CASE WHEN l.granted THEN now() - a.xact_start END AS in_transaction_for, CASE WHEN NOT l.granted THEN now() - ${waitStart} END AS waiting_for, a.state, left(a.query, 60) AS query FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation IN (${tables}) ORDER BY l.granted, l.pid;`;
}

/** Each waiting session with each session blocking it (pg_blocking_pids), and the call that frees it given the blocker's state. */
export const BLOCKERS_SQL = `SELECT w.pid AS waiting_pid, left(w.query, 40) AS waiting_query, b.pid AS blocker_pid, b.state AS blocker_state, now() - b.xact_start AS blocker_in_transaction_for, left(b.query, 40) AS blocker_query, CASE WHEN b.state LIKE 'idle in transaction%' THEN format('SELECT pg_terminate_backend(%s);', b.pid) ELSE format('SELECT pg_cancel_backend(%s);', b.pid) END AS action FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) JOIN pg_stat_activity b ON b.pid = blocker.pid WHERE w.wait_event_type = 'Lock' ORDER BY w.pid, b.pid;`;

function estimate(impact: ReturnType<typeof computeImpact>): string {
  return impact.rows === null ? `unknown: ${impact.duration}` : `${impact.duration} on ${impact.size}`;
}

/** What a data-loss finding says is lost, in a few words: its first clause, without the "Verify: … —" lead. */
function lossOf(finding: Finding): string {
  return finding.message.replace(/^Verify: .*? — /, '').split(/: |; |\. /)[0]!.replace(/\.$/, '');
}

function rollback(m: MigrationFile, findings: Finding[]): string {
  const lost = findings.filter((f) => f.file === m.path && (f.category === 'data_loss' || f.rule === 'irreversible-down'));
  const broken = findings.find((f) => f.rule === 'rollback-does-not-restore' && (f.file === m.down?.path || f.file === m.path));
  if (!m.down) return m.expectsDown ? 'there is no down migration: recovery is a forward fix or a restore from backup. Write the down before shipping.' : `${m.framework} has no down migrations: plan the forward fix (or the restore) before shipping.`;
  const parts = [`run ${codeSpan(m.down.path)}:`, '', codeBlock(excerptOf(m.down.sql), 'sql')];
  if (lost.length) parts.push('', `It cannot bring back: ${markdownText(lost.map(lossOf).join('; '))}.`);
  if (broken) parts.push('', `⚠️ The trace ran it: ${markdownText(broken.message)}`);
  return parts.join('\n');
}
