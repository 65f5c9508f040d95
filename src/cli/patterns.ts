import { UsageError } from '../core/errors.js';
import { CATEGORY_NAMES } from '../core/types.js';
import { loadPatterns, patternPath } from '../patterns/library.js';

/** `migration-review patterns [id]`: the list, or one pattern as readable markdown. */
export function printPatterns(id: string | undefined, options: { json: boolean; color: boolean }): string {
  const patterns = loadPatterns();
  if (!id) {
    if (options.json) {
      return `${JSON.stringify(
        patterns.map((p) => ({
          id: p.id,
          title: p.title,
          summary: p.summary,
          categories: p.categories,
          rules: p.rules,
          postgres: p.postgres,
          path: patternPath(p.id),
        })),
        null,
        2,
      )}\n`;
    }
    const width = Math.max(...patterns.map((p) => p.id.length));
    return `${patterns.map((p) => `${p.id.padEnd(width)}  ${p.title}`).join('\n')}\n\n${patterns.length} patterns. \`migration-review patterns <id>\` prints one.\n`;
  }
  const pattern = patterns.find((p) => p.id === id);
  if (!pattern) {
    const close = patterns.filter((p) => p.id.includes(id) || id.includes(p.id.split('-')[0]!)).map((p) => p.id);
    throw new UsageError(
      `no pattern "${id}"${close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : ''}; \`migration-review patterns\` lists them all`,
    );
  }
  const bold = (text: string): string => (options.color ? `\u001b[1m${text}\u001b[22m` : text);
  const header = [
    bold(pattern.title),
    `Categories: ${pattern.categories.map((c) => CATEGORY_NAMES[c]).join(', ')}`,
    `Answers: ${pattern.rules.join(', ')}`,
    `PostgreSQL: ${pattern.postgres}`,
    `File: ${patternPath(pattern.id)}`,
  ].join('\n');
  // The body without its own title line, fence tags kept out of the reader's way.
  const body = pattern.body
    .trimStart()
    .replace(/^# .*\n+/, '')
    .replace(/^```(\w+) .*$/gm, '```$1')
    .replace(/^## (.*)$/gm, (_m, heading: string) => bold(heading.toUpperCase()));
  return `${header}\n\n${body.trim()}\n`;
}
