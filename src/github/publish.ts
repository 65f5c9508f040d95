import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../config/schema.js';
import { CATEGORY_NAMES, type Finding } from '../core/types.js';
import { visibleControls } from '../render/escape.js';
import { COMMENT_LIMIT, renderMarkdown } from '../render/markdown.js';
import { buildMarkdownView } from '../render/markdown-view.js';
import { VERDICT_LABELS } from '../render/view.js';
import type { TracedReview } from '../trace/index.js';
import type { Octokit } from './source.js';

/**
 * What the app writes to GitHub: one check run per head SHA (the required status) and one PR
 * comment, found again by its marker and our app id and updated in place.
 */
export const CHECK_NAME = 'migration-review';
export const MARKER = '<!-- migration-review -->';
/** GitHub's limits: output text and summary, annotations per request. */
export const OUTPUT_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Docs and patterns as published with the package, unless the repository names its own site. */
export function docsBase(config: ResolvedConfig): string {
  return config.docsUrl ?? process.env.MIGRATION_REVIEW_DOCS_URL ?? `https://unpkg.com/migration-review@${VERSION}/`;
}

export interface Repo {
  owner: string;
  repo: string;
}

type Conclusion = 'success' | 'failure' | 'neutral';
type ErrorConclusion = ResolvedConfig['checks']['errorConclusion'];
type Annotation = { path: string; start_line: number; end_line: number; annotation_level: 'notice' | 'warning' | 'failure'; title: string; message: string };

function clip(text: string, limit = OUTPUT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = "\n\n… cut to fit GitHub's 65,535-character limit: run `npx migration-review check` for the full report.";
  return `${text.slice(0, limit - note.length)}${note}`;
}

export function conclusionOf(review: TracedReview | null, config: ResolvedConfig): Conclusion {
  if (!review || review.verdict === 'SAFE_TO_SHIP') return 'success';
  return review.verdict === 'BLOCK' ? 'failure' : config.checks.flagConclusion;
}

export function checkOutput(review: TracedReview | null, headSha: string): { title: string; summary: string; text?: string; annotations: Annotation[] } {
  if (!review)
    return { title: 'No migration changes', summary: `This pull request changes no migration files (as of ${headSha.slice(0, 7)}).`, annotations: [] };
  // The summary and text are Markdown: every PR-derived field comes escaped from the view model.
  const view = buildMarkdownView(review);
  const open = review.findings.filter((f) => !f.acknowledged);
  const blocks = open.filter((f) => f.status === 'BLOCK').length;
  const flags = open.length - blocks;
  const title = `${VERDICT_LABELS[review.verdict]}${open.length ? ` — ${[blocks && `${blocks} blocking`, flags && `${flags} to verify`].filter(Boolean).join(', ')}` : ''}`;
  const rows = view.rows.map((r) => `| ${r.name} | ${r.status} | ${r.issue} | ${r.action} |`);
  const summary = `**${view.verdictLabel}** — ${view.justification}\n\n| Category | Status | Issue | Recommended Action |\n|---|---|---|---|\n${rows.join('\n')}\n`;
  const text = view.open.length
    ? view.open
        .map(
          (f) =>
            `### ${f.status} ${f.locationCode} — ${f.rule}\n\n${f.message}\n\n**Do instead:** ${f.recommendation}${f.evidence ? `\n\n_Trace: ${f.evidence}_` : ''}`,
        )
        .join('\n\n')
    : undefined;
  const annotations = review.findings.map((f: Finding): Annotation => ({
    path: f.file,
    start_line: f.line,
    end_line: f.line,
    annotation_level: f.acknowledged ? 'notice' : f.status === 'BLOCK' ? 'failure' : 'warning',
    title: `${f.acknowledged ? 'acknowledged: ' : ''}${f.rule} (${f.categories.map((c) => CATEGORY_NAMES[c]).join(', ')})`,
    // Annotations are plain text: only line breaks and control characters in the PR's names matter.
    message: clip(`${visibleControls(f.message)}\n\nDo instead: ${visibleControls(f.recommendation)}`, 64_000),
  }));
  return { title, summary: clip(summary), text: text === undefined ? undefined : clip(text), annotations };
}

