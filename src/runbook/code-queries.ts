import type { CodeFile } from '../repo/code-refs.js';

/**
 * SQL written in application code: string literals (one line or many — template literals, Go raw
 * strings, Python triple quotes) whose text starts with a query keyword. Literals built by
 * interpolation (`${…}`, `#{…}`) are skipped: their text is not the query that runs.
 */
export interface CodeQuery {
  file: string;
  /** 1-based line of the query's first keyword. */
  line: number;
  text: string;
}

const LITERALS = [/"""([\s\S]*?)"""/g, /'''([\s\S]*?)'''/g, /`([^`]*)`/g, /"((?:[^"\\\n]|\\.)*)"/g, /'((?:[^'\\\n]|\\.)*)'/g];
const QUERY_START = /^\s*(?:SELECT|WITH|UPDATE|DELETE|INSERT)\b/i;
const INTERPOLATION = /\$\{|#\{/;

export function queriesInCode(files: CodeFile[]): CodeQuery[] {
  const out: CodeQuery[] = [];
  for (const file of files) {
    const text = file.lines.join('\n');
    const seen = new Set<number>();
    for (const pattern of LITERALS) {
      for (const match of text.matchAll(pattern)) {
        const body = match[1]!;
        if (!QUERY_START.test(body) || INTERPOLATION.test(body)) continue;
        const start = match.index + match[0].indexOf(body) + (body.length - body.trimStart().length);
        // A query inside a triple-quoted or template literal is found once, by the widest pattern.
        if ([...seen].some((s) => Math.abs(s - start) <= 3)) continue;
        seen.add(start);
        out.push({ file: file.path, line: text.slice(0, start).split('\n').length, text: unescape(body.trim()) });
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The escapes of a double-quoted string in the common languages. */
function unescape(body: string): string {
  return body.replace(/\\(["'\\nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
