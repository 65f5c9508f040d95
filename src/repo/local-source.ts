import { lstatSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG_PATH, readConfigText } from '../config/load.js';
import { UsageError } from '../core/errors.js';
import { readStatsText } from '../stats/load.js';
import { checkoutFiles, type RepoFiles } from '../discover/index.js';
import type { RepoLink } from '../discover/links.js';
import type { ChangeSource, ChangeSpec } from '../review/source.js';
import { changedSince, contentAt, gitTopLevel, linksAt, mergeBaseOf } from './git.js';

export interface LocalSourceOptions {
  /** Files or folders named by the user (the change); one folder alone is the repository to review. */
  paths: string[];
  /** The change is what differs from the merge base with this ref (committed or not). */
  base?: string;
  /** Repository root; default: the git top level, or the current directory. */
  root?: string;
  /** Config file (`--config`); default: .github/migration-review.yml in the repository. */
  config?: string;
  cwd?: string;
}

export interface LocalSource extends ChangeSource {
  root: string;
}

/** A checkout on disk (the CLI, runbook, explain): its working tree, and git for `--base`. */
export async function localSource(options: LocalSourceOptions): Promise<LocalSource> {
  const cwd = options.cwd ?? process.cwd();
  let root = options.root ? resolve(cwd, options.root) : null;
  let paths = options.paths;
  // `check <dir>` with one directory reviews that repository.
  if (!root && paths.length === 1 && isDirectory(resolve(cwd, paths[0]!))) {
    root = resolve(cwd, paths[0]!);
    paths = [];
  }
  root ??= (await gitTopLevel(cwd)) ?? cwd;
  if (!isDirectory(root)) throw new UsageError(`--root ${root}: not a directory`);
  const spec = options.base ? null : pathSpec(root, paths, cwd);
  const base = options.base;
  let head: Promise<RepoFiles> | null = null;
  let mergeBase: Promise<string> | null = null;
  let baseLinks: Promise<Map<string, RepoLink>> | null = null;
  const configPath = options.config ? resolve(cwd, options.config) : join(root, DEFAULT_CONFIG_PATH);
  const fixedRoot = root;
  return {
    root,
    configText: () => readConfigText(configPath, !!options.config, options.config ?? DEFAULT_CONFIG_PATH),
    statsText: (path) => readStatsText(resolve(fixedRoot, path), path),
    head: () => (head ??= Promise.resolve(checkoutFiles(fixedRoot))),
    async change() {
      if (spec) return spec;
      return { kind: 'diff', files: await changedSince(fixedRoot, base!) };
    },
    async contentAtBase(path) {
      if (!base) return null;
      const at = await (mergeBase ??= mergeBaseOf(fixedRoot, base));
      // A link reads as the file it led to on the base, as it does at the head.
      const link = (await (baseLinks ??= linksAt(fixedRoot, at))).get(path);
      if (link && !link.file) return null;
      return contentAt(fixedRoot, at, link?.file ?? path);
    },
    notes: () => [],
  };
}

/** Named files and folders, checked to exist inside the repository. */
function pathSpec(root: string, paths: string[], cwd: string): ChangeSpec {
  if (!paths.length) return { kind: 'everything' };
  const files: string[] = [];
  const dirs: string[] = [];
  for (const given of paths) {
    const absolute = resolve(cwd, given);
    const rel = relative(root, absolute).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${given}: outside the repository root ${root} (use --root)`);
    // Synchronous: a run over thousands of named files should not pay an event-loop trip each.
    // A named link is the file the runner will be given, wherever (or whether) it points.
    const info = linkOf(absolute) ?? statOf(absolute);
    if (!info) throw new UsageError(`${given}: no such file`);
    if (info.isDirectory()) dirs.push(rel);
    else files.push(rel);
  }
  return { kind: 'paths', files, dirs };
}

function isDirectory(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

/** The link's own lstat when `path` is a symbolic link, else null. */
function linkOf(path: string): Stats | null {
  try {
    const info = lstatSync(path, { throwIfNoEntry: false });
    return info?.isSymbolicLink() ? info : null;
  } catch {
    return null;
  }
}

/** The file's stat, or null when there is none: missing, or a path through a file (ENOTDIR). */
function statOf(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}
