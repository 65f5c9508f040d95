import { createHash, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { ProbotOctokit } from 'probot';

/**
 * A small GitHub for the app's tests, served through nock in the REST API's exact shapes: a
 * repository (files at the head commit and on the default branch), one pull request, its
 * comments, check runs and reactions. Every write is recorded for assertions.
 */
export const API = 'https://api.github.com';
export const APP_ID = 4242;
export const INSTALLATION_ID = 77;

/** Octokit with retries and throttling off (the callback form: the object form keeps throttling on). */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: false }, throttle: { enabled: false } }));

export const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const blobSha = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

export interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion?: string;
  external_id?: string;
  output?: { title: string; summary: string; text?: string; annotations?: unknown[] };
  annotations: unknown[];
  updates: number;
}

export interface FakeState {
  owner: string;
  repo: string;
  pr: number;
  /** The PR's current head; tests move it to simulate pushes. */
  headSha: string;
  baseSha: string;
  /** Files per commit SHA. */
  commits: Map<string, Record<string, string>>;
  /** Files on the default branch (config). */
  defaultBranch: Record<string, string>;
  /** PR files: path → status. */
  changed: Record<string, 'added' | 'modified' | 'removed' | 'renamed'>;
  comments: { id: number; body: string; user: { login: string; type: string }; performed_via_github_app: { id: number } | null }[];
  checkRuns: CheckRun[];
  reactions: { commentId: number; content: string }[];
  permissions: Record<string, string>;
  /** Requests that failed on purpose, by route. */
  failures: Map<string, number>;
  requests: string[];
  /** Called on each pulls.get with its 1-based count (to move the head mid-review). */
  onPullGet?: (count: number) => void;
}

