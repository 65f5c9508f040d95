import { createHash, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

/**
 * GitHub's REST API as the app uses it, served over real HTTP on 127.0.0.1 for end-to-end tests
 * and the bench: the app reaches it through GITHUB_API_URL exactly as it reaches api.github.com,
 * with its own retry and throttle plugins on. Answers have GitHub's shapes, status codes and
 * headers (201 on create, 204 on delete, pagination by Link, JWT app auth then installation
 * tokens), and faults can be injected per route: N× 500, a persistent 500, or GitHub's 403
 * secondary rate limit with `retry-after`.
 */

export type FileStatus = 'added' | 'modified' | 'removed' | 'renamed';

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  headSha: string;
  baseSha: string;
  title: string;
  body: string;
  /** Changed files: path → status. */
  changed: Record<string, FileStatus>;
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  appId: number;
  created_at: string;
}

export interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  external_id: string;
  output: { title: string | null; summary: string | null; text?: string | null };
  annotations: unknown[];
  actions: unknown[];
  appId: number;
  /** When it was completed (ms since epoch, the stand-in's clock). */
  completedAt?: number;
}

/** Route names faults and the request log use, e.g. `PATCH check-run`, `GET tree`. */
export type Route =
  | 'POST token'
  | 'GET pull'
  | 'GET files'
  | 'GET tree'
  | 'GET blob'
  | 'GET contents'
  | 'GET check-runs'
  | 'GET suite check-runs'
  | 'POST check-run'
  | 'PATCH check-run'
  | 'GET comments'
  | 'POST comment'
  | 'PATCH comment'
  | 'DELETE comment'
  | 'POST reaction'
  | 'GET permission';

export interface Fault {
  kind: 500 | 'secondary-rate-limit';
  /** How many matching requests fail; Infinity: every one. */
  times: number;
  /** Only requests whose JSON body matches fail (e.g. the update that completes a check). */
  when?: (body: Record<string, unknown>) => boolean;
  /** Seconds in the 403's retry-after header. */
  retryAfter?: number;
}

