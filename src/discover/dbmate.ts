import { basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * dbmate: `-- migrate:up` and `-- migrate:down` sections in one file. Each section runs in a
 * transaction unless its marker says `transaction:false`, in which case dbmate sends the section
 * as one query string (several statements then still share an implicit transaction).
 */
const MARKER = /^--\s*migrate:(up|down)\b(.*)$/i;

export const dbmate: Detector = {
  framework: 'dbmate',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const path of unclaimed) {
      if (!path.endsWith('.sql')) continue;
      const text = await repo.read(path);
      if (!/^--\s*migrate:up\b/im.test(text)) continue;
      const lines = text.split('\n');
      const sections: Record<string, { lines: string[]; start: number; options: string }> = {};
      let current: string | null = null;
      lines.forEach((line, i) => {
        const match = line.trim().match(MARKER);
        if (match) {
          current = match[1]!.toLowerCase();
          sections[current] = { lines: [], start: i + 2, options: match[2] ?? '' };
          return;
        }
        if (current) sections[current]!.lines.push(line);
      });
      const up = sections.up!;
      const down = sections.down;
      const noTx = /transaction\s*:\s*false/i.test(up.options);
      const file = basename(path);
      out.push(
        migration({
          path,
          framework: 'dbmate',
          version: file.match(/^(\d+)/)?.[1] ?? file,
          name: file.replace(/^\d+_?/, '').replace(/\.sql$/, ''),
          set: dirname(path),
          upSql: up.lines.join('\n'),
          upStartLine: up.start,
          down: down ? { path, sql: down.lines.join('\n'), startLine: down.start } : null,
          expectsDown: true,
          txMode: noTx ? 'implicit' : 'per-file',
          txReason: noTx ? 'dbmate: -- migrate:up transaction:false' : 'dbmate runs each migration in a transaction',
        }),
      );
    }
    return out;
  },
};
