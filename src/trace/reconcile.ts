import type { ResolvedConfig } from '../config/schema.js';
import type { Category, Finding } from '../core/types.js';
import { computeImpact, excerptOf } from '../core/impact.js';
import { findingOf as createFindingOf } from '../rules/finding.js';
import { LOCK_STRENGTH } from './lock-modes.js';
import type { StatementTrace, TraceResult } from './trace.js';

/**
 * Static rules guess; the trace knows. A rule's finding the trace confirms carries the evidence;
 * one it disproves (no rewrite where a rule expected one) is dropped and listed with the evidence;
 * what only the trace saw (an unexpected rewrite, an error, a down that does not restore) becomes
 * a finding with `source: "trace"`. The trace never lowers a finding it did not test.
 */

/** Rules whose claim is "this statement rewrites the table". */
const REWRITE_CLAIMS = new Set(['alter-column-type-rewrite', 'add-column-volatile-default', 'vacuum-full-or-cluster']);
/** Rules whose claim is a lock of at least this mode on the finding's table. */
const LOCK_CLAIMS: Record<string, string> = {
  'create-index-non-concurrently': 'ShareLock',
  'foreign-key-locks-both-tables': 'ShareRowExclusiveLock',
  'drop-index-non-concurrently': 'AccessExclusiveLock',
  'add-constraint-builds-index': 'AccessExclusiveLock',
  'check-without-not-valid': 'AccessExclusiveLock',
  'set-not-null-full-scan': 'AccessExclusiveLock',
  'missing-lock-timeout': 'ShareLock',
  'multiple-strong-locks': 'ShareLock',
  'alter-column-type-rewrite': 'AccessExclusiveLock',
};
/**
 * Errors that say an object does not exist (undefined table, column, function, type, schema).
 * When the earlier migrations do not create it, it may well come from outside them (a schema
 * dump, an extension, another service): the trace asks instead of blocking.
 */
const MISSING_OBJECT = new Set(['42P01', '42703', '42704', '42883', '3F000', '42P02']);

/** Rules whose claim is "this statement fails", with the SQLSTATEs that prove them right. */
const FAILURE_CLAIMS: Record<string, string[]> = {
  'concurrently-in-transaction': ['25001'],
  'enum-value-used-before-commit': ['55P04'],
  'add-column-not-null-without-default': ['23502'],
  'set-not-null-existing-data': ['23502'],
  'unique-on-existing-data': ['23505'],
  'narrowing-type-change': ['22001', '22003', '22P02', '22007', '22008'],
  'syntax-error': ['42601'],
};

export interface Disproved {
  rule: string;
  file: string;
  line: number;
  evidence: string;
}

export interface Reconciled {
  findings: Finding[];
  disproved: Disproved[];
}

