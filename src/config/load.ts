import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isScalar, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { configSchema, type RepoConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = '.github/migration-review.yml';

/**
 * Parses and validates config text. Errors name the key and its line, e.g.
 * `.github/migration-review.yml:7: tables.orders.rows: expected a number, got "80M"`.
 */
export function parseConfig(text: string, file = DEFAULT_CONFIG_PATH): RepoConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line ?? lineCounter.linePos(yamlError.pos[0]).line;
    throw new ConfigError(`invalid YAML: ${yamlError.message.split('\n')[0]}`, file, line);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;

  const issue = result.error.issues[0]!;
  let path = issue.path.map(String);
  let what = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    path = [...path, key];
    what = `unknown key "${key}"`;
  }
  const node = nodeAt(doc.contents, path, issue.code === 'unrecognized_keys');
  const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const dotted = path.length ? path.join('.') : '(top level)';
  throw new ConfigError(`${dotted}: ${what}`, file, line);
}

/** Finds the YAML node for a path; for an unknown key, the key node itself. */
function nodeAt(root: unknown, path: string[], wantKey: boolean): YamlNode | undefined {
  let node = root as YamlNode | undefined;
  for (const [i, segment] of path.entries()) {
    if (!node || !isMap(node)) {
      // Sequences: descend by index.
      const items = (node as { items?: YamlNode[] } | undefined)?.items;
      const next = items?.[Number(segment)];
      if (!next) return node;
      node = next;
      continue;
    }
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
    if (!pair) return node;
    if (wantKey && i === path.length - 1) return pair.key as YamlNode;
    node = (pair.value as YamlNode | null) ?? (pair.key as YamlNode);
  }
  return node;
}

/** Reads a config file; a missing file at the default path is an empty config. */
export async function loadConfigFile(path: string, required: boolean, displayPath = path): Promise<RepoConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new ConfigError(`cannot read config: ${(error as Error).message}`, displayPath);
  }
  return parseConfig(text, displayPath);
}
