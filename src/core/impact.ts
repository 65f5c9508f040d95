import type { ResolvedConfig } from '../config/schema.js';
import { STATUS_RANK, type Category, type Finding, type Status } from './types.js';
import { formatDuration, formatRows } from '../sql/pgfacts.js';

/**
 * How long work over a whole table takes, from the configured sizes and throughputs. Shared by the
 * rules, the trace's reconciliation, the runbook and Claude's prompt, none of which should need
 * the others to estimate.
 */

export type WorkKind = 'index' | 'rewrite' | 'scan' | 'update';

export interface TableImpact {
  table: string;
  /** PASS: small or new table; FLAG: unknown size; BLOCK: estimated above the threshold. */
  status: 'PASS' | 'FLAG' | 'BLOCK';
  rows: number | null;
  seconds: number | null;
  /** "80M rows" or "unknown size". */
  size: string;
  /** "~25 min", or the rate when the size is unknown. */
  duration: string;
  /** Writes that queue while the lock is held, when writesPerSecond is configured. */
  queuedWrites: string;
  isNew: boolean;
}

export interface TableStats {
  rows: number;
  writesPerSecond?: number;
  avgRowBytes?: number;
}

const RATE: Record<WorkKind, keyof ResolvedConfig['estimates']> = {
  index: 'indexRowsPerSecond',
  rewrite: 'rewriteRowsPerSecond',
  scan: 'scanRowsPerSecond',
  update: 'updateRowsPerSecond',
};

const VERB: Record<WorkKind, string> = { index: 'build', rewrite: 'rewrite', scan: 'scan', update: 'update' };

/** The configured size of a table, looked up schema-qualified or not. */
export function tableStats(config: ResolvedConfig, table: string): TableStats | undefined {
  const plain = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
  return config.tables.get(table.toLowerCase()) ?? config.tables.get(plain.toLowerCase()) ?? config.tables.get(`public.${plain.toLowerCase()}`);
}

export function computeImpact(config: ResolvedConfig, table: string, kind: WorkKind, isNew: boolean): TableImpact {
  const rate = config.estimates[RATE[kind]];
  if (isNew) return { table, status: 'PASS', rows: 0, seconds: 0, size: 'new in this change', duration: 'no time', queuedWrites: '', isNew };
  const stats = tableStats(config, table);
  if (!stats) {
    const per10M = formatDuration(10_000_000 / rate).replace(/^~/, '');
    return {
      table,
      status: 'FLAG',
      rows: null,
      seconds: null,
      size: 'unknown size',
      duration: `as long as it takes to ${VERB[kind]} every row (about ${per10M} per 10M rows)`,
      queuedWrites: '',
      isNew,
    };
  }
  const seconds = stats.rows / rate;
  const small = stats.rows <= config.thresholds.smallTableRows;
  // JUDGMENT.md principle 1: past the time threshold, or at bigTableRows whatever the estimate says.
  const status = small ? 'PASS' : seconds > config.thresholds.lockSeconds || stats.rows >= config.thresholds.bigTableRows ? 'BLOCK' : 'PASS';
  const queued = stats.writesPerSecond ? Math.round(stats.writesPerSecond * seconds) : 0;
  return {
    table,
    status,
    rows: stats.rows,
    seconds,
    size: formatRows(stats.rows),
    duration: formatDuration(seconds),
    queuedWrites: queued ? ` (~${queued.toLocaleString('en-US')} writes queue behind it at ${stats.writesPerSecond}/s)` : '',
    isNew,
  };
}

/**
 * What a one-shot rewrite or backfill means for replicas (JUDGMENT.md, replication_lag): BLOCK at
 * tens of millions of rows (bigTableRows) or past replicationLagBlockSeconds of replay, FLAG past
 * replicationLagSeconds or at an unknown size, otherwise no replication risk at all. The lock the
 * same statement holds is judged by lockSeconds, so one finding can be a BLOCK for lock_contention
 * and a FLAG here.
 */
export function replicationLagStatus(config: ResolvedConfig, impact: TableImpact): Status {
  if (impact.isNew) return 'PASS';
  if (impact.rows === null || impact.seconds === null) return 'FLAG';
  const { bigTableRows, replicationLagSeconds, replicationLagBlockSeconds } = config.thresholds;
  if (impact.rows >= bigTableRows || impact.seconds > replicationLagBlockSeconds) return 'BLOCK';
  return impact.seconds > replicationLagSeconds ? 'FLAG' : 'PASS';
}

/**
 * The categories (and per-category statuses) of a finding about `impact` whose categories include
 * replication_lag next to another primary: replication_lag is dropped when the work is no
 * replication risk, and counted at its own, lower status when it is less than the finding's.
 */
export function withReplicationLag(
  config: ResolvedConfig,
  impact: TableImpact,
  categories: Category[],
  status: Status,
): { categories: Category[]; categoryStatus?: Finding['categoryStatus'] } {
  if (categories[0] === 'replication_lag' || !categories.includes('replication_lag')) return { categories };
  const lag = replicationLagStatus(config, impact);
  if (lag === 'PASS') return { categories: categories.filter((c) => c !== 'replication_lag') };
  return STATUS_RANK[lag] < STATUS_RANK[status] ? { categories, categoryStatus: { replication_lag: lag } } : { categories };
}

/** At most 6 lines and 400 characters of the statement, enough to recognise it. */
export function excerptOf(sql: string): string {
  const lines = sql.trim().split('\n');
  let text = lines.slice(0, 6).join('\n');
  if (text.length > 400) text = `${text.slice(0, 399)}…`;
  else if (lines.length > 6) text += '\n…';
  return text;
}
