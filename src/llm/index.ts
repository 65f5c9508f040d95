import type { ResolvedConfig } from '../config/schema.js';
import type { Review, Verdict } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import type { CodeRef } from '../core/types.js';
import { loadParser, parseSql } from '../sql/parse.js';
import { askClaude, DEFAULT_MODEL } from './claude.js';
import { llmFindings, sanitize, type ClaudeProposal } from './merge.js';
import type { StatementSpan } from './policy.js';
import { buildPrompt } from './prompt.js';

export { DEFAULT_MODEL } from './claude.js';
export { applyClaudePolicy, loadPolicy } from './policy.js';

export interface LlmRequest {
  discovery: Discovery;
  change: Set<string> | null;
  config: ResolvedConfig;
  pr?: { title: string; body: string };
  codeRefs?: CodeRef[];
  /** Searches application code for a table (and columns): used to find the queries the change touches. */
  searchCode?: (table: string, columns: string[]) => CodeRef[];
  /** Links Claude's text may keep (the repository, our docs). */
  allowedLinks?: string[];
}

export interface LlmEnv {
  apiKey?: string;
  model?: string;
  baseURL?: string;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/**
 * What Claude added: findings it proposes for the draft (with the policy line each cites; the
 * policy pass, applyClaudePolicy, decides which join it), notes for `skipped`, and its verdict in
 * its words.
 */
export interface ClaudeContribution {
  proposals: ClaudeProposal[];
  notes: string[];
  /** Claude's verdict and justification (sanitized), used only when the final verdict agrees. */
  verdict?: Verdict;
  justification?: string;
}

/**
 * Asks Claude to review a finished deterministic review. Never fails the review: without a key,
 * disabled, timed out or wrong, it contributes no findings and one note says why.
 */
export async function askClaudeToReview(review: Review, request: LlmRequest, env: LlmEnv): Promise<ClaudeContribution> {
  const note = (text: string): ClaudeContribution => ({ proposals: [], notes: [`Claude review: ${text}`] });
  if (!request.config.llm.enabled) return note('turned off in the repository config (llm.enabled: false)');
  if (!env.apiKey) return note('ANTHROPIC_API_KEY is not set — deterministic review only');
  const prompt = buildPrompt({ review, discovery: request.discovery, change: request.change, config: request.config, pr: request.pr, codeRefs: request.codeRefs ?? codeFor(review, request.searchCode) });
  const outcome = await askClaude(prompt, {
    apiKey: env.apiKey,
    model: env.model ?? request.config.llm.model ?? DEFAULT_MODEL,
    deadlineMs: request.config.llm.deadlineSeconds * 1000,
    baseURL: env.baseURL,
    log: env.log,
  });
  if (!outcome.ok) return note(outcome.note);
  const allowedLinks = request.allowedLinks ?? [];
  const { proposals, dropped } = llmFindings(outcome.answer, { lines: reviewedLines(request), allowedLinks });
  env.log?.('claude review merged', { proposed: proposals.length, dropped: dropped.length, cacheRead: outcome.usage.cacheRead, cacheWrite: outcome.usage.cacheWrite });
  const notes = [
    ...(dropped.length ? [`Claude review: ${dropped.length} finding${dropped.length === 1 ? '' : 's'} dropped for citing a line that does not exist (${dropped.slice(0, 3).join(', ')})`] : []),
    ...(prompt.omitted.length ? [`Claude review: left out to fit the input budget — ${prompt.omitted.join('; ')}`] : []),
  ];
  return { proposals, notes, verdict: outcome.answer.verdict, justification: sanitize(outcome.answer.justification, allowedLinks) };
}

/**
 * A script under review as the prompt shows it: a migration's up, and its down when that is a
 * file of its own (the prompt does not show the down section goose and dbmate keep in the up file).
 */
interface ReviewedScript {
  path: string;
  sql: string;
  startLine: number;
  chunks?: { start: number; end: number }[];
}

function* reviewedScripts(discovery: Discovery, change: Set<string> | null): Generator<ReviewedScript> {
  for (const m of discovery.migrations) {
    if (change !== null && !change.has(m.path)) continue;
    yield { path: m.path, sql: m.upSql, startLine: m.upStartLine, chunks: m.chunks };
    if (m.down && m.down.path !== m.path) yield { path: m.down.path, sql: m.down.sql, startLine: m.down.startLine };
  }
}

/** Line counts of the files under review: a Claude finding must cite a line inside one of them. */
function reviewedLines(request: LlmRequest): Map<string, number> {
  const lines = new Map<string, number>();
  for (const s of reviewedScripts(request.discovery, request.change)) lines.set(s.path, s.startLine - 1 + s.sql.split('\n').length);
  return lines;
}

/**
 * The top-level statements of the files under review, by file: a Claude BLOCK must cite one, and
 * a repeat of a rule finding is recognised within one. Files over thresholds.maxFileBytes are not
 * parsed (the rules did not read them either), so nothing in them counts as a statement.
 */
export async function reviewedStatements(discovery: Discovery, change: Set<string> | null, config: ResolvedConfig): Promise<Map<string, StatementSpan[]>> {
  await loadParser();
  const spans = new Map<string, StatementSpan[]>();
  for (const s of reviewedScripts(discovery, change)) {
    const statements = s.sql.length > config.thresholds.maxFileBytes ? [] : parseSql(s.sql, s.startLine, s.chunks).statements;
    spans.set(s.path, statements.map(({ line, endLine }) => ({ line, endLine })));
  }
  return spans;
}

/** Application code that queries the tables the change touches (from findings and the trace). */
function codeFor(review: Review, search?: (table: string, columns: string[]) => CodeRef[]): CodeRef[] {
  if (!search) return [];
  const tables = new Set<string>(review.findings.map((f) => f.table).filter((t): t is string => !!t));
  for (const file of review.trace?.files ?? []) for (const s of file.statements) for (const l of s.locks) if (!l.isNew) tables.add(l.relation.replace(/^public\./, ''));
  return [...tables].slice(0, 10).flatMap((table) => search(table, []).slice(0, 3));
}
