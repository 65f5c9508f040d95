import { inSkippedFolder } from './skipped.js';

/**
 * Symbolic links in a repository, resolved the way the operating system will resolve them where
 * the migrations run — but only through the repository's own files. Git stores a link as a blob
 * (mode 120000) whose content is the target path; the GitHub tree lists it the same way, and a
 * checkout makes it a link on disk. Both sources hand the same three sets to `resolveLinks`, so a
 * pull request reviewed from a checkout and through the API reaches the same files.
 */
export interface RepoTree {
  /** Regular files, repo-relative with `/`. */
  files: ReadonlySet<string>;
  /** Directories (the repository root is ''). */
  dirs: ReadonlySet<string>;
  /** Link path → the target as written in the link. */
  links: ReadonlyMap<string, string>;
}

/**
 * Why a link's target cannot be reviewed: it leaves the repository (`outside`, `absolute`: the
 * file depends on the machine the runner is on), names nothing (`dangling`), never reaches a file
 * (`loop`), or lands in a dependency or build folder that is not reviewed as source (`skipped`).
 */
export type LinkProblem = 'outside' | 'absolute' | 'dangling' | 'loop' | 'skipped';

export interface RepoLink {
  path: string;
  /** The target as written in the link. */
  target: string;
  /** The regular file it leads to, when it leads to one inside the repository. */
  file?: string;
  /** The directory it leads to, when it leads to one inside the repository. */
  dir?: string;
  problem?: LinkProblem;
}

/** Linux gives up after 40 links in one lookup (ELOOP); so do we. */
const MAX_HOPS = 40;

export function resolveLinks(tree: RepoTree): Map<string, RepoLink> {
  const out = new Map<string, RepoLink>();
  for (const [path, target] of tree.links) out.set(path, { path, target, ...resolvePath(path, tree) });
  return out;
}

/** POSIX path resolution of `path` (a link) over the repository's files, directories and links. */
function resolvePath(path: string, tree: RepoTree): Pick<RepoLink, 'file' | 'dir' | 'problem'> {
  const resolved: string[] = [];
  let pending = path.split('/');
  let hops = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!resolved.length) return { problem: 'outside' };
      resolved.pop();
      continue;
    }
    const here = [...resolved, part].join('/');
    const target = tree.links.get(here);
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_HOPS) return { problem: 'loop' };
    if (target.startsWith('/')) return { problem: 'absolute' };
    // A link's target is relative to the folder that holds the link.
    pending = [...target.split('/'), ...pending];
  }
  const found = resolved.join('/');
  // Checked before existence: a checkout does not list those folders, the GitHub tree does.
  if (inSkippedFolder(`${found}/-`)) return { problem: 'skipped' };
  if (tree.files.has(found)) return { file: found };
  if (tree.dirs.has(found)) return { dir: found };
  return { problem: 'dangling' };
}
