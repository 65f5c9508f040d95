import { defineRule } from '../define.js';
import { alterCommands, forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'set-not-null-full-scan',
  category: 'lock_contention',
  alsoCategories: ['constraint_validation'],
  pattern: 'set-not-null-with-check',
  docs: {
    summary: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK already proves it (PG 12+).',
    problem:
      'ALTER COLUMN … SET NOT NULL reads every row to prove there are no NULLs, holding ACCESS EXCLUSIVE the whole time: no reads, no writes. The three-migration recipe that ends with a bare SET NOT NULL still pays this scan. From PostgreSQL 12, a validated CHECK (col IS NOT NULL) lets SET NOT NULL skip the scan, and the CHECK can be validated under a lock that does not block traffic.',
    schema: 'CREATE TABLE users (id bigint, email text);',
    instead: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    use:
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    facts: 'Checked on PostgreSQL: with a validated CHECK (email IS NOT NULL), SET NOT NULL reports that existing constraints prove the column has no NULLs and skips the scan (PG 12+).',
    exampleTables: { users: { rows: 12_000_000 } },
  },
  messages: {
    scan: {
      message:
        'SET NOT NULL on {{table}}.{{column}} reads all of {{table}} ({{size}}) under an ACCESS EXCLUSIVE lock to prove there are no NULLs: every read and write on {{table}} waits for {{duration}}.',
      recommendation:
        '{{recipe}}',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = cmd.name;
          if (cmd.subtype !== 'AT_SetNotNull' || !column) return;
          // A CHECK that the same ALTER drops does not help: PostgreSQL scans after the drop (JUDGMENT.md).
          const dropped = alterCommands(statement).filter((c) => c.subtype === 'AT_DropConstraint').map((c) => c.name);
          if (ctx.config.postgres >= 12 && ctx.catalog.hasValidNotNullCheck(table, column, dropped)) return;
          const check = `${table.replace(/\./g, '_')}_${column}_not_null`;
          const recipe =
            ctx.config.postgres >= 12
              ? `Prove it first with a CHECK that PostgreSQL can use: \`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;\`, then in a separate transaction \`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};\` (SHARE UPDATE EXCLUSIVE: reads and writes continue), then SET NOT NULL (no scan) and DROP CONSTRAINT ${check}.`
              : `Before PostgreSQL 12 SET NOT NULL always scans: keep a validated CHECK (${column} IS NOT NULL) constraint (added NOT VALID, then VALIDATE) instead of the NOT NULL attribute.`;
          ctx.reportImpact(ctx.impact(table, 'scan'), { messageId: 'scan', data: { column, recipe } });
        });
      },
    };
  },
});