/**
 * The check run a review of `headSha` completes: our run on that commit that an earlier attempt
 * left open (a write that failed for good), or a new one. Reusing it is what makes the next
 * attempt converge: no run stays pending next to the new result.
 */
export async function startCheck(octokit: Octokit, repo: Repo, headSha: string, pr: number, appId: number): Promise<number> {
  const { data: listed } = await octokit.rest.checks.listForRef({ ...repo, ref: headSha, check_name: CHECK_NAME, filter: 'all', per_page: 100 });
  const open = listed.check_runs.filter((run) => run.app?.id === appId && run.status !== 'completed').sort((a, b) => a.id - b.id);
  if (open.length) {
    // Several open runs (more than one attempt failed): the oldest carries on, the rest end here.
    for (const extra of open.slice(1)) await octokit.rest.checks.update({ ...repo, check_run_id: extra.id, ...superseded(headSha) });
    return open[0]!.id;
  }
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    // Fork PRs leave check_run.pull_requests empty: the PR number travels here instead.
    external_id: JSON.stringify({ pr }),
  });
  return data.id;
}

/**
 * A completed check saying a newer commit's review replaces this one. Neutral: a superseded
 * commit is not what gets merged (the PR's head is), and its own verdict was never reached.
 */
function superseded(newerSha: string) {
  return {
    status: 'completed' as const,
    conclusion: 'neutral' as const,
    completed_at: new Date().toISOString(),
    output: {
      title: `Superseded — see ${newerSha.slice(0, 7)}`,
      summary: `A newer commit (${newerSha}) was pushed before this one's review was posted; its review replaces this one.`,
    },
  };
}

/** Completes our open check run on a commit a newer push replaced. */
export async function supersedeCheck(octokit: Octokit, repo: Repo, checkRunId: number, newerSha: string): Promise<void> {
  await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, ...superseded(newerSha) });
}

/** A completed "Superseded" check on a commit whose review never started (its push was coalesced or overtaken). */
export async function createSupersededCheck(octokit: Octokit, repo: Repo, sha: string, newerSha: string, pr: number): Promise<void> {
  await octokit.rest.checks.create({ ...repo, name: CHECK_NAME, head_sha: sha, external_id: JSON.stringify({ pr }), ...superseded(newerSha) });
}

/** Completes a check run, sending annotations 50 per request. */
export async function completeCheck(
  octokit: Octokit,
  repo: Repo,
  checkRunId: number,
  review: TracedReview | null,
  headSha: string,
  config: ResolvedConfig,
): Promise<void> {
  const output = checkOutput(review, headSha);
  const chunks: Annotation[][] = [];
  for (let i = 0; i < output.annotations.length; i += ANNOTATIONS_PER_REQUEST) chunks.push(output.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const base = { title: output.title, summary: output.summary, ...(output.text ? { text: output.text } : {}) };
  // All chunks but the last while the run is still in progress; the last one completes it.
  for (const chunk of chunks.slice(0, -1)) await octokit.rest.checks.update({ ...repo, check_run_id: checkRunId, output: { ...base, annotations: chunk } });
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: conclusionOf(review, config),
    completed_at: new Date().toISOString(),
    output: { ...base, annotations: chunks[chunks.length - 1] ?? [] },
    actions: [RERUN_ACTION],
  });
}

export const RERUN_ACTION = { label: 'Re-run review', identifier: 'rereview', description: 'Run migration-review again on this commit' };

/** Why a review could not complete, as the check and the comment say it. */
export interface ReviewFailure {
  reason: string;
  /** The repository's config is wrong: re-running will not help until it is fixed. */
  configError: boolean;
}

export function failureTitle(failure: ReviewFailure): string {
  return failure.configError ? 'Invalid config — fix it, then re-run' : 'Review failed — re-run';
}

