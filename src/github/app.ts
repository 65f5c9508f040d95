import type { Probot } from 'probot';
import { CHECK_NAME } from './publish.js';
import type { JobQueue } from './queue.js';
import type { Octokit } from './source.js';

/**
 * The Probot app: every handler answers at once and leaves the review to the queue. Webhook
 * redeliveries (same X-GitHub-Delivery) are handled once; check events of other apps are ignored.
 * Re-runs come as `check_run.rerequested` (one check), `check_suite.rerequested` ("Re-run all
 * checks") or the check's "Re-run review" button.
 */
export interface AppOptions {
  appId: number;
  queue: JobQueue;
  /** True the first time a delivery id is seen (in-process set, or Redis SET NX with replicas). */
  firstDelivery(id: string): Promise<boolean>;
}

const REREVIEW = /^\s*\/rereview\b/i;

export function migrationReviewApp(options: AppOptions) {
  return (app: Probot): void => {
    onPushes(app, options);
    onRereviewComment(app, options);
    onCheckRunRerequest(app, options);
    onCheckSuiteRerequest(app, options);
    onInstallation(app);
  };
}

/** Opened, pushed to, reopened, ready for review: a review of the head. */
function onPushes(app: Probot, options: AppOptions): void {
  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'], async (context) => {
    if (!(await options.firstDelivery(context.id))) return;
    const { pull_request: pr, repository, installation } = context.payload;
    if (!installation) return;
    await options.queue.add({
      owner: repository.owner.login,
      repo: repository.name,
      pr: pr.number,
      installationId: installation.id,
      headSha: pr.head.sha,
      reason: 'push',
      delivery: context.id,
      commentIds: [],
    });
  });
}

/** `/rereview` from someone who can push. */
function onRereviewComment(app: Probot, options: AppOptions): void {
  app.on('issue_comment.created', async (context) => {
    const { comment, issue, repository, installation } = context.payload;
    if (!issue.pull_request || !REREVIEW.test(comment.body) || comment.user?.type === 'Bot' || !installation) return;
    if (!(await options.firstDelivery(context.id))) return;
    const repo = { owner: repository.owner.login, repo: repository.name };
    // Only people who can push may spend the review's resources on demand.
    const { data } = await context.octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: comment.user!.login });
    if (data.permission !== 'admin' && data.permission !== 'write') {
      await context.octokit.rest.issues.createComment({
        ...repo,
        issue_number: issue.number,
        body: 'Only collaborators with write access to this repository can run `/rereview`. The review runs on its own on every push.',
      });
      return;
    }
    await context.octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: 'eyes' });
    await options.queue.add({ ...repo, pr: issue.number, installationId: installation.id, reason: 'rereview', delivery: context.id, commentIds: [comment.id] });
  });
}

/** The check's "Re-run" and our "Re-run review" button. */
function onCheckRunRerequest(app: Probot, options: AppOptions): void {
  app.on(['check_run.rerequested', 'check_run.requested_action'], async (context) => {
    const { check_run: run, repository, installation } = context.payload;
    // With checks:write we also hear about Actions and other apps' runs: only ours count.
    if (run.app?.id !== options.appId || !installation) return;
    if (context.payload.action === 'requested_action' && context.payload.requested_action?.identifier !== 'rereview') return;
    if (!(await options.firstDelivery(context.id))) return;
    const pr = run.pull_requests[0]?.number ?? prFromExternalId(run.external_id);
    if (!pr) {
      context.log.warn({ delivery: context.id, checkRun: run.id }, 're-run requested for a check run without a pull request: ignored');
      return;
    }
    await options.queue.add({
      owner: repository.owner.login,
      repo: repository.name,
      pr,
      installationId: installation.id,
      reason: 'rerequest',
      delivery: context.id,
      commentIds: [],
    });
  });
}

function onCheckSuiteRerequest(app: Probot, options: AppOptions): void {
  // "Re-run all checks" re-requests the whole suite, not each run.
  app.on('check_suite.rerequested', async (context) => {
    const { check_suite: suite, repository, installation } = context.payload;
    if (suite.app?.id !== options.appId || !installation) return;
    if (!(await options.firstDelivery(context.id))) return;
    const repo = { owner: repository.owner.login, repo: repository.name };
    const pr = suite.pull_requests[0]?.number ?? (await prOfSuite(context.octokit, repo, suite.id));
    if (!pr) {
      context.log.warn({ delivery: context.id, checkSuite: suite.id }, 're-run requested for a check suite without a pull request: ignored');
      return;
    }
    await options.queue.add({ ...repo, pr, installationId: installation.id, reason: 'rerequest', delivery: context.id, commentIds: [] });
  });
}

/** Installation events: logged. */
function onInstallation(app: Probot): void {
  app.on(['installation', 'installation_repositories'], async (context) => {
    context.log.info({ delivery: context.id, action: context.payload.action, installation: context.payload.installation.id }, 'installation event');
  });
}

/** Fork PRs leave the suite's pull_requests empty: our runs in it carry the PR number in external_id. */
async function prOfSuite(octokit: Octokit, repo: { owner: string; repo: string }, suiteId: number): Promise<number | null> {
  const { data } = await octokit.rest.checks.listForSuite({ ...repo, check_suite_id: suiteId, check_name: CHECK_NAME, filter: 'all', per_page: 100 });
  for (const run of data.check_runs) {
    const pr = prFromExternalId(run.external_id);
    if (pr) return pr;
  }
  return null;
}

function prFromExternalId(externalId: string | null): number | null {
  try {
    const parsed = JSON.parse(externalId ?? '') as { pr?: unknown };
    return typeof parsed.pr === 'number' ? parsed.pr : null;
  } catch {
    return null;
  }
}

/** Delivery ids seen by this process (bounded); replicas use Redis instead. */
export function inProcessDeliveries(limit = 10_000): (id: string) => Promise<boolean> {
  const seen = new Set<string>();
  return (id) => {
    if (seen.has(id)) return Promise.resolve(false);
    seen.add(id);
    if (seen.size > limit) seen.delete(seen.values().next().value!);
    return Promise.resolve(true);
  };
}
