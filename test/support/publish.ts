/**
 * Helpers for the publish tests: the real command against a bare repository, a publisher whose remote moves
 * right before its first push, and reading the hydrator notes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { git, isolatedEnv, RunResult, runTsx, tempDir } from './project';

/** The rendered branch of the publish tests. */
export const BRANCH = 'rendered';

/** Run `npm run publish:rendered -- --repo <repo> --branch rendered <args>` in the source checkout `cwd`. */
export function publishTo(repo: string, cwd: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return runTsx(cwd, 'tools/cli/publish.ts', ['--repo', repo, '--branch', BRANCH, ...args], env);
}

/**
 * Environment for a publisher whose remote moves right before its first push: a `git` wrapper on its PATH
 * first has a third party commit `file` (content `content`) to the branch of `repo` and push it, then runs
 * the real git. `moved()` tells whether the third party pushed.
 */
export function moveBranchBeforeFirstPush(repo: string, file: string, content: string): { env: NodeJS.ProcessEnv; moved: () => boolean } {
  const thirdParty = path.join(tempDir('third-party'), 'clone');
  git(repo, ['clone', '-q', '-b', BRANCH, repo, thirdParty]);
  const shimDir = tempDir('shim');
  const gitBin = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(path.join(shimDir, 'git'), [
    '#!/bin/sh',
    'for arg in "$@"; do',
    `  if [ "$arg" = push ] && mkdir "${path.join(shimDir, 'moved')}" 2>/dev/null; then`,
    `    g="${gitBin} -C ${thirdParty} -c user.name=Third -c user.email=third@example.com"`,
    // The third party retries too: another publisher may push between its fetch and its push.
    '    for try in 1 2 3 4 5; do',
    `      $g fetch -q origin ${BRANCH} && $g checkout -q -B meanwhile FETCH_HEAD && mkdir -p ${path.dirname(path.join(thirdParty, file))}`,
    `      echo '${content}' > ${path.join(thirdParty, file)} && $g add -A && $g commit -q -m meanwhile && $g push -q origin HEAD:${BRANCH} 2>/dev/null && break`,
    '    done',
    '    break',
    '  fi',
    'done',
    `exec ${gitBin} "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return {
    env: isolatedEnv({ PATH: `${shimDir}:${process.env.PATH ?? ''}` }),
    moved: () => fs.existsSync(path.join(shimDir, 'moved')),
  };
}

/** The `drySha` of the `refs/notes/hydrator.metadata` note on `rev` of `repo`. */
export function noteOn(repo: string, rev: string): string {
  return (JSON.parse(git(repo, ['notes', '--ref=hydrator.metadata', 'show', rev])) as { drySha: string }).drySha;
}

