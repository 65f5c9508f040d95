import { basename, dirname, migration, type Detector, type RepoFiles } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Frameworks with one folder per migration holding `up.sql` and `down.sql`:
 * - Diesel (`<timestamp>_<name>/`, timestamps like 20140924113530 or 2017-09-26-200549): each
 *   migration runs in its own transaction unless `metadata.toml` says `run_in_transaction = false`,
 *   in which case the file is sent as one batch.
 * - Hasura (`<13-digit ms timestamp>_<name>/`): each migration is applied in a transaction.
 */
export const folderPairs: Detector = {
  framework: 'diesel/hasura',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const path of unclaimed) {
      if (basename(path) !== 'up.sql') continue;
      const folder = dirname(path);
      const folderName = basename(folder);
      const match = folderName.match(/^(\d{4}-\d{2}-\d{2}-\d{4,6}(?:-\d+)?|\d{8,})_?(.*)$/);
      if (!match) continue;
      const isHasura = /^\d{13}$/.test(match[1]!) || hasAncestor(repo, folder, 'config.yaml');
      const downPath = `${folder}/down.sql`;
      const down = unclaimed.has(downPath) ? { path: downPath, sql: await repo.read(downPath), startLine: 1 } : null;
      let txMode: MigrationFile['txMode'] = 'per-file';
      let txReason = isHasura ? 'Hasura applies each migration in a transaction' : 'Diesel runs each migration in its own transaction';
      if (!isHasura && repo.has(`${folder}/metadata.toml`)) {
        const metadata = await repo.read(`${folder}/metadata.toml`);
        if (/run_in_transaction\s*=\s*false/.test(metadata)) {
          txMode = 'implicit';
          txReason = 'Diesel: metadata.toml run_in_transaction = false';
        }
      }
      out.push(
        migration({
          path,
          framework: isHasura ? 'hasura' : 'diesel',
          version: match[1]!.replace(/-/g, ''),
          name: match[2] ?? '',
          set: dirname(folder),
          upSql: await repo.read(path),
          down,
          expectsDown: true,
          txMode,
          txReason,
        }),
      );
    }
    return out;
  },
};

function hasAncestor(repo: RepoFiles, folder: string, fileName: string): boolean {
  // Hasura projects keep config.yaml beside their migrations folder: <project>/migrations/…/<ts>_x/
  for (let dir = dirname(folder); dir !== '.'; dir = dirname(dir)) {
    if (basename(dir) !== 'migrations') continue;
    const project = dirname(dir);
    return repo.has(project === '.' ? fileName : `${project}/${fileName}`);
  }
  return false;
}
