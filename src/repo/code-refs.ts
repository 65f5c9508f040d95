import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { CodeRef } from '../rules/engine.js';

/**
 * Application code that queries a table: the index-dependency and rename rules name the file and
 * line of such queries. Plain text search, bounded in files and bytes, over code outside the
 * migrations.
 */
const DEFAULT_INCLUDE = ['**/*.{ts,tsx,js,jsx,mjs,cjs,py,rb,go,java,kt,sql}'];
const MAX_FILES = 5000;
const MAX_BYTES = 1_000_000;

export interface CodeIndex {
  search(table: string, columns: string[]): CodeRef[];
}

export interface CodeFile {
  path: string;
  lines: string[];
}

export function buildCodeIndex(root: string, paths: string[], exclude: Set<string>, options: { include: string[] | null; exclude: string[] }): CodeIndex {
  const include = picomatch(options.include ?? DEFAULT_INCLUDE, { dot: false });
  const skip = options.exclude.length ? picomatch(options.exclude) : () => false;
  const files: CodeFile[] = [];
  for (const path of paths) {
    if (files.length >= MAX_FILES) break;
    if (exclude.has(path) || !include(path) || skip(path) || /(^|\/)(migrations?|migrate)\//i.test(path)) continue;
    try {
      const full = join(root, path);
      if (statSync(full).size > MAX_BYTES) continue;
      files.push({ path, lines: readFileSync(full, 'utf8').split('\n') });
    } catch {
      // Unreadable files are skipped: this search is advisory.
    }
  }
  return codeIndexOf(files);
}

export function codeIndexOf(files: CodeFile[]): CodeIndex {
  return {
    search(table, columns) {
      const bare = table.split('.').pop()!;
      const tableRe = new RegExp(`\\b${escape(bare)}\\b`, 'i');
      const columnRes = columns.map((c) => new RegExp(`\\b${escape(c)}\\b`, 'i'));
      const refs: CodeRef[] = [];
      for (const file of files) {
        file.lines.forEach((text, i) => {
          if (refs.length >= 5 || !tableRe.test(text)) return;
          // A query names the column near the table: same line or the few lines around it.
          const window = file.lines.slice(Math.max(0, i - 3), i + 4).join('\n');
          if (columnRes.every((re) => re.test(window))) refs.push({ file: file.path, line: i + 1, text: text.trim().slice(0, 160) });
        });
      }
      return refs;
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
