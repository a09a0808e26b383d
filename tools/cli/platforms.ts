/**
 * Which platform a command works on: the reference platform at the repository's root (`main.ts`), or
 * `examples/<name>/main.ts` with `--platform <name>`. Every platform entry point exports `build` (one cdk8s App
 * per cluster) and `environments`; the commands import it, never the reverse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../kit';
import type { BuildFunction } from '../synth';
import { PlatformError } from '../../constructs/lib/errors';
import { closest } from '../../constructs/lib/suggest';
import { importModule } from './modules';
import { UsageError } from './run';

/** The repository root (tools/cli/ -> ../..). */
export const PROJECT_ROOT: string = path.resolve(__dirname, '../..');

/** A loaded platform entry point. */
export interface LoadedPlatform {
  /** `reference`, or the example's name. */
  readonly name: string;
  /** The platform's directory, relative to the project (`''` for the reference platform). */
  readonly dir: string;
  readonly build: BuildFunction;
  readonly environments: readonly EnvironmentConfig[];
}

/** Names of the platforms in examples/ (directories with a main.ts). */
export function examplePlatforms(projectDir = PROJECT_ROOT): string[] {
  const examples = path.join(projectDir, 'examples');
  if (!fs.existsSync(examples)) return [];
  return fs.readdirSync(examples, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(examples, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

/** The directory of platform `name` relative to the project (`undefined`/`reference`: the root). */
export function platformDir(name: string | undefined, projectDir = PROJECT_ROOT): string {
  if (name === undefined || name === 'reference') return '';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !examplePlatforms(projectDir).includes(name)) {
    const known = ['reference', ...examplePlatforms(projectDir)];
    const hint = closest(name, known);
    throw new UsageError(`unknown platform '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}; the repository has ${known.map((k) => `'${k}'`).join(', ')} (examples/<name>/main.ts). Fix: pass one of them to --platform. Run with --help for usage.`);
  }
  return path.join('examples', name);
}

/** The first file of the platform (not the kit, not a package) on an error's stack, with its line. */
function platformFrame(error: Error, projectDir: string): string | undefined {
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    const file = match?.[1]?.replace(/^file:\/\//, '');
    if (file === undefined || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const relative = path.relative(projectDir, file);
    if (relative.startsWith('..') || relative.startsWith(`tools${path.sep}`) || relative.startsWith(`constructs${path.sep}`)) continue;
    return `${relative}:${match?.[2] ?? '?'}`;
  }
  return undefined;
}

/** What an error thrown while a platform's modules load means, in plain words. */
function plainCause(error: Error): string {
  const message = error.message;
  if (/Cannot (assign to read only property|add property|delete property)|object is not extensible/.test(message)) {
    return `${message}: environments and platforms are frozen once defined; change the value in the file that defines it (defineEnvironment/defineBase/definePlatform), not afterwards`;
  }
  if (/There is already a Construct with name/.test(message)) return `${message}: two applications (or constructs) have the same name; give each its own`;
  if (/Cannot access '.*' before initialization/.test(message)) return `${message}: a module uses a value it imports before that module finished loading (an import cycle); declare it before its use, or pass a function (allowFrom: () => [api])`;
  if (/is not a function|is not a constructor|Cannot read properties of undefined|does not provide an export named|is not defined/.test(message)) {
    return `${message}: a name the file uses is missing (a misspelt import, or an export the module does not have)`;
  }
  return message;
}

/**
 * Load platform `name` (imported inside the command, so a failure to load it is reported as one clear line
 * naming the file and the cause), and cross-check its environments: every environment file of its
 * `environments/` directory is listed in the platform's environments.
 */
export async function loadPlatform(name: string | undefined, projectDir = PROJECT_ROOT): Promise<LoadedPlatform> {
  const dir = platformDir(name, projectDir);
  const entry = path.join(projectDir, dir, 'main.ts');
  let module: { build?: BuildFunction; environments?: readonly EnvironmentConfig[] };
  try {
    module = (await importModule(entry)) as typeof module;
  } catch (error) {
    if (error instanceof PlatformError || !(error instanceof Error)) throw error;
    const where = platformFrame(error, projectDir) ?? path.relative(projectDir, entry);
    throw new PlatformError(`${where}: loading the platform failed: ${plainCause(error)}`);
  }
  if (typeof module.build !== 'function' || !Array.isArray(module.environments)) {
    throw new UsageError(`${path.relative(projectDir, entry)} must export 'build' (platformBuild(platform, environments)) and 'environments'`);
  }
  await checkEnvironmentFiles(path.join(projectDir, dir), module.environments, projectDir);
  return { name: name ?? 'reference', dir, build: module.build, environments: module.environments };
}

/** An environment file that defines an environment the platform does not list is an error (it would not be rendered). */
async function checkEnvironmentFiles(platformRoot: string, environments: readonly EnvironmentConfig[], projectDir: string): Promise<void> {
  const folder = path.join(platformRoot, 'environments');
  if (!fs.existsSync(folder)) return;
  const listed = new Set(environments.map((e) => e.name));
  const problems: string[] = [];
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.ts')).sort()) {
    const exports = (await importModule(path.join(folder, file))) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      if (!isEnvironment(value) || listed.has(value.name)) continue;
      problems.push(`${path.relative(projectDir, path.join(folder, file))} defines environment '${value.name}', which the platform's environment list does not include, so it would not be rendered. Fix: add it to ${path.relative(projectDir, path.join(folder, 'index.ts'))} (or delete the file)`);
    }
  }
  if (problems.length > 0) throw new PlatformError(problems.join('\n'));
}

function isEnvironment(value: unknown): value is EnvironmentConfig {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'environment' && typeof (value as { name?: unknown }).name === 'string';
}

/** The `--platform` option every command takes. */
export const PLATFORM_OPTION = { platform: { type: 'string' } } as const;

/** The usage line of `--platform`. */
export const PLATFORM_USAGE = '  --platform <name>  the platform in examples/<name>/ (default: the reference platform at the root)';
