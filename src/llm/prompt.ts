import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { z } from 'zod';
import type { ResolvedConfig } from '../config/schema.js';
import { CATEGORIES, type Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { loadPatterns } from '../patterns/library.js';
import type { CodeRef } from '../core/types.js';
import type { TracedReview } from '../trace/index.js';
import { loadPolicy } from './policy.js';

/**
 * The migration-review prompt (prompts/migration-review.hbs): rules and role, the review policy
 * (docs/judgment.md) and the patterns library (system blocks, cached up to the library), then the
 * pull request as delimited data. Secrets are redacted before anything leaves the process; the
 * input is budgeted and what was cut is said.
 */
const hbs = Handlebars.create();
const template = hbs.compile(readFileSync(new URL('../../prompts/migration-review.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: false });

/** What Claude must answer, validated again after the API enforced it. */
export const llmFindingSchema = z.strictObject({
  category: z.enum(CATEGORIES),
  file: z.string().min(1),
  line: z.number().int().min(1),
  /** The table the finding is about, as the migration names it; the merge judges new and small tables by it. */
  table: z.string().min(1).max(128).nullable(),
  /**
   * The id of the docs/judgment.md line that decides the status, asked before the status so the
   * status follows from it. A string, not an enum of ids: an unknown id should cost the finding
   * its BLOCK (the merge's call, said in a note), not fail the whole answer's validation.
   */
  policy: z.string().min(1).max(40).nullable(),
  status: z.enum(['FLAG', 'BLOCK']),
  title: z.string().min(3).max(120),
  message: z.string().min(10).max(1500),
  recommendation: z.string().min(5).max(1500),
  pattern: z.string().nullable(),
});
export const llmReviewSchema = z.strictObject({
  verdict: z.enum(['SAFE_TO_SHIP', 'SAFE_WITH_MODIFICATIONS', 'BLOCK']),
  justification: z.string().min(5).max(500),
  findings: z.array(llmFindingSchema).max(25),
});
export type LlmReview = z.infer<typeof llmReviewSchema>;
export type LlmFinding = z.infer<typeof llmFindingSchema>;

/** Keywords strict tool schemas do not take; zod checks them after the answer arrives. */
const UNSUPPORTED = new Set(['$schema', 'maxLength', 'minLength', 'maxItems', 'minItems', 'maximum', 'minimum', 'pattern', 'format', 'exclusiveMinimum', 'exclusiveMaximum']);
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([key]) => !UNSUPPORTED.has(key)).map(([key, value]) => [key, key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strip(v)])) : strip(value)]));
}
export const SUBMIT_REVIEW_SCHEMA = strip(z.toJSONSchema(llmReviewSchema)) as Record<string, unknown>;

/** Things that look like credentials, replaced before the SQL goes anywhere. */
const SECRETS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED PRIVATE KEY]'],
  [/\b(password|passwd|pwd|secret|token|api_?key|access_?key)(\s*(?:=|:|\s)\s*)'(?:[^']|'')*'/gi, "$1$2'[REDACTED]'"],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:\s/'"@]+:)([^@\s'"]+)(@)/gi, '$1[REDACTED]$3'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[REDACTED AWS KEY]'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, '[REDACTED GITHUB TOKEN]'],
  [/\bsk-[A-Za-z0-9_-]{20,}\b/g, '[REDACTED API KEY]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, '[REDACTED SLACK TOKEN]'],
];
export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [re, replacement]) => out.replace(re, replacement), text);
}

/** Data may not close its own block: `</migration_file>` inside SQL becomes harmless text. */
const defuse = (text: string): string => text.replace(/<\/?(migration_file|pr_description|application_code|deterministic_findings|trace|pattern|review_policy)\b/gi, (m) => m.replace('<', '‹'));

/** Roughly 4 characters per token for code and English; enough to budget. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** The thresholds docs/judgment.md names; their values go in the user turn, so the policy block is the same for every repository. */
const POLICY_THRESHOLDS = ['lockSeconds', 'smallTableRows', 'batchRows', 'replicationLagSeconds'] as const;

export interface PromptInput {
  review: TracedReview | Review;
  discovery: Discovery;
  change: Set<string> | null;
  config: ResolvedConfig;
  pr?: { title: string; body: string };
  codeRefs?: CodeRef[];
  /** Budget for the pull request's data, in estimated tokens. */
  budgetTokens?: number;
}

export interface Prompt {
  system: { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }[];
  user: string;
  omitted: string[];
  estimate: { system: number; cacheable: number; user: number };
}

