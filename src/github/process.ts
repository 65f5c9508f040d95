import type { Logger } from 'pino';
import { MigrationReviewError } from '../core/errors.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Review } from '../core/types.js';
import type { LlmEnv } from '../llm/index.js';
import { addClaude, changedCount, prepareChange, reviewDeterministic, runbookFor } from '../review/pipeline.js';
import type { TraceOptions } from '../trace/index.js';
import { commentBody, completeCheck, docsBase, failCheck, startCheck, upsertComment, type Repo } from './publish.js';
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
 * only if the head has not moved meanwhile — the comment and the completed check. A failure still
 * completes the check (neutral, with the reason), so a required check never waits forever.
 */
export async function processReview(job: ReviewJob, deps: ProcessDeps): Promise<'posted' | 'stale' | 'closed' | 'failed'> {
  const octokit = await deps.octokitFor(job.installationId);
  const repo = { owner: job.owner, repo: job.repo };
  const log = { delivery: job.delivery, pr: `${job.owner}/${job.repo}#${job.pr}`, reason: job.reason };
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
  if (pr.state !== 'open') return 'closed';
  const headSha = pr.head.sha;
  if (job.reason === 'push' && job.headSha && job.headSha !== headSha) {
    deps.log.info({ ...log, headSha: job.headSha, current: headSha }, 'push superseded before review: dropped');
    return 'stale';
  }
  const checkRunId = await startCheck(octokit, repo, headSha, job.pr);
  try {
    const source = githubSource(octokit, { ...repo, number: job.pr }, { head: headSha, base: pr.base.sha });
    const prepared = await prepareChange(source);
    const config = prepared.config;
    const run = changedCount(prepared) ? await reviewDeterministic(prepared, { traceOptions: deps.trace === false ? undefined : deps.trace, trace: deps.trace === false ? false : undefined }) : null;
    // A push landed while we worked: this result describes an old commit. Say so on its check
    // and leave the comment to the newer job.
    if (await headMoved(octokit, repo, job.pr, headSha, checkRunId)) {
      deps.log.info({ ...log, headSha }, 'head moved during review: result dropped');
      return 'stale';
    }
    // The deterministic result lands first; Claude's review updates it when (and if) it answers.
    const llmWanted = !!(deps.llm?.apiKey && run && config.llm.enabled);
    const pending = !run ? null : llmWanted ? withNote(run.review, 'in progress — this comment is updated when it answers') : deps.llm && !deps.llm.apiKey ? withNote(run.review, 'ANTHROPIC_API_KEY is not set — deterministic review only') : run.review;
    await publish(octokit, repo, job, deps, checkRunId, headSha, config, pending && run ? { ...pending, runbook: await runbookFor(run) } : null);
    await react(octokit, repo, job, true);
    if (llmWanted && run) {
      const reviewed = await addClaude(run, { env: deps.llm!, pr: { title: pr.title ?? '', body: pr.body ?? '' }, allowedLinks: [`https://github.com/${job.owner}/${job.repo}/`, docsBase(config)] });
      const { data: latest } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
      if (latest.head.sha === headSha) await publish(octokit, repo, job, deps, checkRunId, headSha, config, { ...reviewed.review, runbook: await runbookFor(reviewed) });
    }
    deps.log.info({ ...log, headSha, verdict: run?.review.verdict ?? 'no migrations', files: run?.review.files.length ?? 0 }, 'review posted');
    return 'posted';
  } catch (error) {
    const reason = error instanceof MigrationReviewError ? error.describe() : (error as Error).message;
    deps.log.error({ ...log, headSha, err: error }, `review failed: ${reason}`);
    await failCheck(octokit, repo, checkRunId, reason).catch((e: unknown) => deps.log.error({ ...log, err: e }, 'could not complete the check run'));
    await react(octokit, repo, job, false);
    return 'failed';
  }
}

function withNote(review: Review, text: string): Review {
  return { ...review, skipped: [...(review.skipped ?? []), `Claude review: ${text}`] };
}

/** The comment, then the check: the check's conclusion is what branch protection reads. */
async function publish(octokit: Octokit, repo: Repo, job: ReviewJob, deps: ProcessDeps, checkRunId: number, headSha: string, config: ResolvedConfig, review: (Review & { runbook?: string }) | null): Promise<void> {
  await upsertComment(octokit, repo, job.pr, deps.appId, commentBody(review, headSha, config), review !== null);
  await completeCheck(octokit, repo, checkRunId, review, headSha, config);
}

/** Whether the PR's head moved past `headSha`; if so its check is completed as superseded. */
async function headMoved(octokit: Octokit, repo: Repo, pr: number, headSha: string, checkRunId: number): Promise<boolean> {
  const { data: now } = await octokit.rest.pulls.get({ ...repo, pull_number: pr });
  if (now.head.sha === headSha) return false;
  await octokit.rest.checks.update({
    ...repo,
    check_run_id: checkRunId,
    status: 'completed',
    conclusion: 'neutral',
    output: { title: 'Superseded', summary: `A newer commit (${now.head.sha.slice(0, 7)}) was pushed while this one was reviewed; its review replaces this one.` },
  });
  return true;
}

/** /rereview comments get 👍 when the review is posted, 👎 when it failed. */
async function react(octokit: Octokit, repo: { owner: string; repo: string }, job: ReviewJob, ok: boolean): Promise<void> {
  for (const commentId of job.commentIds) {
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: ok ? '+1' : '-1' }).catch(() => undefined);
  }
}
