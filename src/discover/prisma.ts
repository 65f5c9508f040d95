import { basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`, forward-only. `migrate deploy`
 * sends each file as one script: several statements share one implicit transaction (so
 * CREATE INDEX CONCURRENTLY only works alone in its migration), a lone statement runs on its own.
 */
export const prisma: Detector = {
  framework: 'prisma',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const path of unclaimed) {
      if (basename(path) !== 'migration.sql') continue;
      const folder = dirname(path);
      const set = dirname(folder);
      const hasLock = repo.has(set === '.' ? 'migration_lock.toml' : `${set}/migration_lock.toml`);
      const match = basename(folder).match(/^(\d{8,})_?(.*)$/);
      if (!match && !hasLock) continue;
      out.push(
        migration({
          path,
          framework: 'prisma',
          version: match?.[1] ?? basename(folder),
          name: match?.[2] ?? basename(folder),
          set,
          upSql: await repo.read(path),
          down: null,
          expectsDown: false,
          txMode: 'implicit',
          txReason: 'Prisma sends the file as one script (one implicit transaction when it holds several statements)',
        }),
      );
    }
    return out;
  },
};