export function buildPrompt(input: PromptInput): Prompt {
  const largest = Math.max(0, ...[...input.config.tables.values()].map((t) => t.rows));
  const writes = Math.max(0, ...[...input.config.tables.values()].map((t) => t.writesPerSecond ?? 0));
  const scale = { rows: largest ? largest.toLocaleString('en-US') : 'tens of millions of', writesPerSecond: writes || 'hundreds of' };
  const rules = template({ system: true, scale, postgres: input.config.postgres }).trim();
  const policy = template({ policy: loadPolicy().text.trim() }).trim();
  const patterns = template({ patterns: loadPatterns().map((p) => ({ id: p.id, title: p.title, categories: p.categories.join(', '), body: defuse(p.body.trim()) })) }).trim();

  const budget = input.budgetTokens ?? 60_000;
  const omitted: string[] = [];
  let used = 0;
  const files = input.discovery.migrations
    .filter((m) => input.change === null || input.change.has(m.path))
    .flatMap((m) => {
      const scripts = [{ path: m.path, sql: m.upSql, start: m.upStartLine }];
      if (m.down && m.down.path !== m.path) scripts.push({ path: m.down.path, sql: m.down.sql, start: m.down.startLine });
      return scripts.map((s) => ({ ...s, framework: m.framework, transaction: m.txReason || m.txMode }));
    })
    .map((f) => {
      const lines = redactSecrets(defuse(f.sql)).split('\n');
      const numbered: string[] = [];
      for (const [i, line] of lines.entries()) {
        const text = `${String(f.start + i).padStart(4)}| ${line}`;
        if (used + estimateTokens(text) > budget) {
          omitted.push(`${f.path} from line ${f.start + i} (${lines.length - i} lines)`);
          break;
        }
        used += estimateTokens(text) + 1;
        numbered.push(text);
      }
      return { ...f, numbered: numbered.join('\n') };
    });
  const findings = input.review.findings.map((f) => ({ rule: f.rule, category: f.category, status: f.status, file: f.file, line: f.line, message: f.message, acknowledged: f.acknowledged?.reason ?? null }));
  const trace = 'trace' in input.review && input.review.trace
    ? input.review.trace.files.map((f) => `${f.path}: ${f.statements.map((s) => `line ${s.line} ${s.status}${s.locks.length ? ` ${s.locks.map((l) => `${l.mode} ${l.relation}`).join(', ')}` : ''}${s.rewrites.length ? ` rewrote ${s.rewrites.join(', ')}` : ''}${s.reason ? ` (${s.reason})` : ''}`).join('; ')}`).join('\n')
    : 'not run';
  const user = template({
    user: true,
    pr: input.pr ? { title: defuse(redactSecrets(input.pr.title)), body: defuse(redactSecrets(input.pr.body || '(no description)')) } : { title: '(not a pull request: local check)', body: '(none)' },
    tables: [...input.config.tables].map(([name, t]) => ({ name, rows: t.rows.toLocaleString('en-US'), writesPerSecond: t.writesPerSecond })),
    thresholds: POLICY_THRESHOLDS.map((key) => ({ key, value: input.config.thresholds[key].toLocaleString('en-US') })),
    files,
    findings: defuse(JSON.stringify(findings, null, 1)),
    trace: defuse(redactSecrets(trace)),
    code: (input.codeRefs ?? []).slice(0, 20).map((r) => ({ file: r.file, line: r.line, text: defuse(redactSecrets(r.text)) })),
    omitted: omitted.join('; '),
  }).trim();
  const system: Prompt['system'] = [
    { type: 'text', text: rules },
    { type: 'text', text: policy },
    // The policy and the library change only with a release: cached (the prefix is tools, then
    // system blocks up to this one), the repeated reviews pay for them once.
    { type: 'text', text: patterns, cache_control: { type: 'ephemeral' } },
  ];
  return { system, user, omitted, estimate: estimateOf(system, user) };
}

/** Tokens of the system blocks, of the prefix up to the last cache breakpoint, and of the user turn. */
function estimateOf(system: Prompt['system'], user: string): Prompt['estimate'] {
  const tokens = system.map((block) => estimateTokens(block.text));
  const cachedBlocks = system.findLastIndex((block) => block.cache_control) + 1;
  const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
  return { system: sum(tokens), cacheable: sum(tokens.slice(0, cachedBlocks)), user: estimateTokens(user) };
}