const bare = (name: string): string =>
  name
    .replace(/^public\./, '')
    .replace(/"/g, '')
    .toLowerCase();
const strength = (mode: string): number => LOCK_STRENGTH.indexOf(mode);

/** Levels, `off` and acks are not applied here: the policy pass does that for every source. */
export function reconcile(findings: Finding[], trace: TraceResult, config: ResolvedConfig): Reconciled {
  const traceFinding = findingOf;
  const byLine = new Map<string, StatementTrace>();
  for (const file of trace.files) for (const s of file.statements) byLine.set(`${s.file}:${s.line}`, s);
  const out: Finding[] = [];
  const disproved: Disproved[] = [];
  const explainedErrors = new Set<string>();
  const explainedRewrites = new Set<string>();

  for (const finding of findings) {
    const statement = finding.source === 'rule' ? byLine.get(`${finding.file}:${finding.line}`) : undefined;
    if (!statement) {
      out.push(finding);
      continue;
    }
    const key = `${statement.file}:${statement.line}`;
    const table = finding.table ? bare(finding.table) : null;
    if (statement.status === 'error') {
      if (FAILURE_CLAIMS[finding.rule]?.includes(statement.code ?? '')) {
        explainedErrors.add(key);
        out.push({ ...finding, evidence: `PostgreSQL rejected it — ${statement.reason}${statement.code ? ` (SQLSTATE ${statement.code})` : ''}` });
      } else out.push(finding);
      continue;
    }
    if (statement.status !== 'ok') {
      out.push(finding);
      continue;
    }
    const rewritten = statement.rewrites.map(bare);
    const rewriteClaim = REWRITE_CLAIMS.has(finding.rule) || (finding.rule === 'long-write-replication-lag' && statement.type === 'AlterTableStmt');
    if (rewriteClaim && table) {
      if (rewritten.includes(table)) {
        // The lock rules own the rewrite; the replication-lag rule only adds the WAL view of it.
        if (REWRITE_CLAIMS.has(finding.rule)) explainedRewrites.add(`${key}|${table}`);
        out.push({ ...finding, evidence: `${table} was rewritten (pg_class.relfilenode changed)` });
      } else if (statement.untrusted?.length) {
        // The migration tried to steer the read-back: what it shows cannot lower a finding.
        out.push(finding);
      } else if (/timestamp(?: without time zone)? → timestamptz|timestamptz → timestamp/.test(finding.message)) {
        // Since PostgreSQL 12 this conversion skips the rewrite only when the session TimeZone is
        // UTC: true in the trace, not necessarily where the migration runs. Lower, do not drop.
        out.push({
          ...finding,
          status: 'FLAG',
          message: `Verify: the session TimeZone is UTC when this runs — ${finding.message}`,
          evidence: `no rewrite with TimeZone UTC (PostgreSQL 12+ skips it only then)`,
        });
      } else {
        disproved.push({ rule: finding.rule, file: finding.file, line: finding.line, evidence: `${table} kept its storage (same relfilenode) — no rewrite` });
      }
      continue;
    }
    const claimed = LOCK_CLAIMS[finding.rule];
    const lock = claimed && table ? statement.locks.find((l) => bare(l.relation) === table && strength(l.mode) >= strength(claimed)) : undefined;
    if (lock) {
      // Every table the statement locked that hard (a foreign key locks both of its tables).
      const others = statement.locks.filter((l) => l !== lock && !l.isNew && l.mode === lock.mode).map((l) => bare(l.relation));
      const span = lock.heldUntilFile
        ? `, held until ${lock.heldUntilFile}:${lock.heldUntilLine} commits (${lock.heldForStatements} statements: one transaction for all pending migrations)`
        : lock.heldUntilLine > statement.line
          ? `, held until line ${lock.heldUntilLine} (${lock.heldForStatements} statements)`
          : '';
      out.push({ ...finding, evidence: `${lock.mode} on ${[table, ...others].join(' and ')}${span}` });
      continue;
    }
    out.push(finding);
  }

  for (const file of trace.files) {
    if (file.skipped) {
      // A file the review could not parse already carries its FLAG, and files after a failure in
      // one transaction around all pending migrations share that failure's finding: one is enough.
      const explained =
        file.skipped.startsWith('not run: an earlier migration failed') ||
        findings.some((f) => f.file === file.path && (f.rule === 'too-large-to-review' || f.rule === 'syntax-error'));
      if (!explained) {
        out.push(traceFinding('not-traced', 'skipped', file.path, 1, { reason: file.skipped }, 'FLAG'));
      }
      continue;
    }
    for (const statement of file.statements) {
      const key = `${statement.file}:${statement.line}`;
      if (statement.status === 'refused')
        out.push(
          traceFinding('not-traced', 'refused', statement.file, statement.line, { reason: statement.reason!.replace(/^not run in the trace: /, '') }, 'FLAG'),
        );
      if (statement.status === 'killed') {
        const limit = statement.limit ?? 'the limit';
        out.push(traceFinding('not-traced', statement.stoppedBy === 'memory' ? 'outOfMemory' : 'stopped', statement.file, statement.line, { limit }, 'BLOCK'));
      }
      // Cut short by the trace's own budget or a broken engine: one FLAG, at the first statement it left untraced.
      const cutShort = (s: StatementTrace): boolean => s.status === 'skipped' && (s.stoppedBy === 'budget' || s.stoppedBy === 'engine');
      if (cutShort(statement) && file.statements.find(cutShort) === statement) {
        const cause = statement.stoppedBy === 'budget' ? `the trace was cut short by its own time budget (${statement.limit ?? 'its total limit'})` : statement.reason!.replace(/^not traced: /, '');
        out.push(traceFinding('not-traced', 'skipped', statement.file, statement.line, { reason: `from line ${statement.line} on, ${cause}, which says nothing about the migration` }, 'FLAG'));
      }
      if (statement.status === 'error' && !explainedErrors.has(key) && MISSING_OBJECT.has(statement.code ?? '')) {
        out.push(traceFinding('not-traced', 'missing', statement.file, statement.line, { reason: statement.reason ?? 'an object is missing' }, 'FLAG'));
        continue;
      }
      if (statement.status === 'error' && !explainedErrors.has(key)) {
        const category: Category = statement.code?.startsWith('23') ? 'constraint_validation' : 'lock_contention';
        const first = file.statements.find((s) => s.status !== 'refused') === statement;
        const effect =
          statement.inTransaction || file.txMode === 'per-file' || file.txMode === 'all-pending'
            ? ' and the whole migration rolls back'
            : first
              ? ''
              : ', with the statements before it already applied';
        const failure = traceFinding(
          'migration-fails-traced',
          'fails',
          statement.file,
          statement.line,
          { reason: statement.reason ?? 'error', code: statement.code ?? '?', effect },
          'BLOCK',
          category,
        );
        // Some earlier statements could not be replayed here: the embedded schema may differ from
        // production's, so the failure is a question, not a verdict.
        const skipped = trace.base.skipped.length;
        out.push(
          skipped
            ? {
                ...failure,
                status: 'FLAG',
                message: `Verify: it runs against the production schema (${skipped} earlier statement${skipped === 1 ? '' : 's'} could not be replayed in the trace) — ${failure.message}`,
              }
            : failure,
        );
      }
      for (const relation of statement.status === 'ok' ? statement.rewrites : []) {
        const table = bare(relation);
        if (explainedRewrites.has(`${key}|${table}`)) continue;
        const impact = computeImpact(config, table, 'rewrite', false);
        if (impact.status === 'PASS') continue;
        const finding = traceFinding(
          'table-rewrite-traced',
          'rewrite',
          statement.file,
          statement.line,
          { table, size: impact.size, duration: impact.duration, queued: impact.queuedWrites },
          impact.status,
        );
        out.push({ ...finding, table, message: impact.rows === null ? `Verify: size of ${table} — ${finding.message}` : finding.message });
      }
    }
    const rollback = file.rollback;
    // A down the rules already called empty or lossy: the trace's diff is their evidence, not a
    // second finding.
    const known = rollback
      ? out.find(
          (f) => f.source === 'rule' && (f.rule === 'missing-down' || f.rule === 'irreversible-down') && (f.file === rollback.down || f.file === file.path),
        )
      : undefined;
    if (known && rollback && rollback.status !== 'restored') {
      known.evidence =
        rollback.status === 'failed'
          ? `the down fails: ${rollback.reason ?? ''}`
          : `the down leaves ${rollback.differences.slice(0, 3).join('; ')}${rollback.differences.length > 3 ? ` (and ${rollback.differences.length - 3} more)` : ''}`;
    } else if (rollback?.status === 'differs') {
      const shown = rollback.differences.slice(0, 5).join('; ');
      const more = rollback.differences.length > 5 ? ` (and ${rollback.differences.length - 5} more)` : '';
      out.push(traceFinding('rollback-does-not-restore', 'differs', rollback.down, 1, { down: rollback.down, differences: `${shown}${more}` }, 'FLAG'));
    }
    if (rollback?.status === 'failed' && !known)
      out.push(
        traceFinding(
          'rollback-does-not-restore',
          'fails',
          rollback.down,
          rollback.line ?? 1,
          { down: rollback.down, reason: rollback.reason ?? 'error' },
          'FLAG',
        ),
      );
  }
  for (const f of out) {
    const statement = f.source === 'trace' && !f.excerpt ? byLine.get(`${f.file}:${f.line}`) : undefined;
    if (statement) f.excerpt = excerptOf(statement.sql);
  }
  return { findings: out, disproved };
}

/** What a `Verify:` finding asks the author to check, per message. */
const VERIFY: Record<string, string> = {
  refused: 'what this statement does outside the database',
  missing: 'the object exists when this migration runs',
  skipped: 'this file by hand',
};

function findingOf(ruleId: string, messageId: string, file: string, line: number, data: Record<string, string>, status: 'FLAG' | 'BLOCK', category?: Category): Finding {
  const verify = ruleId === 'not-traced' ? VERIFY[messageId] : undefined;
  return createFindingOf(ruleId, { messageId, data, file, line, status, source: 'trace', category, verify });
}
