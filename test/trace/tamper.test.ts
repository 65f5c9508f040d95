import { describe, expect, it } from '@jest/globals';
import { findingsFor } from '../rule-tester.js';
import { reviewWithTrace } from './helpers.js';

/**
 * The read-back (pg_locks, pg_class.relfilenode) runs in the migration's own session, so the
 * migration can try to steer it: shadow a catalog with its search_path, or replace the trace's
 * prepared statements. Either way the rewrite of a big table must still end in a BLOCK, and the
 * trace must say it cannot be trusted to lower anything.
 */
const schema = 'CREATE TABLE orders (id int, amount int);';
const tables = { orders: 80_000_000 };
const REWRITE = 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;';
const SHADOW =
  'CREATE SCHEMA audit;\nCREATE VIEW audit.pg_class AS SELECT oid, relname, relnamespace, relkind, oid AS relfilenode FROM pg_catalog.pg_class;\nSET search_path = audit, pg_catalog, public;\n';
/** Replaces every prepared statement of the session (it can read their names) with one that returns no locks and no tables. */
const REPLACE_PREPARED = `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT name FROM pg_prepared_statements LOOP
    EXECUTE format('DEALLOCATE %I', r.name);
    EXECUTE format($q$PREPARE %I AS SELECT '[]'::text AS locks, '{}'::text AS nodes, NULL::text AS relation, NULL::text AS filenode$q$, r.name);
  END LOOP;
END $$;
`;

describe('a migration that tries to blind the read-back', () => {
  it('a view named pg_class ahead of pg_catalog on the search_path: the rewrite is still seen, and the trace is marked untrusted', async () => {
    const findings = await findingsFor(null, { schema, tables, sql: `${SHADOW}${REWRITE}`, trace: true, name: 'shadowed pg_class' });
    expect(findings.find((f) => f.rule === 'alter-column-type-rewrite')).toMatchObject({ status: 'BLOCK', line: 4 });
    const result = await reviewWithTrace({ 'migrations/000001_init.up.sql': schema, 'migrations/000002_change.up.sql': `${SHADOW}${REWRITE}` }, [
      'migrations/000002_change.up.sql',
    ]);
    const rewrite = result.trace!.files[0]!.statements[3]!;
    expect(rewrite.rewrites).toEqual(['orders']);
    expect(rewrite.untrusted).toEqual(expect.arrayContaining([expect.stringMatching(/search_path/), expect.stringMatching(/pg_class/)]));
  });
  it('a DO block that replaces the prepared read-back with one that returns nothing: still a BLOCK', async () => {
    const findings = await findingsFor(null, { schema, tables, sql: `${REPLACE_PREPARED}${REWRITE}`, trace: true, name: 'replaced prepared statements' });
    const blocks = findings.filter((f) => f.status === 'BLOCK').map((f) => f.rule);
    expect(blocks).toContain('alter-column-type-rewrite');
  });
  it('the replaced read-back is noticed even when the DO block hides the words (built with string concatenation)', async () => {
    const hidden = `DO $$
DECLARE r record;
BEGIN
  FOR r IN EXECUTE 'SELECT name FROM pg_catalog.pg_prep' || 'ared_statements' LOOP
    EXECUTE format('DEALL' || 'OCATE %I', r.name);
    EXECUTE format('PREP' || $q$ARE %I AS SELECT '[]'::text AS locks, '{}'::text AS nodes, NULL::text AS relation, NULL::text AS filenode$q$, r.name);
  END LOOP;
END $$;
`;
    expect(hidden).not.toMatch(/prepared_statements|DEALLOCATE|PREPARE/i);
    const result = await reviewWithTrace({ 'migrations/000001_init.up.sql': schema, 'migrations/000002_change.up.sql': `${hidden}${REWRITE}` }, [
      'migrations/000002_change.up.sql',
    ]);
    const [replacing, rewrite] = result.trace!.files[0]!.statements;
    expect(replacing!.status).toBe('ok');
    expect(rewrite!.rewrites).toEqual(['orders']);
    expect(rewrite!.untrusted).toEqual([expect.stringMatching(/prepared/)]);
  });
});
