import type { ProbotOctokit } from 'probot';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import type { RepoFiles } from '../discover/common.js';
import { readAll } from '../repo/code-refs.js';
import { inSkippedFolder } from '../discover/index.js';
import { resolveLinks } from '../discover/links.js';
import type { ChangeSource, ChangedFile } from '../review/source.js';

/**
 * The repository at one commit, read through the API: one recursive tree request for the paths,
 * then blobs on demand. Blobs are immutable, so a process-wide cache by blob SHA means the
 * earlier migrations are fetched once, not on every push.
 */
export type Octokit = InstanceType<typeof ProbotOctokit>;

const BLOB_CACHE_LIMIT = 20_000;
const blobCache = new Map<string, string>();

function remember(sha: string, text: string): void {
  if (blobCache.size >= BLOB_CACHE_LIMIT) blobCache.delete(blobCache.keys().next().value!);
  blobCache.set(sha, text);
}

export interface RepoAt extends RepoFiles {
  sha: string;
  /** The tree listing was cut by GitHub (very large repositories): some files are missing. */
  truncated: boolean;
}

export async function repoAt(octokit: Octokit, owner: string, repo: string, sha: string): Promise<RepoAt> {
  const { data } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: 'true' });
  const blobs = new Map<string, string>();
  const sizes = new Map<string, number>();
  const dirs = new Set<string>(['']);
  const linkBlobs = new Map<string, string>();
  for (const entry of data.tree) {
    // Dependency and build folders are skipped as the local checkout skips them.
    if (!entry.path || !entry.sha || inSkippedFolder(entry.path)) continue;
    if (entry.type === 'tree') dirs.add(entry.path);
    if (entry.type !== 'blob') continue;
    // A symbolic link is a blob of mode 120000 whose content is the target path.
    if (entry.mode === '120000') {
      linkBlobs.set(entry.path, entry.sha);
      continue;
    }
    blobs.set(entry.path, entry.sha);
    if (entry.size !== undefined) sizes.set(entry.path, entry.size);
  }
  const readBlob = blobReader(octokit, owner, repo);
  const links = resolveLinks({ files: new Set(blobs.keys()), dirs, links: await linkTargets(linkBlobs, readBlob) });
  // A link that leads to a file in the repository is that file under the link's name.
  for (const link of links.values()) {
    if (!link.file) continue;
    blobs.set(link.path, blobs.get(link.file)!);
    const size = sizes.get(link.file);
    if (size !== undefined) sizes.set(link.path, size);
  }
  return {
    root: `${owner}/${repo}@${sha}`,
    sha,
    truncated: !!data.truncated,
    paths: [...blobs.keys()].sort(),
    links,
    has: (path) => blobs.has(path),
    size: (path) => sizes.get(path),
    read(path) {
      const blobSha = blobs.get(path);
      if (!blobSha) return Promise.reject(new Error(`${path}: not in ${owner}/${repo}@${sha.slice(0, 7)}`));
      return readBlob(blobSha);
    },
  };
}

/**
 * Each link's target path (its blob's content), a few requests at a time. Unlike the code search,
 * a failed read fails the review: a link read as empty would resolve to its own folder.
 */
async function linkTargets(linkBlobs: Map<string, string>, readBlob: (blobSha: string) => Promise<string>): Promise<Map<string, string>> {
  const entries = [...linkBlobs];
  const targets = new Map<string, string>();
  for (let i = 0; i < entries.length; i += 8) {
    const batch = entries.slice(i, i + 8);
    const texts = await Promise.all(batch.map(([, blobSha]) => readBlob(blobSha)));
    batch.forEach(([path], j) => targets.set(path, texts[j]!));
  }
  return targets;
}

/** Reads blobs by SHA through the process-wide cache, one request per blob however many ask. */
function blobReader(octokit: Octokit, owner: string, repo: string): (blobSha: string) => Promise<string> {
  const pending = new Map<string, Promise<string>>();
  return (blobSha) => {
    const cached = blobCache.get(blobSha);
    if (cached !== undefined) return Promise.resolve(cached);
    let request = pending.get(blobSha);
    if (!request) {
      request = octokit.rest.git.getBlob({ owner, repo, file_sha: blobSha }).then(({ data: blob }) => {
        const text = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
        remember(blobSha, text);
        return text;
      });
      pending.set(blobSha, request);
    }
    return request;
  };
}

/** A file's text on the default branch (no ref), or null when it does not exist. */
export function defaultBranchFile(octokit: Octokit, owner: string, repo: string, path: string): Promise<string | null> {
  return fileAt(octokit, owner, repo, path);
}

/** Paths discovery reads besides SQL: plans, journals, runner settings. */
const META = /(^|\/)(sqitch\.plan|_journal\.json|metadata\.toml|go\.mod|Cargo\.toml|flyway\.conf|[^/]+\.sql\.conf|migration_lock\.toml)$/;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/**
 * A pull request through the API: the head commit's tree, the PR's changed files, the base
 * commit's content of a file, and the config and the statistics file from the default branch only
 * (a PR cannot loosen its own review).
 */
export function githubSource(octokit: Octokit, pr: PullRequestRef, shas: { head: string; base: string }): ChangeSource {
  const { owner, repo } = pr;
  let head: Promise<RepoAt> | null = null;
  const notes: string[] = [];
  const openHead = async (): Promise<RepoAt> => {
    const at = await repoAt(octokit, owner, repo, shas.head);
    if (at.truncated) notes.push('the repository tree is larger than GitHub lists in one request: migrations outside the listed part were not seen');
    // Fetch what discovery will read, in parallel, before it reads it one by one.
    await readAll(at, at.paths.filter((p) => p.endsWith('.sql') || META.test(p)));
    return at;
  };
  return {
    async configText() {
      const text = await defaultBranchFile(octokit, owner, repo, DEFAULT_CONFIG_PATH);
      return text === null ? null : { text, path: DEFAULT_CONFIG_PATH };
    },
    // Like the config: from the default branch, so a PR cannot shrink its own tables.
    async statsText(path) {
      const text = await defaultBranchFile(octokit, owner, repo, path);
      return text === null ? null : { text, path };
    },
    head: () => (head ??= openHead()),
    async change() {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: pr.number, per_page: 100 });
      return { kind: 'diff', files: files.map((f): ChangedFile => ({ path: f.filename, status: f.status === 'removed' ? 'removed' : f.status === 'modified' || f.status === 'changed' ? 'modified' : 'added' })) };
    },
    contentAtBase: (path) => fileAt(octokit, owner, repo, path, shas.base),
    notes: () => notes,
  };
}

/** A file's text at `ref` (the default branch without one), or null when it does not exist there. */
async function fileAt(octokit: Octokit, owner: string, repo: string, path: string, ref?: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== 'file') return null;
    // Above 1 MB the contents API leaves `content` empty (encoding "none"): a statistics file of
    // a database with thousands of tables gets there. The blob API serves up to 100 MB.
    if (data.encoding === 'none' && data.size > 0) {
      const { data: blob } = await octokit.rest.git.getBlob({ owner, repo, file_sha: data.sha });
      return Buffer.from(blob.content, 'base64').toString('utf8');
    }
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
