import { statementNode, strings, walk } from '../../sql/ast.js';
import { defineRule } from '../define.js';

/**
 * PostgreSQL 12+ lets ALTER TYPE … ADD VALUE run inside a transaction block, but refuses to use
 * the new label until that transaction commits (SQLSTATE 55P04, shown in test/facts). A
 * migration that adds a value and uses it in the same transaction fails at deploy.
 */
export default defineRule({
  id: 'enum-value-used-before-commit',
  category: 'lock_contention',
  pattern: 'enum-add-value',
  docs: {
    summary: 'A new enum value used in the same transaction that adds it makes the migration fail.',
    problem:
      'ALTER TYPE … ADD VALUE may run inside a transaction (PostgreSQL 12+), but the new label cannot be used until that transaction commits: a default, an UPDATE or a cast that names it fails with "unsafe use of new value" and the whole migration rolls back at deploy.',
    schema: "CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint PRIMARY KEY, status order_status);",
    instead: "ALTER TYPE order_status ADD VALUE 'refunded';\nALTER TABLE orders ALTER COLUMN status SET DEFAULT 'refunded';",
    use: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';",
    facts: 'Using a value added in the same transaction fails with SQLSTATE 55P04, also in one multi-statement query string (PostgreSQL 12+; before 12 ADD VALUE could not run in a transaction block at all).',
  },
  messages: {
    used: {
      message:
        "Enum value '{{value}}' is added to {{type}} at line {{addedAt}} and used here in the same transaction: PostgreSQL refuses a new label until the ALTER TYPE commits (unsafe use of new value), so this migration fails at deploy.",
      recommendation: "Add the value in a migration of its own (`ALTER TYPE {{type}} ADD VALUE IF NOT EXISTS '{{value}}';`) and use it from the next migration on.",
    },
  },
  create(ctx) {
    // Labels added in the transaction that is still open: value → where.
    let added = new Map<string, { type: string; line: number }>();
    // Drizzle runs every pending migration in one transaction (JUDGMENT.md principle 5): labels an
    // earlier file of the change added are not committed yet either.
    if (ctx.file.txMode === 'all-pending') {
      for (const [value, at] of ctx.catalog.enumValuesAdded) if (at.file !== ctx.file.path && ctx.inChange(at.file)) added.set(value, { type: at.type, line: 1 });
    }
    return {
      Statement(statement) {
        if (ctx.inTransaction !== true) {
          added = new Map();
          return;
        }
        const transaction = statementNode(statement, 'TransactionStmt');
        if (transaction) {
          if (transaction.kind === 'TRANS_STMT_COMMIT' || transaction.kind === 'TRANS_STMT_ROLLBACK') added = new Map();
          return;
        }
        const alterEnum = statementNode(statement, 'AlterEnumStmt');
        if (alterEnum) {
          const value = alterEnum.newVal;
          if (value && !alterEnum.oldVal) added.set(value, { type: strings(alterEnum.typeName).join('.'), line: statement.line });
          return;
        }
        if (!added.size) return;
        const reported = new Set<string>();
        walk(statement.node, (type, fields) => {
          if (type !== 'String' && type !== 'A_Const') return;
          const text = type === 'String' ? (fields.sval as string | undefined) : ((fields.sval as { sval?: string } | undefined)?.sval ?? undefined);
          const hit = text !== undefined ? added.get(text) : undefined;
          if (!hit || reported.has(text!)) return;
          reported.add(text!);
          ctx.report({ messageId: 'used', status: 'BLOCK', data: { value: text!, type: hit.type, addedAt: hit.line } });
        });
      },
    };
  },
});
