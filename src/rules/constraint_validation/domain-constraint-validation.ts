import type { AlterDomainStmt } from '@pgsql/types';
import { as, strings } from '../../sql/ast.js';
import { defineRule } from '../define.js';

/** What an ALTER DOMAIN checks against existing data: null when it checks nothing. */
function checkedBy(node: AlterDomainStmt): { messageId: 'check' | 'validate'; action: string } | null {
  const constraint = as(node.def, 'Constraint');
  // 'C' ADD CONSTRAINT (NOT VALID skips the check), 'O' SET NOT NULL, 'V' VALIDATE CONSTRAINT.
  if (node.subtype === 'C' && constraint && constraint.skip_validation !== true) return { messageId: 'check', action: `ADD CONSTRAINT ${constraint.conname ?? ''}`.trim() };
  if (node.subtype === 'O') return { messageId: 'check', action: 'SET NOT NULL' };
  if (node.subtype === 'V') return { messageId: 'validate', action: `VALIDATE CONSTRAINT ${node.name ?? ''}`.trim() };
  return null;
}

export default defineRule({
  id: 'domain-constraint-validation',
  category: 'constraint_validation',
  alsoCategories: ['lock_contention'],
  pattern: 'add-check-not-valid',
  docs: {
    summary: 'ALTER DOMAIN … ADD CONSTRAINT (without NOT VALID) or VALIDATE CONSTRAINT checks every table using the domain while blocking its writes.',
    problem:
      'A domain constraint is checked against every column of that domain, in every table, in one statement that holds SHARE on each of those tables: reads go on, but every INSERT, UPDATE and DELETE waits for the whole check, and one violating value fails it at the end. Domains are the exception to the NOT VALID recipe: ALTER DOMAIN … VALIDATE CONSTRAINT takes the same SHARE locks, unlike ALTER TABLE … VALIDATE CONSTRAINT.',
    schema: 'CREATE DOMAIN positive_cents AS bigint;\nCREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount positive_cents NOT NULL);',
    instead: 'ALTER DOMAIN positive_cents ADD CONSTRAINT positive_cents_check CHECK (VALUE > 0);',
    use: 'ALTER DOMAIN positive_cents ADD CONSTRAINT positive_cents_check CHECK (VALUE > 0) NOT VALID;',
    facts:
      'ALTER DOMAIN … ADD CONSTRAINT, SET NOT NULL and VALIDATE CONSTRAINT hold SHARE on every table with a column of the domain while they check it; ADD CONSTRAINT … NOT VALID locks no table (shown on PostgreSQL 15; VALIDATE still takes SHARE on 18).',
    exampleTables: { ledger_entries: { rows: 70_000_000 } },
  },
  messages: {
    check: {
      message:
        'ALTER DOMAIN {{domain}} {{action}} checks every {{columns}} value of {{table}} ({{size}}) while holding SHARE on {{table}}: every INSERT, UPDATE and DELETE on {{table}} waits for {{duration}}{{queued}}; reads continue. One violating value fails the migration after that wait.',
      recommendation:
        'Add it NOT VALID: no table is scanned and every new or updated value is checked from then on. Do not follow with ALTER DOMAIN … VALIDATE CONSTRAINT on a big table — it blocks writes too; to prove the old rows, add `ALTER TABLE {{table}} ADD CONSTRAINT … CHECK (…) NOT VALID` and VALIDATE that in a separate migration (SHARE UPDATE EXCLUSIVE, writes continue).',
    },
    validate: {
      message:
        'ALTER DOMAIN {{domain}} {{action}} checks every {{columns}} value of {{table}} ({{size}}) while holding SHARE on {{table}}: unlike ALTER TABLE … VALIDATE, every INSERT, UPDATE and DELETE on {{table}} waits for {{duration}}{{queued}}; reads continue.',
      recommendation:
        'Leave the domain constraint NOT VALID — it already checks every new and updated value. To prove the existing rows, add `ALTER TABLE {{table}} ADD CONSTRAINT … CHECK (…) NOT VALID` and `VALIDATE CONSTRAINT` it in a separate migration (SHARE UPDATE EXCLUSIVE: writes continue), or validate the domain in a maintenance window.',
    },
    unknownUsers: {
      message:
        'ALTER DOMAIN {{domain}} {{action}} checks every column of type {{domain}} in every table while holding SHARE on each (writes blocked for the whole check), and the migrations here do not show which tables use {{domain}}.',
      recommendation:
        'Find them (`SELECT attrelid::regclass, attname FROM pg_attribute WHERE atttypid = \'{{domain}}\'::regtype`). If any is big, add the constraint NOT VALID and prove old rows with per-table CHECK … NOT VALID + VALIDATE instead.',
    },
  },
  create(ctx) {
    return {
      AlterDomainStmt(node) {
        const checked = checkedBy(node);
        if (!checked) return;
        const domain = strings(node.typeName).pop()?.toLowerCase() ?? '';
        const byTable = new Map<string, string[]>();
        for (const { table, column } of ctx.catalog.columnsOfDomain(domain)) {
          // A column added in this change holds nothing but what this change wrote.
          if (!ctx.isNewColumn(table, column)) byTable.set(table, [...(byTable.get(table) ?? []), column]);
        }
        if (byTable.size === 0) {
          // A domain the history creates and no existing table uses: nothing to check.
          if (!ctx.catalog.domains.has(domain)) ctx.report({ messageId: 'unknownUsers', status: 'FLAG', verify: `which tables use the domain ${domain}, and their sizes`, data: { domain, action: checked.action } });
          return;
        }
        for (const [table, columns] of byTable) {
          ctx.reportImpact(ctx.impact(table, 'scan'), { messageId: checked.messageId, data: { domain, action: checked.action, columns: columns.join(', ') } });
        }
      },
    };
  },
});
