import { readFileSync } from 'node:fs';
import { ProbotOctokit } from 'probot';
import { UsageError } from '../core/errors.js';
import { processReview } from './process.js';
import type { Octokit } from './source.js';

/**
 * The GitHub Action: for teams that will not host the app. It runs in the PR's workflow with the
 * workflow token and does what the app does — same review, same comment, same check — through
 * the same code. (The Probot adapters for Actions need probot 13; this needs nothing but the CLI.)
 */

/** GitHub Actions' own app id: comments made with the workflow token carry it. */
export const GITHUB_ACTIONS_APP_ID = 15368;

export async function runAction(env: Record<string, string | undefined>, options: { Octokit?: typeof ProbotOctokit; log?: (line: string) => void } = {}): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const token = env.GITHUB_TOKEN ?? env.INPUT_GITHUB_TOKEN;
  if (!token) throw new UsageError('GITHUB_TOKEN is not set: pass `github-token: ${{ github.token }}` (the default) and give the job `checks: write`, `pull-requests: write`, `issues: write`');
  if (!env.GITHUB_EVENT_PATH) throw new UsageError('GITHUB_EVENT_PATH is not set: run this inside a GitHub Actions job');
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number: number; head: { sha: string } }; repository: { name: string; owner: { login: string } } };
  if (!event.pull_request) {
    log('migration-review: not a pull_request event; nothing to review');
    return 0;
  }
  const Client = options.Octokit ?? ProbotOctokit;
  const octokit = new Client({ auth: { token }, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) }) as unknown as Octokit;
  const lines: string[] = [];
  const say = (_: unknown, message: string): void => void lines.push(message);
  const outcome = await processReview(
    {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      pr: event.pull_request.number,
      installationId: 0,
      headSha: event.pull_request.head.sha,
      reason: 'push',
      delivery: env.GITHUB_RUN_ID ?? 'action',
      commentIds: [],
    },
    {
      appId: GITHUB_ACTIONS_APP_ID,
      octokitFor: () => Promise.resolve(octokit),
      log: { info: say, warn: say, error: say } as never,
      trace: env.MIGRATION_REVIEW_TRACE === 'off' ? false : {},
    },
  );
  for (const line of lines) log(`migration-review: ${line}`);
  // The check run carries the verdict; the job fails only when the review itself could not run.
  return outcome === 'failed' ? 1 : 0;
}
