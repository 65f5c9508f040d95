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

/** Creates the check run for a head SHA (in progress); its id is used to complete it. */
export async function startCheck(octokit: Octokit, repo: Repo, headSha: string, pr: number): Promise<number> {
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
    actions: [{ label: 'Re-run review', identifier: 'rereview', description: 'Run migration-review again on this commit' }],
  });
}

/** Completes a check run whose review failed: neutral, with the reason, never left pending. */
export async function failCheck(octokit: Octokit, repo: Repo, checkRunId: number, reason: string): Promise<void> {
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: 'neutral',
    completed_at: new Date().toISOString(),
    output: { title: 'Review failed', summary: clip(`review failed: ${reason}\n\nComment \`/rereview\` on the pull request to try again.`) },
    actions: [{ label: 'Re-run review', identifier: 'rereview', description: 'Run migration-review again on this commit' }],
  });
}

export function commentBody(review: (TracedReview & { runbook?: string }) | null, headSha: string, config: ResolvedConfig): string {
  const footer = `\n\n<sub>migration-review ${VERSION} · reviewed ${headSha.slice(0, 7)} · comment <code>/rereview</code> to run it again</sub>\n`;
  if (!review)
    return `${MARKER}\n## ✅ Migration review\n\nThis pull request no longer changes any migration files (as of ${headSha.slice(0, 7)}); the earlier review no longer applies.${footer}`;
  const body = renderMarkdown(review, { docsBaseUrl: docsBase(config) });
  return body.length + footer.length > COMMENT_LIMIT + 500 ? body : `${body}${footer}`;
}

/** Our comment on the PR, if there is one: our marker, written by our app. */
export async function findComment(octokit: Octokit, repo: Repo, pr: number, appId: number): Promise<{ id: number } | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: pr, per_page: 100 });
  const ours = comments.find(
    (c) => (c.body ?? '').includes(MARKER) && (c.performed_via_github_app?.id === appId || (!c.performed_via_github_app && c.user?.type === 'Bot')),
  );
  return ours ? { id: ours.id } : null;
}

/** Updates our comment in place, or creates it; with no migrations and no comment yet, says nothing. */
export async function upsertComment(
  octokit: Octokit,
  repo: Repo,
  pr: number,
  appId: number,
  body: string,
  createIfMissing: boolean,
): Promise<'created' | 'updated' | 'none'> {
  const existing = await findComment(octokit, repo, pr, appId);
  if (existing) {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return 'updated';
  }
  if (!createIfMissing) return 'none';
  await octokit.rest.issues.createComment({ ...repo, issue_number: pr, body });
  return 'created';
}
