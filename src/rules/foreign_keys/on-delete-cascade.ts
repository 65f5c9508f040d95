import { fkDeleteAction } from '../../sql/catalog.js';
import { defineRule } from '../define.js';
import { codeDeletingFrom } from '../helpers.js';
import { foreignKeysAdded } from './fk.js';

export default defineRule({
  id: 'on-delete-cascade',
  category: 'foreign_keys',
  pattern: 'explicit-delete-behaviour',
  docs: {
    summary: 'A foreign key with ON DELETE CASCADE: deleting one parent row silently deletes its children (and theirs).',
    problem:
      'Cascades turn a routine DELETE (a cleanup job, an admin action) into a delete of every dependent row, in every table down the chain, in one transaction. It is right for owned data (order → order_items) and a disaster for shared data; it must be a decision, not a default.',
    instead: 'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE NOT VALID;',
    use: 'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT NOT VALID;',
  },
  messages: {
    hugeChild: {
      message:
        'Foreign key {{name}} makes every DELETE on {{refTable}} also delete the matching rows of {{chain}} ({{size}}), and the application deletes from {{refTable}} ({{refs}}): each of those deletes now scans and deletes children in the same transaction, holding their row locks until it commits.',
      recommendation: 'Use ON DELETE RESTRICT (or SET NULL) and delete the children explicitly, in batches, before the parent; keep CASCADE only for small per-parent children.',
    },
    cascade: {
      message: 'Foreign key {{name}} makes every DELETE on {{refTable}} also delete the matching rows of {{chain}}.',
      recommendation: 'If children must not outlive their parent, keep CASCADE and say so in an ack; otherwise use ON DELETE RESTRICT (or SET NULL) and delete children explicitly where that is intended.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        for (const fk of foreignKeysAdded(statement)) {
          if (fkDeleteAction(fk.constraint) !== 'CASCADE') continue;
          // Follow existing cascades from the child table down, to name everything one delete reaches.
          const chain = [fk.table];
          for (let i = 0; i < chain.length && chain.length < 8; i++) {
            for (const next of ctx.catalog.referencing(chain[i]!)) if (next.onDelete === 'CASCADE' && !chain.includes(next.table)) chain.push(next.table);
          }
          // A new child table owned by its parent (JUDGMENT.md: an intended cascade to small per-parent children).
          if ((statement.type === 'CreateStmt' || ctx.isNew(fk.table)) && chain.length === 1) continue;
          const chainText = chain.length > 1 ? `${chain[0]} (and, through existing cascades, ${chain.slice(1).join(', ')})` : chain[0]!;
          const data = { name: fk.name, refTable: fk.refTable, chain: chainText };
          // A huge child under a parent the application deletes from: every such delete turns into a mass delete.
          const child = ctx.impact(fk.table, 'update');
          const deletes = codeDeletingFrom(ctx, fk.refTable);
          if (child.status === 'BLOCK' && deletes.length) {
            const refs = deletes.slice(0, 3).map((r) => `${r.file}:${r.line}`).join(', ');
            ctx.report({ messageId: 'hugeChild', status: 'BLOCK', table: fk.table, data: { ...data, size: child.size, refs } });
            continue;
          }
          ctx.report({ messageId: 'cascade', status: 'FLAG', table: fk.table, verify: 'the cascade is intended', data });
        }
      },
    };
  },
});
