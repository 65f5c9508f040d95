import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus');
export const corpusAvailable = existsSync(CORPUS);

/** Makes a temporary repository from `{ path: content }`. */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mr-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Copies a corpus folder into a temporary repository at `target`. */
export async function corpusRepo(corpusDir: string, target: string, extra: Record<string, string> = {}): Promise<string> {
  const root = await makeRepo(extra);
  await cp(join(CORPUS, corpusDir), join(root, target), { recursive: true });
  return root;
}
