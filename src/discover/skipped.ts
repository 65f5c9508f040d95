/** Dependency and build folders: not the repository's own source, so no source reviews them. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'vendor', 'target', '.next', 'coverage', '.venv', '__pycache__']);

/** Whether a repo-relative path lies in a dependency or build folder (every source skips them alike). */
export function inSkippedFolder(path: string): boolean {
  const parts = path.split('/');
  return parts.slice(0, -1).some((part) => SKIP_DIRS.has(part));
}
