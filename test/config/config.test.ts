import { describe, expect, it, jest } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';
import { makeRepo } from '../helpers.js';

function errorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).describe();
  }
  throw new Error('expected a ConfigError');
}

describe('repository config', () => {
  it('accepts the documented keys', () => {
    expect(parseConfig('migrations: ["db/migrations/**"]\npostgres: 16\ntables:\n  orders: { rows: 80000000 }\n  users: { rows: 12000000, writesPerSecond: 300 }\nrules:\n  missing-lock-timeout: off\n')).toMatchObject({ postgres: 16 });
    expect(parseConfig('')).toEqual({});
  });
  it('stats: a file inside the repository and a maximum age', () => {
    expect(parseConfig('stats:\n  file: db/stats.json\n  maxAgeDays: 7\n')).toEqual({ stats: { file: 'db/stats.json', maxAgeDays: 7 } });
    expect(errorOf('stats:\n  file: ../../etc/passwd\n')).toBe('.github/migration-review.yml:2: stats.file: expected a path inside the repository, e.g. .github/migration-review-stats.json');
    expect(errorOf('stats:\n  maxAgeDays: 0\n')).toMatch(/^\.github\/migration-review\.yml:2: stats\.maxAgeDays: /);
  });
  it('names the unknown key and its line', () => {
    expect(errorOf('postgres: 15\ntablez:\n  orders: { rows: 1 }\n')).toBe('.github/migration-review.yml:2: tablez: unknown key "tablez"');
    expect(errorOf('tables:\n  orders: { rows: 1, size: 3 }\n')).toMatch(/:2: tables\.orders\.size: unknown key "size"/);
  });
  it('names a wrong value and its line', () => {
    expect(errorOf('postgres: 15\nrules:\n  create-index-non-concurrently: WARN\n')).toMatch(/:3: rules\.create-index-non-concurrently: /);
    expect(errorOf('tables:\n  orders:\n    rows: many\n')).toMatch(/:3: tables\.orders\.rows: /);
  });
  it('an unknown rule id under rules: is an error at its line, with the closest known id', () => {
    expect(errorOf('postgres: 15\nrules:\n  create-index-non-concurrently: FLAG\n  missing-lock-timout: off\n')).toBe(
      '.github/migration-review.yml:4: rules.missing-lock-timout: no rule has this id — did you mean "missing-lock-timeout"? (`npx migration-review rules` lists them)',
    );
    expect(errorOf('rules:\n  prefer-bigint-everywhere-please: off\n')).toMatch(/:2: rules\.prefer-bigint-everywhere-please: no rule has this id \(/);
  });
  it('a YAML alias bomb is a config error, not a crash', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'rules: *i', ''].join('\n');
    expect(errorOf(bomb)).toMatch(/^\.github\/migration-review\.yml:1: invalid YAML: .*alias/i);
  });
  it('refuses a config of megabytes before parsing it', () => {
    expect(errorOf(`# ${'x'.repeat(300 * 1024)}\n`)).toMatch(/:1: the config is \d+ KB; at most 256 KB is read/);
  });
  it('reports broken YAML with its line', () => {
    expect(errorOf('postgres: 15\ntables: [\n')).toMatch(/^\.github\/migration-review\.yml:\d+: invalid YAML/);
  });
});

/**
 * Issue #17 items 12 and 13 as a user meets them: the repository's own config file, `check` run
 * in-process. The alias bomb printed "internal error: ReferenceError: Excessive alias count…"
 * with a stack; a 6.8 MB config ran past 120 s. Both are config errors: `file:line: …`, exit 2.
 */
describe('hostile config files through check', () => {
  const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'rules: *i', ''].join('\n');
  const HUGE = `tables:\n${Array.from({ length: 200_000 }, (_, i) => `  table_number_${i}: { rows: ${i} }`).join('\n')}\n`;

  async function check(config: string): Promise<{ code: number; stderr: string }> {
    const root = await makeRepo({ '.github/migration-review.yml': config, 'db/migrations/000001_a.up.sql': 'SELECT 1;' });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      return { code: await main(['check', '--root', root, '--no-trace']), stderr: written.join('') };
    } finally {
      spy.mockRestore();
    }
  }

  it('a YAML alias bomb: file:line, exit 2, no stack trace', async () => {
    const { code, stderr } = await check(ALIAS_BOMB);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^migration-review: \.github\/migration-review\.yml:1: invalid YAML: Excessive alias count/);
    expect(stderr).not.toMatch(/internal error|ReferenceError|\n\s+at /);
  });

  it("a config of megabytes (the issue's 6.8 MB): refused before parsing, exit 2", async () => {
    expect(HUGE.length).toBeGreaterThan(6_500_000);
    const { code, stderr } = await check(HUGE);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^migration-review: \.github\/migration-review\.yml:1: the config is \d{4} KB; at most 256 KB is read/);
  });
});
