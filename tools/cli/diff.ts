/**
 * `npm run diff -- <base-ref> [<head-ref>]` and `npm run diff -- --env <a> --env <b> [<ref>]`: rendered diffs as
 * Markdown for a pull-request comment (tools/diff).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffEnvironments, diffRevisions, loadEnvironmentFacts } from '../diff';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const USAGE = `usage: npm run diff -- <base-ref> [<head-ref>] [--platform <name>] [--output <file>] [--context <n>] [--max-chars <n>]
       npm run diff -- --env <a> --env <b> [<ref>] [--output <file>] [--context <n>]

Renders two source revisions, each with its own code (a temporary git worktree; <head-ref> omitted: the
working tree), and prints the difference of the rendered objects as Markdown for a pull-request comment:
a summary table, risky changes (deletions, storage size/class, selectors, replica drops in production,
Kafka topic partitions/replicas), then one unified diff per changed object.

With --env twice, compares two environments of one revision (default: the working tree) instead.

${PLATFORM_USAGE}
  --output <file>    write the Markdown to <file> instead of stdout
  --context <n>      context lines around changes (default 3)
  --max-chars <n>    leave out per-object diffs beyond this size (default 60000; GitHub's limit is 65536)

Exit codes: 0 whether or not there are differences; 1 error; 2 usage error.`;

function positiveInteger(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** The diff command. Returns the exit code. */
export async function diffCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, projectDir = path.resolve(__dirname, '../..')): Promise<number> {
  return runCommand('diff', argv, async () => {
    const { values, positionals } = parseCommandLine('diff', argv, {
      ...PLATFORM_OPTION,
      'env': { type: 'string', multiple: true },
      'output': { type: 'string' },
      'context': { type: 'string', default: '3' },
      'max-chars': { type: 'string', default: '60000' },
      'verbose': { type: 'boolean', default: false },
      'help': { type: 'boolean', default: false },
    }, true);
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const context = positiveInteger('--context', values.context, 0);
    const maxChars = positiveInteger('--max-chars', values['max-chars'], 1000);
    const envs = values.env ?? [];
    if (envs.length > 0) {
      if (envs.length !== 2) throw new UsageError(`--env must be given exactly twice (--env dev --env prod), got ${envs.length}`);
      if (positionals.length > 1) throw new UsageError(`with --env, give at most one revision, got ${positionals.join(' ')}`);
      if (envs[0] === envs[1]) throw new UsageError(`compare two different environments, got '${envs[0]}' twice`);
    } else if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError(`expected <base-ref> [<head-ref>], got ${positionals.length} revisions. Run with --help for usage.`);
    }
    const facts = await loadEnvironmentFacts(() => loadPlatform(values.platform));
    const log = (line: string): void => io.err(`diff: ${line}`);
    const options = { projectDir, platform: values.platform, facts, context, maxChars, log };
    const markdown = envs.length > 0
      ? (await diffEnvironments(envs[0] as string, envs[1] as string, positionals[0], options)).markdown
      : (await diffRevisions(positionals[0] as string, positionals[1], options)).markdown;
    if (values.output !== undefined) {
      fs.writeFileSync(values.output, markdown);
      log(`wrote ${values.output}`);
    } else {
      io.out(markdown.replace(/\n$/, ''));
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void diffCommand(process.argv.slice(2));
}
