import { defineFinding } from '../define.js';

/**
 * Raised by the engine, not by a handler: a migration file above `thresholds.maxFileBytes` is not
 * parsed (a 50 MB data dump would cost seconds and gigabytes), so nothing in it was checked.
 */
export default defineFinding({
  id: 'too-large-to-review',
  category: 'lock_contention',
  source: 'pipeline',
  pattern: 'batched-backfill',
  docs: {
    summary: 'A migration file too large to parse (default 5 MB): none of the checks ran on it.',
    problem:
      'Files this large are usually data loads: millions of INSERTs in one transaction hold their locks and flood the WAL like any unbatched backfill. migration-review does not parse them, so it cannot tell what they lock; someone has to look.',
    instead: '-- 000042_seed_products.up.sql: 48 MB of INSERT statements',
    use: '-- load the data with a batched job or COPY from the application, outside the migration',
  },
  messages: {
    tooLarge: {
      message: 'At {{size}}, {{file}} is over the {{limit}} limit, so it was not parsed and none of the eight checks ran on it.',
      recommendation: 'Load bulk data outside the migration (a batched job, or COPY from the application), or raise thresholds.maxFileBytes if this file must be checked.',
    },
  },
});
