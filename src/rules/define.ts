import Handlebars from 'handlebars';
import type { ResolvedConfig } from '../config/schema.js';
import type { TableImpact, WorkKind } from '../core/impact.js';
import type { Category, CodeRef, Finding, MigrationFile } from '../core/types.js';
import type { NodeFields, NodeType } from '../sql/ast.js';
import type { Catalog } from '../sql/catalog.js';
import type { AstNode, ParsedSql, Statement } from '../sql/parse.js';

/**
 * How a rule is written: metadata first, then `create(ctx)` returning handlers keyed by AST node
 * type (ESLint-style). The engine walks each statement once and calls every enabled rule's
 * handlers; rules report plain-data findings through `ctx.report`.
 */

export interface RuleDocs {
  /** One line for the rules table. */
  summary: string;
  /** What goes wrong in production, in prose. */
  problem: string;
  /** SQL that triggers the rule (checked in CI). */
  instead: string;
  /** The safe alternative, which must not trigger it (checked in CI). */
  use: string;
  /** Facts the rule relies on, with the PostgreSQL versions they hold for. */
  facts?: string;
  /** Earlier migrations the examples build on (the schema before the change), when they need one. */
  schema?: string;
  /** How the examples are run, when it matters (default: one transaction per file). */
  runner?: 'per-file' | 'none' | 'implicit';
  /** Table sizes the docs examples assume (so the examples show the sized behaviour). */
  exampleTables?: Record<string, { rows: number }>;
  /** The target version the examples assume, when the risk depends on it. */
  exampleConfig?: { postgres?: number };
}

export interface MessageSpec {
  /** Handlebars template; names the table, the lock, who is blocked and for how long. */
  message: string;
  /** Handlebars template; the fix. */
  recommendation: string;
}

export type { TableImpact, WorkKind } from '../core/impact.js';

export interface Report<M extends string> {
  messageId: M;
  status: 'FLAG' | 'BLOCK';
  data?: Record<string, string | number>;
  table?: string;
  /** Defaults to the current statement's line. */
  line?: number;
  /** Which script: the up (default) or the down. */
  script?: 'up' | 'down';
  /** What the author must check; the message is then prefixed `Verify: <this> — `. */
  verify?: string;
  /** A more specific pattern than the rule's own for this case (one of `alsoPatterns`). */
  pattern?: string;
  /** Every category this finding affects, primary first, when it differs from the rule's. */
  categories?: Category[];
  /** Lower statuses for some of the categories (Finding.categoryStatus). */
  categoryStatus?: Finding['categoryStatus'];
}

/** A session-level `SET` still in effect when a later file of the change starts. */
export interface CarriedSetting {
  value: string;
  /** The file and line of the `SET`. */
  file: string;
  line: number;
}

export interface RuleContext<M extends string = string> {
  readonly file: MigrationFile;
  readonly config: ResolvedConfig;
  /** The schema right before the current statement. */
  readonly catalog: Catalog;
  /** The statement being walked. */
  readonly statement: Statement;
  /** Every statement of the up script, in order (DO-block contents follow their DO). */
  readonly statements: readonly Statement[];
  /** The parsed down script, when there is one. */
  readonly down: ParsedSql | null;
  /** Whether the current statement runs inside a transaction block (null: unknown runner). */
  readonly inTransaction: boolean | null;
  /**
   * For a statement inside a DO block (or called function): whether the block itself runs inside a
   * transaction block — where a COMMIT in its loop fails, and every batch shares one transaction.
   * For a top-level statement, the same as `inTransaction`.
   */
  readonly outerInTransaction: boolean | null;
  /** Whether the table was created earlier in the change under review (so it is empty). */
  isNew(table: string): boolean;
  /** Whether the column was added earlier in the change (or its table is new): it holds no data anyone relies on. */
  isNewColumn(table: string, column: string): boolean;
  /** Whether a migration file is part of the change under review (this file always is). */
  inChange(path: string): boolean;
  /**
   * A session setting (`lock_timeout`, …) that an earlier file of the change left on the
   * connection, where the runner applies every pending file on one (`file.sharedSession`).
   */
  carriedSetting(name: string): CarriedSetting | undefined;
  /** Up statements of the change's later files in the same migration set: what the same pull request does next. */
  laterInChange(): readonly Statement[];
  /** Whether the repository has application code to search: an empty `codeRefs` then means "not used here". */
  readonly codeAvailable: boolean;
  /** Size, estimated duration and status for work of `kind` over the whole table. */
  impact(table: string, kind: WorkKind): TableImpact;
  /** Application code lines that query the table (and columns), outside the migrations. */
  codeRefs(table: string, columns: string[], options?: { mapped?: boolean }): CodeRef[];
  report(report: Report<M>): void;
  /** Findings reported so far in this file on the statement starting at `line` (by every rule). */
  findingsAt(line: number): readonly Finding[];
  /**
   * Reports work whose cost is `impact`: nothing when it is PASS (a small or new table);
   * otherwise with the impact's status and table, `table`, `size`, `duration` and `queued` in the
   * data (the report's own data comes on top), and `Verify: size of <table>` when the size is unknown.
   */
  reportImpact(impact: TableImpact, report: ImpactReport<M>): void;
}

