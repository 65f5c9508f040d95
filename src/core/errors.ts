/**
 * Typed errors. Only the CLI entry and the app entry catch them; everything else lets them rise.
 * Each carries what a user needs to fix the input: the file, the line when known, and what to do.
 */
export class MigrationReviewError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** "file:line: message" — the shape editors and CI logs link to. */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}`;
  }
}

/** The repository config or a command-line option is wrong (exit code 2). */
export class ConfigError extends MigrationReviewError {}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends MigrationReviewError {}

/** git or the file system could not give us the change under review. */
export class InputError extends MigrationReviewError {}

/** The database statistics file is not what `migration-review stats` writes (exit code 2 in the CLI). */
export class StatsFileError extends MigrationReviewError {}

/** A database could not be read for statistics (unreachable, or the role lacks a privilege). */
export class DatabaseError extends MigrationReviewError {}