/** GitHub's secondary rate limit answer, as documented and as it arrives. */
export const SECONDARY_RATE_LIMIT = {
  message:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID C0DE:1234:5678:9ABC:6751A1B2.',
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

export const blobSha = (text: string): string =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex');

type Answer = [number, unknown?, Record<string, string>?];
type Handler = (match: RegExpMatchArray, url: URL, body: Record<string, unknown>, auth: { appId?: number }) => Answer;

export class GitHubStandIn {
  readonly owner = 'acme';
  readonly repo = 'shop';
  readonly commits = new Map<string, Record<string, string>>();
  defaultBranch: Record<string, string> = {};
  readonly pulls = new Map<number, PullRequest>();
  readonly comments: Comment[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly reactions: { commentId: number; content: string }[] = [];
  /** Collaborator permission by login (absent: read). */
  readonly permissions: Record<string, string> = {};
  /** Every request: route (or `unknown METHOD path`), status. */
  readonly requests: { route: string; status: number }[] = [];
  url = '';
  /** Added before every answer: widens the windows in which concurrent writers can race. */
  latencyMs = 0;

  private readonly faults = new Map<Route, Fault[]>();
  private readonly tokens = new Set<string>();
  private readonly blobs = new Map<string, string>();
  private readonly changes = new EventEmitter();
  private readonly server: Server;
  private nextId = 1000;
  private readonly appKey: ReturnType<typeof createPublicKey>;

  constructor(
    private readonly appId: number,
    privateKey: string,
  ) {
    this.appKey = createPublicKey(privateKey);
    this.changes.setMaxListeners(100);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address !== 'object' || !address) throw new Error('the GitHub stand-in has no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A pull request whose head commit holds `files` (the base commit: `base`, default the same without the changed files). */
  openPull(number: number, headSha: string, files: Record<string, string>, changed: Record<string, FileStatus>): PullRequest {
    const baseSha = createHash('sha1').update(`base-of-${number}`).digest('hex');
    this.commits.set(headSha, files);
    this.commits.set(baseSha, Object.fromEntries(Object.entries(files).filter(([path]) => !(path in changed))));
    const pull: PullRequest = { number, state: 'open', headSha, baseSha, title: `PR ${number}`, body: '', changed };
    this.pulls.set(number, pull);
    return pull;
  }

  /** A push: the PR's head moves to `sha` with the same files. */
  push(number: number, sha: string): void {
    const pull = this.pulls.get(number)!;
    this.commits.set(sha, this.commits.get(pull.headSha)!);
    pull.headSha = sha;
  }

  fail(route: Route, fault: Partial<Fault> & Pick<Fault, 'kind'>): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), { times: 1, ...fault }]);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves once `ready()` holds, checked after every request; rejects after `timeoutMs` with `what`. */
  waitFor(what: string, ready: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; requests: ${this.requests.map((r) => `${r.route} ${r.status}`).join(', ')}`));
      }, timeoutMs);
      this.changes.on('change', check);
    });
  }

  /** The id of the check suite a run belongs to (one per commit and app, as GitHub groups them). */
  suiteOf(run: CheckRun): number {
    return suiteId(run.head_sha, run.appId);
  }

  /** Our app's check runs on a commit, newest last. */
  runsOn(sha: string): CheckRun[] {
    return this.checkRuns.filter((r) => r.head_sha === sha);
  }

  count(route: Route, status?: number): number {
    return this.requests.filter((r) => r.route === route && (status === undefined || r.status === status)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const text = await readText(req);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const found = this.route(req.method ?? 'GET', url.pathname);
    let answer: Answer;
    let route: string;
    if (!found) {
      route = `unknown ${req.method} ${url.pathname}`;
      answer = [404, NOT_FOUND];
    } else {
      route = found.route;
      answer = this.authorise(found.route, req.headers.authorization) ?? this.faultFor(found.route, body) ?? found.handler(found.match, url, body, {});
    }
    if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    this.requests.push({ route, status: answer[0] });
    const [status, payload, headers = {}] = answer;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...headers,
    });
    res.end(status === 204 || payload === undefined ? undefined : JSON.stringify(payload));
    this.changes.emit('change');
  }

  private route(method: string, path: string): { route: Route; handler: Handler; match: RegExpMatchArray } | null {
    const repo = `/repos/${this.owner}/${this.repo}`;
    const table: [string, RegExp, Route, Handler][] = [
      ['POST', /^\/app\/installations\/(\d+)\/access_tokens$/, 'POST token', () => this.issueToken()],
      ['GET', new RegExp(`^${repo}/pulls/(\\d+)$`), 'GET pull', (m) => this.pull(Number(m[1]))],
      ['GET', new RegExp(`^${repo}/pulls/(\\d+)/files$`), 'GET files', (m, url) => this.files(Number(m[1]), url)],
      ['GET', new RegExp(`^${repo}/git/trees/([0-9a-f]{40})$`), 'GET tree', (m) => this.tree(m[1]!)],
      ['GET', new RegExp(`^${repo}/git/blobs/([0-9a-f]{40})$`), 'GET blob', (m) => this.blob(m[1]!)],
      ['GET', new RegExp(`^${repo}/contents/(.+)$`), 'GET contents', (m, url) => this.contents(decodeURIComponent(m[1]!), url.searchParams.get('ref'))],
      ['GET', new RegExp(`^${repo}/commits/([0-9a-f]{40})/check-runs$`), 'GET check-runs', (m, url) => this.listRuns(url, (r) => r.head_sha === m[1])],
      [
        'GET',
        new RegExp(`^${repo}/check-suites/(\\d+)/check-runs$`),
        'GET suite check-runs',
        (m, url) => this.listRuns(url, (r) => suiteId(r.head_sha, r.appId) === Number(m[1])),
      ],
      ['POST', new RegExp(`^${repo}/check-runs$`), 'POST check-run', (_m, _u, b) => this.createRun(b)],
      ['PATCH', new RegExp(`^${repo}/check-runs/(\\d+)$`), 'PATCH check-run', (m, _u, b) => this.updateRun(Number(m[1]), b)],
      ['GET', new RegExp(`^${repo}/issues/(\\d+)/comments$`), 'GET comments', (m, url) => this.listComments(Number(m[1]), url)],
      ['POST', new RegExp(`^${repo}/issues/(\\d+)/comments$`), 'POST comment', (m, _u, b) => this.createComment(Number(m[1]), b)],
      ['PATCH', new RegExp(`^${repo}/issues/comments/(\\d+)$`), 'PATCH comment', (m, _u, b) => this.updateComment(Number(m[1]), b)],
      ['DELETE', new RegExp(`^${repo}/issues/comments/(\\d+)$`), 'DELETE comment', (m) => this.deleteComment(Number(m[1]))],
      ['POST', new RegExp(`^${repo}/issues/comments/(\\d+)/reactions$`), 'POST reaction', (m, _u, b) => this.react(Number(m[1]), b)],
      ['GET', new RegExp(`^${repo}/collaborators/([^/]+)/permission$`), 'GET permission', (m) => this.permission(decodeURIComponent(m[1]!))],
    ];
    for (const [verb, pattern, route, handler] of table) {
      const match = verb === method ? path.match(pattern) : null;
      if (match) return { route, handler, match };
    }
    return null;
  }

  /** The app signs a JWT (RS256, iss = app id) for tokens, then uses `token <installation token>`. */
  private authorise(route: Route, header: string | undefined): Answer | null {
    const badCredentials: Answer = [401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }];
    if (route === 'POST token') {
      const jwt = header?.match(/^bearer (.+)$/i)?.[1];
      return jwt && this.validJwt(jwt) ? null : badCredentials;
    }
    const token = header?.match(/^token (.+)$/i)?.[1];
    return token && this.tokens.has(token) ? null : badCredentials;
  }

  private validJwt(jwt: string): boolean {
    const [head, claims, signature] = jwt.split('.');
    if (!head || !claims || !signature) return false;
    if (!verify('RSA-SHA256', Buffer.from(`${head}.${claims}`), this.appKey, Buffer.from(signature, 'base64url'))) return false;
    const { iss, exp } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as { iss: unknown; exp: number };
    return String(iss) === String(this.appId) && exp * 1000 > Date.now();
  }

  private faultFor(route: Route, body: Record<string, unknown>): Answer | null {
    const fault = (this.faults.get(route) ?? []).find((f) => f.times > 0 && (!f.when || f.when(body)));
    if (!fault) return null;
    fault.times--;
    if (fault.kind === 500) return [500, { message: 'Server Error' }];
    return [403, SECONDARY_RATE_LIMIT, { 'retry-after': String(fault.retryAfter ?? 1), 'x-ratelimit-remaining': '4990' }];
  }

  private issueToken(): Answer {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    this.tokens.add(token);
    return [
      201,
      {
        token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { checks: 'write', contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'write' },
        repository_selection: 'all',
      },
    ];
  }

  private pull(number: number): Answer {
    const pull = this.pulls.get(number);
    if (!pull) return [404, NOT_FOUND];
    const branch = (ref: string, sha: string) => ({
      label: `${this.owner}:${ref}`,
      ref,
      sha,
      repo: { name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: { login: this.owner } },
    });
    return [
      200,
      {
        url: `${this.url}/repos/${this.owner}/${this.repo}/pulls/${number}`,
        id: 1_000_000 + number,
        number,
        state: pull.state,
        title: pull.title,
        body: pull.body,
        head: branch(`feature-${number}`, pull.headSha),
        base: branch('main', pull.baseSha),
        draft: false,
        merged: false,
      },
    ];
  }

  private files(number: number, url: URL): Answer {
    const pull = this.pulls.get(number);
    if (!pull) return [404, NOT_FOUND];
    const head = this.commits.get(pull.headSha) ?? {};
    const files = Object.entries(pull.changed).map(([filename, status]) => ({
      sha: blobSha(head[filename] ?? ''),
      filename,
      status,
      additions: 1,
      deletions: 0,
      changes: 1,
    }));
    return this.page(files, url);
  }

  private tree(sha: string): Answer {
    const files = this.commits.get(sha);
    if (!files) return [404, NOT_FOUND];
    const tree = Object.entries(files).map(([path, text]) => {
      const sha1 = blobSha(text);
      this.blobs.set(sha1, text);
      return {
        path,
        mode: '100644',
        type: 'blob',
        sha: sha1,
        size: Buffer.byteLength(text),
        url: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha1}`,
      };
    });
    return [200, { sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/trees/${sha}`, tree, truncated: false }];
  }

  private blob(sha: string): Answer {
    const text = this.blobs.get(sha);
    if (text === undefined) return [404, NOT_FOUND];
    return [
      200,
      {
        sha,
        node_id: `B_${sha}`,
        size: Buffer.byteLength(text),
        url: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha}`,
        content: `${Buffer.from(text).toString('base64')}\n`,
        encoding: 'base64',
      },
    ];
  }

  private contents(path: string, ref: string | null): Answer {
    const text = (ref ? this.commits.get(ref) : this.defaultBranch)?.[path];
    if (text === undefined) return [404, NOT_FOUND];
    return [
      200,
      {
        type: 'file',
        encoding: 'base64',
        size: Buffer.byteLength(text),
        name: path.split('/').pop(),
        path,
        content: Buffer.from(text).toString('base64'),
        sha: blobSha(text),
      },
    ];
  }

  private runJson(run: CheckRun): Record<string, unknown> {
    const pull = [...this.pulls.values()].find((p) => p.headSha === run.head_sha);
    return {
      id: run.id,
      head_sha: run.head_sha,
      node_id: `CR_${run.id}`,
      external_id: run.external_id,
      url: `${this.url}/repos/${this.owner}/${this.repo}/check-runs/${run.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/runs/${run.id}`,
      details_url: `https://github.com/${this.owner}/${this.repo}/runs/${run.id}`,
      status: run.status,
      conclusion: run.conclusion,
      started_at: new Date().toISOString(),
      completed_at: run.completedAt ? new Date(run.completedAt).toISOString() : null,
      output: {
        ...run.output,
        text: run.output.text ?? null,
        annotations_count: run.annotations.length,
        annotations_url: `${this.url}/repos/${this.owner}/${this.repo}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: suiteId(run.head_sha, run.appId) },
      app: { id: run.appId, slug: 'migration-review', name: 'migration-review' },
      pull_requests: pull ? [{ number: pull.number, head: { sha: pull.headSha }, base: { sha: pull.baseSha } }] : [],
    };
  }

  private listRuns(url: URL, which: (run: CheckRun) => boolean): Answer {
    const name = url.searchParams.get('check_name');
    const runs = this.checkRuns.filter((r) => which(r) && (!name || r.name === name));
    // GitHub's default filter is `latest`: only the most recent run of each name.
    const shown = url.searchParams.get('filter') === 'all' ? runs : runs.filter((r) => !runs.some((o) => o.name === r.name && o.id > r.id));
    return [200, { total_count: shown.length, check_runs: shown.sort((a, b) => b.id - a.id).map((r) => this.runJson(r)) }];
  }

  private createRun(body: Record<string, unknown>): Answer {
    if (typeof body.name !== 'string' || typeof body.head_sha !== 'string')
      return [
        422,
        {
          message: 'Invalid request.\n\n"name", "head_sha" weren\'t supplied.',
          documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
          status: '422',
        },
      ];
    if (!this.commits.has(body.head_sha))
      return [
        422,
        {
          message: 'No commit found for SHA: ' + body.head_sha,
          documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
          status: '422',
        },
      ];
    const run: CheckRun = {
      id: this.nextId++,
      head_sha: body.head_sha,
      name: body.name,
      status: 'queued',
      conclusion: null,
      external_id: String(body.external_id ?? ''),
      output: { title: null, summary: null },
      annotations: [],
      actions: [],
      appId: this.appId,
    };
    const invalid = this.apply(run, body);
    if (invalid) return invalid;
    this.checkRuns.push(run);
    return [201, this.runJson(run)];
  }

  private updateRun(id: number, body: Record<string, unknown>): Answer {
    const run = this.checkRuns.find((r) => r.id === id);
    if (!run) return [404, NOT_FOUND];
    return this.apply(run, body) ?? [200, this.runJson(run)];
  }

  /** GitHub's validation of a check run write, then the write. */
  private apply(run: CheckRun, body: Record<string, unknown>): Answer | null {
    const output = body.output as { title?: string; summary?: string; text?: string; annotations?: unknown[] } | undefined;
    const unprocessable = (message: string): Answer => [422, { message, documentation_url: 'https://docs.github.com/rest/checks/runs', status: '422' }];
    if ((output?.annotations?.length ?? 0) > 50) return unprocessable('Only 50 annotations are allowed per request');
    if ((output?.summary?.length ?? 0) > 65_535 || (output?.text?.length ?? 0) > 65_535)
      return unprocessable('Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.');
    if (output && (!output.title || !output.summary)) return unprocessable('Invalid request.\n\n"title", "summary" weren\'t supplied.');
    if (body.status === 'completed' && !body.conclusion) return unprocessable('Invalid request.\n\n"conclusion" wasn\'t supplied.');
    if (
      body.conclusion &&
      !['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'].includes(String(body.conclusion))
    )
      return unprocessable(
        `Invalid request.\n\n${String(body.conclusion)} is not a member of ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"].`,
      );
    if (body.status) run.status = body.status as CheckRun['status'];
    // A conclusion completes the run, status or not (GitHub's rule).
    if (body.conclusion) {
      run.conclusion = String(body.conclusion);
      run.status = 'completed';
      run.completedAt = Date.now();
    }
    if (output) run.output = { title: output.title ?? null, summary: output.summary ?? null, text: output.text ?? null };
    run.annotations.push(...(output?.annotations ?? []));
    if (Array.isArray(body.actions)) run.actions = body.actions;
    return null;
  }

  private commentJson(comment: Comment): Record<string, unknown> {
    const base = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${base}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${base}/issues/${comment.issue}`,
      body: comment.body,
      user: { login: 'migration-review[bot]', id: 9_000_000 + this.appId, type: 'Bot', site_admin: false },
      created_at: comment.created_at,
      updated_at: comment.created_at,
      author_association: 'NONE',
      performed_via_github_app: { id: comment.appId, slug: 'migration-review', name: 'migration-review' },
    };
  }

  private listComments(issue: number, url: URL): Answer {
    if (!this.pulls.has(issue)) return [404, NOT_FOUND];
    return this.page(
      this.comments.filter((c) => c.issue === issue).map((c) => this.commentJson(c)),
      url,
    );
  }

  private createComment(issue: number, body: Record<string, unknown>): Answer {
    if (!this.pulls.has(issue)) return [404, NOT_FOUND];
    if (typeof body.body !== 'string') return [422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' }];
    if (body.body.length > 65_536)
      return [
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' }],
          status: '422',
        },
      ];
    const comment: Comment = { id: this.nextId++, issue, body: body.body, appId: this.appId, created_at: new Date().toISOString() };
    this.comments.push(comment);
    return [201, this.commentJson(comment)];
  }

  private updateComment(id: number, body: Record<string, unknown>): Answer {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) return [404, NOT_FOUND];
    comment.body = String(body.body);
    return [200, this.commentJson(comment)];
  }

  private deleteComment(id: number): Answer {
    const at = this.comments.findIndex((c) => c.id === id);
    if (at < 0) return [404, NOT_FOUND];
    this.comments.splice(at, 1);
    return [204];
  }

  private react(commentId: number, body: Record<string, unknown>): Answer {
    this.reactions.push({ commentId, content: String(body.content) });
    return [
      201,
      {
        id: this.nextId++,
        node_id: 'REA_1',
        user: { login: 'migration-review[bot]', type: 'Bot' },
        content: body.content,
        created_at: new Date().toISOString(),
      },
    ];
  }

  private permission(login: string): Answer {
    const permission = this.permissions[login] ?? 'read';
    return [200, { permission, role_name: permission, user: { login, type: 'User' } }];
  }

  /** GitHub's pagination: `per_page` (default 30, at most 100), `page`, and a Link header to the next page. */
  private page(items: unknown[], url: URL): Answer {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    if (page * perPage >= items.length) return [200, slice];
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    return [200, slice, { link: `<${this.url}${next.pathname}${next.search}>; rel="next"` }];
  }
}

/** One suite per commit and app, as GitHub groups check runs. */
function suiteId(sha: string, appId: number): number {
  return (parseInt(sha.slice(0, 8), 16) ^ appId) >>> 1;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Webhook payloads are deep, loosely typed JSON; tests poke at them directly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A real payload from @octokit/webhooks-examples, pointed at the stand-in's repository and installation. */
export function examplePayload(name: string, action: string, github: GitHubStandIn, installationId: number, patch: (p: Json) => void = () => undefined): Json {
  // The examples are one JSON file; require() reads it without an import attribute.
  const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Json[] }[];
  const example = examples.find((e) => e.name === name)?.examples.find((p) => p.action === action);
  if (!example) throw new Error(`no ${name}.${action} example`);
  const copy = structuredClone(example);
  copy.repository.name = github.repo;
  copy.repository.owner.login = github.owner;
  copy.repository.full_name = `${github.owner}/${github.repo}`;
  copy.installation = { id: installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' };
  patch(copy);
  return copy;
}

/** Posts a webhook as GitHub does: JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function deliver(appUrl: string, secret: string, event: string, payload: Json, delivery: string): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${appUrl}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}
