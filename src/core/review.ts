import type { ResolvedConfig } from '../config/schema.js';
import type { Discovery } from '../discover/index.js';
import { ALL_RULES, RULES_BY_ID } from '../rules/index.js';
import { runRules, type CodeRef } from '../rules/engine.js';
import type { Rule } from '../rules/define.js';
import { Catalog } from '../sql/catalog.js';
import { expandStatements } from '../sql/expand.js';
import { loadParser, parseSql, type ParsedSql } from '../sql/parse.js';
import { applyAcks, parseAcks, type AckProblem } from './acks.js';
import type { Category, FileSummary, Finding, MigrationFile, Review } from './types.js';
import { categoryStatuses, justify, verdictOf } from './verdict.js';

export interface ReviewInput {
  discovery: Discovery;
  /**
   * Paths of the migrations under review. `null` reviews every migration, each against the
   * migrations before it (an audit of the whole history).
   */
  change: Set<string> | null;
  config: ResolvedConfig;
  /** Already-merged migrations the change modifies (from --base). */
  modified?: Set<string>;
  /** Lines of application code that mention a table and columns (index dependencies). */
  codeRefs?: (table: string, columns: string[]) => CodeRef[];
  /** Rules to run; default: all. */
  rules?: readonly Rule[];
  /** Called after each reviewed file, for progress on long runs. */
  onFile?: (done: number, total: number, path: string) => void;
}

/**
 * The one way through: parse each migration, replay history into the schema model, run the rules
 * over the change, apply acks, merge into categories and a verdict. Pure: no GitHub, no network.
 */
export async function review(input: ReviewInput): Promise<Review> {
  await loadParser();
  const rules = input.rules ?? ALL_RULES;
  const findings: Finding[] = [];
  const files: FileSummary[] = [];
  const bySet = new Map<string, MigrationFile[]>();
  for (const file of input.discovery.migrations) {
    const list = bySet.get(file.set) ?? [];
    list.push(file);
    bySet.set(file.set, list);
  }
  const inChange = (path: string): boolean => input.change === null || input.change.has(path);
  const total = input.change === null ? input.discovery.migrations.length : input.change.size;
  let done = 0;

  for (const list of bySet.values()) {
    list.sort((a, b) => a.order - b.order);
    const lastChanged = Math.max(-1, ...list.filter((f) => inChange(f.path)).map((f) => f.order));
    const catalog = new Catalog();
    let newTables = new Set<string>();
    for (const file of list) {
      if (file.order > lastChanged) break;
      // A data dump posing as a migration: parsing tens of MB costs seconds and gigabytes, and a
      // human has to look at it anyway. It still counts as reviewed, with one FLAG.
      if (file.upSql.length > input.config.thresholds.maxFileBytes) {
        if (inChange(file.path)) {
          const size = `${(file.upSql.length / 1_000_000).toFixed(1)} MB`;
          const finding = meta('too-large-to-review', file.path, file.upStartLine, { file: file.path, size, limit: `${(input.config.thresholds.maxFileBytes / 1_000_000).toFixed(1)} MB` }, input.config);
          findings.push({ ...finding, message: `Verify: what ${file.path} does — ${finding.message}` });
          files.push({ path: file.path, framework: file.framework, inTransaction: null, version: file.version, down: file.down?.path ?? null, statements: 0, reviewed: false });
          input.onFile?.(++done, total, file.path);
        }
        continue;
      }
      const up = expandStatements(parseSql(file.upSql, file.upStartLine, file.chunks));
      if (!inChange(file.path)) {
        // History: only its effect on the schema matters.
        for (const statement of up.statements) catalog.apply(statement, file.path);
        continue;
      }
      // Auditing the whole history, each file is its own change: only tables it creates are new.
      if (input.change === null) newTables = new Set();
      const down = file.down ? parseSql(file.down.sql, file.down.startLine) : null;
      const fileFindings = runRules({
        file,
        statements: up.statements,
        down,
        catalog,
        newTables,
        config: input.config,
        rules,
        codeRefs: input.codeRefs,
      });
      fileFindings.push(...syntaxFindings(file.path, up, 'up', input.config));
      if (down && file.down) fileFindings.push(...syntaxFindings(file.down.path, down, 'down', input.config));
      if (input.modified?.has(file.path)) fileFindings.push(meta('modified-migration', file.path, file.upStartLine, { file: file.path }, input.config));
      fileFindings.push(...ackFindings(file.path, file.upSql, file.upStartLine, up, fileFindings, input.config));
      if (file.down && down && file.down.path !== file.path) {
        fileFindings.push(...ackFindings(file.down.path, file.down.sql, file.down.startLine, down, fileFindings, input.config));
      }
      findings.push(...fileFindings);
      files.push(summarize(file, up));
      input.onFile?.(++done, total, file.path);
    }
  }

  for (const extra of input.discovery.extras) {
    if (!inChange(extra.path)) continue;
    const parsed = parseSql(extra.sql);
    findings.push(...syntaxFindings(extra.path, parsed, extra.role === 'down' ? 'down' : 'verify', input.config));
    files.push({ path: extra.path, framework: extra.role === 'verify' ? 'sqitch-verify' : 'down-script', inTransaction: null, statements: parsed.statements.length, reviewed: true });
  }

  return assemble(findings, files, input.config.postgres);
}

