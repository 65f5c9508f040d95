import { z } from 'zod';

/**
 * The database statistics file, `.github/migration-review-stats.json`, that `migration-review
 * stats` writes and the review reads. Names and numbers only — never row data, never a host name
 * or URL — so it can be committed. `docs/stats.schema.json` is generated from this schema by
 * `npm run docs`. Breaking changes bump `schemaVersion`; additions do not.
 */

export const STATS_SCHEMA_VERSION = 1;

const count = z.number().int().nonnegative();
const timestamp = z.iso.datetime({ offset: true });

const tableEntry = z
  .object({
    /** pg_class.reltuples: the planner's row estimate, kept current by ANALYZE and autovacuum. null: never analyzed. */
    rows: count.nullable(),
    /** pg_total_relation_size: heap, indexes and TOAST, in bytes (summed over partitions for a partitioned table). */
    totalBytes: count,
    /** pg_relation_size of the heap alone, in bytes (summed over partitions). */
    heapBytes: count,
    /** pg_stat_user_tables.n_live_tup on the primary (null when only replicas were read: a replica does not count them). */
    liveTuples: count.nullable(),
    /** pg_stat_user_tables.n_dead_tup on the primary (null as for liveTuples). */
    deadTuples: count.nullable(),
    /** Rows inserted, updated and deleted per second over the sampling interval, on the primary; null when only replicas were read. */
    writesPerSecond: z.number().nonnegative().nullable(),
  })
  .strict();

const indexEntry = z
  .object({
    /** The table the index is on, schema-qualified. */
    table: z.string().min(1),
    /** pg_stat_user_indexes.idx_scan summed over every server read (a replica counts only its own scans). */
    idxScan: count,
    /** pg_relation_size of the index, in bytes. */
    bytes: count,
    /** Whether the index is unique (its uniqueness is enforced without a single counted scan). */
    unique: z.boolean(),
  })
  .strict();

const serverEntry = z
  .object({
    /** pg_is_in_recovery(): a replica counts its own scans but none of the primary's writes. */
    role: z.enum(['primary', 'replica']),
    /** Major version, e.g. 15. */
    postgres: z.number().int().min(9),
    /**
     * Since when this server's counters have been counting: pg_stat_database.stats_reset, or the
     * server's start when the statistics were never reset (they survive a clean restart and are
     * discarded after a crash, so they go back at least that far).
     */
    countingSince: timestamp,
  })
  .strict();

const statementEntry = z
  .object({
    /** pg_stat_statements' normalised text: constants are $1, $2… (never a value). */
    query: z.string().max(2000),
    calls: count,
    meanMs: z.number().nonnegative(),
  })
  .strict();

export const statsFileSchema = z
  .object({
    /** The file format's version. */
    schemaVersion: z.literal(STATS_SCHEMA_VERSION),
    /** When `stats` read the database (UTC). */
    collectedAt: timestamp,
    /** The servers read, in the order given: the first is where sizes come from. */
    servers: z.array(serverEntry).min(1),
    /** Seconds between the two samples the write rates come from. */
    sampleSeconds: z.number().nonnegative(),
    /** Keyed by schema-qualified table name, e.g. `public.orders`. */
    tables: z.record(z.string().min(1), tableEntry),
    /** Keyed by schema-qualified index name, e.g. `public.idx_orders_status`. */
    indexes: z.record(z.string().min(1), indexEntry),
    /** Top statements per table from pg_stat_statements, when it is installed and loaded. */
    statements: z.record(z.string().min(1), z.array(statementEntry)).optional(),
    /** What `stats` could not read, in words. */
    notes: z.array(z.string()).optional(),
  })
  .strict();

export type StatsFile = z.infer<typeof statsFileSchema>;
export type TableEntry = z.infer<typeof tableEntry>;
export type IndexEntry = z.infer<typeof indexEntry>;
export type ServerEntry = z.infer<typeof serverEntry>;
