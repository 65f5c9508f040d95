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
    rows: count.nullable().describe("pg_class.reltuples: the planner's row estimate, kept current by ANALYZE and autovacuum. null: never analyzed."),
    totalBytes: count.describe('pg_total_relation_size: heap, indexes and TOAST, in bytes (summed over partitions for a partitioned table).'),
    heapBytes: count.describe('pg_relation_size of the heap alone, in bytes (summed over partitions).'),
    liveTuples: count.nullable().describe('pg_stat_user_tables.n_live_tup on the primary (null when only replicas were read: a replica does not count them).'),
    deadTuples: count.nullable().describe('pg_stat_user_tables.n_dead_tup on the primary (null as for liveTuples).'),
    writesPerSecond: z
      .number()
      .nonnegative()
      .nullable()
      .describe('Rows inserted, updated and deleted per second over the sampling interval, on the primary; null when only replicas were read.'),
  })
  .strict();

const indexEntry = z
  .object({
    table: z.string().min(1).describe('The table the index is on, schema-qualified.'),
    idxScan: count.describe('pg_stat_user_indexes.idx_scan summed over every server read (a replica counts only its own scans).'),
    bytes: count.describe('pg_relation_size of the index, in bytes.'),
    unique: z.boolean().describe('Whether the index is unique (its uniqueness is enforced without a single counted scan).'),
  })
  .strict();

const serverEntry = z
  .object({
    role: z.enum(['primary', 'replica']).describe("pg_is_in_recovery(): a replica counts its own scans but none of the primary's writes."),
    postgres: z.number().int().min(9).describe('Major version, e.g. 15.'),
    countingSince: timestamp.describe(
      "Since when this server's counters have been counting: pg_stat_database.stats_reset, or the server's start when the statistics were never reset (they survive a clean restart and are discarded after a crash, so they go back at least that far).",
    ),
  })
  .strict();

const statementEntry = z
  .object({
    query: z.string().max(2000).describe("pg_stat_statements' normalised text: constants are $1, $2… (never a value)."),
    calls: count.describe('Times it ran since the counters began (summed over the servers read).'),
    meanMs: z.number().nonnegative().describe('Mean execution time in milliseconds.'),
  })
  .strict();

export const statsFileSchema = z
  .object({
    schemaVersion: z.literal(STATS_SCHEMA_VERSION).describe("The file format's version."),
    collectedAt: timestamp.describe('When `stats` read the database (UTC).'),
    servers: z.array(serverEntry).min(1).describe('The servers read, in the order given: the first is where sizes come from.'),
    sampleSeconds: z.number().nonnegative().describe('Seconds between the two samples the write rates come from.'),
    tables: z.record(z.string().min(1), tableEntry).describe('Keyed by schema-qualified table name, e.g. `public.orders`.'),
    indexes: z.record(z.string().min(1), indexEntry).describe('Keyed by schema-qualified index name, e.g. `public.idx_orders_status`.'),
    statements: z
      .record(z.string().min(1), z.array(statementEntry))
      .optional()
      .describe('Top statements per table from pg_stat_statements, when it is installed and loaded.'),
    notes: z.array(z.string()).optional().describe('What `stats` could not read, in words.'),
  })
  .strict()
  .describe('Table sizes, write rates and index usage read by `migration-review stats` (read-only). Names and numbers only: no row data, no host names.');

export type StatsFile = z.infer<typeof statsFileSchema>;
export type TableEntry = z.infer<typeof tableEntry>;
export type IndexEntry = z.infer<typeof indexEntry>;
export type ServerEntry = z.infer<typeof serverEntry>;
