import { testRule } from '../../../test/rule-tester.js';
import rule from './not-valid-foreign-key-on-partitioned-table.js';

const schema =
  "CREATE TABLE sensors (id bigint PRIMARY KEY);\nCREATE TABLE readings (sensor_id bigint NOT NULL, taken_at timestamptz NOT NULL) PARTITION BY RANGE (taken_at);\nCREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
const notValid = 'ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID;';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id);', schema, config: { postgres: 15 }, name: 'seed case goose/052: a validated FK works on 15' },
    { sql: 'ALTER TABLE readings_2024 ADD CONSTRAINT r_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID;', schema, config: { postgres: 15 }, name: 'NOT VALID on a single partition' },
    { sql: notValid, schema, config: { postgres: 18 }, name: 'PostgreSQL 18 accepts it' },
    { sql: 'ALTER TABLE orders ADD CONSTRAINT o_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;', schema: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint, customer_id bigint);', config: { postgres: 15 }, name: 'a plain table' },
  ],
  invalid: [
    { sql: `SET lock_timeout = '3s';\n${notValid}`, schema, config: { postgres: 15 }, errors: [{ messageId: 'rejected', line: 2, status: 'BLOCK', message: /fails on PostgreSQL 15: readings is partitioned/ }], name: 'seed case goose/051: target 15' },
    { sql: notValid, schema, config: { postgres: 17 }, errors: [{ messageId: 'rejected', status: 'BLOCK', message: /PostgreSQL 17/ }], name: 'target 17, the last version that rejects it' },
    { sql: `${schema}\n${notValid}`, errors: [{ messageId: 'rejected', status: 'BLOCK', message: /PostgreSQL 14/ }], name: 'tables new in the change fail the same way (default target 14)' },
  ],
});
