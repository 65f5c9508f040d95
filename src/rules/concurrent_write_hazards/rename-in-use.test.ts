import { testRule } from '../../../test/rule-tester.js';
import rule from './rename-in-use.js';

testRule(rule, {
  valid: ['CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;', 'ALTER INDEX idx_a RENAME TO idx_b;', 'ALTER TABLE orders ADD COLUMN state text;',
    { name: 'a view keeps the old name working', sql: 'ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;' },
  ],
  invalid: [
    { sql: 'ALTER TABLE orders RENAME COLUMN status TO state;', errors: [{ messageId: 'rename', message: /column orders.status to state/ }] },
    { sql: 'ALTER TABLE orders RENAME TO purchases;', errors: [{ messageId: 'rename', message: /table orders to purchases/ }] },
    { name: 'a view under another name does not help', sql: 'ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders_v AS SELECT * FROM purchases;', errors: [{ messageId: 'rename' }] },
  ],
});
