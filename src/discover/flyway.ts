import { ancestorWith, basename, dirname, migration, type Detector, type RepoFiles } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Flyway: versioned `V<version>__<description>.sql`, undo `U<version>__…` (Teams edition) and
 * repeatable `R__<description>.sql` (applied after all versioned ones, in description order).
 * Each script runs in a transaction; since Flyway 9 its PostgreSQL parser detects
 * CREATE INDEX CONCURRENTLY and runs such a script outside one, and refuses a script that mixes
 * the two unless `mixed` is enabled. A per-script `<script>.sql.conf` may set
 * `executeInTransaction=false`.
 */
const VERSIONED = /^V([\d._]+)__(.+)\.sql$/;
const UNDO = /^U([\d._]+)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;

export const flyway: Detector = {
  framework: 'flyway',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    // A folder that has undo scripts writes them: each versioned script there is expected to have one.
    const undoDirs = new Set([...unclaimed].filter((p) => UNDO.test(basename(p))).map(dirname));
    for (const path of unclaimed) {
      const file = basename(path);
      const versioned = file.match(VERSIONED);
      const repeatable = file.match(REPEATABLE);
      if (!versioned && !repeatable) continue;
      const dir = dirname(path);
      // Letters sort after every numeric version, so repeatables come last.
      const version = versioned ? versioned[1]!.replace(/_/g, '.') : `R.${repeatable![1]}`;
      let down: MigrationFile['down'] = null;
      if (versioned) {
        const undo = [...unclaimed].find((p) => dirname(p) === dir && basename(p).match(UNDO)?.[1] === versioned[1]);
        if (undo) down = { path: undo, sql: await repo.read(undo), startLine: 1 };
      }
      const conf = repo.has(`${path}.conf`) ? await repo.read(`${path}.conf`) : '';
      const sessionSetup = await initSql(repo, path);
      const noTx = /executeInTransaction\s*=\s*false/i.test(conf);
      out.push(
        migration({
          path,
          framework: 'flyway',
          version,
          name: (versioned?.[2] ?? repeatable![1]!).replace(/_/g, ' '),
          set: dir,
          upSql: await repo.read(path),
          down,
          expectsDown: !!versioned && undoDirs.has(dir),
          txMode: noTx ? 'none' : 'implicit',
          txReason: noTx
            ? 'Flyway: executeInTransaction=false'
            : 'Flyway runs each script in a transaction, or alone outside one when it only holds CONCURRENTLY statements',
          ...(sessionSetup ? { sessionSetup } : {}),
        }),
      );
    }
    return out;
  },
};

/**
 * `flyway.initSql` from the nearest flyway.conf above the script: SQL Flyway runs to initialize
 * each connection right after opening it, so what it sets holds for every migration.
 */
async function initSql(repo: RepoFiles, path: string): Promise<string | undefined> {
  const dir = ancestorWith(repo, path, 'flyway.conf');
  if (dir === null) return undefined;
  const conf = await repo.read(dir === '.' ? 'flyway.conf' : `${dir}/flyway.conf`);
  return conf.match(/^\s*flyway\.initSql\s*=\s*(.+)$/m)?.[1]?.trim();
}

export function isFlywayUndo(path: string): boolean {
  return UNDO.test(basename(path));
}
