import { Command, InvalidArgumentError, Option } from 'commander';
import { MigrationReviewError, UsageError } from '../core/errors.js';
import { CATEGORY_NAMES } from '../core/types.js';
import { ALL_RULES } from '../rules/index.js';
import { docsPath } from '../rules/define.js';
import { runCheck, type CheckOptions } from './check.js';
import { printPatterns } from './patterns.js';

/**
 * The command line. The only place (with the app entry) that catches errors: typed errors print
 * `file:line: message` and exit 2; anything else is a bug and prints its stack.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => void (exitCode = code);
  const program = new Command()
    .name('migration-review')
    .description('Stops dangerous PostgreSQL migrations before they reach production.')
    .showHelpAfterError()
    .exitOverride();

  addCheckCommand(program, setExit);
  addRulesCommand(program);
  addPatternsCommand(program);
  addRunbookCommand(program, setExit);
  addMonitorCommand(program, setExit);
  addExplainCommand(program, setExit);
  addDriftCommand(program, setExit);
  addStatsCommand(program);
  addGithubActionCommand(program, setExit);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (code?.startsWith('commander.')) return 2;
    if (error instanceof MigrationReviewError) {
      process.stderr.write(`migration-review: ${error.describe()}\n`);
      return 2;
    }
    throw error;
  }
}

function addCheckCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('Review migrations: the given files (the change), the files changed since --base, or every migration found.')
    .argument('[paths...]', 'migration files or directories under review (one directory alone = the repository to review)')
    .option('--base <ref>', 'review the migration files added or modified since this git ref')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 at or above this verdict level').choices(['block', 'flag']).default('block'))
    .option('--config <file>', 'config file (default: .github/migration-review.yml in the repository)')
    .option('--root <dir>', 'repository root (default: the git top level, or the current directory)')
    .option('--postgres <major>', 'target PostgreSQL major version (overrides the config)', integerIn(9, 19, 'a major version such as 14'))
    .option('--trace', 'run the lock trace (default: on for up to 50 changed files)')
    .option('--no-trace', 'skip the lock trace: static rules only')
    .option('--database-url <url>', 'trace on this PostgreSQL in a throwaway database (default: $DATABASE_URL, else the embedded PGlite); a disposable server, as a role with CREATEDB only')
    .option('--allow-superuser', 'with --database-url: trace even as a superuser (unsafe for untrusted migrations: their SQL runs with those rights)')
    .option('--trace-statement-ms <ms>', 'stop a traced statement after this long (default 5000)', integerIn(100, 600_000, 'milliseconds from 100 to 600000'))
    .option('--llm', "add Claude's review (needs ANTHROPIC_API_KEY; model from ANTHROPIC_MODEL or the config)")
    .option('--no-color', 'plain text output')
    .action(
      async (
        paths: string[],
        // commander's parsed options: CheckOptions less what the CLI adds itself.
        opts: Omit<CheckOptions, 'paths' | 'note' | 'progress'>,
      ) => {
        const showProgress = process.stderr.isTTY && opts.format === 'text';
        const result = await runCheck({
          paths,
          ...opts,
          color: opts.color && !!process.stdout.isTTY,
          databaseUrl: opts.databaseUrl ?? (process.env.DATABASE_URL || undefined),
          note: process.stderr.isTTY ? (message) => process.stderr.write(`${message}\r`) : undefined,
          progress: showProgress ? (done, total) => done % 50 === 0 && process.stderr.write(`\rreviewed ${done}/${total} files`) : undefined,
        });
        if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
        process.stdout.write(result.output);
        setExit(result.exitCode);
      },
    );
}

function addRulesCommand(program: Command): void {
  program
    .command('rules')
    .description('List every rule with its category and docs page.')
    .option('--json', 'machine-readable list')
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            ALL_RULES.map((r) => ({ id: r.id, category: r.category, summary: r.docs.summary, docs: docsPath(r.id) })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      for (const rule of ALL_RULES) process.stdout.write(`${rule.id.padEnd(40)} ${CATEGORY_NAMES[rule.category].padEnd(26)} ${rule.docs.summary}\n`);
    });
}

function addPatternsCommand(program: Command): void {
  program
    .command('patterns')
    .description('List the safe-pattern library, or print one pattern.')
    .argument('[id]', 'pattern id (see the list)')
    .option('--json', 'machine-readable list')
    .action((id: string | undefined, opts: { json?: boolean }) => {
      process.stdout.write(printPatterns(id, { json: !!opts.json, color: !!process.stdout.isTTY }));
    });
}

function addRunbookCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('runbook')
    .description('The production runbook for the change: statements and locks, durations, data checks, what to watch, rollback, contacts.')
    .argument('[paths...]', 'migration files or directories (as for check)')
    .option('--base <ref>', 'the migrations added or modified since this git ref')
    .option('--root <dir>', 'repository root (default: the git top level, or the current directory)')
    .option('--config <file>', 'config file (default: .github/migration-review.yml in the repository)')
    .option('--database-url <url>', 'run the data checks on this database, read-only; exit 1 when one finds rows or cannot run (default: $DATABASE_URL)')
    .option('--check-timeout <seconds>', 'stop a data check after this long (default 30; each also gives up after 2 s waiting for a lock)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError('expected seconds, e.g. 120');
      return n;
    })
    .option('--no-trace', 'static locks only')
    .option('--staging <file>', 'a `monitor --format json` report from a staging run: measured lock times next to the estimates')
    .option('--refresh-stats', 'first rewrite the statistics file from --database-url (as `stats` does, sampling writes for 10 s), so the estimates use its sizes')
    .action(async (paths: string[], opts: { base?: string; root?: string; config?: string; databaseUrl?: string; checkTimeout?: number; trace?: boolean; staging?: string; refreshStats?: boolean }) => {
      const { runRunbook } = await import('./runbook.js');
      const note = (message: string): void => void process.stderr.write(message);
      const result = await runRunbook({ paths, ...opts, databaseUrl: opts.databaseUrl ?? (process.env.DATABASE_URL || undefined), note });
      process.stdout.write(result.output);
      setExit(result.exitCode);
    });
}

function addMonitorCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('monitor')
    .description('Run the command that applies the migrations against staging and watch lock waits and holds, blockers and replication lag; exit 1 when a threshold is crossed or the command fails.')
    .argument('<command...>', 'the command after --, e.g. -- npx knex migrate:latest')
    .option('--database-url <url>', 'the staging database (default: $DATABASE_URL)')
    .option('--threshold <seconds>', 'flag locks held or waited on longer than this (default 5)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError('expected seconds, e.g. 5');
      return n;
    })
    .option('--interval-ms <ms>', 'sampling interval (default 250)', (v) => Math.max(50, Number(v) || 250))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (command: string[], opts: { databaseUrl?: string; threshold?: number; intervalMs?: number; format: 'text' | 'json' | 'markdown' }) => {
      const { monitor, monitorMarkdown } = await import('../runbook/monitor.js');
      const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
      if (!databaseUrl) throw new UsageError('monitor needs the staging database: --database-url postgres://… (or DATABASE_URL)');
      // Signals go to the command; the report is written however it ends.
      const report = await monitor({ databaseUrl, command, thresholdSeconds: opts.threshold, intervalMs: opts.intervalMs, forwardSignals: true });
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : monitorMarkdown(report));
      setExit(report.failure || report.exceeded.length ? 1 : 0);
    });
}

function addExplainCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('explain')
    .description(
      "For each index the change creates: the repository's queries that should use it, planned without and with it (a HypoPG hypothetical index; read-only, nothing is built). Exit 1 when nothing could be planned.",
    )
    .argument('[paths...]', 'migration files or directories (as for check)')
    .option('--base <ref>', 'the migrations added or modified since this git ref')
    .option('--root <dir>', 'repository root (default: the git top level, or the current directory)')
    .option('--database-url <url>', 'the database to plan on, production included: read-only, AccessShareLock only (default: $DATABASE_URL)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'markdown']).default('markdown'))
    .action(async (paths: string[], opts: { base?: string; root?: string; databaseUrl?: string; format: 'json' | 'markdown' }) => {
      const { runExplain } = await import('./explain.js');
      const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined);
      if (!databaseUrl) throw new UsageError('explain needs a staging database: --database-url postgres://… (or DATABASE_URL)');
      const result = await runExplain({ paths, base: opts.base, root: opts.root, databaseUrl, format: opts.format });
      process.stdout.write(result.output);
      setExit(result.exitCode);
    });
}

function addDriftCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('drift')
    .description("Compare a live database's schema with the one the repository's migrations build; exit 1 on drift.")
    .option('--database-url <url>', 'the database to inspect (default: $DATABASE_URL); read-only')
    .option('--root <dir>', 'repository root (default: the git top level, or the current directory)')
    .option('--config <file>', 'config file (default: .github/migration-review.yml in the repository)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (opts: { databaseUrl?: string; root?: string; config?: string; format: 'text' | 'json' | 'markdown' }) => {
      const { runDrift } = await import('./drift.js');
      const result = await runDrift({ ...opts, databaseUrl: opts.databaseUrl ?? (process.env.DATABASE_URL || undefined) });
      process.stdout.write(result.output);
      setExit(result.exitCode);
    });
}

function addStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('Read table sizes, write rates and index usage from the database (read-only) into the statistics file the review uses.')
    .option('--database-url <url>', 'a server of the cluster; repeat for each replica (index scans are counted per server) (default: $DATABASE_URL)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--sample-seconds <seconds>', 'seconds between the two samples the write rates come from; 0 skips them (default 10)', integerIn(0, 3600, 'seconds from 0 to 3600'))
    .option('--out <file>', 'where to write the file; - prints it (default: stats.file in the config, else .github/migration-review-stats.json, in the repository)')
    .option('--root <dir>', 'repository root, for the default --out (default: the git top level, or the current directory)')
    .option('--config <file>', 'config file naming stats.file (default: .github/migration-review.yml in the repository)')
    .option('--statement-timeout-ms <ms>', 'server-side limit per statement (default 30000)', integerIn(100, 600_000, 'milliseconds from 100 to 600000'))
    .action(async (opts: { databaseUrl?: string[]; sampleSeconds?: number; out?: string; statementTimeoutMs?: number; root?: string; config?: string }) => {
      const { runStats } = await import('./stats.js');
      const urls = opts.databaseUrl ?? (process.env.DATABASE_URL ? [process.env.DATABASE_URL] : []);
      const result = await runStats({ ...opts, databaseUrl: urls, sampleSeconds: opts.sampleSeconds ?? 10 });
      if (result.path) process.stdout.write(result.summary);
      else {
        process.stdout.write(result.json);
        process.stderr.write(result.summary);
      }
    });
}

function addGithubActionCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('github-action')
    .description('Inside a GitHub Actions pull_request job: review the PR and post the comment and the check with the workflow token.')
    .action(async () => {
      const { runAction } = await import('../github/action.js');
      setExit(await runAction(process.env));
    });
}

/** A commander argument parser for a whole number in [min, max]; `expected` completes "expected …". */
function integerIn(min: number, max: number, expected: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${expected}`);
    return n;
  };
}
