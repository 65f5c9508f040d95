import { defineFinding } from '../define.js';

/**
 * Raised by the lock trace for what it would not or could not run: a statement that reaches
 * outside the database (refused before it ran), one that overran the time or memory limit on an
 * empty copy of the schema (stopped), or a file too large to trace.
 */
export default defineFinding({
  id: 'not-traced',
  category: 'lock_contention',
  source: 'trace',
  pattern: 'test-migrations-in-ci',
  docs: {
    summary: 'The trace refused or stopped a statement: it reaches outside the database, or ran past the time or memory limit on an empty schema.',
    problem:
      'Migration SQL is untrusted input. The trace refuses, before running anything, statements that read or write server files, run programs, reach other servers, change the server configuration or sleep on purpose; and it stops any statement that runs longer than its limit, or needs more memory than its limit, even though every table is empty — such a statement may never finish on real data.',
    schema: 'CREATE TABLE imports (id bigint PRIMARY KEY, body text);',
    instead: "COPY imports FROM PROGRAM 'curl -s https://example.com/data.csv';",
    use: 'INSERT INTO imports (id, body) VALUES (1, $$hello$$);',
  },
  messages: {
    refused: {
      message: 'The trace did not run this statement: {{reason}}. Its locks and effects are unknown, and a migration has no business doing this.',
      recommendation: 'Move file, program and cross-server work out of the migration into an operator step or a job with its own review.',
    },
    stopped: {
      message:
        'Traced: this statement was still running after {{limit}} on an empty copy of the schema and was stopped — on real data it may run far longer, holding its locks.',
      recommendation: 'Bound the work: batch it, remove the endless loop, or move it out of the migration into a job you can watch and stop.',
    },
    outOfMemory: {
      message:
        "Traced: this statement needed more than the trace's {{limit}} of memory on a near-empty copy of the schema and was stopped — on real data it will need far more, for as long as it holds its locks.",
      recommendation: 'Bound the work: batch it, or move the bulk data out of the migration into a job you can watch and stop.',
    },
    missing: {
      message:
        'The trace could not run this statement: {{reason}} in the schema the earlier migrations build. If that object comes from outside the migrations (a schema dump, an extension, another service) this is expected; if not, the deploy fails here.',
      recommendation: 'Make sure the object exists before this migration runs: create it in an earlier migration, or check the name.',
    },
    skipped: {
      message: 'The trace skipped this file: {{reason}}.',
      recommendation: 'Check this file by hand, or split it so each part can be traced.',
    },
  },
});
