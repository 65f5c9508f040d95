import { testRule } from '../../../test/rule-tester.js';
import rule from './non-idempotent-backfill.js';

testRule(rule, {
  valid: [
    'UPDATE accounts SET balance_cents = balance * 100 WHERE balance_cents IS NULL;',
    "UPDATE accounts SET status = 'active' WHERE status IS NULL;",
    'UPDATE accounts SET counter = counter + 1 WHERE id = 7;',
    'UPDATE accounts SET plan = 1;',
    { sql: 'UPDATE emails SET token = tokens.token FROM tokens WHERE tokens.email_id = emails.id;', name: "SET from another table's column of the same name was taken for a self-reference" },
    { sql: 'UPDATE permission_group pg SET organization_id = w.organization_id FROM workspace w WHERE pg.workspace_id = w.id;', name: 'SET from a joined alias with the same column name' },
    {
      sql: 'WITH ranked AS (SELECT id, row_number() OVER () AS seq FROM chats)\nUPDATE messages m SET seq = r.seq FROM ranked r WHERE m.id = r.id;',
      name: "SET from a CTE's column was taken for a self-reference",
    },
    { sql: 'UPDATE execution SET end_time = (SELECT max(end_time) FROM task WHERE task.execution_id = execution.id);', name: "subquery's own unqualified column was taken for the target's" },
    { sql: 'UPDATE teams SET login = lower(login);', name: 'lower() re-applied changes nothing' },
    { sql: 'UPDATE observations SET prompt_tokens = COALESCE(prompt_tokens, 0);', name: 'coalesce() re-applied changes nothing' },
    { sql: "UPDATE badges SET badge_type = replace(badge_type, 'git-lab', 'gitlab');", name: 'replace() whose replacement does not contain the pattern' },
    { sql: 'UPDATE users SET email = lower(trim(email));', name: 'lower(trim()) composition' },
  ],
  invalid: [
    { sql: 'UPDATE accounts SET balance_cents = balance_cents * 100;', errors: [{ messageId: 'rerun', message: /computed from balance_cents itself/ }] },
    { sql: "UPDATE workflow SET name = workflow.name || ' (copy)';", errors: [{ messageId: 'rerun', message: /computed from name itself/ }], name: 'a reference qualified by the target table is a self-reference' },
    { sql: 'UPDATE accounts a SET balance = a.balance * 100;', errors: [{ messageId: 'rerun' }], name: "a reference qualified by the target's alias is a self-reference" },
    { sql: "UPDATE badges SET badge_type = replace(badge_type, 'lab', 'gitlab');", errors: [{ messageId: 'rerun' }], name: 'replace() whose replacement contains the pattern adds a copy on every run' },
    { sql: "UPDATE users SET email = lower(email) || '.old';", errors: [{ messageId: 'rerun' }], name: 'an idempotent function inside a concatenation is not idempotent' },
    { sql: 'UPDATE accounts SET migrated_at = now() WHERE plan = 2 OR plan = 3;', errors: [{ messageId: 'rerun', message: /now\(\)/ }] },
  ],
});
