import type { ProbotOctokit } from 'probot';
import type { RepoFiles } from '../discover/common.js';

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
  for (const entry of data.tree) if (entry.type === 'blob' && entry.path && entry.sha) blobs.set(entry.path, entry.sha);
  const paths = [...blobs.keys()].sort();
  const pending = new Map<string, Promise<string>>();
  return {
    root: `${owner}/${repo}@${sha}`,
    sha,
    truncated: !!data.truncated,
    paths,
    has: (path) => blobs.has(path),
    read(path) {
      const blobSha = blobs.get(path);
      if (!blobSha) return Promise.reject(new Error(`${path}: not in ${owner}/${repo}@${sha.slice(0, 7)}`));
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
    },
  };
}

/** A file's text on the default branch (no ref), or null when it does not exist. */
export async function defaultBranchFile(octokit: Octokit, owner: string, repo: string, path: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path });
    if (Array.isArray(data) || data.type !== 'file') return null;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** Reads many files with bounded concurrency (the API is the bottleneck, not the CPU). */
export async function readAll(repo: RepoFiles, paths: string[], concurrency = 8): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]!;
      out.set(path, await repo.read(path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}
