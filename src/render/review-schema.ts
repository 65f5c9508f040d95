import { z } from 'zod';
import { CATEGORIES } from '../core/types.js';

/**
 * The JSON output contract of DESIGN.md (`check --format json`, schemaVersion 1) as a schema, for
 * the tools that read it. `docs/review.schema.json` is generated from it (`npm run docs`), and the
 * tests check real outputs against it. Objects stay open: DESIGN.md lets fields be added, so a
 * consumer must ignore what it does not know (the lock trace rides along as `trace`).
 */
const category = z.enum(CATEGORIES);
const status = z.enum(['PASS', 'FLAG', 'BLOCK']);
const findingStatus = z.enum(['FLAG', 'BLOCK']);

const acknowledgement = z.looseObject({
  reason: z.string().describe('Why the team accepted the risk, from the ack comment.'),
  file: z.string(),
  line: z.number().int().min(1),
});

const finding = z.looseObject({
  rule: z.string().describe('Rule id (docs/rules/<id>.md).'),
  category: category.describe('The primary category.'),
  categories: z
    .array(category)
    .min(1)
    .describe('Every category the risk affects, the primary first; each listed category counts the finding.'),
  status: findingStatus,
  categoryStatus: z
    .partialRecord(category, findingStatus)
    .optional()
    .describe('A lower status for some of `categories` (a 5M-row rewrite: lock_contention BLOCK, replication_lag FLAG). Absent: `status` for each.'),
  file: z.string().describe('Repository-relative path.'),
  line: z.number().int().min(1).describe('1-based line of the statement.'),
  message: z.string(),
  recommendation: z.string(),
  pattern: z.string().nullable().describe('Safe pattern id (docs/patterns.md), or null.'),
  source: z.enum(['rule', 'trace', 'llm']),
  acknowledged: acknowledgement.nullable(),
  table: z.string().optional(),
  inChange: z.boolean().optional(),
  evidence: z.string().optional(),
  excerpt: z.string().optional(),
});

const file = z.looseObject({
  path: z.string(),
  framework: z.string(),
  inTransaction: z.boolean().nullable().describe('Whether the runner wraps the file in a transaction; null when unknown.'),
  version: z.string().optional(),
  down: z.string().nullable().optional(),
  statements: z.number().int().min(0).optional(),
  reviewed: z.boolean().optional(),
});

export const reviewOutputSchema = z
  .looseObject({
    schemaVersion: z.literal(1),
    verdict: z.enum(['SAFE_TO_SHIP', 'SAFE_WITH_MODIFICATIONS', 'BLOCK']),
    justification: z.string(),
    categories: z.record(category, status).describe('All eight category keys, always present.'),
    findings: z.array(finding),
    files: z.array(file),
    skipped: z.array(z.string()).optional(),
    postgres: z.number().int().optional().describe('Target PostgreSQL major version the review assumed.'),
    stats: z
      .looseObject({
        file: z.string(),
        collectedAt: z.string(),
        ageDays: z.number(),
        maxAgeDays: z.number(),
        tables: z.number().int().min(0).describe('Tables whose size came from the file (not named in `tables:`).'),
      })
      .optional()
      .describe('Where table sizes came from, when a database statistics file (`migration-review stats`) was read.'),
  })
  .describe('migration-review check --format json (DESIGN.md, JSON output contract)');

export function renderReviewSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(reviewOutputSchema), null, 2)}\n`;
}
