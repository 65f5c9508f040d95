import picomatch from 'picomatch';
import { DEFAULT_CONFIG_PATH, parseConfig } from '../config/load.js';
import { resolveConfig, type RepoConfig, type ResolvedConfig } from '../config/schema.js';
import { review } from '../core/review.js';
import { discover } from '../discover/index.js';
import { codeIndexOf, type CodeFile } from '../repo/code-refs.js';
import { fingerprint, loadParser } from '../sql/parse.js';
import { mergeTrace, startTrace, type TraceOptions, type TracedReview } from '../trace/index.js';
import { defaultBranchFile, readAll, repoAt, type Octokit } from './source.js';

/**
 * One pull request, reviewed: the same engine as the CLI, fed through the API. The change is the
 * PR's changed migration files; the history is the rest of the head commit's migrations; the
 * config comes from the default branch only (a PR cannot loosen its own review).
 */
export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

export interface PrReview {
  headSha: string;
  /** What Claude needs to add its review afterwards. */
  context?: { discovery: Awaited<ReturnType<typeof discover>>; change: Set<string>; searchCode: (table: string, columns: string[]) => { file: string; line: number; text: string }[] };
  /** Migration files (and their down / verify scripts) the PR changes. */
  changed: string[];
  review: TracedReview | null;
  config: ResolvedConfig;
}

/** Paths discovery reads besides SQL: plans, journals, runner settings. */
const META = /(^|\/)(sqitch\.plan|_journal\.json|metadata\.toml|go\.mod|Cargo\.toml|flyway\.conf|[^/]+\.sql\.conf|migration_lock\.toml)$/;
const CODE = picomatch('**/*.{ts,tsx,js,jsx,mjs,cjs,py,rb,go,java,kt}');
const MAX_CODE_FILES = 300;

export async function loadRepoConfig(octokit: Octokit, owner: string, repo: string): Promise<RepoConfig> {
  const text = await defaultBranchFile(octokit, owner, repo, DEFAULT_CONFIG_PATH);
  return text === null ? {} : parseConfig(text, DEFAULT_CONFIG_PATH);
}

export async function reviewPullRequest(octokit: Octokit, pr: PullRequestRef, shas: { head: string; base: string }, options: { trace?: TraceOptions | false } = {}): Promise<PrReview> {
  const headSha = shas.head;
  const { owner, repo } = pr;
  const config = resolveConfig(await loadRepoConfig(octokit, owner, repo));
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pr.number, per_page: 100 });
  const head = await repoAt(octokit, owner, repo, headSha);
  // Fetch what discovery will read, in parallel, before it reads it one by one.
  await readAll(head, head.paths.filter((p) => p.endsWith('.sql') || META.test(p)));
  await loadParser();
  const discovery = await discover(head, { globs: config.migrations });

  const byPath = new Map(discovery.migrations.map((m) => [m.path, m]));
  const ownerOfDown = new Map(discovery.migrations.filter((m) => m.down).map((m) => [m.down!.path, m]));
  const extras = new Set(discovery.extras.map((e) => e.path));
  const change = new Set<string>();
  const modified = new Set<string>();
  for (const file of files) {
    if (file.status === 'removed') continue;
    const migration = byPath.get(file.filename) ?? ownerOfDown.get(file.filename);
    if (!migration && !extras.has(file.filename)) continue;
    change.add(migration?.path ?? file.filename);
    if (file.status === 'modified' && migration?.path === file.filename) {
      // An edit to a migration that already exists on the base: it will not run again where it ran.
      const before = await contentAt(octokit, owner, repo, file.filename, shas.base);
      if (before !== null && fingerprint(before) !== fingerprint(migration.upSql)) modified.add(file.filename);
    }
  }
  const changed = [...change].sort();
  if (!change.size) return { headSha, changed, review: null, config };

  const tracing = options.trace === false ? null : startTrace({ discovery, change }, options.trace ?? {});
  const codeFiles = await codeFor(head, discovery.migrations.map((m) => m.path));
  const codeIndex = codeIndexOf(codeFiles);
  let result: TracedReview = await review({ discovery, change, config, modified, codeRefs: (t, c) => codeIndex.search(t, c) });
  if (tracing) result = mergeTrace(result, await tracing, { discovery, config });
  if (head.truncated) result = { ...result, skipped: [...(result.skipped ?? []), 'the repository tree is larger than GitHub lists in one request: migrations outside the listed part were not seen'] };
  return { headSha, changed, review: result, config, context: { discovery, change, searchCode: (t, c) => codeIndex.search(t, c) } };
}

async function contentAt(octokit: Octokit, owner: string, repo: string, path: string, ref: string): Promise<string | null> {
  try {
    const { data: file } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
    if (Array.isArray(file) || file.type !== 'file') return null;
    return Buffer.from(file.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** Application code for the index-dependency rules: bounded, outside the migrations. */
async function codeFor(head: Awaited<ReturnType<typeof repoAt>>, migrationPaths: string[]): Promise<CodeFile[]> {
  const skip = new Set(migrationPaths);
  const paths = head.paths.filter((p) => CODE(p) && !skip.has(p) && !/(^|\/)(node_modules|vendor|dist|migrations?)\//.test(p)).slice(0, MAX_CODE_FILES);
  const texts = await readAll(head, paths);
  return paths.map((path) => ({ path, lines: (texts.get(path) ?? '').split('\n') }));
}
