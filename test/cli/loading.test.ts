/**
 * Mistakes that break loading a platform's modules are reported as one line naming the file and the cause (no
 * stack trace, no "unexpected error"), and an environment file the platform does not list is an error instead of
 * silently not rendered. Real commands on a copy of the project, started as the package scripts start them (the
 * start-up bundle, or the sources with tsx when the bundle cannot be built).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { copyProject, START, removeTempDirs } from '../support/project';

const run = promisify(execFile);
let project: string;

beforeAll(() => {
  project = copyProject('loading');
});
afterAll(removeTempDirs);

/** Run synth with `file` changed by `edit`; the file is restored afterwards. */
async function synthWith(file: string, edit: (text: string) => string): Promise<{ code: number; stderr: string }> {
  const full = path.join(project, file);
  const original = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
  fs.writeFileSync(full, edit(original ?? ''));
  try {
    await run(process.execPath, [...START, 'tools/cli/synth.ts', '--quiet', '--outdir', path.join(project, 'out')], { cwd: project });
    return { code: 0, stderr: '' };
  } catch (e) {
    const failure = e as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  } finally {
    if (original === undefined) fs.rmSync(full);
    else fs.writeFileSync(full, original);
  }
}

test.each([
  ['an environment file left out of the list', 'environments/qa.ts', () => "import { defineEnvironment } from '../tools/kit';\nimport { base } from './base';\n\nexport const qa = defineEnvironment(base, { name: 'qa', stage: 'development', storage: { mode: 'dynamic', storageClassName: 'standard' } });\n",
    "environments/qa.ts defines environment 'qa', which the platform's environment list does not include, so it would not be rendered. Fix: add it to environments/index.ts"],
  ['a frozen environment changed after it is defined', 'environments/prod.ts', (t: string) => `${t}\n(prod as unknown as { stage: string }).stage = 'staging';\n`,
    /environments\/prod\.ts:\d+: loading the platform failed: Cannot assign to read only property 'stage'.*: environments and platforms are frozen once defined/],
  ['a misspelt import', 'environments/dev.ts', (t: string) => t.replace("import { defineEnvironment } from '../tools/kit';", "import { defineEnviroment as defineEnvironment } from '../tools/kit';"),
    /environments\/dev\.ts:\d+: loading the platform failed: .*is not a function: a name the file uses is missing/],
  ['a plain object listed as an environment', 'environments/index.ts', (t: string) => t.replace('[dev, staging, prod]', "[dev, staging, prod, { name: 'qa', stage: 'staging' } as unknown as EnvironmentConfig]"),
    /charts\/healthxcape\.ts, field 'environments\[3\]': is not an environment: environments are made with defineEnvironment/],
] as const)('%s', async (_what, file, edit, message) => {
  const result = await synthWith(file, edit);
  expect(result.code).toBe(1);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('unexpected error');
}, 60000);
