import type { Logger } from 'pino';
import { ConfigError, MigrationReviewError } from '../core/errors.js';
import { parseConfig } from '../config/load.js';
import { resolveConfig, type ResolvedConfig } from '../config/schema.js';
import type { Review } from '../core/types.js';
import type { LlmEnv } from '../llm/index.js';
import { addClaude, changedCount, prepareChange, reviewDeterministic, runbookFor } from '../review/pipeline.js';
import type { TraceOptions } from '../trace/index.js';
import {
  commentBody,
  completeCheck,
  createSupersededCheck,
  docsBase,
  failCheck,
  failureCommentBody,
  startCheck,
  supersedeCheck,
  upsertComment,
  type Repo,
  type ReviewFailure,
} from './publish.js';
import type { ReviewJob } from './queue.js';
import { githubSource, type Octokit } from './source.js';

export interface ProcessDeps {
  /** Claude's review after the deterministic one is posted; absent = deterministic only. */
  llm?: LlmEnv;
  appId: number;
  /** An installation-authenticated client (Probot's `auth(installationId)`). */
  octokitFor(installationId: number): Promise<Octokit>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  trace?: TraceOptions | false;
}

/**
 * One review job, start to finish: the PR's current head, a check run for it, the review, then —
 * only if the head has not moved meanwhile — the comment and the completed check. Every head SHA
 * the job touched ends with a completed check: a failure completes it with `checks.errorConclusion`
 * (failure by default, with the reason), a replaced push with "Superseded", so a required check
 * never waits forever and an error never lets a PR through.
 */
export async function processReview(job: ReviewJob, deps: ProcessDeps): Promise<'posted' | 'stale' | 'closed' | 'failed'> {
  const octokit = await deps.octokitFor(job.installationId);
  const repo = { owner: job.owner, repo: job.repo };
  const log = { delivery: job.delivery, pr: `${job.owner}/${job.repo}#${job.pr}`, reason: job.reason };
  const attempt: Attempt = { octokit, repo, job, deps, log, headSha: job.headSha ?? null, checkRunId: null, config: null };
  try {
    return await review(attempt);
  } catch (error) {
    await reportFailure(attempt, error);
    return 'failed';
  } finally {
    await supersedeReplaced(attempt);
  }
}

/** What one job has learnt so far: what its failure report and the superseded checks need. */
interface Attempt {
  octokit: Octokit;
  repo: Repo;
  job: ReviewJob;
  deps: ProcessDeps;
  log: Record<string, unknown>;
  /** The PR's head once read (the pushed SHA until then). */
  headSha: string | null;
  checkRunId: number | null;
  config: ResolvedConfig | null;
}

async function review(attempt: Attempt): Promise<'posted' | 'stale' | 'closed'> {
  const { octokit, repo, job, deps, log } = attempt;
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
  if (pr.state !== 'open') return 'closed';
  const headSha = (attempt.headSha = pr.head.sha);
  if (job.reason === 'push' && job.headSha && job.headSha !== headSha) {
    deps.log.info({ ...log, headSha: job.headSha, current: headSha }, 'push superseded before review: its check says so');
    return 'stale';
  }
  const checkRunId = (attempt.checkRunId = await startCheck(octokit, repo, headSha, job.pr, deps.appId));
  const source = githubSource(octokit, { ...repo, number: job.pr }, { head: headSha, base: pr.base.sha });
  // The config first, on its own: a failure in any later step concludes as it says.
  const found = await source.configText();
  const repoConfig = found ? parseConfig(found.text, found.path) : {};
  attempt.config = resolveConfig(repoConfig);
  const prepared = await prepareChange(source, { config: repoConfig, badStats: 'note' });
  const config = prepared.config;
  const run = changedCount(prepared) ? await reviewDeterministic(prepared, { traceOptions: deps.trace === false ? undefined : deps.trace, trace: deps.trace === false ? false : undefined }) : null;
  // A push landed while we worked: this result describes an old commit. Say so on its check
  // and leave the comment to the newer job.
  const { data: now } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
  if (now.head.sha !== headSha) {
    await supersedeCheck(octokit, repo, checkRunId, now.head.sha);
    deps.log.info({ ...log, headSha, current: now.head.sha }, 'head moved during review: result dropped');
    return 'stale';
  }
  // The deterministic result lands first; Claude's review updates it when (and if) it answers.
  const llmWanted = !!(deps.llm?.apiKey && run && config.llm.enabled);
  const pending = !run ? null : llmWanted ? withNote(run.review, 'in progress — this comment is updated when it answers') : deps.llm && !deps.llm.apiKey ? withNote(run.review, 'ANTHROPIC_API_KEY is not set — deterministic review only') : run.review;
  await publish(attempt, checkRunId, headSha, config, pending && run ? { ...pending, runbook: await runbookFor(run) } : null);
  await react(octokit, repo, job, true);
  if (llmWanted && run) {
    const reviewed = await addClaude(run, { env: deps.llm!, pr: { title: pr.title ?? '', body: pr.body ?? '' }, allowedLinks: [`https://github.com/${job.owner}/${job.repo}/`, docsBase(config)] });
    const { data: latest } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
    if (latest.head.sha === headSha) await publish(attempt, checkRunId, headSha, config, { ...reviewed.review, runbook: await runbookFor(reviewed) });
  }
  deps.log.info({ ...log, headSha, verdict: run?.review.verdict ?? 'no migrations', files: run?.review.files.length ?? 0 }, 'review posted');
  return 'posted';
}

