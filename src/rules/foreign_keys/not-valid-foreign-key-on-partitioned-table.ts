import { as, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommand } from '../helpers.js';

/** The first PostgreSQL major version that accepts a NOT VALID foreign key on a partitioned table. */
const ACCEPTED_FROM = 18;

export default defineRule({
  id: 'not-valid-foreign-key-on-partitioned-table',
  category: 'foreign_keys',
  pattern: 'add-foreign-key-not-valid',
  docs: {
    summary: 'A NOT VALID foreign key on a partitioned table is rejected before PostgreSQL 18: the deploy fails.',
    problem:
      'The usual recipe — add the foreign key NOT VALID, VALIDATE it later — does not work on a partitioned table before PostgreSQL 18: ALTER TABLE fails with "cannot add NOT VALID foreign key on partitioned table", the migration stops and its transaction rolls back. It passes on a developer database of version 18 and fails in production on 17 or older.',
    schema:
      "CREATE TABLE sensors (id bigint PRIMARY KEY);\nCREATE TABLE readings (sensor_id bigint NOT NULL, taken_at timestamptz NOT NULL) PARTITION BY RANGE (taken_at);\nCREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE INDEX readings_sensor_id_idx ON readings (sensor_id);",
    instead: 'ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID;',
    use: 'ALTER TABLE readings_2024 ADD CONSTRAINT readings_2024_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID;',
    facts:
      'ADD FOREIGN KEY … NOT VALID on a partitioned table fails with SQLSTATE 42809 before PostgreSQL 18 (shown on 15; the ALTER TABLE docs of 11–17 say NOT VALID is not allowed there) and is accepted from 18 (shown on PGlite 18.6); NOT VALID on a single partition and a validated FK on the parent are accepted on 15.',
  },
  messages: {
    rejected: {
      message:
        'ALTER TABLE {{table}} ADD CONSTRAINT {{name}} FOREIGN KEY … NOT VALID fails on PostgreSQL {{version}}: {{table}} is partitioned, and before 18 a NOT VALID foreign key cannot be added to a partitioned table — the deploy stops here and its transaction rolls back.',
      recommendation:
        'On {{version}}, either add the foreign key without NOT VALID (it checks every row of {{table}} under SHARE ROW EXCLUSIVE on {{table}} and {{refTable}}: fine when the partitions are small), or add it NOT VALID on each partition (`ALTER TABLE <partition> ADD CONSTRAINT … NOT VALID`) and VALIDATE each in a separate migration. NOT VALID on the parent itself needs PostgreSQL 18.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        if (ctx.config.postgres >= ACCEPTED_FROM) return;
        forEachAlterCommand(statement, (cmd, table) => {
          const constraint = as(cmd.def, 'Constraint');
          if (cmd.subtype !== 'AT_AddConstraint' || constraint?.contype !== 'CONSTR_FOREIGN' || constraint.skip_validation !== true) return;
          // Principle 6: a deploy that fails is a BLOCK, on a new table as much as on an old one.
          if (!ctx.catalog.table(table)?.partitioned) return;
          const name = constraint.conname ?? `${table}_fkey`;
          ctx.report({ messageId: 'rejected', status: 'BLOCK', table, data: { table, name, refTable: rangeVarName(constraint.pktable), version: ctx.config.postgres } });
        });
      },
    };
  },
});
