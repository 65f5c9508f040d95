import type { MigrationFile } from '../core/types.js';

/**
 * PostgreSQL extensions the embedded database can load for a trace: the contrib modules PGlite
 * ships that add types, operators, index methods and functions an application schema uses. Without
 * them the replay skips `CREATE EXTENSION citext` and then every table with a citext column, and
 * the trace of a later migration on those tables has nothing to run against. Left out on purpose:
 * file_fdw (reads server files), lo (large objects, which the sandbox refuses anyway) and the
 * inspection and repair tools (amcheck, pageinspect, pg_surgery, pg_walinspect, …), which no
 * schema needs. Keyed by the SQL name; the value is PGlite's module under `contrib/`.
 */
export const TRACE_EXTENSIONS: Readonly<Record<string, string>> = {
  bloom: 'bloom',
  btree_gin: 'btree_gin',
  btree_gist: 'btree_gist',
  citext: 'citext',
  cube: 'cube',
  dict_int: 'dict_int',
  dict_xsyn: 'dict_xsyn',
  earthdistance: 'earthdistance',
  fuzzystrmatch: 'fuzzystrmatch',
  hstore: 'hstore',
  intarray: 'intarray',
  isn: 'isn',
  ltree: 'ltree',
  moddatetime: 'moddatetime',
  pg_trgm: 'pg_trgm',
  pgcrypto: 'pgcrypto',
  seg: 'seg',
  tablefunc: 'tablefunc',
  tsm_system_rows: 'tsm_system_rows',
  tsm_system_time: 'tsm_system_time',
  unaccent: 'unaccent',
  'uuid-ossp': 'uuid_ossp',
};

const CREATE_EXTENSION = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("[^"]+"|[\w-]+)/gi;

/**
 * The modules to load for these migrations: every extension from the list above that one of them
 * creates. Read from the text, before anything is parsed or run, because PGlite loads extensions
 * when it starts; one named only in a comment costs a few milliseconds of loading, nothing more.
 */
export function extensionModules(files: Iterable<MigrationFile>): string[] {
  const modules = new Set<string>();
  for (const file of files) {
    for (const sql of [file.upSql, file.down?.sql ?? '']) {
      for (const match of sql.matchAll(CREATE_EXTENSION)) {
        const name = match[1]!.replace(/^"|"$/g, '').toLowerCase();
        const module = Object.hasOwn(TRACE_EXTENSIONS, name) ? TRACE_EXTENSIONS[name] : undefined;
        if (module) modules.add(module);
      }
    }
  }
  return [...modules].sort();
}
