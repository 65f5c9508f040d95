import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/core/errors.js';

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
  it('names the unknown key and its line', () => {
    expect(errorOf('postgres: 15\ntablez:\n  orders: { rows: 1 }\n')).toBe('.github/migration-review.yml:2: tablez: unknown key "tablez"');
    expect(errorOf('tables:\n  orders: { rows: 1, size: 3 }\n')).toMatch(/:2: tables\.orders\.size: unknown key "size"/);
  });
  it('names a wrong value and its line', () => {
    expect(errorOf('postgres: 15\nrules:\n  create-index-non-concurrently: WARN\n')).toMatch(/:3: rules\.create-index-non-concurrently: /);
    expect(errorOf('tables:\n  orders:\n    rows: many\n')).toMatch(/:3: tables\.orders\.rows: /);
  });
  it('reports broken YAML with its line', () => {
    expect(errorOf('postgres: 15\ntables: [\n')).toMatch(/^\.github\/migration-review\.yml:\d+: invalid YAML/);
  });
});
