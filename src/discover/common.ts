import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { MigrationFile, TxMode } from '../core/types.js';
import type { RepoLink } from './links.js';

/** The repository as discovery sees it: every file path (repo-relative, `/`-separated) and a reader. */
export interface RepoFiles {
  root: string;
  paths: string[];
  read(path: string): Promise<string>;
  has(path: string): boolean;
  /** The file's size in bytes, when the source knows it without reading it. */
  size?(path: string): number | undefined;
  /**
   * Symbolic links by path. A link that leads to a file in the repository is also in `paths` and
   * reads as that file; the others are not in `paths` and are never read.
   */
  links?: ReadonlyMap<string, RepoLink>;
}

/**
 * A checkout on disk. `paths` are regular files; `links` (from `resolveLinks`) add the links that
 * lead to one, read from their target's path, never through the link (which could leave the root).
 */
export function repoFiles(root: string, files: string[], links: ReadonlyMap<string, RepoLink> = new Map()): RepoFiles {
  const fileOf = new Map<string, string>();
  for (const link of links.values()) if (link.file) fileOf.set(link.path, link.file);
  const paths = fileOf.size ? [...files, ...fileOf.keys()].sort() : files;
  const set = new Set(paths);
  const cache = new Map<string, Promise<string>>();
  const onDisk = (path: string): string => join(root, fileOf.get(path) ?? path);
  return {
    root,
    paths,
    links,
    has: (path) => set.has(path),
    size(path) {
      try {
        return statSync(onDisk(path)).size;
      } catch {
        return undefined;
      }
    },
    read(path) {
      let text = cache.get(path);
      if (!text) {
        // Synchronous on purpose: migrations are small and many; thousands of async reads in a row
        // spent most of a corpus run waiting on the event loop for nothing.
        try {
          text = Promise.resolve(readFileSync(onDisk(path), 'utf8'));
        } catch (error) {
          text = Promise.reject(error as Error);
        }
        cache.set(path, text);
      }
      return text;
    },
  };
}

/** A framework's discovery: claims the files it owns among those not yet claimed. */
export interface Detector {
  framework: string;
  detect(repo: RepoFiles, unclaimed: Set<string>): Promise<MigrationFile[]>;
}

export const dirname = (path: string): string => posix.dirname(path);
export const basename = (path: string): string => posix.basename(path);

/** Natural order for versions: numeric runs compare as numbers (`V2` < `V10`, `1.2` < `1.10`). */
export function compareVersions(a: string, b: string): number {
  return NATURAL.compare(a, b);
}
// One collator for every comparison: `localeCompare` with options builds one per call.
const NATURAL = new Intl.Collator('en', { numeric: true });

/** Sorts a set's files by version and numbers them. */
export function ordered(files: MigrationFile[]): MigrationFile[] {
  const bySet = new Map<string, MigrationFile[]>();
  for (const file of files) {
    const list = bySet.get(file.set) ?? [];
    list.push(file);
    bySet.set(file.set, list);
  }
  for (const list of bySet.values()) {
    // Equal versions: plain code-unit order of the path, as runners sort names (Prisma applies
    // `…_traces_view` before `…_traces_view_improvement`; a locale collation puts `_` before `/`).
    const byPath = (a: MigrationFile, b: MigrationFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    // Prisma Migrate applies its folders "sorted lexicographically by name" (its listMigrations):
    // `20250625133700_x` before `20250625_y`, which a numeric version order would swap.
    const lexicographic = list[0]?.framework === 'prisma';
    list.sort((a, b) => (lexicographic ? byPath(a, b) : compareVersions(a.version, b.version) || byPath(a, b)));
    list.forEach((file, i) => (file.order = i));
  }
  return files;
}

export interface FileInit {
  path: string;
  framework: string;
  version: string;
  name: string;
  set: string;
  upSql: string;
  upStartLine?: number;
  down: MigrationFile['down'];
  expectsDown: boolean;
  txMode: TxMode;
  txReason: string;
  chunks?: MigrationFile['chunks'];
  sessionSetup?: string;
  sharedSession?: string;
}

export function migration(init: FileInit): MigrationFile {
  return { upStartLine: 1, order: 0, ...init };
}

/** The nearest ancestor directory (of a repo-relative path) that holds `fileName`, or null. */
export function ancestorWith(repo: RepoFiles, path: string, fileName: string): string | null {
  let dir = dirname(path);
  for (;;) {
    const candidate = dir === '.' ? fileName : `${dir}/${fileName}`;
    if (repo.has(candidate)) return dir;
    if (dir === '.' || dir === '') return null;
    dir = dirname(dir);
  }
}
