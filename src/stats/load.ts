import { readFile } from 'node:fs/promises';
import { StatsFileError } from '../core/errors.js';
import { statsFileSchema, type StatsFile } from './schema.js';

export const DEFAULT_STATS_PATH = '.github/migration-review-stats.json';
/** A database with tens of thousands of tables and indexes stays far below this. */
export const MAX_STATS_BYTES = 20 * 1024 * 1024;

/**
 * Parses and validates the statistics file. Errors name the file and the JSON path, e.g.
 * `.github/migration-review-stats.json: $.tables["public.orders"].rows: expected a number, got "80M"`.
 */
export function parseStatsFile(text: string, file = DEFAULT_STATS_PATH): StatsFile {
  if (text.length > MAX_STATS_BYTES)
    throw new StatsFileError(`the statistics file is ${Math.round(text.length / 1024 / 1024)} MB; at most ${MAX_STATS_BYTES / 1024 / 1024} MB is read`, file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StatsFileError(`not JSON: ${(error as Error).message}`, file, lineOfJsonError(text, error as Error));
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== 1) {
    throw new StatsFileError(
      `$.schemaVersion: ${version} is newer than this migration-review reads (1); upgrade migration-review or rewrite the file with this version's \`stats\``,
      file,
    );
  }
  const result = statsFileSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown key "${issue.keys[0]}"`
      : issue.message.replace(/^Invalid input: /, '').replace(/^expected (.+), received undefined$/, 'missing (expected $1)');
  throw new StatsFileError(`${jsonPath(path)}: ${what}`, file);
}

/** `$.tables["public.orders"].rows`: the path as JSONPath, names quoted where they hold dots. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join('')}`;
}

/** V8 says "… at position 123" (Node 20) or "(line 4 column 7)" (Node 22): the line either way. */
function lineOfJsonError(text: string, error: Error): number | undefined {
  const line = /line (\d+)/.exec(error.message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(error.message);
  return position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
}

/** Reads a statistics file from disk; a missing file is null (the review then uses the config alone). */
export async function readStatsText(path: string, displayPath: string): Promise<{ text: string; path: string } | null> {
  try {
    return { text: await readFile(path, 'utf8'), path: displayPath };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StatsFileError(`cannot read the statistics file: ${(error as Error).message}`, displayPath);
  }
}
