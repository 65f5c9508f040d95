import { testRule } from '../../../test/rule-tester.js';
import rule from './validate-in-same-transaction.js';

const add = 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;';
const validate = 'ALTER TABLE orders VALIDATE CONSTRAINT c;';
testRule(rule, {
  valid: [add, { sql: validate, schema: add, name: 'validated in a later migration' }, { sql: `${add}\n${validate}`, txMode: 'none', name: 'no transaction around the file' }, `BEGIN;\n${add}\nCOMMIT;\nBEGIN;\n${validate}\nCOMMIT;`],
  invalid: [
    { sql: `${add}\n${validate}`, errors: [{ messageId: 'same', line: 2, message: /the ACCESS EXCLUSIVE lock the ADD took on orders is held/ }] },
    {
      name: 'a foreign key: the ADD locked both tables in SHARE ROW EXCLUSIVE',
      schema: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;',
      errors: [{ messageId: 'same', line: 2, message: /the SHARE ROW EXCLUSIVE lock the ADD took on orders and customers is held for the whole validation scan, blocking every INSERT, UPDATE and DELETE/ }],
    },
  ],
});
