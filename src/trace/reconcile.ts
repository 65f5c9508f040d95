import type { ResolvedConfig } from '../config/schema.js';
import type { Category, Finding } from '../core/types.js';
import { computeImpact, excerptOf, withReplicationLag } from '../core/impact.js';
import { findingOf as createFindingOf } from '../rules/finding.js';
import type { RangeVar } from '@pgsql/types';
import { rangeVarName, walk } from '../sql/ast.js';
import { parseSql } from '../sql/parse.js';
import { LOCK_STRENGTH } from './lock-modes.js';
import type { FileTrace, StatementTrace, TraceResult } from './trace.js';

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
  /** What the trace could not check, for reasons that are the trace's own (a platform schema it lacks). */
  notes: string[];
}

/**
 * Schemas the Supabase platform creates in every project (auth.uid(), storage.objects…): a
 * migration may use them, and the trace's empty PostgreSQL does not have them.
 */
const SUPABASE_SCHEMAS = /\b(auth|storage|realtime|extensions|graphql|graphql_public|vault|pgsodium|net|supabase_functions)\b/;

const bare = (name: string): string =>
  name
    .replace(/^public\./, '')
    .replace(/"/g, '')
    .toLowerCase();
const strength = (mode: string): number => LOCK_STRENGTH.indexOf(mode);

/** Levels, `off` and acks are not applied here: the policy pass does that for every source. */
/**
 * The last major version that changed which ALTER TABLE rewrites: 11 stopped rewriting for an ADD
 * COLUMN with a constant default, 12 for timestamp ↔ timestamptz under a UTC session. The trace runs
 * on a newer engine, so for an older target its "no rewrite" is not evidence.
 */
const REWRITES_SETTLED_SINCE = 12;

export function reconcile(findings: Finding[], trace: TraceResult, config: ResolvedConfig, emptyDowns: ReadonlySet<string> = new Set(), createdTables: ReadonlySet<string> = new Set()): Reconciled {
  return new Reconciliation(trace, config, emptyDowns, createdTables).run(findings);
}

const keyOf = (s: { file: string; line: number }): string => `${s.file}:${s.line}`;

/** One reconciliation: rule findings checked against what ran, then what only the trace saw. */
class Reconciliation {
  private readonly byLine = new Map<string, StatementTrace>();
  private readonly out: Finding[] = [];
  private readonly disproved: Disproved[] = [];
  private readonly notes: string[] = [];
  private readonly explainedErrors = new Set<string>();
  private readonly explainedRewrites = new Set<string>();

  constructor(
    private readonly trace: TraceResult,
    private readonly config: ResolvedConfig,
    /** Downs that are empty or comments only: missing-down judges those (a step with no inverse, a roll-forward convention). */
    private readonly emptyDowns: ReadonlySet<string>,
    /** Tables an earlier statement of the change created (JUDGMENT.md principle 2: empty, so a rewrite of one costs nothing). */
    private readonly createdTables: ReadonlySet<string>,
  ) {
    for (const file of trace.files) for (const s of file.statements) this.byLine.set(keyOf(s), s);
  }

  run(findings: Finding[]): Reconciled {
    for (const finding of findings) this.checkRuleFinding(finding);
    for (const file of this.trace.files) {
      if (file.skipped) this.skippedFile(file, findings);
      else {
        for (const statement of file.statements) this.traceOnly(file, statement);
        this.rollback(file);
      }
    }
    for (const f of this.out) {
      const statement = f.source === 'trace' && !f.excerpt ? this.byLine.get(keyOf(f)) : undefined;
      if (statement) f.excerpt = excerptOf(statement.sql);
    }
    return { findings: this.out, disproved: this.disproved, notes: this.notes };
  }

  /** A rule's claim against what the statement really did: confirmed, disproved or left alone. */
  private checkRuleFinding(finding: Finding): void {
    const statement = finding.source === 'rule' ? this.byLine.get(keyOf(finding)) : undefined;
    const table = finding.table ? bare(finding.table) : null;
    if (statement?.status === 'error') return this.checkFailureClaim(finding, statement);
    if (!statement || statement.status !== 'ok') return void this.out.push(finding);
    // alter-column-type-rewrite also reports catalog-only changes that rebuild indexes ("does not
    // rewrite …, but rebuilds"): the table keeping its storage does not disprove that claim.
    const rebuildOnly = finding.rule === 'alter-column-type-rewrite' && / does not rewrite /.test(finding.message);
    const rewriteClaim = !rebuildOnly && (REWRITE_CLAIMS.has(finding.rule) || (finding.rule === 'long-write-replication-lag' && statement.type === 'AlterTableStmt'));
    // The trace engine is a recent PostgreSQL; on an older target its "no rewrite" proves nothing.
    if (rewriteClaim && table && this.config.postgres < REWRITES_SETTLED_SINCE) return void this.out.push(finding);
    if (rewriteClaim && table) return this.checkRewriteClaim(finding, statement, table);
    this.out.push(this.withLockEvidence(finding, statement, table));
  }

  private checkFailureClaim(finding: Finding, statement: StatementTrace): void {
    if (!FAILURE_CLAIMS[finding.rule]?.includes(statement.code ?? '')) return void this.out.push(finding);
    this.explainedErrors.add(keyOf(statement));
    this.out.push({ ...finding, evidence: `PostgreSQL rejected it — ${statement.reason}${statement.code ? ` (SQLSTATE ${statement.code})` : ''}` });
  }

  private checkRewriteClaim(finding: Finding, statement: StatementTrace, table: string): void {
    if (statement.rewrites.map(bare).includes(table)) {
      // The lock rules own the rewrite; the replication-lag rule only adds the WAL view of it.
      if (REWRITE_CLAIMS.has(finding.rule)) this.explainedRewrites.add(`${keyOf(statement)}|${table}`);
      this.out.push({ ...finding, evidence: `${table} was rewritten (pg_class.relfilenode changed)` });
    } else if (statement.untrusted?.length) {
      // The migration tried to steer the read-back: what it shows cannot lower a finding.
      this.out.push(finding);
    } else if (/timestamp(?: without time zone)? → timestamptz|timestamptz → timestamp/.test(finding.message) && statement.rewrites.length > 0) {
      // No table rewrite with TimeZone UTC, but the indexes on the column got new storage: they are
      // rebuilt under the same lock, so the finding stands.
      this.out.push({ ...finding, evidence: `${table} kept its storage (TimeZone UTC), but ${statement.rewrites.map(bare).join(', ')} were rebuilt` });
    } else if (/timestamp(?: without time zone)? → timestamptz|timestamptz → timestamp/.test(finding.message)) {
      // Since PostgreSQL 12 this conversion skips the rewrite only when the session TimeZone is
      // UTC: true in the trace, not necessarily where the migration runs. Lower, do not drop.
      this.out.push({
        ...finding,
        status: 'FLAG',
        message: `Verify: the session TimeZone is UTC when this runs — ${finding.message}`,
        evidence: `no rewrite with TimeZone UTC (PostgreSQL 12+ skips it only then)`,
      });
    } else {
      this.disproved.push({ rule: finding.rule, file: finding.file, line: finding.line, evidence: `${table} kept its storage (same relfilenode) — no rewrite` });
    }
  }

  /** The lock the rule claims, as the trace saw it, with how long it was held. */
  private withLockEvidence(finding: Finding, statement: StatementTrace, table: string | null): Finding {
    const claimed = LOCK_CLAIMS[finding.rule];
    const lock = claimed && table ? statement.locks.find((l) => bare(l.relation) === table && strength(l.mode) >= strength(claimed)) : undefined;
    if (!lock) return finding;
    // Every table the statement locked that hard (a foreign key locks both of its tables).
    const others = statement.locks.filter((l) => l !== lock && !l.isNew && l.mode === lock.mode).map((l) => bare(l.relation));
    const span = lock.heldUntilFile
      ? `, held until ${lock.heldUntilFile}:${lock.heldUntilLine} commits (${lock.heldForStatements} statements: one transaction for all pending migrations)`
      : lock.heldUntilLine > statement.line
        ? `, held until line ${lock.heldUntilLine} (${lock.heldForStatements} statements)`
        : '';
    return { ...finding, evidence: `${lock.mode} on ${[table, ...others].join(' and ')}${span}` };
  }

  /** A file the trace did not run at all. */
  private skippedFile(file: FileTrace, findings: Finding[]): void {
    // A file the review could not parse already carries its FLAG, and files after a failure in
    // one transaction around all pending migrations share that failure's finding: one is enough.
    const explained =
      file.skipped!.startsWith('not run: an earlier migration failed') ||
      findings.some((f) => f.file === file.path && (f.rule === 'too-large-to-review' || f.rule === 'syntax-error'));
    if (!explained) this.out.push(findingOf('not-traced', 'skipped', file.path, 1, { reason: file.skipped! }, 'FLAG'));
  }

  /** What only the trace saw on one statement: refused, stopped, cut short, failed, rewrote. */
  private traceOnly(file: FileTrace, statement: StatementTrace): void {
    if (statement.status === 'refused') {
      this.out.push(findingOf('not-traced', 'refused', statement.file, statement.line, { reason: statement.reason!.replace(/^not run in the trace: /, '') }, 'FLAG'));
    }
    if (statement.status === 'killed') {
      const limit = statement.limit ?? 'the limit';
      this.out.push(findingOf('not-traced', statement.stoppedBy === 'memory' ? 'outOfMemory' : 'stopped', statement.file, statement.line, { limit }, 'BLOCK'));
    }
    // Cut short by the trace's own budget or a broken engine: one FLAG, at the first statement it left untraced.
    const cutShort = (s: StatementTrace): boolean => s.status === 'skipped' && (s.stoppedBy === 'budget' || s.stoppedBy === 'engine');
    if (cutShort(statement) && file.statements.find(cutShort) === statement) {
      const cause = statement.stoppedBy === 'budget' ? `the trace was cut short by its own time budget (${statement.limit ?? 'its total limit'})` : statement.reason!.replace(/^not traced: /, '');
      this.out.push(findingOf('not-traced', 'skipped', statement.file, statement.line, { reason: `from line ${statement.line} on, ${cause}, which says nothing about the migration` }, 'FLAG'));
    }
    if (statement.status === 'error' && !this.explainedErrors.has(keyOf(statement))) this.failure(file, statement);
    if (statement.status === 'ok') this.unexpectedRewrites(statement);
  }

  /** PostgreSQL rejected a statement no rule predicted would fail. */
  private failure(file: FileTrace, statement: StatementTrace): void {
    if (MISSING_OBJECT.has(statement.code ?? '') && file.framework === 'supabase' && SUPABASE_SCHEMAS.test(statement.reason ?? '')) {
      this.notes.push(`lock trace: ${statement.file}:${statement.line} uses a schema Supabase provides (${statement.reason}), which the trace's PostgreSQL lacks; from there on the file was checked by the rules only`);
      return;
    }
    if (MISSING_OBJECT.has(statement.code ?? '')) {
      this.out.push(findingOf('not-traced', 'missing', statement.file, statement.line, { reason: statement.reason ?? 'an object is missing' }, 'FLAG'));
      return;
    }
    const category: Category = statement.code?.startsWith('23') ? 'constraint_validation' : 'lock_contention';
    const first = file.statements.find((s) => s.status !== 'refused') === statement;
    const effect =
      statement.inTransaction || file.txMode === 'per-file' || file.txMode === 'all-pending' ? ' and the whole migration rolls back' : first ? '' : ', with the statements before it already applied';
    const failure = findingOf('migration-fails-traced', 'fails', statement.file, statement.line, { reason: statement.reason ?? 'error', code: statement.code ?? '?', effect }, 'BLOCK', category);
    // Some earlier statements could not be replayed here: the embedded schema may differ from
    // production's, so the failure is a question, not a verdict.
    const skipped = this.trace.base.skipped.length;
    this.out.push(
      skipped
        ? {
            ...failure,
            status: 'FLAG',
            message: `Verify: it runs against the production schema (${skipped} earlier statement${skipped === 1 ? '' : 's'} could not be replayed in the trace) — ${failure.message}`,
          }
        : failure,
    );
  }

  /** Tables a statement rewrote where no rule said it would. */
  private unexpectedRewrites(statement: StatementTrace): void {
    for (const relation of statement.rewrites) {
      const table = bare(relation);
      if (this.explainedRewrites.has(`${keyOf(statement)}|${table}`) || this.createdTables.has(table.replace(/^public\./, ''))) continue;
      const impact = computeImpact(this.config, table, 'rewrite', false);
      if (impact.status === 'PASS') continue;
      const verify = impact.rows === null ? `size of ${table}` : undefined;
      this.out.push(
        createFindingOf('table-rewrite-traced', {
          messageId: 'rewrite',
          data: { table, size: impact.size, duration: impact.duration, queued: impact.queuedWrites },
          file: statement.file,
          line: statement.line,
          status: impact.status,
          source: 'trace',
          table,
          verify,
          // table-rewrite-traced's categories; replicas see the rewrite by its size.
          ...withReplicationLag(this.config, impact, ['lock_contention', 'replication_lag'], impact.status),
        }),
      );
    }
  }

  /** The down, run after the up: evidence for a rule's finding, or a finding of its own. */
  private rollback(file: FileTrace): void {
    const found = file.rollback;
    // An empty down restores nothing by design; whether it should is missing-down's question.
    if (!found || this.emptyDowns.has(found.down)) return;
    const differences = differencesThatMatter(found.differences, unavoidableLeftovers(file));
    const rollback = found.status === 'differs' && !differences.length ? { ...found, status: 'restored' as const } : { ...found, differences };
    // A down the rules already called empty or lossy: the trace's diff is their evidence, not a
    // second finding.
    const known = this.out.find((f) => f.source === 'rule' && (f.rule === 'missing-down' || f.rule === 'irreversible-down') && (f.file === rollback.down || f.file === file.path));
    if (known && rollback.status !== 'restored') {
      const more = rollback.differences.length > 3 ? ` (and ${rollback.differences.length - 3} more)` : '';
      known.evidence = rollback.status === 'failed' ? `the down fails: ${rollback.reason ?? ''}` : `the down leaves ${rollback.differences.slice(0, 3).join('; ')}${more}`;
    } else if (rollback.status === 'differs') {
      const shown = rollback.differences.slice(0, 5).join('; ');
      const more = rollback.differences.length > 5 ? ` (and ${rollback.differences.length - 5} more)` : '';
      this.out.push(findingOf('rollback-does-not-restore', 'differs', rollback.down, 1, { down: rollback.down, differences: `${shown}${more}` }, 'FLAG'));
    }
    if (rollback.status === 'failed' && !known) {
      this.out.push(findingOf('rollback-does-not-restore', 'fails', rollback.down, rollback.line ?? 1, { down: rollback.down, reason: rollback.reason ?? 'error' }, 'FLAG'));
    }
  }
}

/**
 * Differences a careful down cannot avoid or that change nothing for the application:
 * - a CHECK or foreign key put back NOT VALID (so the rollback does not scan the table under
 *   lock) enforces the same rule for every new row;
 * - the index an `ADD CONSTRAINT … USING INDEX` took over: the constraint now owns it, so dropping
 *   the constraint drops it too (PostgreSQL has no way to keep it), and the down of the migration
 *   that built the index drops it anyway (its IF EXISTS finds nothing);
 * - the CHECK `DETACH PARTITION … CONCURRENTLY` adds to the partition, a copy of its bound: the
 *   re-ATTACH accepts it (and skips its validation scan because of it).
 */
function differencesThatMatter(differences: string[], leftovers: UnavoidableLeftovers): string[] {
  const notValidAgain = (left: string): string | null => left.match(/^left behind: (.*) NOT VALID \(not validated\)$/)?.[1] ?? null;
  const restoredNotValid = new Set(differences.map(notValidAgain).filter((d): d is string => d !== null));
  const unquote = (name: string | undefined): string | undefined => name?.replace(/^"(.*)"$/, '$1').replace(/^public\./, '');
  // An enum value cannot be removed (JUDGMENT.md: ADD VALUE has no inverse): the type with one
  // more label than before is no rollback gap.
  const enumGrew = (d: string): boolean => {
    const grown = d.match(/^left behind: type (\S+) \((.*)\)$/);
    const before = grown && differences.find((o) => o.startsWith(`not restored: type ${grown[1]} (`))?.match(/\((.*)\)$/)?.[1];
    const labels = new Set(grown?.[2]!.split(', '));
    return !!grown && !!before && before.split(', ').every((label) => labels.has(label));
  };
  const enumBefore = (d: string): boolean => {
    const name = d.match(/^not restored: type (\S+) \(/)?.[1];
    return !!name && differences.some((o) => o.startsWith(`left behind: type ${name} (`) && enumGrew(o));
  };
  const unavoidable = (d: string): boolean => {
    if (enumGrew(d) || enumBefore(d)) return true;
    const index = unquote(d.match(/^not restored: index CREATE (?:UNIQUE )?INDEX (\S+) ON /)?.[1]);
    const checkOn = unquote(d.match(/^left behind: constraint \S+ on (\S+): CHECK /)?.[1]);
    return (index !== undefined && leftovers.ownedIndexes.has(index)) || (checkOn !== undefined && leftovers.detachedConcurrently.has(checkOn));
  };
  return differences.filter((d) => {
    if (unavoidable(d)) return false;
    const left = notValidAgain(d);
    if (left !== null) return !differences.includes(`not restored: ${left}`);
    return !(d.startsWith('not restored: ') && restoredNotValid.has(d.slice('not restored: '.length)));
  });
}

interface UnavoidableLeftovers {
  /** Indexes the up turns into constraints (`ADD CONSTRAINT … UNIQUE / PRIMARY KEY USING INDEX name`). */
  ownedIndexes: Set<string>;
  /** Partitions the up detaches CONCURRENTLY. */
  detachedConcurrently: Set<string>;
}

function unavoidableLeftovers(file: FileTrace): UnavoidableLeftovers {
  const out: UnavoidableLeftovers = { ownedIndexes: new Set(), detachedConcurrently: new Set() };
  for (const statement of file.statements) {
    if (statement.type !== 'AlterTableStmt' || !/\b(USING\s+INDEX|CONCURRENTLY)\b/i.test(statement.sql)) continue;
    for (const parsed of parseSql(statement.sql).statements) {
      walk({ [parsed.type]: parsed.node }, (type, fields) => {
        if (type === 'Constraint' && typeof fields.indexname === 'string') out.ownedIndexes.add(fields.indexname);
        if (type === 'PartitionCmd' && fields.concurrent === true) out.detachedConcurrently.add(rangeVarName(fields.name as RangeVar).replace(/^public\./, ''));
      });
    }
  }
  return out;
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
