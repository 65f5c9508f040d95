import { defineFinding } from '../define.js';

/**
 * Raised by the pipeline, not by a handler: a migration path (or a migrations folder) that is a
 * symbolic link whose target the repository does not hold. The runner follows the link wherever
 * it points on the machine it runs on; the review can only read the repository, so it saw none
 * of what will run. Links to files inside the repository are reviewed as those files.
 */
export default defineFinding({
  id: 'unreviewable-symlink',
  category: 'lock_contention',
  source: 'pipeline',
  pattern: 'test-migrations-in-ci',
  docs: {
    summary: 'A migration that is a symbolic link out of the repository (or to nothing): none of what it runs could be reviewed.',
    problem:
      'Git stores a symbolic link as the path it points to. A migration linked to `../../shared/x.sql` or `/etc/app/x.sql` runs whatever that path holds on the deploy machine, which is not in the pull request: the review, the trace and the people approving see none of it. A link to a missing file fails the deploy; a loop of links never reaches a file.',
    instead: '-- migrations/000003_orders.up.sql -> ../../deploy/sql/orders.sql (outside the repository)',
    use: '-- migrations/000003_orders.up.sql: the statements themselves, committed in the file',
  },
  messages: {
    outside: {
      message:
        '{{file}} is a symbolic link to {{target}}, which is outside the repository: the runner executes whatever that path holds on the deploy machine, and none of it was reviewed.',
      recommendation: 'Commit the SQL in {{file}} itself (or link to a file inside the repository), so that what is reviewed is what runs.',
    },
    absolute: {
      message: '{{file}} is a symbolic link to the absolute path {{target}}: what runs depends on the machine the runner is on, and none of it was reviewed.',
      recommendation: 'Commit the SQL in {{file}} itself (or use a relative link to a file inside the repository), so that what is reviewed is what runs.',
    },
    dangling: {
      message:
        '{{file}} is a symbolic link to {{target}}, which does not exist in the repository: the runner fails on it, or runs whatever is put there later, and nothing was reviewed.',
      recommendation: 'Point the link at the migration file in the repository, or replace it with the SQL itself.',
    },
    loop: {
      message: '{{file}} is a symbolic link ({{target}}) that never reaches a file: the links loop, so the runner fails to read it and nothing was reviewed.',
      recommendation: 'Replace the chain of links with the migration file itself.',
    },
    skipped: {
      message:
        '{{file}} is a symbolic link to {{target}}, in a dependency or build folder (node_modules, dist, vendor…) that is generated rather than committed source: what runs there was not reviewed.',
      recommendation: 'Commit the SQL in {{file}} itself, so that what is reviewed is what runs.',
    },
  },
});
