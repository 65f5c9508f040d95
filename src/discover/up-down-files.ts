import { ancestorWith, basename, dirname, migration, type Detector, type RepoFiles } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * `<version>_<name>.up.sql` / `.down.sql` pairs (also `_up.sql` / `_down.sql`):
 * - golang-migrate (default): the postgres driver sends the file as one query string, so several
 *   statements share an implicit transaction and a lone statement runs on its own.
 * - maragudk/migrate (a go.mod that requires it): each migration runs in a transaction.
 * - sqlx reversible migrations (a Cargo.toml above the folder): each in a transaction unless the
 *   file starts with `-- no-transaction`.
 */
const UP = /^(\d+)(?:[_-](.+?))?[._]up\.sql$/;

export const upDownFiles: Detector = {
  framework: 'golang-migrate',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    const flavours = new Map<string, Promise<Flavour>>();
    for (const path of unclaimed) {
      const match = basename(path).match(UP);
      if (!match) continue;
      const dir = dirname(path);
      if (!flavours.has(dir)) flavours.set(dir, flavourOf(repo, path));
      const flavour = await flavours.get(dir)!;
      const downPath = [path.replace(/\.up\.sql$/, '.down.sql'), path.replace(/_up\.sql$/, '_down.sql')].find((p) => p !== path && unclaimed.has(p));
      const upSql = await repo.read(path);
      const down = downPath ? { path: downPath, sql: await repo.read(downPath), startLine: 1 } : null;
      let txMode: MigrationFile['txMode'] = flavour.txMode;
      let txReason = flavour.txReason;
      if (flavour.framework === 'sqlx' && /^\s*--\s*no-transaction/.test(upSql)) {
        txMode = 'implicit';
        txReason = 'sqlx: -- no-transaction';
      }
      out.push(
        migration({
          path,
          framework: flavour.framework,
          version: match[1]!,
          name: match[2] ?? '',
          set: dir,
          upSql,
          down,
          expectsDown: false, // decided per set below: expected where the project writes downs
          txMode,
          txReason,
          ...(flavour.sharedSession ? { sharedSession: flavour.sharedSession } : {}),
        }),
      );
    }
    // Down files are optional in these tools; where a project writes them for its other
    // migrations, a missing one is a gap in its own convention.
    const withDowns = new Set(out.filter((f) => f.down).map((f) => f.set));
    for (const file of out) file.expectsDown = withDowns.has(file.set);
    return out;
  },
};

interface Flavour {
  framework: string;
  txMode: MigrationFile['txMode'];
  txReason: string;
  sharedSession?: string;
}

async function flavourOf(repo: RepoFiles, path: string): Promise<Flavour> {
  if (ancestorWith(repo, path, 'Cargo.toml') !== null) {
    return { framework: 'sqlx', txMode: 'per-file', txReason: 'sqlx runs each migration in a transaction' };
  }
  const goMod = ancestorWith(repo, path, 'go.mod');
  if (goMod !== null) {
    const text = await repo.read(goMod === '.' ? 'go.mod' : `${goMod}/go.mod`);
    if (text.includes('github.com/maragudk/migrate')) {
      return { framework: 'maragudk-migrate', txMode: 'per-file', txReason: 'maragudk/migrate runs each migration in a transaction' };
    }
  }
  return {
    framework: 'golang-migrate',
    txMode: 'implicit',
    txReason: 'golang-migrate sends the file as one query string (one implicit transaction when it holds several statements)',
    // database/postgres: WithInstance takes one *sql.Conn from the pool and Run executes every
    // migration on it, so a session SET outlives its file.
    sharedSession: 'golang-migrate runs every pending migration on one connection',
  };
}
