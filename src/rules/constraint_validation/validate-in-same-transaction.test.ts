import { testRule } from '../../../test/rule-tester.js';
import rule from './validate-in-same-transaction.js';

const add = 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;';
const validate = 'ALTER TABLE orders VALIDATE CONSTRAINT c;';
testRule(rule, {
  valid: [add, { sql: validate, schema: add, name: 'validated in a later migration' }, { sql: `${add}\n${validate}`, txMode: 'none', name: 'no transaction around the file' }, `BEGIN;\n${add}\nCOMMIT;\nBEGIN;\n${validate}\nCOMMIT;`],
  invalid: [{ sql: `${add}\n${validate}`, errors: [{ messageId: 'same', line: 2 }] }],
});
