import { ancestorWith, basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Flat `<version>_<name>.sql` files:
 * - sqlx simple migrations (a Cargo.toml above the folder): one transaction per file unless the
 *   file starts with `-- no-transaction`; no down.
 * - Supabase CLI (`supabase/migrations/`): the file's statements go out as one batch, i.e. one
 *   implicit transaction; no down.
 */
const FLAT = /^(\d{3,})_(.+)\.sql$/;

export const flatFiles: Detector = {
  framework: 'sqlx/supabase',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const path of unclaimed) {
      const match = basename(path).match(FLAT);
      if (!match) continue;
      const isSupabase = /(^|\/)supabase\/migrations$/.test(dirname(path));
      const isSqlx = !isSupabase && ancestorWith(repo, path, 'Cargo.toml') !== null;
      if (!isSupabase && !isSqlx) continue;
      const upSql = await repo.read(path);
      let txMode: MigrationFile['txMode'] = isSupabase ? 'implicit' : 'per-file';
      let txReason = isSupabase ? 'the Supabase CLI sends each file as one batch (one implicit transaction)' : 'sqlx runs each migration in a transaction';
      if (isSqlx && /^\s*--\s*no-transaction/.test(upSql)) {
        txMode = 'implicit';
        txReason = 'sqlx: -- no-transaction';
      }
      out.push(
        migration({
          path,
          framework: isSupabase ? 'supabase' : 'sqlx',
          version: match[1]!,
          name: match[2]!,
          set: dirname(path),
          upSql,
          down: null,
          expectsDown: false,
          txMode,
          txReason,
        }),
      );
    }
    return out;
  },
};

/**
 * Anything else: `.sql` files in a folder whose path says migrations, or files named on the
 * command line. We cannot know how they are run, so transaction-sensitive rules ask to verify.
 */
export function plainFile(path: string, upSql: string): MigrationFile {
  const file = basename(path);
  return migration({
    path,
    framework: 'plain',
    version: file.match(/^[VvRr]?(\d[\d._-]*)/)?.[1] ?? file,
    name: file.replace(/\.sql$/, ''),
    set: dirname(path),
    upSql,
    down: null,
    expectsDown: false,
    txMode: 'unknown',
    txReason: 'the runner of plain SQL files is unknown',
  });
}

export const PLAIN_MIGRATION_DIR = /(^|\/)(db\/)?migrat(e|ion|ions)(\/|$)/i;