/**
 * Completes a check run whose review failed, with the reason and a re-run button. `failure` by
 * default (`checks.errorConclusion`): a neutral check satisfies branch protection, so an internal
 * error would let a blocked migration merge.
 */
export async function failCheck(octokit: Octokit, repo: Repo, checkRunId: number, failure: ReviewFailure, conclusion: ErrorConclusion): Promise<void> {
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion,
    completed_at: new Date().toISOString(),
    output: { title: failureTitle(failure), summary: clip(`review failed: ${failure.reason}\n\nUse "Re-run review" on this check, or comment \`/rereview\` on the pull request, to try again.`) },
    actions: [RERUN_ACTION],
  });
}

/** What our comment says when the review of `headSha` failed: the same as the check, so the two never disagree. */
export function failureCommentBody(failure: ReviewFailure, headSha: string): string {
  const reason = failure.reason.replace(/[<>&`]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `${MARKER}\n## ⚠️ Migration review: ${failureTitle(failure)}\n\nThe review of ${headSha.slice(0, 7)} could not complete: ${reason}\n\nAn earlier result in this comment no longer applies. Comment \`/rereview\` to run it again.\n\n<sub>migration-review ${VERSION}</sub>\n`;
}

export function commentBody(review: (TracedReview & { runbook?: string }) | null, headSha: string, config: ResolvedConfig): string {
  const footer = `\n\n<sub>migration-review ${VERSION} · reviewed ${headSha.slice(0, 7)} · comment <code>/rereview</code> to run it again</sub>\n`;
  if (!review)
    return `${MARKER}\n## ✅ Migration review\n\nThis pull request no longer changes any migration files (as of ${headSha.slice(0, 7)}); the earlier review no longer applies.${footer}`;
  const body = renderMarkdown(review, { docsBaseUrl: docsBase(config) });
  return body.length + footer.length > COMMENT_LIMIT + 500 ? body : `${body}${footer}`;
}

/** Our comments on the PR, oldest first: our marker, written by our app (normally one). */
export async function findComments(octokit: Octokit, repo: Repo, pr: number, appId: number): Promise<{ id: number }[]> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: pr, per_page: 100 });
  return comments
    .filter((c) => (c.body ?? '').includes(MARKER) && (c.performed_via_github_app?.id === appId || (!c.performed_via_github_app && c.user?.type === 'Bot')))
    .map((c) => ({ id: c.id }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Updates our comment in place, or creates it; with no migrations and no comment yet, says
 * nothing. Two writers can both find no comment (a replica without the PR lock, a retried create
 * GitHub had carried out): after creating, it lists again, keeps the oldest of ours and deletes
 * the rest, so the PR ends with one comment whoever won.
 */
export async function upsertComment(
  octokit: Octokit,
  repo: Repo,
  pr: number,
  appId: number,
  body: string,
  createIfMissing: boolean,
): Promise<'created' | 'updated' | 'none'> {
  const existing = await findComments(octokit, repo, pr, appId);
  if (existing.length) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: existing[0]!.id, body });
    await deleteExtras(octokit, repo, existing);
    return 'updated';
  }
  if (!createIfMissing) return 'none';
  const { data: created } = await octokit.rest.issues.createComment({ ...repo, issue_number: pr, body });
  const ours = await findComments(octokit, repo, pr, appId);
  // The kept comment must say what this review found, whichever writer created it.
  if (ours.length > 1 && ours[0]!.id !== created.id) await octokit.rest.issues.updateComment({ ...repo, comment_id: ours[0]!.id, body });
  await deleteExtras(octokit, repo, ours);
  return 'created';
}

async function deleteExtras(octokit: Octokit, repo: Repo, ours: { id: number }[]): Promise<void> {
  for (const extra of ours.slice(1)) {
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: extra.id }).catch((error: unknown) => {
      // Another writer deleted it first: the outcome is the same.
      if ((error as { status?: number }).status !== 404) throw error;
    });
  }
}
