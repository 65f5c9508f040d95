import type { ResolvedConfig } from '../config/schema.js';
import type { Finding, MigrationFile, Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { computeImpact, excerptOf } from '../core/impact.js';
import { Catalog } from '../sql/catalog.js';
import { locksTaken } from '../sql/locks.js';
import { expandStatements } from '../sql/expand.js';
import { parseSql } from '../sql/parse.js';
import { codeBlock, codeSpan, markdownText, tableCell, visibleControls } from '../render/escape.js';
import type { TraceReport } from '../render/trace.js';
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

export function renderRunbook(input: RunbookInput): string {
  const { review, config } = input;
  const migrations = changedMigrations(input.discovery, input.change);
  const results = new Map((input.probeResults ?? []).map((r) => [`${r.file}:${r.line}:${r.sql}`, r]));
  const out: string[] = [];
  const tables = new Set<string>();
  // Locks by statement type only (no schema needed); the trace's are used wherever it ran.
  const catalog = new Catalog();
  for (const m of migrations) {
    const parsed = expandStatements(parseSql(m.upSql, m.upStartLine, m.chunks)).statements;
    const statements = parsed.filter((s) => !s.nested);
    const traced = review.trace?.files.find((f) => f.path === m.path);
    out.push(`#### ${codeSpan(m.path)}`, '', `${markdownText(`${m.framework}: ${m.txReason || m.txMode}`)}.`, '', '| Line | Statement | Locks | Estimated time |', '|---|---|---|---|');
    for (const s of statements) {
      const trace = traced?.statements.find((t) => t.line === s.line);
      const locks = trace?.locks.filter((l) => !l.isNew).map((l) => `${l.mode.replace(/Lock$/, '')} ${l.relation}${l.heldUntilLine > s.line ? ` (until line ${l.heldUntilLine})` : ''}`) ?? locksTaken(s, catalog).map((l) => `${l.mode} ${l.table} (static)`);
      for (const l of trace?.locks ?? []) if (!l.isNew) tables.add(l.relation);
      for (const l of trace ? [] : locksTaken(s, catalog)) tables.add(l.table);
      const timed = review.findings.find((f) => f.file === m.path && f.line === s.line && WORK[f.rule] && f.table);
      const estimated = timed ? estimate(timed, config) : trace?.status === 'error' ? `fails: ${trace.reason ?? ''}` : locks.length ? 'seconds at most (catalog change; waits for the lock first)' : '—';
      const lockedTables = trace ? trace.locks.filter((l) => !l.isNew).map((l) => l.relation) : locksTaken(s, catalog).map((l) => l.table);
      const measured = lockedTables.flatMap((t) => {
        const report = input.staging?.tables.find((r) => r.table === t.replace(/^public\./, ''));
        return report?.longestHold ? [`staging: ${report.longestHold.mode.replace(/Lock$/, '')} on ${t} held ${report.longestHold.seconds.toFixed(1)} s`] : [];
      });
      const duration = measured.length ? `${measured.join('; ')} (estimate: ${estimated})` : estimated;
      out.push(`| ${s.line} | ${tableCell(codeSpan(excerptOf(s.text).split('\n')[0]!.slice(0, 80)))} | ${textCell(locks.join(', ') || '—')} | ${textCell(duration)} |`);
    }
    out.push('');
    const probes = probesFor(m.path, parsed);
    if (probes.length) {
      out.push('**Pre-flight — data checks** (read-only; each must return 0):', '');
      for (const p of probes) {
        const result = results.get(`${p.file}:${p.line}:${p.sql}`);
        const verdict = !result ? '' : result.count === null ? ` — ⚠️ could not run: ${markdownText(result.error ?? '')}` : result.count > 0 ? ` — ⛔ **${result.count.toLocaleString('en-US')}** ${p.kind === 'duplicates' ? 'duplicate groups' : 'rows'}` : ' — ✅ 0';
        out.push(`- line ${p.line}, ${markdownText(`${p.table}: rows that ${p.meaning}`)}${verdict}`, '', ...sqlBlock(visibleControls(p.sql)), '');
      }
    }
    out.push('**Rollback:** ', rollback(m, review.findings), '');
  }
  // A line break in a name would end the list item its SQL block sits in.
  const list = [...tables].map((t) => `'${visibleControls(t).replace(/'/g, "''")}'::regclass`).join(', ') || "'<table>'::regclass";
  out.unshift(
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
    `- A lock on the migrated tables held longer than **${config.runbook.lockAlertSeconds} s**, or queries queueing behind it: cancel the migration (\`SELECT pg_cancel_backend(<pid>)\`) and reschedule.`,
    '',
    ...sqlBlock(
      `SELECT a.pid, now() - a.xact_start AS held_for, l.mode, l.relation::regclass AS tbl, (SELECT count(*) FROM pg_stat_activity w WHERE w.wait_event_type = 'Lock') AS waiting FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation IN (${list}) AND l.granted AND now() - a.xact_start > interval '${config.runbook.lockAlertSeconds} seconds';`,
    ),
    `- Replication lag above **${config.runbook.replicationLagAlertSeconds} s**: pause the backfill (or stop the migration) until replicas catch up.`,
    '',
    '  ```sql',
    `  SELECT client_addr, state, replay_lag FROM pg_stat_replication WHERE replay_lag > interval '${config.runbook.replicationLagAlertSeconds} seconds';`,
    '  ```',
    '',
    `**Who to call:** ${config.runbook.contacts.length ? config.runbook.contacts.join('; ') : 'no contacts configured (`runbook.contacts` in .github/migration-review.yml)'}.`,
    '',
  );
  return out.join('\n');
}

function estimate(finding: Finding, config: ResolvedConfig): string {
  const impact = computeImpact(config, finding.table!, WORK[finding.rule]!, false);
  return impact.rows === null ? `unknown: ${impact.duration}` : `${impact.duration} on ${impact.size}`;
}

function rollback(m: MigrationFile, findings: Finding[]): string {
  const lost = findings.filter((f) => f.file === m.path && (f.category === 'data_loss' || f.rule === 'irreversible-down'));
  const broken = findings.find((f) => f.rule === 'rollback-does-not-restore' && (f.file === m.down?.path || f.file === m.path));
  if (!m.down) return m.expectsDown ? 'there is no down migration: recovery is a forward fix or a restore from backup. Write the down before shipping.' : `${m.framework} has no down migrations: plan the forward fix (or the restore) before shipping.`;
  const parts = [`run ${codeSpan(m.down.path)}:`, '', codeBlock(excerptOf(m.down.sql), 'sql')];
  if (lost.length) parts.push('', `It cannot bring back: ${markdownText(lost.map((f) => f.message.split(': ')[0]).join('; '))}.`);
  if (broken) parts.push('', `⚠️ The trace ran it: ${markdownText(broken.message)}`);
  return parts.join('\n');
}
