import { defineFinding } from '../define.js';

/** Raised by the CLI/app when the change edits a migration that the base branch already has. */
export default defineFinding({
  id: 'modified-migration',
  category: 'missing_rollback',
  source: 'pipeline',
  pattern: 'new-migration-instead-of-edit',
  docs: {
    summary: 'The change edits a migration that was already merged: databases that ran it will never run the new version.',
    problem:
      'Migration runners record what they applied by version or checksum. Editing an applied migration leaves production on the old version while fresh environments get the new one (schema drift), some runners refuse to start on a checksum mismatch, and the recorded down script no longer undoes what ran.',
    instead: '-- (editing migrations/000042_orders.up.sql, which is already on main)',
    use: '-- (a new file migrations/000043_orders_fix.up.sql with the correction)',
  },
  messages: {
    modified: {
      message: '{{file}} already exists on the base branch and this change modifies it: databases that applied the old version will not run it again, so environments drift.',
      recommendation: 'Restore the merged file and put the correction in a new migration.',
    },
  },
});
