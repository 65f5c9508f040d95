import { MigrationReviewError } from '../core/errors.js';
import { main } from './server.js';

main().catch((error: unknown) => {
  process.stderr.write(`migration-review app: ${error instanceof MigrationReviewError ? error.describe() : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
