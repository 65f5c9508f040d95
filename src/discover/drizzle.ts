import { basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * Drizzle Kit: `NNNN_name.sql` next to `meta/_journal.json` (which gives the order), statements
 * separated by `--> statement-breakpoint`. drizzle-orm's migrator runs every pending migration in
 * ONE transaction (PgDialect.migrate wraps the loop in session.transaction), so a CONCURRENTLY
 * statement needs an explicit `COMMIT;` before it.
 */
export const drizzle: Detector = {
  framework: 'drizzle',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    const journals = repo.paths.filter((p) => p.endsWith('meta/_journal.json'));
    const order = new Map<string, number>();
    const sets = new Set<string>();
    for (const journalPath of journals) {
      const set = dirname(dirname(journalPath));
      sets.add(set);
      try {
        const journal = JSON.parse(await repo.read(journalPath)) as { entries?: { idx: number; tag: string }[] };
        for (const entry of journal.entries ?? []) order.set(`${set === '.' ? '' : `${set}/`}${entry.tag}.sql`, entry.idx);
      } catch {
        // A broken journal still leaves the files recognisable by their folder.
      }
    }
    for (const path of unclaimed) {
      if (!path.endsWith('.sql')) continue;
      const set = dirname(path);
      const content = await repo.read(path);
      if (!sets.has(set) && !content.includes('--> statement-breakpoint')) continue;
      const file = basename(path);
      const idx = order.get(path);
      out.push(
        migration({
          path,
          framework: 'drizzle',
          version: idx !== undefined ? String(idx).padStart(6, '0') : (file.match(/^(\d+)/)?.[1] ?? file),
          name: file.replace(/^\d+_?/, '').replace(/\.sql$/, ''),
          set,
          upSql: content,
          down: null,
          expectsDown: false,
          txMode: 'all-pending',
          txReason: "drizzle-orm's migrator runs all pending migrations in one transaction",
          // One transaction is one connection: a session SET in one file holds in the next.
          sharedSession: "drizzle-orm's migrator runs every pending migration in one transaction, on one connection",
        }),
      );
    }
    return out;
  },
};
