import { canonicalType, formatType, type TypeRef } from './ast.js';

/**
 * PostgreSQL behaviour the rules rely on. Each claim here is exercised against a real server in
 * test/facts/postgres-facts.test.ts (lock modes from pg_locks, rewrites from relfilenode).
 */

export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

const LOCK_STRENGTH: Record<LockMode, number> = {
  'ACCESS SHARE': 1,
  'ROW SHARE': 2,
  'ROW EXCLUSIVE': 3,
  'SHARE UPDATE EXCLUSIVE': 4,
  SHARE: 5,
  'SHARE ROW EXCLUSIVE': 6,
  EXCLUSIVE: 7,
  'ACCESS EXCLUSIVE': 8,
};

/** Locks from SHARE up block writers; those are the ones that stall live traffic. */
export function blocksWrites(mode: LockMode): boolean {
  return LOCK_STRENGTH[mode] >= LOCK_STRENGTH.SHARE;
}

/** What a lock mode stops, in words for messages. */
export function whatItBlocks(mode: LockMode): string {
  if (mode === 'ACCESS EXCLUSIVE') return 'every read and write';
  if (blocksWrites(mode)) return 'every INSERT, UPDATE and DELETE';
  if (mode === 'SHARE UPDATE EXCLUSIVE') return 'other schema changes, VACUUM and ANALYZE (not reads or writes)';
  return 'little: only conflicting DDL';
}

/**
 * Functions whose value differs per row (VOLATILE). A column added with such a default forces
 * PostgreSQL to rewrite the table; a STABLE or IMMUTABLE default (now(), a literal) is stored once
 * in the catalog since PG 11.
 */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
  'random_normal',
]);

export function isVolatileFunction(name: string): boolean {
  return VOLATILE_FUNCTIONS.has(name.toLowerCase());
}

/** Serial types add a sequence default (nextval), which is volatile: a rewrite on an existing table. */
export function isSerialType(name: string): boolean {
  return ['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'].includes(name.toLowerCase());
}

export type TypeChange =
  /**
   * The stored bytes stay valid: no table rewrite (varchar growth, varchar → text). Indexes that
   * read the column are still rebuilt under ACCESS EXCLUSIVE: those on an expression or with a
   * WHERE predicate always, every one when the operator class changes (timestamp ↔ timestamptz).
   */
  | { kind: 'binary-coercible'; rebuilds: 'expression-or-partial-indexes' | 'every-index-on-column' }
  /** Every row is rewritten under ACCESS EXCLUSIVE (int → bigint, text → jsonb …). */
  | {
      kind: 'rewrite';
      narrowing: boolean;
      why: string;
      /** Values change silently (rounded, cut) instead of the statement failing. */
      lossy?: boolean;
      /** A conversion to another kind of type (text → enum, json, bytea; USING): values may fail to convert, nothing is narrowed in width. */
      conversion?: boolean;
    }
  /** We do not know the column's current type. */
  | { kind: 'unknown' };

/** What the statement's session knows that changes the answer. */
export interface TypeChangeSession {
  /** The session TimeZone is UTC (a zero fixed offset: `UTC`, `Etc/UTC`, `GMT`, `0`). */
  utc?: boolean;
}

const TEXTUAL = new Set(['text', 'varchar']);
const INT_WIDTH: Record<string, number> = { int2: 2, int4: 4, int8: 8 };
const TIMESTAMPS = new Set(['timestamp', 'timestamptz']);
/**
 * Conversions that keep every value, whatever the USING: both timestamp types hold the same
 * instants (the USING only picks the zone), and jsonb parses every json document.
 */
const LOSSLESS = new Set(['timestamp→timestamptz', 'timestamptz→timestamp', 'json→jsonb']);
const CATALOG_ONLY: TypeChange = { kind: 'binary-coercible', rebuilds: 'expression-or-partial-indexes' };

/** Fractional-second digits of a timestamp type: 6 when no precision is given. */
const timestampPrecision = (t: TypeRef): number => t.mods[0] ?? 6;

/**
 * Classifies `ALTER COLUMN … TYPE` from the old type to the new one. Only casts PostgreSQL marks
 * binary-coercible (and typmod changes it can check without reading rows) avoid the rewrite.
 */