/**
 * The review could not complete: its check (created now if the failure came first) and our
 * comment, if there is one, both say so. Each write is tried on its own; what still fails is
 * left to the next attempt, which reuses the open check run.
 */
async function reportFailure(attempt: Attempt, error: unknown): Promise<void> {
  const { octokit, repo, job, deps, log, headSha } = attempt;
  const failure: ReviewFailure = { reason: error instanceof MigrationReviewError ? error.describe() : (error as Error).message, configError: error instanceof ConfigError };
  deps.log.error({ ...log, headSha, err: error }, `review failed: ${failure.reason}`);
  const logged = (what: string) => (e: unknown) => deps.log.error({ ...log, headSha, err: e }, `could not ${what}`);
  if (headSha) {
    // An invalid config cannot say how errors conclude: fail closed.
    const conclusion = attempt.config?.checks.errorConclusion ?? 'failure';
    const checkRunId = attempt.checkRunId ?? (await startCheck(octokit, repo, headSha, job.pr, deps.appId).catch(logged('create the check run')));
    if (checkRunId) await failCheck(octokit, repo, checkRunId, failure, conclusion).catch(logged('complete the check run'));
    await upsertComment(octokit, repo, job.pr, deps.appId, failureCommentBody(failure, headSha), false).catch(logged('update the comment'));
  }
  await react(octokit, repo, job, false);
}

/** Pushes this job replaced (coalesced while waiting, or its own when the head moved on) get a completed "Superseded" check. */
async function supersedeReplaced(attempt: Attempt): Promise<void> {
  const { octokit, repo, job, deps, log, headSha } = attempt;
  if (!headSha) return;
  const replaced = new Set([...(job.coalescedShas ?? []), ...(job.headSha ? [job.headSha] : [])]);
  replaced.delete(headSha);
  await Promise.all(
    [...replaced].map((sha) =>
      createSupersededCheck(octokit, repo, sha, headSha, job.pr).catch((e: unknown) => deps.log.error({ ...log, sha, err: e }, 'could not complete the check of a superseded push')),
    ),
  );
}

function withNote(review: Review, text: string): Review {
  return { ...review, skipped: [...(review.skipped ?? []), `Claude review: ${text}`] };
}

/**
 * The comment and the check, side by side. Both are awaited before an error counts, so the
 * failure report that follows is never overtaken by a write still in flight.
 */
async function publish(attempt: Attempt, checkRunId: number, headSha: string, config: ResolvedConfig, review: (Review & { runbook?: string }) | null): Promise<void> {
  const { octokit, repo, job, deps } = attempt;
  const results = await Promise.allSettled([
    upsertComment(octokit, repo, job.pr, deps.appId, commentBody(review, headSha, config), review !== null),
    completeCheck(octokit, repo, checkRunId, review, headSha, config),
  ]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/** /rereview comments get 👍 when the review is posted, 👎 when it failed. */
async function react(octokit: Octokit, repo: { owner: string; repo: string }, job: ReviewJob, ok: boolean): Promise<void> {
  for (const commentId of job.commentIds) {
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: ok ? '+1' : '-1' }).catch(() => undefined);
  }
}
