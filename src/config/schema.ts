import { z } from 'zod';
import { statsOf, type LoadedStats, type ResolvedStats } from '../stats/apply.js';

/**
 * The repository config, `.github/migration-review.yml`. One schema, parsed at the edge; every key
 * is optional and unknown keys are errors (DESIGN.md). `docs/config.schema.json` is generated from
 * this file by `npm run docs`.
 */

const ruleLevel = z.enum(['off', 'FLAG', 'BLOCK']);

const tableStats = z
  .object({
    /** Approximate live rows (pg_class.reltuples or count(*)). */
    rows: z.number().int().nonnegative(),
    /** Peak writes per second; used to say how many writes queue behind a lock. */
    writesPerSecond: z.number().nonnegative().optional(),
    /** Average bytes per row, for WAL estimates. Default: estimates.avgRowBytes. */
    avgRowBytes: z.number().int().positive().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Globs (repository-relative) of migration files. Default: detect known frameworks anywhere. */
    migrations: z.array(z.string().min(1)).optional(),
    /** Target PostgreSQL major version. Default: the version in the statistics file, else 14. */
    postgres: z.number().int().min(9).max(19).optional(),
    /** Table sizes the rules and estimates use, keyed by table name (schema-qualified or not). They win over the statistics file. */
    tables: z.record(z.string(), tableStats).optional(),
    /** The database statistics file `migration-review stats` writes: table sizes, writes/s and index usage. */
    stats: z
      .object({
        /** Repository-relative path of the file (read from the default branch in the app). Default .github/migration-review-stats.json. */
        file: z
          .string()
          .min(1)
          .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), 'expected a path inside the repository, e.g. .github/migration-review-stats.json')
          .optional(),
        /** Older than this, the review warns that the sizes may be out of date. Default 30. */
        maxAgeDays: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    /** Per-rule override: off, or force the status of its findings to FLAG or BLOCK. */
    rules: z.record(z.string(), ruleLevel).optional(),
    thresholds: z
      .object({
        /** A strong lock estimated to last longer than this blocks the PR. Default 5 s. */
        lockSeconds: z.number().positive().optional(),
        /** At or below this many rows a table counts as small: lock rules PASS. Default 10,000. */
        smallTableRows: z.number().int().nonnegative().optional(),
        /** From this many rows a write-blocking lock, scan or rewrite is a BLOCK whatever the estimate. Default 20,000,000. */
        bigTableRows: z.number().int().positive().optional(),
        /** Backfills/rewrites estimated longer than this are FLAG for replication lag. Default 60 s. */
        replicationLagSeconds: z.number().positive().optional(),
        /** … and BLOCK above this. Default 600 s. */
        replicationLagBlockSeconds: z.number().positive().optional(),
        /** Largest batch a backfill should touch per statement. Default 10,000 rows. */
        batchRows: z.number().int().positive().optional(),
        /** An unbatched backfill above this many rows is BLOCK. Default 1,000,000. */
        backfillBlockRows: z.number().int().positive().optional(),
        /** Migration files larger than this (bytes) are not parsed; a FLAG asks for a manual check. Default 5,000,000. */
        maxFileBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** Throughput assumptions behind the time estimates; tune them from your own staging runs. */
    estimates: z
      .object({
        /** Rows per second a plain CREATE INDEX reads and sorts. Default 53,000 (80M rows ≈ 25 min). */
        indexRowsPerSecond: z.number().positive().optional(),
        /** Rows per second a table rewrite (ALTER TYPE, volatile default) copies. Default 60,000. */
        rewriteRowsPerSecond: z.number().positive().optional(),
        /** Rows per second a full-table scan (validation, SET NOT NULL) reads. Default 500,000. */
        scanRowsPerSecond: z.number().positive().optional(),
        /** Rows per second an UPDATE/DELETE backfill changes. Default 90,000 (23M rows ≈ 4 min). */
        updateRowsPerSecond: z.number().positive().optional(),
        /** Average row size for WAL estimates. Default 200 bytes. */
        avgRowBytes: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    acks: z
      .object({
        /** Whether an ack may silence a BLOCK finding. Default false: BLOCKs need a fix. */
        allowBlock: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Application code searched for queries that use an index about to be dropped. */
    code: z
      .object({
        /** Globs to search. Default: ts, js, py, rb, go, java, sql files outside the migrations. */
        include: z.array(z.string()).optional(),
        /** Globs to skip (node_modules, vendor, dist and .git are always skipped). */
        exclude: z.array(z.string()).optional(),
        /** At most this many files are searched, in path order (the app reads each through the API). Default 2000. */
        maxFiles: z.number().int().positive().max(20_000).optional(),
      })
      .strict()
      .optional(),
    /** Claude's review (check --llm; the app when ANTHROPIC_API_KEY is set). */
    llm: z
      .object({
        /** Model id; ANTHROPIC_MODEL overrides it. Default: a current Sonnet. */
        model: z.string().min(3).optional(),
        /** How long to wait for the answer before the deterministic result stands alone. Default 45 s. */
        deadlineSeconds: z.number().positive().max(300).optional(),
        /** Set false to never send this repository's migrations to Claude. */
        enabled: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** The runbook (`migration-review runbook`, and the PR comment's Runbook section). */
    runbook: z
      .object({
        /** Who to call if the migration goes sideways, e.g. "#db-oncall on Slack", "Ana (DBA) +1 555 0100". */
        contacts: z.array(z.string().min(1)).optional(),
        /** Alert when a lock on the migrated tables is held longer than this. Default 30 s. */
        lockAlertSeconds: z.number().positive().optional(),
        /** Alert when a replica lags more than this. Default 60 s. */
        replicationLagAlertSeconds: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    /** How the deploy runs the migrations, where the files do not say. */
    runner: z
      .object({
        /** The deploy sets lock_timeout on every migration's connection (a connection option, a wrapper): no per-file FLAG. Default false. */
        setsLockTimeout: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** The GitHub check run. */
    checks: z
      .object({
        /** Conclusion when the verdict is SAFE WITH MODIFICATIONS (FLAG). Default neutral; failure makes FLAGs block merging. */
        flagConclusion: z.enum(['neutral', 'success', 'failure']).optional(),
        /**
         * Conclusion when the review cannot complete (GitHub errors, an invalid config). Default failure:
         * a neutral check satisfies branch protection, so an internal error would let a blocked migration
         * merge. neutral lets such a PR merge unreviewed.
         */
        errorConclusion: z.enum(['failure', 'neutral']).optional(),
      })
      .strict()
      .optional(),
    /**
     * Where rule docs and patterns are published, e.g. `https://github.com/acme/migration-review/blob/main/`.
     * Comment links are this plus `docs/rules/<id>.md` or `patterns/<id>.md`. Default: repository-relative paths.
     */
    docsUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export type RepoConfig = z.infer<typeof configSchema>;

/** The config with every default filled in: what the engine reads. */
export interface ResolvedConfig {
  migrations: string[] | null;
  postgres: number;
  tables: Map<string, { rows: number; writesPerSecond?: number; avgRowBytes?: number }>;
  rules: Record<string, 'off' | 'FLAG' | 'BLOCK'>;
  thresholds: {
    lockSeconds: number;
    smallTableRows: number;
    bigTableRows: number;
    replicationLagSeconds: number;
    replicationLagBlockSeconds: number;
    batchRows: number;
    backfillBlockRows: number;
    maxFileBytes: number;
  };
  estimates: {
    indexRowsPerSecond: number;
    rewriteRowsPerSecond: number;
    scanRowsPerSecond: number;
    updateRowsPerSecond: number;
    avgRowBytes: number;
  };
  acks: { allowBlock: boolean };
  code: { include: string[] | null; exclude: string[]; maxFiles: number };
  docsUrl: string | null;
  checks: { flagConclusion: 'neutral' | 'success' | 'failure'; errorConclusion: 'failure' | 'neutral' };
  runner: { setsLockTimeout: boolean };
  llm: { model: string | null; deadlineSeconds: number; enabled: boolean };
  runbook: { contacts: string[]; lockAlertSeconds: number; replicationLagAlertSeconds: number };
  /** The statistics file: where it is, and what it said (index usage, where the sizes came from). */
  stats: ResolvedStats;
}

/**
 * Fills in every default. With a statistics file, its sizes fill in the tables `tables:` does not
 * name (explicit entries win), and its server version stands in for an unset `postgres:`.
 */
export function resolveConfig(config: RepoConfig = {}, loaded?: LoadedStats, now = new Date()): ResolvedConfig {
  const tables = new Map<string, { rows: number; writesPerSecond?: number; avgRowBytes?: number }>();
  for (const [name, stats] of Object.entries(config.tables ?? {})) tables.set(name.toLowerCase(), stats);
  const stats = statsOf(config.stats, loaded, tables, now);
  return {
    migrations: config.migrations ?? null,
    postgres: config.postgres ?? stats.postgres ?? 14,
    tables,
    rules: config.rules ?? {},
    thresholds: {
      lockSeconds: config.thresholds?.lockSeconds ?? 5,
      smallTableRows: config.thresholds?.smallTableRows ?? 10_000,
      bigTableRows: config.thresholds?.bigTableRows ?? 20_000_000,
      replicationLagSeconds: config.thresholds?.replicationLagSeconds ?? 60,
      replicationLagBlockSeconds: config.thresholds?.replicationLagBlockSeconds ?? 600,
      batchRows: config.thresholds?.batchRows ?? 10_000,
      backfillBlockRows: config.thresholds?.backfillBlockRows ?? 1_000_000,
      maxFileBytes: config.thresholds?.maxFileBytes ?? 5_000_000,
    },
    estimates: {
      indexRowsPerSecond: config.estimates?.indexRowsPerSecond ?? 53_000,
      rewriteRowsPerSecond: config.estimates?.rewriteRowsPerSecond ?? 60_000,
      scanRowsPerSecond: config.estimates?.scanRowsPerSecond ?? 500_000,
      updateRowsPerSecond: config.estimates?.updateRowsPerSecond ?? 90_000,
      avgRowBytes: config.estimates?.avgRowBytes ?? 200,
    },
    acks: { allowBlock: config.acks?.allowBlock ?? false },
    code: { include: config.code?.include ?? null, exclude: config.code?.exclude ?? [], maxFiles: config.code?.maxFiles ?? 2000 },
    docsUrl: config.docsUrl ? (config.docsUrl.endsWith('/') ? config.docsUrl : `${config.docsUrl}/`) : null,
    checks: { flagConclusion: config.checks?.flagConclusion ?? 'neutral', errorConclusion: config.checks?.errorConclusion ?? 'failure' },
    runner: { setsLockTimeout: config.runner?.setsLockTimeout ?? false },
    llm: { model: config.llm?.model ?? null, deadlineSeconds: config.llm?.deadlineSeconds ?? 45, enabled: config.llm?.enabled ?? true },
    runbook: { contacts: config.runbook?.contacts ?? [], lockAlertSeconds: config.runbook?.lockAlertSeconds ?? 30, replicationLagAlertSeconds: config.runbook?.replicationLagAlertSeconds ?? 60 },
    stats,
  };
}
