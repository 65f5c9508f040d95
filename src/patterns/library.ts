import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CATEGORIES } from '../core/types.js';

/**
 * The patterns library: `patterns/<id>.md`, one safe way to make each risky change. Each file is
 * YAML front matter plus markdown whose SQL fences are tagged, so the same text that teaches the
 * reader is what the tests run:
 *
 *     ```sql before                                  the schema as it exists (history, not reviewed)
 *     ```sql before:replace                          more schema, for the examples named `replace` only
 *     ```sql bad migrations/000042_x.up.sql          the naive change
 *     ```sql good migrations/000042_x.up.sql         the safe change, one fence per migration file
 *     ```sql good:goose db/20240101_x.sql            another complete good example (own repository)
 *     ```ts code src/orders/repository.ts            application code beside the migrations
 *
 * Fences of one kind and example name form one change; the path decides the framework, exactly
 * as discovery reads a real repository. Untagged fences (```sql alone) are prose illustrations.
 */

export const PATTERNS_DIR = fileURLToPath(new URL('../../patterns/', import.meta.url));

const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by -'),
  title: z.string().min(5),
  summary: z.string().min(20),
  categories: z.array(z.enum(CATEGORIES)).min(1),
  rules: z.array(z.string()).min(1),
  postgres: z.string().min(2),
});

export type PatternMeta = z.infer<typeof frontMatterSchema>;

export interface PatternExample {
  kind: 'before' | 'bad' | 'good' | 'code';
  /** Example name: fences with the same kind and name form one change. */
  example: string;
  /** Repository path for bad/good fences (decides the framework) and code fences. */
  path: string | null;
  sql: string;
  /** 1-based line of the fence's first SQL line in the pattern file. */
  line: number;
}

export interface Pattern extends PatternMeta {
  file: string;
  /** Markdown after the front matter. */
  body: string;
  examples: PatternExample[];
}

export class PatternError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

const FENCE_OPEN = /^```(\w+)(?:\s+(.*))?$/;

export function parsePattern(file: string, text: string): Pattern {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) throw new PatternError(file, 1, 'missing front matter (--- … ---)');
  let meta: PatternMeta;
  try {
    meta = frontMatterSchema.parse(parseYaml(match[1]!));
  } catch (error) {
    const detail =
      error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.') || '(front matter)'}: ${i.message}`).join('; ') : (error as Error).message;
    throw new PatternError(file, 2, `front matter: ${detail}`);
  }
  const bodyStartLine = match[0].split('\n').length;
  const body = text.slice(match[0].length);
  const examples: PatternExample[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    if (end >= lines.length) throw new PatternError(file, bodyStartLine + i, 'SQL fence is never closed');
    i = end;
    const tag = open[2]?.trim();
    if (!tag) continue;
    const [kindAndName, path, ...rest] = tag.split(/\s+/);
    const [kind, example = 'main'] = kindAndName!.split(':');
    const line = bodyStartLine + start;
    if (open[1] !== 'sql') {
      // Other languages: only application code the examples refer to is tagged.
      if (kind !== 'code' || !path) throw new PatternError(file, line - 1, `a ${open[1]} fence can only be tagged \`code <path>\``);
      examples.push({ kind: 'code', example, path, sql: `${lines.slice(start, end).join('\n')}\n`, line });
      continue;
    }
    if (kind !== 'before' && kind !== 'bad' && kind !== 'good') throw new PatternError(file, line - 1, `unknown fence tag "${kind}" (before, bad or good)`);
    // A before fence with a path is that file as already merged (an edit of it is a modified migration).
    if (kind !== 'before' && !path)
      throw new PatternError(file, line - 1, `a ${kind} fence needs the migration path it stands for, e.g. \`\`\`sql ${kind} migrations/000001_x.up.sql`);
    if (rest.length) throw new PatternError(file, line - 1, `unexpected text after the path: ${rest.join(' ')}`);
    examples.push({ kind, example, path: path ?? null, sql: `${lines.slice(start, end).join('\n')}\n`, line });
  }
  return { ...meta, file, body, examples };
}

let cache: Pattern[] | null = null;

/** Every pattern, sorted by id. Loaded once per process. */
export function loadPatterns(dir = PATTERNS_DIR): Pattern[] {
  if (dir === PATTERNS_DIR && cache) return cache;
  const patterns = readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort()
    .map((name) => {
      const pattern = parsePattern(`patterns/${name}`, readFileSync(join(dir, name), 'utf8'));
      if (`${pattern.id}.md` !== name) throw new PatternError(pattern.file, 2, `id "${pattern.id}" does not match the file name`);
      return pattern;
    });
  if (dir === PATTERNS_DIR) cache = patterns;
  return patterns;
}

/** Repository path of a pattern's page (links in comments and docs). */
export function patternPath(id: string): string {
  return `patterns/${id}.md`;
}

/** Groups a pattern's bad/good fences into changes: `bad:main`, `good:main`, `good:goose`, … */
export function exampleChanges(pattern: Pattern): { kind: 'bad' | 'good'; example: string; files: PatternExample[] }[] {
  // Tagged kinds are checked in parsePattern; only bad and good fences form changes.
  const groups = new Map<string, { kind: 'bad' | 'good'; example: string; files: PatternExample[] }>();
  for (const ex of pattern.examples) {
    if (ex.kind !== 'bad' && ex.kind !== 'good') continue;
    const key = `${ex.kind}:${ex.example}`;
    const group = groups.get(key) ?? { kind: ex.kind as 'bad' | 'good', example: ex.example, files: [] };
    group.files.push(ex);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * The schema an example starts from: the untagged `before` fences (shared by every example), then
 * the `before:<name>` fences of that example.
 */
export function beforeSql(pattern: Pattern, example = 'main'): string {
  return pattern.examples
    .filter((e) => e.kind === 'before' && (e.example === 'main' || e.example === example))
    .map((e) => e.sql)
    .join('\n');
}