export function assemble(findings: Finding[], files: FileSummary[], postgres: number, skipped: string[] = []): Review {
  const categories = categoryStatuses(findings);
  const verdict = verdictOf(categories);
  // Sorted first, so the finding the justification leads with does not depend on run order.
  const sorted = sortFindings(findings);
  return {
    schemaVersion: 1,
    verdict,
    justification: justify(verdict, sorted, files.filter((f) => f.framework !== 'sqitch-verify').length),
    categories,
    findings: sorted,
    files,
    ...(skipped.length ? { skipped } : {}),
    postgres,
  };
}

function sortFindings(findings: Finding[]): Finding[] {
  const rank = { BLOCK: 0, FLAG: 1 } as const;
  return findings.sort((a, b) => Number(!!a.acknowledged) - Number(!!b.acknowledged) || rank[a.status] - rank[b.status] || a.file.localeCompare(b.file) || a.line - b.line);
}

function summarize(file: MigrationFile, up: ParsedSql): FileSummary {
  const count = up.statements.filter((s) => !s.nested).length;
  const inTransaction = file.txMode === 'per-file' || file.txMode === 'all-pending' ? true : file.txMode === 'none' ? false : file.txMode === 'implicit' ? count > 1 : null;
  return { path: file.path, framework: file.framework, inTransaction, version: file.version, down: file.down?.path ?? null, statements: count, reviewed: true };
}

/** Findings the engine itself raises (syntax errors, acks, modified migrations), through their rules. */
function meta(ruleId: string, file: string, line: number, data: Record<string, string | number>, config: ResolvedConfig, category?: Category, status: 'FLAG' | 'BLOCK' = 'FLAG'): Finding {
  const rule = RULES_BY_ID.get(ruleId)!;
  const rendered = rule.render(Object.keys(rule.messages)[0]!, data);
  const level = config.rules[ruleId];
  return {
    rule: rule.id,
    category: category ?? rule.category,
    status: level && level !== 'off' ? level : status,
    file,
    line,
    message: rendered.message,
    recommendation: rendered.recommendation,
    pattern: rule.pattern,
    source: 'rule',
    acknowledged: null,
  };
}

function syntaxFindings(file: string, parsed: ParsedSql, script: 'up' | 'down' | 'verify', config: ResolvedConfig): Finding[] {
  if (config.rules['syntax-error'] === 'off') return [];
  return parsed.problems.map((problem) =>
    meta('syntax-error', file, problem.line, { error: problem.message, script }, config, script === 'down' ? 'missing_rollback' : 'lock_contention'),
  );
}

function ackFindings(file: string, sql: string, startLine: number, parsed: ParsedSql, findings: Finding[], config: ResolvedConfig): Finding[] {
  const { acks, problems } = parseAcks(sql, startLine, parsed.statements.filter((s) => !s.nested).map((s) => s.line));
  if (acks.length === 0 && problems.length === 0) return [];
  const known = new Set(RULES_BY_ID.keys());
  const all: AckProblem[] = [...problems, ...applyAcks(findings, acks, file, known, config.acks.allowBlock)];
  if (config.rules['invalid-ack'] === 'off') return [];
  const why: Record<AckProblem['kind'], string> = {
    malformed: 'it does not follow `-- migration-review: ack <rule-id> "<reason>"`',
    'no-reason': 'it gives no reason in quotes',
    'unknown-rule': 'there is no rule with that id (`npx migration-review rules` lists them)',
    'block-not-allowed': 'it acknowledges a BLOCK, and this repository does not allow that (acks.allowBlock)',
  };
  return all.map((p) => meta('invalid-ack', file, p.line, { ack: p.rule ?? p.text, why: why[p.kind] }, config, RULES_BY_ID.get(p.rule ?? '')?.category));
}
