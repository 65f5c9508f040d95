import type { Statement } from '../sql/parse.js';
import type { Executor } from './executor.js';

/**
 * What the trace reads back after each statement: the relation locks this session holds
 * (pg_locks) and every table's storage (pg_class.relfilenode: a new one is a rewrite).
 */

/** Tables with storage: a new relfilenode after a statement means it wrote the table anew. */
const USER_RELATIONS = `
  SELECT c.oid::regclass::text AS relation, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;

/** Table-level locks of this session (indexes follow their table; catalogs are not the user's). */
const SESSION_LOCKS = `
  SELECT l.relation::regclass::text AS relation, l.mode
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    AND c.relkind IN ('r', 'p', 'm')`;

/** After a statement: the session's table locks and every table's storage, in one round trip. */
const STATE = `
  SELECT (SELECT coalesce(json_agg(json_build_array(l.relation, l.mode)), '[]'::json) FROM (${SESSION_LOCKS}) l)::text AS locks,
         (SELECT coalesce(json_object_agg(r.relation, r.filenode), '{}'::json) FROM (${USER_RELATIONS}) r)::text AS nodes`;

/**
 * The state queries, prepared once per session: planning them over the catalog views was ~5 ms of
 * the ~6 ms each took on PGlite, and they run after every traced statement. A migration's
 * DEALLOCATE or DISCARD can drop them (PREPARE outlives a ROLLBACK, nothing else drops them), so
 * those statements send the next read to check and prepare them again.
 */
const PREPARED: Record<string, string> = { migration_review_state: STATE, migration_review_relations: USER_RELATIONS };
const preparedIn = new WeakSet<Executor>();

async function executePrepared<T extends Record<string, unknown>>(executor: Executor, name: keyof typeof PREPARED): Promise<T[]> {
  if (!preparedIn.has(executor)) {
    const present = new Set((await executor.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).map((r) => r.name));
    for (const [missing, sql] of Object.entries(PREPARED)) if (!present.has(missing)) await executor.exec(`PREPARE ${missing} AS ${sql}`, 10_000);
    preparedIn.add(executor);
  }
  return executor.query<T>(`EXECUTE ${name}`);
}

/** Call before running a migration statement: one that may drop prepared statements makes the next read check. */
export function mayDropPrepared(executor: Executor, statement: Statement): void {
  if (statement.type === 'DeallocateStmt' || statement.type === 'DiscardStmt') preparedIn.delete(executor);
}

/** The session's table locks as [relation, mode] pairs, and each table's relfilenode. */
export async function readState(executor: Executor): Promise<{ locks: [string, string][]; nodes: Map<string, string> }> {
  const [row] = await executePrepared<{ locks: string; nodes: string }>(executor, 'migration_review_state');
  return { locks: JSON.parse(row!.locks) as [string, string][], nodes: new Map(Object.entries(JSON.parse(row!.nodes) as Record<string, string>)) };
}

/** Each table's relfilenode, by relation name. */
export async function relfilenodes(executor: Executor): Promise<Map<string, string>> {
  const rows = await executePrepared<{ relation: string; filenode: string }>(executor, 'migration_review_relations');
  return new Map(rows.map((r) => [r.relation, r.filenode]));
}
