import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary repository from `{ path: content }` for the benchmarks. */
export function makeRepoSync(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mr-bench-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}
