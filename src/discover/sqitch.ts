import { basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Sqitch: a project folder with `sqitch.plan` and `deploy/`, `revert/`, `verify/` scripts. The plan
 * gives the order; a reworked change keeps its older script as `deploy/<change>@<tag>.sql`. Sqitch
 * runs each script through psql without wrapping it: scripts manage their own BEGIN/COMMIT.
 */
export const sqitch: Detector = {
  framework: 'sqitch',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const planPath of repo.paths.filter((p) => basename(p) === 'sqitch.plan')) {
      const project = dirname(planPath);
      const prefix = project === '.' ? '' : `${project}/`;
      const plan = await repo.read(planPath);
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      let position = 0;
      for (const raw of plan.split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('%') || line.startsWith('#') || line.startsWith('@')) continue;
        const change = line.split(/\s+/)[0]!;
        if (!first.has(change)) first.set(change, position);
        last.set(change, position);
        position++;
      }
      for (const path of unclaimed) {
        if (!path.startsWith(`${prefix}deploy/`) || !path.endsWith('.sql')) continue;
        const stem = path.slice(`${prefix}deploy/`.length, -'.sql'.length);
        const [change, tag] = stem.split('@') as [string, string | undefined];
        const at = tag ? first.get(change) : last.get(change);
        const revertPath = `${prefix}revert/${stem}.sql`;
        const down = unclaimed.has(revertPath) ? { path: revertPath, sql: await repo.read(revertPath), startLine: 1 } : null;
        out.push(
          migration({
            path,
            framework: 'sqitch',
            version: String(at ?? position + 1).padStart(6, '0') + (tag ? `@${tag}` : ''),
            name: stem,
            set: project,
            upSql: await repo.read(path),
            down,
            expectsDown: true,
            txMode: 'none',
            txReason: 'Sqitch runs scripts through psql without a transaction of its own',
          }),
        );
      }
    }
    return out;
  },
};

/** Sqitch verify scripts: read-only checks, parsed for syntax but not reviewed as migrations. */
export function sqitchVerifyScripts(paths: Iterable<string>, planDirs: Set<string>): string[] {
  const out: string[] = [];
  for (const path of paths) {
    const match = path.match(/^(?:(.*)\/)?verify\/[^/]+\.sql$/);
    if (match && planDirs.has(match[1] ?? '.')) out.push(path);
  }
  return out;
}
