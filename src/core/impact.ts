import type { ResolvedConfig } from '../config/schema.js';
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

/** At most 6 lines and 400 characters of the statement, enough to recognise it. */
export function excerptOf(sql: string): string {
  const lines = sql.trim().split('\n');
  let text = lines.slice(0, 6).join('\n');
  if (text.length > 400) text = `${text.slice(0, 399)}…`;
  else if (lines.length > 6) text += '\n…';
  return text;
}
