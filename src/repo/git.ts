import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InputError } from '../core/errors.js';
import { resolveLinks, type RepoLink } from '../discover/links.js';

const run = promisify(execFile);

async function git(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new InputError(`git ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

export async function gitTopLevel(dir: string): Promise<string | null> {
  try {
    return (await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir })).stdout.trim() || null;
  } catch {
    return null;
  }
}

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified';
}

/** Files added or modified since `base` (committed or not), relative to the repository root. */
export async function changedSince(root: string, base: string): Promise<ChangedFile[]> {
  await git(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]).catch(() => {
    throw new InputError(`--base ${base}: no such commit or branch in ${root}. Fetch it first (git fetch origin ${base}) or pass an existing ref.`);
  });
  const mergeBase = (await git(root, ['merge-base', base, 'HEAD'])).trim();
  const out = await git(root, ['diff', '--name-status', '--no-renames', '-z', mergeBase]);
  const parts = out.split('\0').filter(Boolean);
  const changed: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]!;
    const path = parts[i + 1]!;
    if (status === 'A') changed.push({ path, status: 'added' });
    // T: the type changed (a file became a symbolic link, or back): what runs may have changed.
    else if (status === 'M' || status === 'T') changed.push({ path, status: 'modified' });
  }
  const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  for (const path of untracked.split('\0').filter(Boolean)) changed.push({ path, status: 'added' });
  return changed;
}

/** A file's content at `ref`, or null when it does not exist there. */
export async function contentAt(root: string, ref: string, path: string): Promise<string | null> {
  try {
    return (await run('git', ['show', `${ref}:${path}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch {
    return null;
  }
}

export async function mergeBaseOf(root: string, base: string): Promise<string> {
  return (await git(root, ['merge-base', base, 'HEAD'])).trim();
}

/**
 * The symbolic links of the tree at `ref`, resolved as the head's are: git stores a link as a
 * blob of mode 120000 whose content is the target path.
 */
export async function linksAt(root: string, ref: string): Promise<Map<string, RepoLink>> {
  const files = new Set<string>();
  const dirs = new Set<string>(['']);
  const linkBlobs = new Map<string, string>();
  for (const line of (await git(root, ['ls-tree', '-r', '-t', '-z', ref])).split('\0')) {
    // "<mode> <type> <object>\t<path>"
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!match) continue;
    const [, mode, type, object, path] = match as unknown as [string, string, string, string, string];
    if (type === 'tree') dirs.add(path);
    else if (mode === '120000') linkBlobs.set(path, object);
    else if (type === 'blob') files.add(path);
  }
  const links = new Map<string, string>();
  for (const [path, object] of linkBlobs) links.set(path, await git(root, ['cat-file', 'blob', object]));
  return resolveLinks({ files, dirs, links });
}
