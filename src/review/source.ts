import type { RepoFiles } from '../discover/index.js';

/**
 * Where a change under review comes from. The pipeline asks only this; the local checkout (CLI,
 * Action, runbook, explain) and the GitHub API (the app) each implement it, and neither the
 * pipeline nor the rules know which one they read.
 */
export interface ChangeSource {
  /** The repository config's text and its display path, or null when there is none. */
  configText(): Promise<{ text: string; path: string } | null>;
  /**
   * The database statistics file (`migration-review stats`) at a repository-relative path, read
   * where the config is read (the default branch in the app), or null when there is none.
   */
  statsText(path: string): Promise<{ text: string; path: string } | null>;
  /** The repository at the head of the change: every file path, and a reader. */
  head(): Promise<RepoFiles>;
  /** What the change is (see ChangeSpec). */
  change(): Promise<ChangeSpec>;
  /** A file's content at the base of the change; null when it does not exist there. */
  contentAtBase(path: string): Promise<string | null>;
  /** What this source could not see, said in the review's `skipped` list. */
  notes(): string[];
}

/** A file the change adds, modifies or removes, relative to the repository root. */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed';
}

export type ChangeSpec =
  /** Every migration, each reviewed against the ones before it (an audit of the whole history). */
  | { kind: 'everything' }
  /** Files and folders named by the user: they are the change; the rest of the repository is history. */
  | { kind: 'paths'; files: string[]; dirs: string[] }
  /** The files a diff against the base touches (a pull request, `--base`). */
  | { kind: 'diff'; files: ChangedFile[] };