export function fakeGitHub(init: Partial<FakeState> & { files: Record<string, string>; changed: FakeState['changed'] }): FakeState {
  const state: FakeState = {
    owner: 'acme',
    repo: 'shop',
    pr: 12,
    headSha: 'a'.repeat(40),
    baseSha: 'b'.repeat(40),
    commits: new Map(),
    defaultBranch: {},
    comments: [],
    checkRuns: [],
    reactions: [],
    permissions: {},
    failures: new Map(),
    requests: [],
    ...init,
  };
  state.commits.set(state.headSha, init.files);
  const repoPath = `/repos/${state.owner}/${state.repo}`;
  const blobs = new Map<string, string>();
  const fail = (route: string): boolean => {
    const left = state.failures.get(route) ?? 0;
    if (left <= 0) return false;
    state.failures.set(route, left - 1);
    return true;
  };
  const record = (method: string, path: string): void => void state.requests.push(`${method} ${path}`);

  nock(API)
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: 'ghs_test', expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { pull_requests: 'write', checks: 'write', contents: 'read', issues: 'write' }, repository_selection: 'all' })
    .get(new RegExp(`^${repoPath}/pulls/${state.pr}$`))
    .reply(() => {
      record('GET', 'pull');
      if (fail('pull')) return [502, { message: 'Bad Gateway' }];
      if (fail('pull-rate-limit')) {
        return [403, { message: 'API rate limit exceeded for installation ID 77.', documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting' }, { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) }];
      }
      state.onPullGet?.(state.requests.filter((r) => r === 'GET pull').length);
      return [200, { number: state.pr, state: 'open', head: { sha: state.headSha, ref: 'feature' }, base: { sha: state.baseSha, ref: 'main' } }];
    })
    .get(new RegExp(`^${repoPath}/pulls/${state.pr}/files`))
    .reply(() => {
      record('GET', 'files');
      return [200, Object.entries(state.changed).map(([filename, status]) => ({ filename, status, sha: blobSha(state.commits.get(state.headSha)?.[filename] ?? '') }))];
    })
    .get(new RegExp(`^${repoPath}/git/trees/([0-9a-f]{40})\\?recursive=true$`))
    .reply((uri) => {
      const sha = uri.match(/trees\/([0-9a-f]{40})/)![1]!;
      const files = state.commits.get(sha);
      record('GET', 'tree');
      if (!files) return [404, { message: 'Not Found' }];
      const tree = Object.entries(files).map(([path, text]) => {
        const sha1 = blobSha(text);
        blobs.set(sha1, text);
        return { path, mode: '100644', type: 'blob', sha: sha1, size: Buffer.byteLength(text), url: `${API}${repoPath}/git/blobs/${sha1}` };
      });
      return [200, { sha, url: `${API}${repoPath}/git/trees/${sha}`, tree, truncated: false }];
    })
    .get(new RegExp(`^${repoPath}/git/blobs/[0-9a-f]{40}$`))
    .reply((uri) => {
      const sha = uri.split('/').pop()!;
      record('GET', 'blob');
      const text = blobs.get(sha);
      if (text === undefined) return [404, { message: 'Not Found' }];
      return [200, { sha, size: Buffer.byteLength(text), encoding: 'base64', content: Buffer.from(text).toString('base64') }];
    })
    .get(new RegExp(`^${repoPath}/contents/`))
    .reply((uri) => {
      const url = new URL(uri, API);
      const path = decodeURIComponent(url.pathname.slice(`${repoPath}/contents/`.length));
      const ref = url.searchParams.get('ref');
      record('GET', `contents ${path}${ref ? `@${ref}` : ''}`);
      const files = ref ? (ref === state.baseSha ? state.commits.get(state.baseSha) : state.commits.get(ref)) : state.defaultBranch;
      const text = files?.[path];
      if (text === undefined) return [404, { message: 'Not Found' }];
      return [200, { type: 'file', path, name: path.split('/').pop(), encoding: 'base64', content: Buffer.from(text).toString('base64'), sha: blobSha(text) }];
    })
    .get(new RegExp(`^${repoPath}/commits/[0-9a-f]{40}/check-runs`))
    .reply((uri) => {
      const sha = uri.match(/commits\/([0-9a-f]{40})/)![1]!;
      record('GET', 'check-runs');
      const runs = state.checkRuns.filter((r) => r.head_sha === sha).map((r) => ({ id: r.id, head_sha: r.head_sha, name: r.name, status: r.status, conclusion: r.conclusion ?? null, external_id: r.external_id ?? '', app: { id: APP_ID }, pull_requests: [] }));
      return [200, { total_count: runs.length, check_runs: runs }];
    })
    .post(`${repoPath}/check-runs`)
    .reply((_uri, body) => {
      const b = body as { name: string; head_sha: string; status: string; conclusion?: string; output?: CheckRun['output']; external_id?: string };
      const run: CheckRun = { id: 9000 + state.checkRuns.length, head_sha: b.head_sha, name: b.name, status: b.status, conclusion: b.conclusion, output: b.output, external_id: b.external_id, annotations: [], updates: 0 };
      state.checkRuns.push(run);
      record('POST', 'check-run');
      return [201, { id: run.id, head_sha: run.head_sha, name: run.name, status: run.status, app: { id: APP_ID } }];
    })
    .patch(new RegExp(`^${repoPath}/check-runs/\\d+$`))
    .reply((uri, body) => {
      const id = Number(uri.split('/').pop());
      const run = state.checkRuns.find((r) => r.id === id)!;
      const b = body as { status?: string; conclusion?: string; output?: CheckRun['output'] };
      record('PATCH', 'check-run');
      if (b.output?.annotations && b.output.annotations.length > 50) return [422, { message: 'Only 50 annotations are allowed per request' }];
      if ((b.output?.summary?.length ?? 0) > 65_535 || (b.output?.text?.length ?? 0) > 65_535) return [422, { message: 'output too long' }];
      run.updates++;
      if (b.status) run.status = b.status;
      if (b.conclusion) run.conclusion = b.conclusion;
      if (b.output) run.output = b.output;
      run.annotations.push(...(b.output?.annotations ?? []));
      return [200, { id, status: run.status, conclusion: run.conclusion ?? null }];
    })
    .get(new RegExp(`^${repoPath}/issues/${state.pr}/comments`))
    .reply(() => {
      record('GET', 'comments');
      return [200, state.comments.map((c) => ({ ...c, html_url: `https://github.com/${state.owner}/${state.repo}/pull/${state.pr}#issuecomment-${c.id}` }))];
    })
    .post(`${repoPath}/issues/${state.pr}/comments`)
    .reply((_uri, body) => {
      const comment = { id: 500 + state.comments.length, body: (body as { body: string }).body, user: { login: 'migration-review[bot]', type: 'Bot' }, performed_via_github_app: { id: APP_ID } };
      state.comments.push(comment);
      record('POST', 'comment');
      return [201, comment];
    })
    .patch(new RegExp(`^${repoPath}/issues/comments/\\d+$`))
    .reply((uri, body) => {
      const id = Number(uri.split('/').pop());
      const comment = state.comments.find((c) => c.id === id)!;
      comment.body = (body as { body: string }).body;
      record('PATCH', 'comment');
      return [200, comment];
    })
    .delete(new RegExp(`^${repoPath}/issues/comments/\\d+$`))
    .reply((uri) => {
      const id = Number(uri.split('/').pop());
      record('DELETE', 'comment');
      const at = state.comments.findIndex((c) => c.id === id);
      if (at < 0) return [404, { message: 'Not Found' }];
      state.comments.splice(at, 1);
      return [204, ''];
    })
    .post(new RegExp(`^${repoPath}/issues/comments/\\d+/reactions$`))
    .reply((uri, body) => {
      state.reactions.push({ commentId: Number(uri.split('/')[6]), content: (body as { content: string }).content });
      return [201, { id: 1, content: (body as { content: string }).content }];
    })
    .get(new RegExp(`^${repoPath}/collaborators/[^/]+/permission$`))
    .reply((uri) => {
      const user = uri.split('/')[5]!;
      return [200, { permission: state.permissions[user] ?? 'read', role_name: state.permissions[user] ?? 'read', user: { login: user } }];
    });
  return state;
}

/** A real webhook payload from @octokit/webhooks-examples, pointed at the fake repository. */
// Webhook payloads are deep, loosely typed JSON; tests poke at them directly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export async function payload(name: string, action: string, state: FakeState, patch: (p: Json) => void = () => undefined): Promise<Json> {
  // The examples are one JSON file; require() reads it without an import attribute.
  const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Json[] }[];
  const example = examples.find((e) => e.name === name)!.examples.find((p) => p.action === action);
  if (!example) throw new Error(`no ${name}.${action} example`);
  const copy = structuredClone(example);
  if (copy.repository) {
    copy.repository.name = state.repo;
    copy.repository.owner.login = state.owner;
    copy.repository.full_name = `${state.owner}/${state.repo}`;
  }
  // The issue_comment examples are on plain issues: make it a pull request's conversation.
  if (copy.issue && !copy.issue.pull_request) copy.issue.pull_request = { url: `https://api.github.com/repos/${state.owner}/${state.repo}/pulls/${state.pr}` };
  copy.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' };
  if (copy.pull_request) {
    copy.pull_request.number = state.pr;
    copy.pull_request.head.sha = state.headSha;
    copy.number = state.pr;
  }
  if (copy.issue) copy.issue.number = state.pr;
  patch(copy);
  return copy;
}
