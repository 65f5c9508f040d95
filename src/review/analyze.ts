import type { ResolvedConfig } from '../config/schema.js';
import { parseAcks, type ScriptAcks } from '../core/acks.js';
import type { CodeRef, FileSummary, Finding, MigrationFile, Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import type { RepoLink } from '../discover/links.js';
import type { CarriedSetting, Rule } from '../rules/define.js';
import { runRules } from '../rules/engine.js';
import { findingOf } from '../rules/finding.js';
import { AST_RULES } from '../rules/index.js';
import { Catalog } from '../sql/catalog.js';
import { expandStatements } from '../sql/expand.js';
import { loadParser, parseSql, type ParsedSql, type Statement } from '../sql/parse.js';
import { finalize, type Draft } from './finalize.js';

export interface AnalysisInput {
  discovery: Discovery;
  /**
   * Paths of the migrations under review. `null` reviews every migration, each against the
   * migrations before it (an audit of the whole history).
   */
  change: Set<string> | null;
  config: ResolvedConfig;
  /** Already-merged migrations the change modifies. */
  modified?: Set<string>;
  /** Lines of application code that mention a table and columns (index dependencies, renames). */
  codeRefs?: (table: string, columns: string[], mapped?: { knownTables: string[] }) => CodeRef[];
  /** Whether `codeRefs` searches any application code at all. */
  codeAvailable?: boolean;
  /** Rules to run; default: all. */
  rules?: readonly Rule[];
  /** Called after each reviewed file, for progress on long runs. */
  onFile?: (done: number, total: number, path: string) => void;
}

/** The static half of a review: every rule over the change, before the policy pass. */
export type Analysis = Pick<Draft, 'findings' | 'files' | 'acks' | 'createdTables'>;

/**
 * Parse each migration, replay history into the schema model, run the rules over the change, and
 * collect the acks written in it. Pure: no GitHub, no network, no policy.
 */
export async function analyze(input: AnalysisInput): Promise<Analysis> {
  await loadParser();
  const out: Analysis = { findings: [], files: [], acks: [], createdTables: [] };
  const inChange = (path: string): boolean => input.change === null || input.change.has(path);
  const total = input.change === null ? input.discovery.migrations.length : input.change.size;
  let done = 0;
  for (const list of migrationSets(input.discovery)) {
    const lastChanged = Math.max(-1, ...list.filter((f) => inChange(f.path)).map((f) => f.order));
    const catalog = new Catalog();
    let newTables = new Set<string>();
    let newColumns = new Set<string>();
    let session = new Map<string, CarriedSetting>();
    const ups = new ParsedUps(input.change === null ? [] : list.filter((f) => inChange(f.path) && f.upSql.length <= input.config.thresholds.maxFileBytes));
    for (const file of list) {
      if (file.order > lastChanged) break;
      if (!inChange(file.path)) {
        // History: only its effect on the schema matters.
        if (file.upSql.length <= input.config.thresholds.maxFileBytes) {
          for (const statement of expandStatements(parseSql(file.upSql, file.upStartLine, file.chunks)).statements) catalog.apply(statement, file.path);
        }
        continue;
      }
      // Auditing the whole history, each file is its own change: only tables it creates are new.
      if (input.change === null) {
        newTables = new Set();
        newColumns = new Set();
        session = new Map();
      }
      analyzeFile(file, { ...input, catalog, newTables, newColumns, session, ups }, out);
      input.onFile?.(++done, total, file.path);
    }
    if (input.change !== null) out.createdTables.push(...newTables);
  }
  for (const extra of input.discovery.extras) {
    if (!inChange(extra.path)) continue;
    const parsed = parseSql(extra.sql);
    out.findings.push(...syntaxFindings(extra.path, parsed, extra.role === 'down' ? 'down' : 'verify'));
    out.files.push({ path: extra.path, framework: extra.role === 'verify' ? 'sqitch-verify' : 'down-script', inTransaction: null, statements: parsed.statements.length, reviewed: true });
  }
  for (const link of input.discovery.unreadableLinks ?? []) if (inChange(link.path)) unreviewableLink(link, out);
  return out;
}

/** A migration path that is a link the repository cannot resolve: a BLOCK, and a file not reviewed. */
function unreviewableLink(link: RepoLink, out: Analysis): void {
  out.findings.push(findingOf('unreviewable-symlink', { messageId: link.problem ?? 'dangling', data: { file: link.path, target: link.target }, file: link.path, line: 1, status: 'BLOCK', source: 'rule' }));
  out.files.push({ path: link.path, framework: 'symbolic-link', inTransaction: null, statements: 0, reviewed: false });
}

/** The static review alone (no trace, no Claude), with the policy applied: for tools and tests. */
export async function review(input: AnalysisInput): Promise<Review> {
  return finalize({ ...(await analyze(input)), skipped: [], postgres: input.config.postgres }, input.config);
}

function migrationSets(discovery: Discovery): MigrationFile[][] {
  const bySet = new Map<string, MigrationFile[]>();
  for (const file of discovery.migrations) {
    const list = bySet.get(file.set) ?? [];
    list.push(file);
    bySet.set(file.set, list);
  }
  return [...bySet.values()].map((list) => list.sort((a, b) => a.order - b.order));
}

/** One file of the change: its rule findings, syntax problems, acks and summary. */
function analyzeFile(
  file: MigrationFile,
  input: AnalysisInput & { catalog: Catalog; newTables: Set<string>; newColumns: Set<string>; session: Map<string, CarriedSetting>; ups?: ParsedUps },
  out: Analysis,
): void {
  // A data dump posing as a migration: parsing tens of MB costs seconds and gigabytes, and a
  // human has to look at it anyway. It still counts as reviewed, with one FLAG.
  if (file.upSql.length > input.config.thresholds.maxFileBytes) {
    const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;
    out.findings.push(
      findingOf('too-large-to-review', {
        messageId: 'tooLarge',
        data: { file: file.path, size: mb(file.upSql.length), limit: mb(input.config.thresholds.maxFileBytes) },
        file: file.path,
        line: file.upStartLine,
        status: 'FLAG',
        source: 'rule',
        verify: `what ${file.path} does`,
      }),
    );
    out.files.push({ path: file.path, framework: file.framework, inTransaction: null, version: file.version, down: file.down?.path ?? null, statements: 0, reviewed: false });
    return;
  }
  const up = input.ups?.of(file) ?? parseUp(file);
  const down = file.down ? parseSql(file.down.sql, file.down.startLine) : null;
  out.findings.push(
    ...runRules({ file, statements: up.statements, down, catalog: input.catalog, newTables: input.newTables, newColumns: input.newColumns, session: input.session, laterInChange: () => input.ups?.after(file) ?? [], config: input.config, rules: input.rules ?? AST_RULES, codeRefs: input.codeRefs, codeAvailable: input.codeAvailable, change: input.change }),
    ...syntaxFindings(file.path, up, 'up'),
  );
  if (down && file.down) out.findings.push(...syntaxFindings(file.down.path, down, 'down'));
  if (input.modified?.has(file.path)) {
    out.findings.push(findingOf('modified-migration', { messageId: 'modified', data: { file: file.path }, file: file.path, line: file.upStartLine, status: 'BLOCK', source: 'rule' }));
  }
  out.acks.push(acksIn(file.path, file.upSql, file.upStartLine, up));
  if (file.down && down && file.down.path !== file.path) out.acks.push(acksIn(file.down.path, file.down.sql, file.down.startLine, down));
  out.files.push(summarize(file, up));
}

function acksIn(file: string, sql: string, startLine: number, parsed: ParsedSql): ScriptAcks {
  return { file, ...parseAcks(sql, startLine, parsed.statements.filter((s) => !s.nested)) };
}

function summarize(file: MigrationFile, up: ParsedSql): FileSummary {
  const count = up.statements.filter((s) => !s.nested).length;
  const inTransaction = file.txMode === 'per-file' || file.txMode === 'all-pending' ? true : file.txMode === 'none' ? false : file.txMode === 'implicit' ? count > 1 : null;
  return { path: file.path, framework: file.framework, inTransaction, version: file.version, down: file.down?.path ?? null, statements: count, reviewed: true };
}

function syntaxFindings(file: string, parsed: ParsedSql, script: 'up' | 'down' | 'verify'): Finding[] {
  return parsed.problems.map((problem) =>
    findingOf('syntax-error', {
      messageId: 'syntax',
      data: { error: problem.message, script },
      file,
      line: problem.line,
      // A file that hides part of itself (a NUL byte) is a BLOCK: nobody can say what it runs.
      status: problem.invalidFile ? 'BLOCK' : 'FLAG',
      source: 'rule',
      category: script === 'down' ? 'missing_rollback' : 'lock_contention',
    }),
  );
}

function parseUp(file: MigrationFile): ParsedSql {
  return expandStatements(parseSql(file.upSql, file.upStartLine, file.chunks));
}

/**
 * The change's files of one migration set, parsed once: each file's own statements, and those of
 * the files after it (what the same pull request does next), built only when a rule asks.
 */
class ParsedUps {
  private readonly parsed = new Map<string, ParsedSql>();
  private readonly later = new Map<string, Statement[]>();
  constructor(private readonly files: MigrationFile[]) {}

  of(file: MigrationFile): ParsedSql | undefined {
    if (!this.files.includes(file)) return undefined;
    let up = this.parsed.get(file.path);
    if (!up) this.parsed.set(file.path, (up = parseUp(file)));
    return up;
  }

  after(file: MigrationFile): Statement[] {
    let statements = this.later.get(file.path);
    if (!statements) {
      statements = this.files.slice(this.files.indexOf(file) + 1).flatMap((f) => this.of(f)!.statements);
      this.later.set(file.path, statements);
    }
    return statements;
  }
}
