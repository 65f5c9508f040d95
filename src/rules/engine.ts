import type { ResolvedConfig } from '../config/schema.js';
import type { CodeRef, Finding, MigrationFile } from '../core/types.js';
import type { Catalog } from '../sql/catalog.js';
import { as, walk } from '../sql/ast.js';
import { forEachAlterCommand, settingChange } from './helpers.js';
import type { ParsedSql, Statement } from '../sql/parse.js';
import { computeImpact, excerptOf, withReplicationLag, type TableImpact, type WorkKind } from '../core/impact.js';
import type { CarriedSetting, Handler, Handlers, ImpactReport, Report, Rule, RuleContext } from './define.js';
import { createFinding } from './finding.js';



/** What the engine needs to judge one file. The catalog is updated in place as statements pass. */
export interface FileRun {
  file: MigrationFile;
  /** Up statements, DO-block and called-function contents expanded in order. */
  statements: Statement[];
  down: ParsedSql | null;
  catalog: Catalog;
  /** Tables created in the change so far; the engine adds the ones this file creates. */
  newTables: Set<string>;
  /** Columns (`table.column`) added to existing tables earlier in the change; the engine adds this file's. */
  newColumns?: Set<string>;
  /**
   * Session settings earlier files of the change left on the connection (only filled where the
   * runner applies them all on one, `file.sharedSession`); the engine adds this file's at its end.
   */
  session?: Map<string, CarriedSetting>;
  /** Up statements of the change's later files in the same set (what the same pull request does next). */
  laterInChange?: () => readonly Statement[];
  /** Paths of the change under review (null: each file is its own change, an audit of the history). */
  change?: Set<string> | null;
  /** Whether the repository has application code to search (codeRefs finding nothing then means unused). */
  codeAvailable?: boolean;
  config: ResolvedConfig;
  rules: readonly Rule[];
  codeRefs?: (table: string, columns: string[], mapped?: { knownTables: string[] }) => CodeRef[];
}

/** Whether each statement runs inside a transaction block, from the runner and the file's own BEGIN/COMMIT. */
export function transactionStates(file: MigrationFile, statements: Statement[]): (boolean | null)[] {
  const topLevel = statements.filter((s) => !s.nested);
  let inTx: boolean | null;
  switch (file.txMode) {
    case 'per-file':
    case 'all-pending':
      inTx = true;
      break;
    case 'none':
      inTx = false;
      break;
    case 'implicit':
      inTx = topLevel.length > 1;
      break;
    default:
      inTx = null;
  }
  return statements.map((statement) => {
    // A DO block always runs as one statement inside a transaction.
    if (statement.nested) return true;
    const before = inTx;
    if (statement.type === 'TransactionStmt') {
      const kind = statement.node.kind as string | undefined;
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inTx = true;
      else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') inTx = false;
    }
    return before;
  });
}

/** Where the walk is: shared by every rule's context for one file. */
interface WalkState {
  run: FileRun;
  findings: Finding[];
  current: Statement;
  currentTx: boolean | null;
  /** For statements inside a DO block or function: whether that block runs in a transaction block. */
  outerTx: boolean | null;
  /**
   * The file's findings by line, and its first statement at each line (built on first use): rules
   * ask per statement, and a scan of every finding or statement each time made large files quadratic.
   */
  findingsByLine: Map<number, Finding[]>;
  statementAtLine: Map<number, Statement> | null;
}

/**
 * One rule's view of the file. A class, not an object literal with getters: the engine makes one
 * per rule per file (45 × every file of a large repository), and prototype accessors keep that cheap.
 */
class FileContext implements RuleContext {
  constructor(
    private readonly state: WalkState,
    private readonly rule: Rule,
  ) {}
  get file(): MigrationFile {
    return this.state.run.file;
  }
  get config(): ResolvedConfig {
    return this.state.run.config;
  }
  get catalog(): Catalog {
    return this.state.run.catalog;
  }
  get statement(): Statement {
    return this.state.current;
  }
  get statements(): Statement[] {
    return this.state.run.statements;
  }
  get down(): ParsedSql | null {
    return this.state.run.down;
  }
  get inTransaction(): boolean | null {
    return this.state.currentTx;
  }
  get outerInTransaction(): boolean | null {
    return this.state.outerTx;
  }
  laterInChange(): readonly Statement[] {
    return this.state.run.laterInChange?.() ?? [];
  }
  carriedSetting(name: string): CarriedSetting | undefined {
    return this.state.run.session?.get(name);
  }
  isNew(table: string): boolean {
    return this.state.run.newTables.has(table);
  }
  isNewColumn(table: string, column: string): boolean {
    return this.isNew(table) || !!this.state.run.newColumns?.has(`${table}.${column}`);
  }
  inChange(path: string): boolean {
    const { change, file } = this.state.run;
    return path === file.path || (!!change && change.has(path));
  }
  get codeAvailable(): boolean {
    return !!this.state.run.codeAvailable;
  }
  impact(table: string, kind: WorkKind): TableImpact {
    return computeImpact(this.state.run.config, table, kind, this.isNew(table));
  }
  codeRefs(table: string, columns: string[], options: { mapped?: boolean } = {}): CodeRef[] {
    const mapped = options.mapped ? { knownTables: [...this.state.run.catalog.tables.keys()] } : undefined;
    return this.state.run.codeRefs?.(table, columns, mapped) ?? [];
  }
  findingsAt(line: number): readonly Finding[] {
    return this.state.findingsByLine.get(line) ?? [];
  }
  report(report: Report<string>): void {
    const finding = toFinding(this.rule, report, this.state);
    this.state.findings.push(finding);
    if (finding.file !== this.state.run.file.path) return;
    const atLine = this.state.findingsByLine.get(finding.line);
    if (atLine) atLine.push(finding);
    else this.state.findingsByLine.set(finding.line, [finding]);
  }
  reportImpact(impact: TableImpact, report: ImpactReport<string>): void {
    if (impact.status === 'PASS') return;
    const { table } = impact;
    // Replicas see a rewrite or backfill by its size alone, not by the lock threshold.
    const lag = withReplicationLag(this.state.run.config, impact, report.categories ?? [this.rule.category, ...(this.rule.alsoCategories ?? [])], impact.status);
    this.report({
      ...report,
      ...lag,
      status: impact.status,
      table,
      verify: impact.rows === null ? `size of ${table}` : undefined,
      data: { table, size: impact.size, duration: impact.duration, queued: impact.queuedWrites, ...report.data },
    });
  }
}

