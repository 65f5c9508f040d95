import { defineRule } from '../define.js';
import { decideByCode, droppedInUseCategories, forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'drop-column',
  category: 'data_loss',
  pattern: 'drop-column-in-stages',
  docs: {
    summary: 'DROP COLUMN on an existing table deletes its values, and breaks code that still selects it.',
    problem:
      'The column and its values are gone the moment the migration commits; a down migration re-adds an empty column. Application instances still running the previous release fail on every query that names it (including INSERTs that list it, and ORMs that select every column).',
    schema: 'CREATE TABLE users (id bigint, deprecated_field text);',
    instead: 'ALTER TABLE users DROP COLUMN deprecated_field;',
    use: '-- release N: stop writing deprecated_field; release N+1: stop reading it; then, a week later:\nALTER TABLE users ADD COLUMN note text;',
  },
  messages: {
    drop: {
      message:
        'DROP COLUMN {{table}}.{{column}} deletes every value in it, and running code that still reads or writes {{column}} fails until it is redeployed{{refs}}.',
      recommendation:
        'Stop writing {{column}} in one release, stop reading it (and remove it from the ORM model) in the next, keep a copy if the data may be needed, then drop it in its own migration.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          // A column added earlier in this change holds nothing anyone relies on.
          if (cmd.subtype !== 'AT_DropColumn' || !cmd.name || ctx.isNewColumn(table, cmd.name)) return;
          const column = cmd.name;
          const decision = decideByCode(ctx, ctx.codeRefs(table, [column], { mapped: true }), `nothing reads or writes ${table}.${column}`);
          ctx.report({
            messageId: 'drop',
            status: decision.status,
            table,
            verify: decision.verify,
            categories: decision.referenced ? droppedInUseCategories(ctx.file) : undefined,
            data: { table, column, refs: decision.refs },
          });
        });
      },
    };
  },
});
