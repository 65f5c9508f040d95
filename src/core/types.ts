import type { Disproved } from '../trace/reconcile.js';
import type { TraceResult } from '../trace/trace.js';
import type { StatsProvenance } from '../stats/apply.js';

/**
 * The shapes that flow through the pipeline: files → discover → parse → facts → rules → merge →
 * render. Everything here is plain JSON-safe data so the CLI, the app and tests share it.
 */

/** The eight risk categories. The keys are a contract (see DESIGN.md). */
export const CATEGORIES = [
  'lock_contention',
  'concurrent_write_hazards',
  'missing_rollback',
  'data_loss',
  'replication_lag',
  'constraint_validation',
  'index_dependencies',
  'foreign_keys',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, string> = {
  lock_contention: 'Lock Contention',
  concurrent_write_hazards: 'Concurrent Write Hazards',
  missing_rollback: 'Missing Rollback Paths',
  data_loss: 'Data Loss Risks',
  replication_lag: 'Replication Lag',
  constraint_validation: 'Constraint Validation',
  index_dependencies: 'Index Dependencies',
  foreign_keys: 'Foreign Key Implications',
};

export type Status = 'PASS' | 'FLAG' | 'BLOCK';
export type Verdict = 'SAFE_TO_SHIP' | 'SAFE_WITH_MODIFICATIONS' | 'BLOCK';
export type FindingSource = 'rule' | 'trace' | 'llm';

export const STATUS_RANK: Record<Status, number> = { PASS: 0, FLAG: 1, BLOCK: 2 };

export function worstStatus(a: Status, b: Status): Status {
  return STATUS_RANK[a] >= STATUS_RANK[b] ? a : b;
}

export interface Acknowledgement {
  reason: string;
  /** Where the ack comment stands. */
  file: string;
  line: number;
}

export interface Finding {
  rule: string;
  /** The primary category. */
  category: Category;
  /** Every category the risk affects, the primary first (JUDGMENT.md principle 3); each counts it. */
  categories: Category[];
  status: Exclude<Status, 'PASS'>;
  /**
   * A lower status for some of `categories`, where the risk weighs less there than in the primary
   * (a 5M-row rewrite: lock_contention BLOCK, replication_lag FLAG). Absent: `status` for each.
   */
  categoryStatus?: Partial<Record<Category, Exclude<Status, 'PASS'>>>;
  file: string;
  line: number;
  message: string;
  recommendation: string;
  pattern: string | null;
  source: FindingSource;
  acknowledged: Acknowledgement | null;
  /** The table the finding is about, when there is one. */
  table?: string;
  /** Whether the line is part of the change under review (always true in the CLI without --base). */
  inChange?: boolean;
  /** What the lock trace saw that confirms it (locks, a rewrite, the error PostgreSQL raised). */
  evidence?: string;
  /** The statement the finding is about, shortened (for the PR comment). */
  excerpt?: string;
}

/** A line of application code that mentions a table (and columns): a query a schema change can break. */
export interface CodeRef {
  file: string;
  line: number;
  text: string;
  /** The lines around it (a query often spans several): what rules read for ON CONFLICT targets and the like. */
  window?: string;
}

/** How a migration runner wraps a file in a transaction. */
export type TxMode =
  /** BEGIN … COMMIT around each file (goose, dbmate, sqlx, diesel, maragudk, hasura). */
  | 'per-file'
  /** One transaction around every pending migration (drizzle-orm's migrator). */
  | 'all-pending'
  /**
   * The file is sent as one query string or batch: several statements form one implicit
   * transaction, a lone statement runs on its own (golang-migrate, Prisma, Supabase CLI; Flyway's
   * auto-detection of CONCURRENTLY behaves the same way).
   */
  | 'implicit'
  /** No wrapping: each statement commits on its own unless the file says BEGIN (sqitch, opt-outs). */
  | 'none'
  /** We do not know the runner (plain SQL folders). */
  | 'unknown';

export interface MigrationFile {
  /** Repository-relative path of the up (deploy) script. */
  path: string;
  framework: string;
  /** Version or timestamp as the framework reads it. */
  version: string;
  name: string;
  /** Position in the framework's apply order (0-based, per migration set). */
  order: number;
  /** Identifies the migration set (folder) this file belongs to. */
  set: string;
  upSql: string;
  /** 1-based line in the file where the up SQL starts (goose and dbmate hold both in one file). */
  upStartLine: number;
  /** Down/undo/revert script, when the framework has one and the repository provides it. */
  down: { path: string; sql: string; startLine: number } | null;
  /** Whether the framework expects a down script for this file. */
  expectsDown: boolean;
  /**
   * The other migrations of its set leave their downs empty (a repository that rolls forward):
   * an empty or missing down here follows the convention.
   */
  downsEmptyByConvention?: boolean;
  txMode: TxMode;
  /** Explanation of txMode for messages, e.g. "goose -- +goose NO TRANSACTION". */
  txReason: string;
  /**
   * SQL the runner runs on every connection before the migrations (Flyway's `initSql`): settings
   * such as lock_timeout that hold for every file.
   */
  sessionSetup?: string;
  /**
   * Set when the runner applies every pending file on one database connection (golang-migrate's
   * postgres driver holds one `*sql.Conn`): why, for messages. A session-level `SET` in one file
   * then still holds in the files after it.
   */
  sharedSession?: string;
  /**
   * Statement boundaries the runner imposes (goose StatementBegin/End): byte ranges of upSql that
   * must each be parsed as a unit. Absent means the whole text is parsed at once.
   */
  chunks?: { start: number; end: number }[];
}

export interface FileSummary {
  path: string;
  framework: string;
  inTransaction: boolean | null;
  version?: string;
  down?: string | null;
  statements?: number;
  reviewed: boolean;
}

export interface Review {
  schemaVersion: 1;
  verdict: Verdict;
  justification: string;
  categories: Record<Category, Status>;
  findings: Finding[];
  files: FileSummary[];
  /** Parts of the pipeline that did not run, and why ("skipped: …"). */
  skipped?: string[];
  /** Target PostgreSQL major version the review assumed. */
  postgres?: number;
  /** Where table sizes came from when a database statistics file was read (extra to the JSON contract). */
  stats?: StatsProvenance;
  /** The lock trace, per statement, when it ran (extra to the JSON contract). */
  trace?: TraceReport;
}

/** What the lock trace saw, and the rule findings it disproved. */
export type TraceReport = TraceResult & { disproved: Disproved[] };
