import type { Logger } from 'pino';
import { MigrationReviewError } from '../core/errors.js';
import { withClaude, type LlmEnv } from '../llm/index.js';
import type { TraceOptions } from '../trace/index.js';
import { commentBody, completeCheck, docsBase, failCheck, startCheck, upsertComment } from './publish.js';
import type { ReviewJob } from './queue.js';
import { reviewPullRequest } from './review-pr.js';
import { renderRunbook } from '../runbook/runbook.js';
import type { Octokit } from './source.js';

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
    const result = await reviewPullRequest(octokit, { ...repo, number: job.pr }, { head: headSha, base: pr.base.sha }, { trace: deps.trace });
    // A push landed while we worked: this result describes an old commit. Say so on its check
    // and leave the comment to the newer job.
    const { data: now } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
    if (now.head.sha !== headSha) {
      await octokit.rest.checks.update({
        ...repo,
        check_run_id: checkRunId,
        status: 'completed',
        conclusion: 'neutral',
        output: { title: 'Superseded', summary: `A newer commit (${now.head.sha.slice(0, 7)}) was pushed while this one was reviewed; its review replaces this one.` },
      });
      deps.log.info({ ...log, headSha, current: now.head.sha }, 'head moved during review: result dropped');
      return 'stale';
    }
    // The deterministic result lands first; Claude's review updates it when (and if) it answers.
    const llmWanted = !!(deps.llm?.apiKey && result.review && result.context && result.config.llm.enabled);
    const note = (text: string) => (result.review ? { ...result.review, skipped: [...(result.review.skipped ?? []), `Claude review: ${text}`] } : null);
    const pending = llmWanted
      ? note('in progress — this comment is updated when it answers')
      : deps.llm && !deps.llm.apiKey && result.review
        ? note('ANTHROPIC_API_KEY is not set — deterministic review only')
        : result.review;
    const runbookOf = (r: typeof result.review) => (r && result.context ? { ...r, runbook: renderRunbook({ review: r, discovery: result.context.discovery, change: result.context.change, config: result.config }) } : r);
    await upsertComment(octokit, repo, job.pr, deps.appId, commentBody(runbookOf(pending), headSha, result.config), result.review !== null);
    await completeCheck(octokit, repo, checkRunId, result.review, headSha, result.config);
    await react(octokit, repo, job, true);
    if (llmWanted && result.review && result.context) {
      const reviewed = await withClaude(result.review, { ...result.context, config: result.config, pr: { title: pr.title ?? '', body: pr.body ?? '' }, allowedLinks: [`https://github.com/${job.owner}/${job.repo}/`, docsBase(result.config)] }, deps.llm!);
      const { data: latest } = await octokit.rest.pulls.get({ ...repo, pull_number: job.pr });
      if (latest.head.sha === headSha) {
        await upsertComment(octokit, repo, job.pr, deps.appId, commentBody(runbookOf(reviewed), headSha, result.config), true);
        await completeCheck(octokit, repo, checkRunId, reviewed, headSha, result.config);
      }
    }
    deps.log.info({ ...log, headSha, verdict: result.review?.verdict ?? 'no migrations', files: result.changed.length }, 'review posted');
    return 'posted';
  } catch (error) {
    const reason = error instanceof MigrationReviewError ? error.describe() : (error as Error).message;
    deps.log.error({ ...log, headSha, err: error }, `review failed: ${reason}`);
    await failCheck(octokit, repo, checkRunId, reason).catch((e: unknown) => deps.log.error({ ...log, err: e }, 'could not complete the check run'));
    await react(octokit, repo, job, false);
    return 'failed';
  }
}

/** /rereview comments get 👍 when the review is posted, 👎 when it failed. */
async function react(octokit: Octokit, repo: { owner: string; repo: string }, job: ReviewJob, ok: boolean): Promise<void> {
  for (const commentId of job.commentIds) {
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: ok ? '+1' : '-1' }).catch(() => undefined);
  }
}
