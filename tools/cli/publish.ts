/**
 * `npm run publish:rendered -- [--repo <git-url-or-path>] [--branch <name>]`: render, validate and commit the
 * output to the rendered branch Argo CD reads (tools/publish).
 */
import * as path from 'node:path';
import type { EnvironmentConfig } from '../kit';
import { resolveRepository } from '../git';
import { publishRendered, PublishValidationError } from '../publish';
import type { BuildFunction } from '../synth';
import { formatFindings } from '../validate/format';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const USAGE = `usage: npm run publish:rendered -- [--platform <name>] [--repo <git-url-or-path>] [--branch <name>] [--allow-dirty]
                                  [--allow-diverged] [--max-attempts <n>] [--verbose]

Renders and validates every environment, then commits the output to the rendered branch (Argo CD Source
Hydrator layout: <env>/<app>/ with README.md and hydrator.metadata, root hydrator.metadata, .gitattributes).
The source commit is HEAD of the repository this project is in.

${PLATFORM_USAGE}
  --repo <url|path>    repository of the rendered branch (default: the environments' gitops.repoURL)
  --branch <name>      rendered branch (default: the environments' gitops.branch)
  --allow-dirty        publish although tracked files have uncommitted changes (drySha gets '-dirty')
  --allow-diverged     replace a branch published from a history that is not an ancestor of HEAD
  --max-attempts <n>   pushes to try when other publishers move the branch meanwhile (default 5)

Exit codes: 0 published, nothing to publish, or a newer source is already published; 1 error (nothing was
pushed); 2 usage error.`;

/** The value all environments share for one gitops setting, or a usage error naming the disagreement. */
function commonSetting(envs: readonly EnvironmentConfig[], key: 'repoURL' | 'branch', flag: string): string {
  const values = new Set(envs.map((e) => e.gitops[key]));
  if (values.size === 1) return [...values][0] as string;
  const listing = envs.map((e) => `${e.name}: ${JSON.stringify(e.gitops[key])}`).join(', ');
  throw new UsageError(`the environments disagree on gitops.${key} (${listing}), so there is no default; pass ${flag} (and publish once per ${key === 'branch' ? 'branch' : 'repository'})`);
}

/** The publish command. Returns the exit code. */
export async function publishCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, projectDir = path.resolve(__dirname, '../..'), buildApps?: BuildFunction): Promise<number> {
  return runCommand('publish', argv, async () => {
    const { values } = parseCommandLine('publish', argv, {
      ...PLATFORM_OPTION,
      'repo': { type: 'string' },
      'branch': { type: 'string' },
      'allow-dirty': { type: 'boolean', default: false },
      'allow-diverged': { type: 'boolean', default: false },
      'max-attempts': { type: 'string', default: '5' },
      'verbose': { type: 'boolean', default: false },
      'help': { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const maxAttempts = Number(values['max-attempts']);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new UsageError(`--max-attempts must be an integer >= 1, got '${values['max-attempts']}'`);
    }
    let repo = values.repo;
    let branch = values.branch;
    const platform = await loadPlatform(values.platform);
    if (repo === undefined || branch === undefined) {
      repo ??= commonSetting(platform.environments, 'repoURL', '--repo');
      branch ??= commonSetting(platform.environments, 'branch', '--branch');
    }
    const log = (line: string): void => io.out(`publish: ${line}`);
    try {
      const outcome = await publishRendered({
        build: buildApps ?? platform.build,
        projectDir,
        repo: resolveRepository(repo, process.cwd()),
        branch,
        allowDirty: values['allow-dirty'],
        allowDiverged: values['allow-diverged'],
        maxAttempts,
        log,
      });
      if (outcome.status === 'published') log(`done: ${outcome.commit}`);
    } catch (error) {
      if (error instanceof PublishValidationError) {
        for (const line of formatFindings(error.report.findings)) io.err(line);
      }
      throw error;
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void publishCommand(process.argv.slice(2));
}