/** A report whose status, table and verify come from a TableImpact. */
export type ImpactReport<M extends string> = Omit<Report<M>, 'status' | 'table' | 'verify'>;

export type Handler = (fields: AstNode, statement: Statement) => void;

/** Node handlers keyed by libpg-query node type: the one keyed `IndexStmt` receives an `IndexStmt`. */
export type NodeHandlers = { [K in NodeType]?: (fields: NodeFields<K>, statement: Statement) => void };

export type Handlers = NodeHandlers & {
  /** Called once per statement before its nodes are walked. */
  Statement?: (statement: Statement) => void;
  /** Called after the last statement of the file. */
  'File:exit'?: () => void;
};

export interface RuleDefinition<M extends string> {
  id: string;
  category: Category;
  /** Other categories every finding of this rule affects (JUDGMENT.md principle 3). */
  alsoCategories?: Category[];
  /** Id of the safe pattern in patterns/ that the fix follows (every rule has one; a test checks it exists). */
  pattern: string;
  /** Patterns a report may name instead, for cases the main one does not cover. */
  alsoPatterns?: string[];
  /**
   * `trace`: raised by the lock trace (src/trace/reconcile.ts) from what really ran, never by a
   * handler; its docs examples are checked by tracing them. `llm`: Claude's findings, merged by
   * src/llm/merge.ts.
   */
  source?: 'rule' | 'trace' | 'llm';
  docs: RuleDocs;
  messages: Record<M, MessageSpec>;
  create(ctx: RuleContext<M>): Handlers;
}

export interface Rule<M extends string = string> extends RuleDefinition<M> {
  render(messageId: M, data: Record<string, string | number>): { message: string; recommendation: string };
}

/** What a finding needs of its rule: identity, category, pattern and message templates. */
export type RuleMeta = Pick<Rule, 'id' | 'category' | 'pattern'> & { render: Rule['render'] };

// Isolated instance: rule templates never see helpers or partials registered elsewhere.
const templates = Handlebars.create();

export function defineRule<M extends string>(definition: RuleDefinition<M>): Rule<M> {
  return { ...definition, render: compileMessages(definition.id, definition.messages) };
}

function compileMessages<M extends string>(id: string, messages: Record<M, MessageSpec>): (messageId: M, data: Record<string, string | number>) => { message: string; recommendation: string } {
  const compiled = new Map<string, { message: HandlebarsTemplateDelegate; recommendation: HandlebarsTemplateDelegate }>();
  for (const [messageId, spec] of Object.entries(messages) as [M, MessageSpec][]) {
    compiled.set(messageId, {
      message: templates.compile(spec.message, { noEscape: true, strict: true }),
      recommendation: templates.compile(spec.recommendation, { noEscape: true, strict: true }),
    });
  }
  return (messageId, data) => {
    const template = compiled.get(messageId);
    if (!template) throw new Error(`rule ${id}: unknown messageId "${messageId}"`);
    return { message: template.message(data).trim(), recommendation: template.recommendation(data).trim() };
  };
}

/** The docs URL is derived from the id, never typed by hand. */
export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

/**
 * A finding with no handler: raised by the pipeline (syntax errors, acks, modified migrations,
 * files too large), the lock trace or Claude, from what they saw rather than from the AST. It has
 * an id users can turn off or ack, messages, a pattern and a docs page, like a rule.
 */
export interface FindingDefinition<M extends string> extends Omit<RuleDefinition<M>, 'create' | 'source'> {
  /** Who raises it. */
  source: 'pipeline' | 'trace' | 'llm';
}

export interface FindingKind<M extends string = string> extends FindingDefinition<M> {
  render(messageId: M, data: Record<string, string | number>): { message: string; recommendation: string };
}

/** Every id a finding can carry: AST rules and handler-less findings alike. */
export type RuleEntry = Rule | FindingKind;

export function defineFinding<M extends string>(definition: FindingDefinition<M>): FindingKind<M> {
  return { ...definition, render: compileMessages(definition.id, definition.messages) };
}

/** Whether the entry walks the AST (the engine runs only these). */
export function hasHandlers(entry: RuleEntry): entry is Rule {
  return 'create' in entry;
}
