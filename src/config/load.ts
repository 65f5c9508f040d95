import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { RULES_BY_ID } from '../rules/index.js';
import { configSchema, type RepoConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = '.github/migration-review.yml';
/** Larger config files are refused before parsing. */
export const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Parses and validates config text. Errors name the key and its line, e.g.
 * `.github/migration-review.yml:7: tables.orders.rows: expected a number, got "80M"`.
 */
export function parseConfig(text: string, file = DEFAULT_CONFIG_PATH): RepoConfig {
  // A config is a few dozen lines; megabytes of it are a mistake or an attack on the parser.
  if (text.length > MAX_CONFIG_BYTES) throw new ConfigError(`the config is ${Math.round(text.length / 1024)} KB; at most ${MAX_CONFIG_BYTES / 1024} KB is read`, file, 1);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0]?.line ?? lineCounter.linePos(yamlError.pos[0]).line;
    throw new ConfigError(`invalid YAML: ${yamlError.message.split('\n')[0]}`, file, line);
  }
  let data: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs"); the yaml package throws past it.
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError(`invalid YAML: ${(error as Error).message.split('\n')[0]}`, file, 1);
  }
  const result = configSchema.safeParse(data);
  if (result.success) {
    checkRuleIds(result.data, doc, lineCounter, file);
    return result.data;
  }

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

/** `rules:` keys must be rule ids: a typo would otherwise leave the rule running, silently. */
function checkRuleIds(config: RepoConfig, doc: Document, lineCounter: LineCounter, file: string): void {
  for (const id of Object.keys(config.rules ?? {})) {
    if (RULES_BY_ID.has(id)) continue;
    const node = nodeAt(doc.contents, ['rules', id], true);
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const closest = closestRuleId(id);
    throw new ConfigError(`rules.${id}: no rule has this id${closest ? ` — did you mean "${closest}"?` : ''} (\`npx migration-review rules\` lists them)`, file, line);
  }
}

/** The known rule id nearest to `id` by edit distance, when it is near enough to be a typo. */
function closestRuleId(id: string): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const known of RULES_BY_ID.keys()) {
    const distance = editDistance(id, known);
    if (!best || distance < best.distance) best = { id: known, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(id.length / 3)) ? best.id : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
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

/** Reads a config file's text; a missing file at the default path (not required) is null. */
export async function readConfigText(path: string, required: boolean, displayPath = path): Promise<{ text: string; path: string } | null> {
  try {
    return { text: await readFile(path, 'utf8'), path: displayPath };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return null;
    throw new ConfigError(`cannot read config: ${(error as Error).message}`, displayPath);
  }
}

/** Reads and parses a config file; a missing file at the default path is an empty config. */
export async function loadConfigFile(path: string, required: boolean, displayPath = path): Promise<RepoConfig> {
  const found = await readConfigText(path, required, displayPath);
  return found ? parseConfig(found.text, found.path) : {};
}
