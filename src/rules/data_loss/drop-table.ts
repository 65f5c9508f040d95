import { qualifiedName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { decideByCode, droppedInUseCategories } from '../helpers.js';

export default defineRule({
  id: 'drop-table',
  category: 'data_loss',
  pattern: 'drop-table-safely',
  docs: {
    summary: 'DROP TABLE on a table that existed before this change deletes its data for good.',
    problem:
      'A dropped table cannot be rolled back by a down migration: the rows are gone, and any code still reading it fails at once. Tables created earlier in the same change are not flagged.',
    instead: 'DROP TABLE legacy_sessions;',
    use: '-- after a release in which nothing reads or writes legacy_sessions, and with a backup:\nALTER TABLE legacy_sessions RENAME TO legacy_sessions_to_drop_20261201;',
  },
  messages: {
    drop: {
      message:
        'DROP TABLE {{table}} deletes the table and all its rows; it cannot be undone by a rollback, and any code still using {{table}} fails immediately{{refs}}.',
      recommendation:
        'Stop reading and writing {{table}} in a release first, take a backup (or rename the table and drop it a release later), then drop it in its own migration.',
    },
  },
  create(ctx) {
    return {
      DropStmt(node) {
        if (node.removeType !== 'OBJECT_TABLE') return;
        for (const object of node.objects ?? []) {
          const table = qualifiedName(object);
          if (ctx.isNew(table)) continue;
          const decision = decideByCode(ctx, ctx.codeRefs(table, []), `nothing reads or writes ${table}`);
          ctx.report({
            messageId: 'drop',
            status: decision.status,
            table,
            verify: decision.verify,
            categories: decision.referenced ? droppedInUseCategories(ctx.file) : undefined,
            data: { table, refs: decision.refs },
          });
        }
      },
    };
  },
});
