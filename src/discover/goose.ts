import { basename, dirname, migration, type Detector } from './common.js';
import type { MigrationFile } from '../core/types.js';

/**
 * goose (pressly/goose) SQL migrations: one file holds `-- +goose Up` and an optional
 * `-- +goose Down`. Each file runs in its own transaction unless it says
 * `-- +goose NO TRANSACTION` (which applies to both directions); goose splits statements itself on
 * `;` at line end, and treats a `StatementBegin … StatementEnd` block as one statement.
 */
const ANNOTATION = /^--\s*\+goose\s+(.+?)\s*$/i;

export const goose: Detector = {
  framework: 'goose',
  async detect(repo, unclaimed) {
    const out: MigrationFile[] = [];
    for (const path of unclaimed) {
      if (!path.endsWith('.sql')) continue;
      const text = await repo.read(path);
      if (!/^--\s*\+goose\s+up\b/im.test(text)) continue;
      const sections = splitGoose(text);
      const file = basename(path);
      const version = file.match(/^(\d+)/)?.[1] ?? file;
      out.push(
        migration({
          path,
          framework: 'goose',
          version,
          name: file.replace(/^\d+_?/, '').replace(/\.sql$/, ''),
          set: dirname(path),
          upSql: sections.up.sql,
          upStartLine: sections.up.line,
          chunks: sections.up.chunks,
          down: sections.down ? { path, sql: sections.down.sql, startLine: sections.down.line } : null,
          expectsDown: true,
          txMode: sections.noTransaction ? 'none' : 'per-file',
          txReason: sections.noTransaction ? 'goose: -- +goose NO TRANSACTION' : 'goose runs each migration in a transaction',
        }),
      );
    }
    return out;
  },
};

interface Section {
  sql: string;
  line: number;
  chunks: { start: number; end: number }[];
}

export function splitGoose(text: string): { up: Section; down: Section | null; noTransaction: boolean } {
  const lines = text.split('\n');
  let noTransaction = false;
  let current: 'none' | 'up' | 'down' = 'none';
  const bodies: Record<'up' | 'down', { lines: string[]; start: number }> = {
    up: { lines: [], start: 0 },
    down: { lines: [], start: 0 },
  };
  let sawDown = false;
  lines.forEach((line, i) => {
    const match = line.trim().match(ANNOTATION);
    const annotation = match?.[1]?.toLowerCase();
    if (annotation === 'no transaction') noTransaction = true;
    if (annotation === 'up') {
      current = 'up';
      bodies.up.start = i + 2;
      return;
    }
    if (annotation === 'down') {
      current = 'down';
      sawDown = true;
      bodies.down.start = i + 2;
      return;
    }
    if (current !== 'none') bodies[current].lines.push(line);
  });
  const section = (body: { lines: string[]; start: number }): Section => {
    const sql = body.lines.join('\n');
    return { sql, line: body.start, chunks: gooseChunks(sql) };
  };
  return { up: section(bodies.up), down: sawDown ? section(bodies.down) : null, noTransaction };
}

/**
 * Byte ranges goose would send as statements: each StatementBegin/End block whole, and the text
 * between blocks as ordinary `;`-separated SQL.
 */
function gooseChunks(sql: string): { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  const bytes = Buffer.from(sql, 'utf8');
  const text = bytes.toString('latin1'); // one char per byte, so indexes are byte offsets
  const marker = /^[ \t]*--\s*\+goose\s+statement(begin|end)\b.*$/gim;
  let cursor = 0;
  let blockStart: number | null = null;
  for (let match = marker.exec(text); match; match = marker.exec(text)) {
    const kind = match[1]!.toLowerCase();
    if (kind === 'begin' && blockStart === null) {
      if (match.index > cursor) chunks.push({ start: cursor, end: match.index });
      blockStart = match.index + match[0].length;
    } else if (kind === 'end' && blockStart !== null) {
      chunks.push({ start: blockStart, end: match.index });
      cursor = match.index + match[0].length;
      blockStart = null;
    }
  }
  if (blockStart !== null) chunks.push({ start: blockStart, end: bytes.length });
  else if (cursor < bytes.length) chunks.push({ start: cursor, end: bytes.length });
  return chunks;
}

