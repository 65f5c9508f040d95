import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { MigrationFile } from '../core/types.js';
import { basename, dirname, ordered, repoFiles, type Detector, type RepoFiles } from './common.js';
import { dbmate } from './dbmate.js';
import { drizzle } from './drizzle.js';
import { flatFiles, plainFile, PLAIN_MIGRATION_DIR } from './flat-files.js';
import { flyway, isFlywayUndo } from './flyway.js';
import { folderPairs } from './folder-pairs.js';
import { resolveLinks, type RepoLink, type RepoTree } from './links.js';
import { goose } from './goose.js';
import { prisma } from './prisma.js';
import { SKIP_DIRS } from './skipped.js';
import { sqitch, sqitchVerifyScripts } from './sqitch.js';
import { upDownFiles } from './up-down-files.js';

export { repoFiles, type RepoFiles } from './common.js';
export { inSkippedFolder } from './skipped.js';

/**
 * Most specific first: a layout with a plan, journal or folder convention is claimed before the
 * filename conventions that could also match its files.
 */
const DETECTORS: Detector[] = [sqitch, drizzle, prisma, folderPairs, goose, dbmate, flyway, upDownFiles, flatFiles];

/** SQL files that belong to a migration without being one (verify scripts, orphan downs). */
export interface ExtraFile {
  path: string;
  role: 'verify' | 'down';
  sql: string;
}

export interface Discovery {
  migrations: MigrationFile[];
  extras: ExtraFile[];
  /**
   * Symbolic links where a migration would be whose target cannot be reviewed (outside the
   * repository, dangling, a loop): each is a finding when the change touches it.
   */
  unreadableLinks?: RepoLink[];
}

/**
 * A checkout on disk as discovery reads it: its files, and its symbolic links resolved inside the
 * repository (a link to a file there reads as that file; the others are listed, never followed).
 */
export function checkoutFiles(root: string): RepoFiles {
  const tree = listRepoTree(root);
  return repoFiles(root, [...tree.files], resolveLinks(tree));
}

/** Every file under root, repo-relative with `/`, skipping dependency and build folders. */
export async function listRepoFiles(root: string): Promise<string[]> {
  return [...listRepoTree(root).files];
}

/**
 * The working tree as git would store it: regular files, folders, and symbolic links with their
 * targets as written. Links are not followed here (a link to a folder could loop or leave the
 * repository); `resolveLinks` decides what each one leads to.
 */
export function listRepoTree(root: string): RepoTree & { files: Set<string> } {
  const files: string[] = [];
  const dirs = new Set<string>(['']);
  const links = new Map<string, string>();
  // Synchronous walk: an async readdir per folder only adds event-loop round trips here.
  function visit(dir: string, rel: string): void {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name)) continue;
        dirs.add(relPath);
        visit(join(dir, entry.name), relPath);
      } else if (entry.isFile()) {
        files.push(relPath);
      } else if (entry.isSymbolicLink()) {
        links.set(relPath, readlinkSync(join(dir, entry.name), 'utf8'));
      }
    }
  }
  visit(root, '');
  return { files: new Set(files.sort()), dirs, links };
}

/**
 * Finds the migrations in a repository. `globs` (config `migrations`) restricts the candidates;
 * `explicit` files are always included, as plain SQL when no framework claims them.
 */
export async function discover(repo: RepoFiles, options: { globs?: string[] | null; explicit?: string[] } = {}): Promise<Discovery> {
  const isMatch = options.globs?.length ? picomatch(options.globs, { dot: true }) : null;
  const explicit = new Set(options.explicit ?? []);
  const candidates = repo.paths.filter((p) => p.endsWith('.sql') && (!isMatch || isMatch(p) || explicit.has(p)));
  const unclaimed = new Set(candidates);
  const migrations: MigrationFile[] = [];
  for (const detector of DETECTORS) {
    const found = await detector.detect(repo, unclaimed);
    for (const file of found) {
      unclaimed.delete(file.path);
      if (file.down && file.down.path !== file.path) unclaimed.delete(file.down.path);
      migrations.push(file);
    }
  }

  const extras: ExtraFile[] = [];
  const planDirs = new Set(repo.paths.filter((p) => basename(p) === 'sqitch.plan').map(dirname));
  for (const path of sqitchVerifyScripts(unclaimed, planDirs)) {
    unclaimed.delete(path);
    extras.push({ path, role: 'verify', sql: await repo.read(path) });
  }
  for (const path of [...unclaimed]) {
    const isDown = /(^|[._/])down\.sql$/.test(path) || isFlywayUndo(path) || /(^|\/)revert\/[^/]+\.sql$/.test(path);
    if (isDown && (explicit.has(path) || isMatch || PLAIN_MIGRATION_DIR.test(dirname(path)) || migrations.some((m) => m.set === dirname(path) || m.set === dirname(dirname(path))))) {
      unclaimed.delete(path);
      extras.push({ path, role: 'down', sql: await repo.read(path) });
      continue;
    }
    if (explicit.has(path) || isMatch || PLAIN_MIGRATION_DIR.test(dirname(path))) {
      unclaimed.delete(path);
      migrations.push(plainFile(path, await repo.read(path)));
    }
  }
  markDownConventions(migrations);
  const unreadableLinks = [...(repo.links?.values() ?? [])].filter((link) => link.problem && (explicit.has(link.path) || mayHoldMigrations(link, isMatch)));
  return { migrations: ordered(migrations), extras, unreadableLinks };
}

/**
 * Whether a link stands where a migration (or a folder of them) could be: a path the config's
 * globs cover, or, without globs, SQL on either end or a migrations folder. Links of docs and
 * tooling are not ours to judge.
 */
function mayHoldMigrations(link: RepoLink, isMatch: ((path: string) => boolean) | null): boolean {
  if (isMatch) return isMatch(link.path) || isMatch(`${link.path}/0001_any.sql`);
  return link.path.endsWith('.sql') || link.target.endsWith('.sql') || /(^|\/)(db\/)?migrat(e|ion|ions)$/i.test(link.path);
}
/** A down with nothing but comments, whitespace and semicolons (a template left as it was). */
export function isEmptyScript(sql: string): boolean {
  return sql.replace(/\/\*[\s\S]*?\*\//g, '').replace(/--.*$/gm, '').replace(/[\s;]/g, '') === '';
}

/**
 * Repositories that roll forward leave their downs empty on purpose: when at least two other
 * migrations of a set have downs and four in five of them are empty, that is the convention.
 */
function markDownConventions(migrations: MigrationFile[]): void {
  const bySet = new Map<string, MigrationFile[]>();
  for (const m of migrations) bySet.set(m.set, [...(bySet.get(m.set) ?? []), m]);
  for (const list of bySet.values()) {
    const withDown = list.filter((m) => m.down);
    const empty = withDown.filter((m) => isEmptyScript(m.down!.sql)).length;
    for (const m of list) {
      const own = m.down && isEmptyScript(m.down.sql) ? 1 : 0;
      const others = withDown.length - (m.down ? 1 : 0);
      if (others >= 2 && (empty - own) / others >= 0.8) m.downsEmptyByConvention = true;
    }
  }
}