export function classifyTypeChange(from: TypeRef | undefined, to: TypeRef, hasUsing: boolean, session: TypeChangeSession = {}): TypeChange {
  if (!from) return { kind: 'unknown' };
  const a = canonicalType(from.name);
  const b = canonicalType(to.name);
  const fromText = formatType(from);
  const toText = formatType(to);
  if (from.array !== to.array) return { kind: 'rewrite', narrowing: true, conversion: true, why: `${fromText} → ${toText}` };
  if (hasUsing && !(a === b)) return { kind: 'rewrite', narrowing: !LOSSLESS.has(`${a}→${b}`), conversion: true, why: `${fromText} → ${toText} with USING` };
  // Arrays are coerced element by element: any change of element type or length rewrites
  // (varchar(10)[] → varchar(20)[] and → text[] both do; shown in test/facts).
  if (from.array && to.array) {
    if (a === b && JSON.stringify(from.mods) === JSON.stringify(to.mods)) return CATALOG_ONLY;
    return { kind: 'rewrite', narrowing: false, why: `${fromText} → ${toText} (arrays are converted element by element)` };
  }

  if (TEXTUAL.has(a) && TEXTUAL.has(b)) {
    const oldLen = a === 'text' ? Infinity : (from.mods[0] ?? Infinity);
    const newLen = b === 'text' ? Infinity : (to.mods[0] ?? Infinity);
    if (newLen >= oldLen) return CATALOG_ONLY;
    // Shortening a varchar only checks each row (a full scan under ACCESS EXCLUSIVE), and fails
    // on any value that is too long: a data-loss/validation risk rather than a rewrite.
    return { kind: 'rewrite', narrowing: true, why: `${fromText} → ${toText} shortens the limit` };
  }
  if (a === 'numeric' && b === 'numeric') {
    if (to.mods.length === 0) return CATALOG_ONLY;
    const [p1 = Infinity, s1 = 0] = from.mods.length ? from.mods : [Infinity, 0];
    const [p2 = Infinity, s2 = 0] = to.mods;
    if (s1 === s2 && p2 >= p1) return CATALOG_ONLY;
    // A smaller scale rounds the digits it drops; a smaller precision fails on values too large.
    return { kind: 'rewrite', narrowing: p2 < p1 || s2 < s1, lossy: s2 < s1, why: `${fromText} → ${toText}` };
  }
  if (TIMESTAMPS.has(a) && TIMESTAMPS.has(b)) {
    // Keeping or raising the precision (timestamp(3) → timestamp) leaves every stored value as it is;
    // lowering it rounds each one.
    const keepsPrecision = timestampPrecision(to) >= timestampPrecision(from);
    if (a === b) return keepsPrecision ? CATALOG_ONLY : { kind: 'rewrite', narrowing: false, why: `${fromText} → ${toText} rounds every value` };
    // PG 12+ skips the rewrite between timestamp and timestamptz when the session TimeZone is UTC;
    // the operator class changes, so every index on the column is rebuilt (shown in test/facts).
    if (session.utc && keepsPrecision) return { kind: 'binary-coercible', rebuilds: 'every-index-on-column' };
    return { kind: 'rewrite', narrowing: false, why: `${fromText} → ${toText} (no rewrite only when the session TimeZone is UTC, PG 12+)` };
  }
  if (a === b && JSON.stringify(from.mods) === JSON.stringify(to.mods)) return CATALOG_ONLY;
  if (a === 'cidr' && b === 'inet') return CATALOG_ONLY;
  // numeric and floating point to an integer type round every fraction away.
  if ((a === 'numeric' || a === 'float4' || a === 'float8') && b in INT_WIDTH) {
    return { kind: 'rewrite', narrowing: true, lossy: true, why: `${fromText} → ${toText} rounds every fraction` };
  }
  if (a in INT_WIDTH && b in INT_WIDTH) {
    return { kind: 'rewrite', narrowing: INT_WIDTH[b]! < INT_WIDTH[a]!, why: `${fromText} → ${toText}` };
  }
  if ((a === 'timestamptz' || a === 'timestamp') && b === 'date') {
    return { kind: 'rewrite', narrowing: true, lossy: true, why: `${fromText} → ${toText} drops the time of day` };
  }
  const narrowing = TEXTUAL.has(a) && !TEXTUAL.has(b);
  return { kind: 'rewrite', narrowing, ...(narrowing ? { conversion: true } : {}), why: `${fromText} → ${toText}` };
}

/** Rough, honest durations for messages: "~25 min", "~40 s". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `~${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1)} h`;
}

export function formatRows(rows: number): string {
  if (rows >= 1_000_000_000) return `${(rows / 1_000_000_000).toFixed(1).replace(/\.0$/, '')}B rows`;
  if (rows >= 1_000_000) return `${(rows / 1_000_000).toFixed(1).replace(/\.0$/, '')}M rows`;
  if (rows >= 10_000) return `${Math.round(rows / 1000)}k rows`;
  return `${rows} rows`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}
