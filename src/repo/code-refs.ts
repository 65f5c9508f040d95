import picomatch from 'picomatch';
import type { RepoFiles } from '../discover/common.js';
import type { CodeRef } from '../core/types.js';

/**
 * Application code that queries a table: the index-dependency and rename rules name the file and
 * line of such queries. Plain text search, bounded in files and bytes, over code outside the
 * migrations.
 */
const DEFAULT_INCLUDE = ['**/*.{ts,tsx,js,jsx,mjs,cjs,py,rb,go,java,kt,sql,prisma}'];
const MAX_BYTES = 1_000_000;
/** DDL that marks a .sql file as schema (a migration or dump), not application queries (sqlc, jOOQ, raw query files). */
const SCHEMA_DDL = /\b(?:create|alter|drop)\s+(?:table|index|type|schema|function|view|trigger|extension)\b/i;
/** Folders of migrations (and their runners) are not application code. */
const MIGRATION_DIR = /(^|\/)(migrations?|migrate)\//i;

export interface CodeIndex {
  /**
   * Lines that query the table (and name the columns) in SQL text. With `mapped`, also the lines
   * that use a column through an ORM that maps it (Prisma `@map`, Drizzle, JPA `@Column`,
   * SQLAlchemy, ActiveRecord, a column list), by the column name or its camelCase field, where
   * the nearest model or table named before it is this table (`knownTables` tells the others).
   */
  search(table: string, columns: string[], mapped?: { knownTables: string[] }): CodeRef[];
  /** How many application code files it searches (0: the repository has none to search). */
  fileCount: number;
}

export interface CodeFile {
  path: string;
  lines: string[];
}

export interface CodeOptions {
  include: string[] | null;
  exclude: string[];
  maxFiles: number;
}

/**
 * The application code to search, read through the same RepoFiles as discovery, so a local
 * checkout and the GitHub API search exactly the same files: `code.include` (default: source files
 * of the common languages), minus `code.exclude`, the migrations and their downs, files over
 * 1 MB, at most `code.maxFiles` in path order. `notes` says what the limit left out.
 */
export async function readCodeFiles(repo: RepoFiles, migrationPaths: Set<string>, options: CodeOptions): Promise<{ files: CodeFile[]; notes: string[] }> {
  const include = picomatch(options.include ?? DEFAULT_INCLUDE, { dot: false });
  const skip = options.exclude.length ? picomatch(options.exclude) : () => false;
  const candidates = repo.paths.filter(
    (path) => !migrationPaths.has(path) && include(path) && !skip(path) && !MIGRATION_DIR.test(path) && (repo.size?.(path) ?? 0) <= MAX_BYTES,
  );
  const chosen = candidates.slice(0, options.maxFiles);
  const texts = await readAll(repo, chosen);
  const files = chosen
    .map((path) => ({ path, text: texts.get(path) ?? '' }))
    // A .sql file that defines schema is a migration or a dump the frameworks did not claim, not a query the application runs.
    .filter((f) => f.text.length <= MAX_BYTES && !(f.path.endsWith('.sql') && SCHEMA_DDL.test(f.text)))
    .map((f) => ({ path: f.path, lines: f.text.split('\n') }));
  const notes = candidates.length > chosen.length ? [`code search: the first ${chosen.length} of ${candidates.length} application code files were searched (code.maxFiles)`] : [];
  return { files, notes };
}

/** Reads many files with bounded concurrency (over the API, the requests are the cost, not the CPU). */
export async function readAll(repo: RepoFiles, paths: string[], concurrency = 8): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]!;
      // An unreadable file is skipped: this search is advisory.
      out.set(path, await repo.read(path).catch(() => ''));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return out;
}

export function codeIndexOf(files: CodeFile[]): CodeIndex {
  return {
    fileCount: files.length,
    search(table, columns, mapped) {
      const bare = table.split('.').pop()!;
      const tableRe = new RegExp(`\\b${escapeRegExp(bare)}\\b`, 'i');
      const columnRes = columns.map((c) => new RegExp(`\\b${escapeRegExp(c)}\\b`, 'i'));
      const refs: CodeRef[] = [];
      for (const file of files) {
        file.lines.forEach((text, i) => {
          if (refs.length >= 5 || !tableRe.test(text)) return;
          // A query names the column near the table: same line or the few lines around it, but
          // not in the next or previous query (`q2 = …rooms…` / `q3 = …legacy_code…`).
          const window = queryAround(file.lines, i);
          if (columnRes.every((re) => re.test(window))) refs.push({ file: file.path, line: i + 1, text: text.trim().slice(0, 160), window: statementFrom(file.lines, i) });
        });
      }
      if (refs.length || !mapped || columns.length !== 1) return refs;
      return mappedColumnRefs(files, table, columns[0]!, mapped.knownTables);
    },
  };
}

