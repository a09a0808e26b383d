/**
 * `npm run publish:rendered -- [--env <env>]... [--repo <git-url-or-path>] [--branch <name>]`: render, validate
 * and commit the output to the rendered branches Argo CD reads (tools/publish; branches: tools/publish/branches.ts).
 */
import * as path from 'node:path';
import { resolveRepository } from '../git';
import { planTargets, publishRendered, PublishValidationError } from '../publish';
import type { BuildFunction } from '../synth';
import { formatFindings } from '../validate/format';
import { loadPlatform, PLATFORM_OPTION, PLATFORM_USAGE } from './platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from './run';

const USAGE = `usage: npm run publish:rendered -- [--platform <name>] [--env <name>]... [--repo <git-url-or-path>]
                                  [--branch <name>] [--allow-dirty] [--allow-diverged] [--max-attempts <n>] [--verbose]

Renders and validates every environment, then commits the output to the rendered branches (Argo CD Source
Hydrator layout: <env>/<app>/ with README.md, hydrator.metadata and the .platform-synth ownership marker, root
hydrator.metadata, .gitattributes). The source commit is HEAD of the repository this project is in. Which
branch holds which environment follows each environment's gitops.layout: 'shared' (every environment on
gitops.branch), 'per-environment' (<gitops.branch>/<env>) or 'promoter' (GitOps Promoter: publish writes
<gitops.branch>/<env>-next, Argo CD reads <gitops.branch>/<env>).

${PLATFORM_USAGE}
  --env <name>         publish only this environment (repeatable; a shared branch needs all of its environments)
  --repo <url|path>    repository of the rendered branches (default: each environment's gitops.repoURL)
  --branch <name>      publish to this branch instead (only when the environments go to one branch)
  --allow-dirty        publish although tracked files have uncommitted changes (drySha gets '-dirty'; refused
                       for per-environment and promoter branches, which record full commit SHAs)
  --allow-diverged     replace a branch published from a history that is not an ancestor of HEAD
  --max-attempts <n>   pushes to try per branch when other publishers move it meanwhile (default 5)

Exit codes: 0 published, nothing to publish, or a newer source is already published; 1 error (the branch that
failed and those after it were not pushed); 2 usage error.`;

/** The publish command. Returns the exit code. */
export async function publishCommand(argv: readonly string[], io: CommandIO = PROCESS_IO, projectDir = path.resolve(__dirname, '../..'), buildApps?: BuildFunction): Promise<number> {
  return runCommand('publish', argv, async () => {
    const { values } = parseCommandLine('publish', argv, {
      ...PLATFORM_OPTION,
      'env': { type: 'string', multiple: true },
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
    const platform = await loadPlatform(values.platform);
    const environments = platform.environments;
    const names = environments.map((e) => e.name);
    const selected = values.env === undefined ? undefined : [...new Set(values.env)];
    for (const name of selected ?? []) {
      if (!names.includes(name)) throw new UsageError(`--env '${name}' is not an environment (environments: ${names.join(', ')})`);
    }
    const repo = values.repo === undefined ? undefined : resolveRepository(values.repo, process.cwd());
    let targets = planTargets(environments, selected, repo)
      .map((t) => ({ ...t, repo: values.repo === undefined ? resolveRepository(t.repo, process.cwd()) : t.repo }));
    if (values.branch !== undefined) {
      if (targets.length !== 1) {
        throw new UsageError(`--branch names one branch, but the selected environments go to ${targets.length} branches (${targets.map((t) => `${t.branch}: ${t.environments.join(', ')}`).join('; ')}); drop --branch, or select the environments of one branch with --env`);
      }
      targets = targets.map((t) => ({ ...t, branch: values.branch as string }));
    }
    const log = (line: string): void => io.out(`publish: ${line}`);
    try {
      const outcomes = await publishRendered({
        build: buildApps ?? platform.build,
        projectDir,
        targets,
        allowDirty: values['allow-dirty'],
        allowDiverged: values['allow-diverged'],
        maxAttempts,
        log,
      });
      for (const outcome of outcomes) {
        if (outcome.status === 'published') log(`done: '${outcome.branch}' at ${outcome.commit}`);
      }
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