/** Runs every rule over one file and returns its findings (acks are applied later). */
export function runRules(run: FileRun): Finding[] {
  const states = transactionStates(run.file, run.statements);
  const state: WalkState = {
    run,
    findings: [],
    current: run.statements[0] ?? { type: 'Empty', node: {}, line: run.file.upStartLine, endLine: run.file.upStartLine, text: '' },
    currentTx: states[0] ?? null,
    outerTx: states[0] ?? null,
    findingsByLine: new Map(),
    statementAtLine: null,
  };
  const handlerSets: { rule: Rule; handlers: Handlers }[] = [];
  for (const rule of run.rules) {
    // Not run at all when turned off (finalize would drop its findings anyway).
    if (run.config.rules[rule.id] === 'off') continue;
    handlerSets.push({ rule, handlers: rule.create(new FileContext(state, rule)) });
  }

  // Dispatch table built once per file: a node type reaches only the rules that handle it.
  const byType = new Map<string, Handler[]>();
  const onStatement: ((statement: Statement) => void)[] = [];
  for (const { handlers } of handlerSets) {
    for (const [type, handler] of Object.entries(handlers)) {
      if (!handler || type === 'File:exit') continue;
      if (type === 'Statement') {
        onStatement.push(handler as (statement: Statement) => void);
        continue;
      }
      const list = byType.get(type) ?? [];
      list.push(handler as Handler);
      byType.set(type, list);
    }
  }

  run.statements.forEach((statement, i) => {
    state.current = statement;
    state.currentTx = states[i] ?? null;
    // Statements inside a DO block follow it: they share the DO's own transaction state.
    if (!statement.nested) state.outerTx = state.currentTx;
    for (const handler of onStatement) handler(statement);
    if (byType.size) {
      const root = { [statement.type]: statement.node };
      walk(root, (type, fields) => {
        const list = byType.get(type);
        if (list) for (const handler of list) handler(fields, statement);
      });
    }
    // Later statements see this one's effect on the schema.
    const created = run.catalog.apply(statement, run.file.path);
    if (created) run.newTables.add(created);
    if (run.newColumns) for (const column of addedColumns(statement)) run.newColumns.add(column);
  });
  for (const { handlers } of handlerSets) handlers['File:exit']?.();
  if (run.session && run.file.sharedSession) carrySessionSettings(run.file, run.statements, run.session);
  return state.findings;
}

/**
 * Leaves this file's session-level `SET`s (and `RESET`s) on the shared connection for the files
 * after it. `SET LOCAL` ends with its transaction. A SET rolled back with its transaction would
 * not carry, but the file then failed and nothing after it runs.
 */
function carrySessionSettings(file: MigrationFile, statements: readonly Statement[], session: Map<string, CarriedSetting>): void {
  for (const statement of statements) {
    const change = statement.nested ? null : settingChange(statement);
    if (!change || change.local) continue;
    if (change.reset) session.delete(change.name);
    else session.set(change.name, { value: change.value, file: file.path, line: statement.line });
  }
}

/** `table.column` of each column an ALTER TABLE adds. */
function addedColumns(statement: Statement): string[] {
  const out: string[] = [];
  forEachAlterCommand(statement, (cmd, table) => {
    const name = as(cmd.def, 'ColumnDef')?.colname;
    if (cmd.subtype === 'AT_AddColumn' && name) out.push(`${table}.${name}`);
  });
  return out;
}

function toFinding(rule: Rule, report: Report<string>, state: WalkState): Finding {
  const { run, current } = state;
  const onDown = report.script === 'down' && run.file.down;
  const line = report.line ?? current.line;
  // The excerpt quotes the statement the finding points at. A rule may report an earlier line (from
  // File:exit, or about a statement it remembered), so the current one is only right when it starts
  // there; otherwise the first statement starting on that line, and none when no statement does.
  const statement = current.line === line ? current : firstStatementAt(state, line);
  return createFinding(rule, {
    messageId: report.messageId,
    data: report.data ?? {},
    file: onDown ? run.file.down!.path : run.file.path,
    line,
    status: report.status,
    source: 'rule',
    verify: report.verify,
    pattern: report.pattern,
    categories: report.categories,
    categoryStatus: report.categoryStatus,
    table: report.table,
    excerpt: !onDown && statement?.text ? excerptOf(statement.text) : undefined,
  });
}

function firstStatementAt(state: WalkState, line: number): Statement | undefined {
  if (!state.statementAtLine) {
    state.statementAtLine = new Map();
    for (const statement of state.run.statements) if (!state.statementAtLine.has(statement.line)) state.statementAtLine.set(statement.line, statement);
  }
  return state.statementAtLine.get(line);
}
