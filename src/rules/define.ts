import Handlebars from 'handlebars';
import type { ResolvedConfig } from '../config/schema.js';
import type { Category, MigrationFile } from '../core/types.js';
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
}

export interface MessageSpec {
  /** Handlebars template; names the table, the lock, who is blocked and for how long. */
  message: string;
  /** Handlebars template; the fix. */
  recommendation: string;
}

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

export type WorkKind = 'index' | 'rewrite' | 'scan' | 'update';

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
  /** Whether the table was created earlier in the change under review (so it is empty). */
  isNew(table: string): boolean;
  /** Size, estimated duration and status for work of `kind` over the whole table. */
  impact(table: string, kind: WorkKind): TableImpact;
  /** Application code lines that query the table (and columns), outside the migrations. */
  codeRefs(table: string, columns: string[]): { file: string; line: number; text: string }[];
  report(report: Report<M>): void;
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

// Isolated instance: rule templates never see helpers or partials registered elsewhere.
const templates = Handlebars.create();

export function defineRule<M extends string>(definition: RuleDefinition<M>): Rule<M> {
  const compiled = new Map<string, { message: HandlebarsTemplateDelegate; recommendation: HandlebarsTemplateDelegate }>();
  for (const [id, spec] of Object.entries(definition.messages) as [M, MessageSpec][]) {
    compiled.set(id, {
      message: templates.compile(spec.message, { noEscape: true, strict: true }),
      recommendation: templates.compile(spec.recommendation, { noEscape: true, strict: true }),
    });
  }
  return {
    ...definition,
    render(messageId, data) {
      const template = compiled.get(messageId);
      if (!template) throw new Error(`rule ${definition.id}: unknown messageId "${messageId}"`);
      return { message: template.message(data).trim(), recommendation: template.recommendation(data).trim() };
    },
  };
}

/** The docs URL is derived from the id, never typed by hand. */
export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
