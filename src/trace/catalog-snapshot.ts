import type { Executor } from './executor.js';

/**
 * The user-visible schema as one line per object — tables, columns (type, NOT NULL, default),
 * constraints, indexes, views, enum types, functions, triggers — so two states compare as sets
 * and a difference reads as a sentence.
 */
const CATALOG = `
  WITH ns AS (
    SELECT oid FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'
  )
  SELECT 'table ' || c.oid::regclass::text AS item FROM pg_class c
    WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p')
  UNION ALL SELECT 'view ' || c.oid::regclass::text FROM pg_class c
    WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('v', 'm')
  UNION ALL SELECT 'column ' || c.oid::regclass::text || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
      || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace IN (SELECT oid FROM ns) AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT 'constraint ' || co.conname || ' on ' || co.conrelid::regclass::text || ': ' || pg_get_constraintdef(co.oid)
      || CASE WHEN co.convalidated THEN '' ELSE ' (not validated)' END
    FROM pg_constraint co WHERE co.connamespace IN (SELECT oid FROM ns) AND co.conrelid <> 0 AND co.contype <> 'n'
  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'type ' || t.typname || ' (' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) || ')'
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace IN (SELECT oid FROM ns) GROUP BY t.typname
  UNION ALL SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'trigger ' || tg.tgname || ' on ' || tg.tgrelid::regclass::text
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid WHERE NOT tg.tgisinternal AND c.relnamespace IN (SELECT oid FROM ns)
  UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE oid IN (SELECT oid FROM ns) AND nspname <> 'public'`;

export async function readCatalog(executor: Executor): Promise<string[]> {
  const rows = await executor.query<{ item: string }>(CATALOG);
  return rows.map((r) => r.item).sort();
}

/** What the down did not restore (`missing`) and what it left behind (`extra`), as sentences. */
export function catalogDifferences(before: string[], after: string[]): string[] {
  const was = new Set(before);
  const now = new Set(after);
  return [
    ...before.filter((item) => !now.has(item)).map((item) => `not restored: ${item}`),
    ...after.filter((item) => !was.has(item)).map((item) => `left behind: ${item}`),
  ];
}
