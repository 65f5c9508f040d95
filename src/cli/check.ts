import { UsageError } from '../core/errors.js';
import type { Review } from '../core/types.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import { localSource } from '../repo/local-source.js';
import { changedCount, prepareChange, reviewDeterministic, addClaude, runbookFor, type ReviewRun } from '../review/pipeline.js';

export interface CheckOptions {
  paths: string[];
  base?: string;
  format: 'text' | 'json' | 'markdown';
  failOn: 'block' | 'flag';
  config?: string;
  root?: string;
  postgres?: number;
  color: boolean;
  /** Run the lock trace: true, false, or undefined = on for a change of at most TRACE_AUTO_FILES files. */
  trace?: boolean;
  /** Trace on this PostgreSQL (a throwaway database is created there) instead of PGlite. */
  databaseUrl?: string;
  /** With databaseUrl: trace even as a superuser. Unsafe for untrusted migrations (see README, Security model). */
  allowSuperuser?: boolean;
  /** Add Claude's review (ANTHROPIC_API_KEY; ANTHROPIC_MODEL or config llm.model). */
  llm?: boolean;
  /** Per-statement trace limit in ms. */
  traceStatementMs?: number;
  /** Said on stderr while the trace prepares (the first run builds the embedded cluster). */
  note?: (message: string) => void;
  progress?: (done: number, total: number, path: string) => void;
}

export { TRACE_AUTO_FILES } from '../review/pipeline.js';

/** `check`: the working tree as the source, the pipeline, then one renderer. */
export async function runCheck(options: CheckOptions): Promise<{ run: ReviewRun; review: Review; output: string; exitCode: 0 | 1 }> {
  const source = await localSource(options);
  const prepared = await prepareChange(source, { postgres: options.postgres });
  // Named paths with no migration in them is a mistake (a wrong path in CI must not pass the check).
  if (!options.base && changedCount(prepared) === 0) {
    throw new UsageError(`no migration files found in ${options.paths.length ? options.paths.join(', ') : source.root}: name migration files or their folder, or set \`migrations:\` globs in the config`);
  }
  let run = await reviewDeterministic(prepared, {
    trace: options.trace,
    traceOptions: { databaseUrl: options.databaseUrl, allowSuperuser: options.allowSuperuser, limits: options.traceStatementMs ? { statementMs: options.traceStatementMs } : undefined },
    note: options.note,
    onFile: options.progress,
  });
  if (options.llm) {
    options.note?.('asking Claude for its review…');
    const env = { apiKey: process.env.ANTHROPIC_API_KEY || undefined, model: process.env.ANTHROPIC_MODEL || undefined, baseURL: process.env.ANTHROPIC_BASE_URL || undefined };
    run = await addClaude(run, { env });
  }
  const { review } = run;
  const output =
    options.format === 'json'
      ? renderJson(review)
      : options.format === 'markdown'
        ? renderMarkdown({ ...review, runbook: await runbookFor(run) }, { docsBaseUrl: run.prepared.config.docsUrl ?? undefined })
        : renderText(review, { color: options.color });
  const failing = options.failOn === 'flag' ? review.verdict !== 'SAFE_TO_SHIP' : review.verdict === 'BLOCK';
  return { run, review, output, exitCode: failing ? 1 : 0 };
}
