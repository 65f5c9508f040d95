import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/schema.js';
import { tableStats } from '../core/impact.js';
import { STATUS_RANK, type Category, type Finding, type Status } from '../core/types.js';
import type { ClaudeProposal } from './merge.js';

/**
 * The review policy (docs/judgment.md) enforced on Claude's findings. The prompt asks Claude to
 * follow the policy; this is the guarantee. Claude can only add findings, so one that reports
 * what the policy calls PASS makes every reviewed pull request noisier: such findings are
 * dropped, repeats of what a rule or the trace already says are dropped, and a BLOCK must say
 * which statement and which policy line make it one, or it counts as a FLAG. Every drop and every
 * lowered status is said in a note. Findings of other sources are never touched.
 */

/** One id of docs/judgment.md and the statuses its line decides (none for guidance lines). */
export interface PolicyLine {
  id: string;
  decides: ReadonlySet<Status>;
}

export interface Policy {
  /** The whole document, as Claude reads it. */
  text: string;
  /** By id, lower-cased: Claude's citation is matched without regard to case. */
  lines: ReadonlyMap<string, PolicyLine>;
}

/** Policy lines the merge itself relies on: docs/judgment.md must keep them. */
const NEW_IS_EMPTY = 'P2-new-is-empty';
const SIZE = 'P1-size';
const DEPLOY_FAILS = 'P6-deploy-fails';
const FK_WITHOUT_INDEX = 'FK-2';
const JSON_OR_DROP_NOT_NULL = 'CW-6';

/** `- **LC-1** (BLOCK) …` or `- **P3-every-category** (guidance) …`: an id and what its line decides. */
const ENTRY = /^- \*\*([A-Z][A-Za-z0-9-]*)\*\* \((guidance|(?:BLOCK|FLAG|PASS)(?:, (?:BLOCK|FLAG|PASS))*)\)/gm;

export function parsePolicy(text: string): Policy {
  const lines = new Map<string, PolicyLine>();
  for (const [, id, decides] of text.matchAll(ENTRY)) {
    if (lines.has(id!.toLowerCase())) throw new Error(`docs/judgment.md: policy id ${id} is defined twice`);
    const statuses = decides === 'guidance' ? [] : (decides!.split(', ') as Status[]);
    lines.set(id!.toLowerCase(), { id: id!, decides: new Set(statuses) });
  }
  for (const id of [NEW_IS_EMPTY, SIZE, DEPLOY_FAILS, FK_WITHOUT_INDEX, JSON_OR_DROP_NOT_NULL]) {
    if (!lines.has(id.toLowerCase())) throw new Error(`docs/judgment.md: the Claude merge relies on policy id ${id}, which the document no longer defines`);
  }
  return { text, lines };
}

let loaded: Policy | undefined;
/** docs/judgment.md, read once (it ships with the package, beside prompts/ and patterns/). */
export function loadPolicy(): Policy {
  return (loaded ??= parsePolicy(readFileSync(new URL('../../docs/judgment.md', import.meta.url), 'utf8')));
}

/** A statement's first and last line in its file. */
export interface StatementSpan {
  line: number;
  endLine: number;
}

export interface ClaudePolicyContext {
  /** The draft's findings before Claude's: rules, trace and pipeline. */
  existing: Finding[];
  /** Tables the change creates (Draft.createdTables). */
  createdTables: string[];
  /** For table sizes and `thresholds.smallTableRows`. */
  config: ResolvedConfig;
  policy: Policy;
  /** Top-level statements of every reviewed file, in order. */
  statements: ReadonlyMap<string, StatementSpan[]>;
}

export interface ClaudePolicyResult {
  /** The findings to append to the draft, with their status as the policy allows it. */
  kept: Finding[];
  /** "Claude review: …" lines for the review's `skipped` list. */
  notes: string[];
}

/**
 * On a table the change creates, these categories only hold lock, scan, rewrite, cascade, rename
 * and drop concerns, which P2-new-is-empty makes PASS on an empty table. missing_rollback is not
 * among them: a down is owed for a new table as for any other change.
 */
const EMPTY_TABLE_PASSES = new Set<Category>([
  'lock_contention',
  'replication_lag',
  'constraint_validation',
  'data_loss',
  'concurrent_write_hazards',
  'index_dependencies',
  'foreign_keys',
]);
/** The categories in which P1-size makes a small table PASS (how long a lock or rewrite lasts). */
const SMALL_TABLE_PASSES = new Set<Category>(['lock_contention', 'replication_lag']);

type DropReason = 'new-table' | 'small-table' | 'repeat';
type Ruling = { drop: DropReason; detail: string } | { lower: string } | null;

export function applyClaudePolicy(proposals: ClaudeProposal[], context: ClaudePolicyContext): ClaudePolicyResult {
  const created = new Set(context.createdTables.map(plainTable));
  const existing = context.existing.filter((f) => f.source !== 'llm');
  const dropped: Record<DropReason, string[]> = { 'new-table': [], 'small-table': [], repeat: [] };
  const lowered: string[] = [];
  const kept: Finding[] = [];
  for (const proposal of proposals) {
    const finding = { ...proposal.finding };
    const where = `${finding.file}:${finding.line}`;
    const cited = proposal.policy ? context.policy.lines.get(proposal.policy.trim().toLowerCase()) : undefined;
    const ruling = onNewTable(finding, cited?.id, created) ?? onSmallTable(finding, cited?.id, context.config);
    if (ruling && 'drop' in ruling) {
      dropped[ruling.drop].push(`${where} (${ruling.detail})`);
      continue;
    }
    const statement = statementAt(context.statements.get(finding.file), finding.line);
    const why = (ruling && 'lower' in ruling ? ruling.lower : null) ?? unprovenBlock(finding, proposal.policy, cited, statement);
    if (why) {
      finding.status = 'FLAG';
      lowered.push(`${where} (${why})`);
    }
    const repeated = repeatOf(finding, statement, existing, context.statements);
    if (repeated) {
      dropped.repeat.push(`${where} (${finding.category}, as ${repeated.rule} at line ${repeated.line})`);
      continue;
    }
    if (finding.status === 'BLOCK' && cited) finding.message = `${finding.message} (policy ${cited.id})`;
    kept.push(finding);
  }
  return { kept, notes: notesOf(dropped, lowered, context.config) };
}

