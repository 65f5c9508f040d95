import { str } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'drop-schema',
  category: 'data_loss',
  pattern: 'drop-table-safely',
  docs: {
    summary: 'DROP SCHEMA deletes every table in it (with CASCADE, without asking).',
    problem: 'Dropping a schema drops every object in it; with CASCADE nothing stops it. One statement can erase a whole product area.',
    instead: 'DROP SCHEMA analytics CASCADE;',
    use: '-- after confirming the schema is unused and backed up:\nALTER SCHEMA analytics RENAME TO analytics_to_drop_20261201;',
  },
  messages: {
    drop: {
      message: 'DROP SCHEMA {{schema}}{{cascade}} deletes every table, view and function in {{schema}} with their data.',
      recommendation: 'Confirm nothing uses {{schema}}, back it up (pg_dump -n {{schema}}), rename it first and drop it a release later.',
    },
  },
  create(ctx) {
    return {
      DropStmt(node) {
        if (node.removeType !== 'OBJECT_SCHEMA') return;
        const createdHere = ctx.statements.some((s) => s.type === 'CreateSchemaStmt' && s.line < ctx.statement.line);
        if (createdHere) return;
        for (const object of node.objects ?? []) {
          const schema = str(object);
          ctx.report({
            messageId: 'drop',
            status: 'FLAG',
            verify: `nothing uses schema ${schema} and a backup exists`,
            data: { schema, cascade: node.behavior === 'DROP_CASCADE' ? ' CASCADE' : '' },
          });
        }
      },
    };
  },
});