/**
 * A table's names in code, lower-cased as one identifier: `order_items`, `order_item`,
 * `orderitems`, `orderitem` (so `OrderItem`, `orderItems` and `"order_items"` all match).
 */
function tableNameForms(table: string): string[] {
  const bare = table.split('.').pop()!.toLowerCase();
  const singular = bare.replace(/ies$/, 'y').replace(/(ss|x|z|ch|sh)es$/, '$1').replace(/([^s])s$/, '$1');
  return [bare, singular, bare.replace(/_/g, ''), singular.replace(/_/g, '')];
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/** A line that is itself a SQL statement: the query window decides those. */
const SQL_LINE = /\b(?:select\b[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b|\bwhere\s+[\w."]+\s*(?:=|<>|!=|\bin\b|\bis\b|\blike\b)/i;

/**
 * Uses of `table.column` through an ORM: the column name (`external_ref`, `"external_ref"`) or its
 * field (`externalRef`, `findByExternalRef`) on a non-SQL line whose nearest table or model name
 * before it (same line first) is this table's — or, with none before it, in a file that names
 * this table and no other.
 */
function mappedColumnRefs(files: CodeFile[], table: string, column: string, knownTables: string[]): CodeRef[] {
  // One lookup per identifier of a line, not one regex per known table: repositories have hundreds.
  const owner = new Map<string, 'ours' | 'other'>();
  for (const t of knownTables) for (const form of tableNameForms(t)) owner.set(form, 'other');
  for (const form of tableNameForms(table)) owner.set(form, 'ours');
  const named = (line: string): 'ours' | 'other' | null => {
    let found: 'ours' | 'other' | null = null;
    for (const [word] of line.matchAll(IDENTIFIER)) {
      const who = owner.get(word.toLowerCase());
      if (who === 'ours') return who;
      found ??= who ?? null;
    }
    return found;
  };
  // `external_ref`, `externalRef`, `ExternalRef` as a word, and `…ByExternalRef` inside an identifier.
  const plain = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(column.toLowerCase()).replace(/_/g, '_?')}(?![a-z0-9_])`, 'i');
  const pascal = column.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join('');
  const inside = new RegExp(`(?<=[a-z0-9])${escapeRegExp(pascal)}(?![a-z0-9_])`);
  const usesColumn = (text: string): boolean => (plain.test(text) || inside.test(text)) && !SQL_LINE.test(text);
  const refs: CodeRef[] = [];
  for (const file of files) {
    if (file.path.endsWith('.sql') || !file.lines.some(usesColumn)) continue;
    const names = file.lines.map(named);
    const fileIsOurs = names.includes('ours') && !names.includes('other');
    // The nearest table or model named at or before each line, in one pass.
    let nearest: 'ours' | 'other' | null = null;
    names.forEach((name, i) => {
      nearest = name ?? nearest;
      const text = file.lines[i]!;
      if (refs.length >= 5 || !usesColumn(text)) return;
      if (nearest === 'ours' || (nearest === null && fileIsOurs)) refs.push({ file: file.path, line: i + 1, text: text.trim().slice(0, 160), window: text });
    });
  }
  return refs;
}

/** A new declaration or assignment starts another query: `const q1 =`, `q1 := `, `def x`, `pub const`. */
const NEW_DECLARATION = /^\s*(?:(?:export\s+)?(?:const|let|var|val|def|func|fn|pub|static|final|private|public)\b|[A-Za-z_][\w.]*\s*:?=\s)/;

/** Up to three lines either side of line `i`, cut at the declarations that start the queries before and after it. */
function queryAround(lines: string[], i: number): string {
  // A line ending in `;` ends a SQL statement (query files hold several, sqlc's `query.sql`).
  const endsStatement = (line: string | undefined): boolean => !!line && /;\s*(?:--.*)?$/.test(line);
  let start = i;
  while (start > Math.max(0, i - 3) && !NEW_DECLARATION.test(lines[start]!) && !endsStatement(lines[start - 1])) start--;
  let end = i + 1;
  while (end < Math.min(lines.length, i + 4) && !NEW_DECLARATION.test(lines[end]!) && !endsStatement(lines[end - 1])) end++;
  return lines.slice(start, end).join('\n');
}

/** The query text that starts on line `i`: that line and the next few, up to the next declaration. */
function statementFrom(lines: string[], i: number): string {
  const out = [lines[i]!];
  for (let j = i + 1; j < Math.min(lines.length, i + 8) && !NEW_DECLARATION.test(lines[j]!); j++) out.push(lines[j]!);
  return out.join('\n');
}

/** Whether a query filters, joins, orders, groups or upserts by the column (an index serves those), not merely reads it. */
export function queriesBy(ref: CodeRef, column: string): boolean {
  const text = ref.window ?? ref.text;
  return new RegExp(`\\b(?:where|on|by|conflict|using)\\b[\\s\\S]*\\b${escapeRegExp(column)}\\b`, 'i').test(text);
}

/** `text` as a literal inside a RegExp (names come from the PR). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