/**
 * P2-new-is-empty. Which table a finding is about comes only from the answer's `table` field.
 * Matching created tables' names in the finding's text would not be sound: a finding about an
 * existing parent table routinely names the new child table that references it ("the new
 * order_notes FK locks orders"), and dropping that would lose a real risk to save some noise.
 * A finding with `table: null` is therefore judged by the other rules only.
 */
function onNewTable(finding: Finding, cited: string | undefined, created: Set<string>): Ruling {
  if (!finding.table || !created.has(plainTable(finding.table)) || !EMPTY_TABLE_PASSES.has(finding.category)) return null;
  // A deploy that fails fails on an empty table too; a json column is as awkward there.
  if (cited === DEPLOY_FAILS || cited === JSON_OR_DROP_NOT_NULL) return null;
  // The exception P2 names: an unindexed FK column matters once the new table fills up. A FLAG.
  if (finding.category === 'foreign_keys' && (cited === FK_WITHOUT_INDEX || finding.pattern === 'index-foreign-keys')) {
    return finding.status === 'BLOCK'
      ? { lower: `an FK column without an index on ${finding.table}, a table this change creates, is a FLAG (${FK_WITHOUT_INDEX})` }
      : null;
  }
  return { drop: 'new-table', detail: `${finding.category} on ${finding.table}` };
}

/** P1-size: lock and rewrite concerns on a table configured at or under thresholds.smallTableRows. */
function onSmallTable(finding: Finding, cited: string | undefined, config: ResolvedConfig): Ruling {
  if (!finding.table || !SMALL_TABLE_PASSES.has(finding.category) || cited === DEPLOY_FAILS) return null;
  const stats = tableStats(config, plainTable(finding.table));
  if (!stats || stats.rows > config.thresholds.smallTableRows) return null;
  return { drop: 'small-table', detail: `${finding.category} on ${finding.table}, ${stats.rows.toLocaleString('en-US')} rows` };
}

/** Why a BLOCK does not stand as one: it must sit on a statement and cite a line that decides BLOCK. */
function unprovenBlock(finding: Finding, policy: string | null, cited: PolicyLine | undefined, statement: StatementSpan | undefined): string | null {
  if (finding.status !== 'BLOCK') return null;
  if (!statement) return `a BLOCK must cite a statement; line ${finding.line} is not on one`;
  if (!policy) return 'a BLOCK must cite the policy line that makes it one; it cites none';
  if (!cited) return `a BLOCK must cite the policy line that makes it one; "${policy}" is not an id of docs/judgment.md`;
  if (!cited.decides.has('BLOCK')) return `a BLOCK must cite the policy line that makes it one; ${cited.id} does not decide BLOCK`;
  return null;
}

/**
 * A rule or trace finding that already reports this risk: same file and category, on the same
 * line or within the same statement, at the same status or worse. A Claude BLOCK over a rule's
 * FLAG (a "Verify:" the application code answers) is not a repeat: it raises the category, and
 * it only gets here with a statement and a BLOCK policy line cited.
 */
function repeatOf(
  finding: Finding,
  statement: StatementSpan | undefined,
  existing: Finding[],
  statements: ReadonlyMap<string, StatementSpan[]>,
): Finding | undefined {
  return existing.find(
    (other) =>
      other.file === finding.file &&
      other.category === finding.category &&
      STATUS_RANK[other.status] >= STATUS_RANK[finding.status] &&
      (other.line === finding.line || (statement !== undefined && statementAt(statements.get(other.file), other.line) === statement)),
  );
}

function statementAt(spans: StatementSpan[] | undefined, line: number): StatementSpan | undefined {
  return spans?.find((s) => s.line <= line && line <= s.endLine);
}

/** `"Public"."Orders"` and `public.orders` name the table createdTables holds as `orders`. */
function plainTable(name: string): string {
  return name
    .replace(/"/g, '')
    .toLowerCase()
    .replace(/^public\./, '');
}

function notesOf(dropped: Record<DropReason, string[]>, lowered: string[], config: ResolvedConfig): string[] {
  const list = (items: string[]): string => (items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', '));
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const notes: string[] = [];
  if (dropped['new-table'].length)
    notes.push(
      `Claude review: ${count(dropped['new-table'].length, 'finding')} dropped — the policy passes lock, scan, rewrite, cascade and drop concerns on tables this change creates (${NEW_IS_EMPTY}): ${list(dropped['new-table'])}`,
    );
  if (dropped['small-table'].length)
    notes.push(
      `Claude review: ${count(dropped['small-table'].length, 'finding')} dropped — the policy passes lock and rewrite concerns on tables of at most ${config.thresholds.smallTableRows.toLocaleString('en-US')} rows (${SIZE}, thresholds.smallTableRows): ${list(dropped['small-table'])}`,
    );
  if (dropped.repeat.length)
    notes.push(
      `Claude review: ${count(dropped.repeat.length, 'finding')} dropped for repeating a rule or trace finding on the same statement: ${list(dropped.repeat)}`,
    );
  if (lowered.length) notes.push(`Claude review: ${count(lowered.length, 'BLOCK')} counted as FLAG: ${list(lowered)}`);
  return notes;
}
