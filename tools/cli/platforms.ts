/**
 * Which platform a command works on: the reference platform at the repository's root (`main.ts`), or
 * `examples/<name>/main.ts` with `--platform <name>`. Every platform entry point exports `build` (one cdk8s App
 * per cluster) and `environments`; the commands import it, never the reverse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../kit';
import type { BuildFunction } from '../synth';
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
    throw new UsageError(`unknown platform '${name}'; the repository has ${known.map((k) => `'${k}'`).join(', ')} (examples/<name>/main.ts). Run with --help for usage.`);
  }
  return path.join('examples', name);
}

/** Load platform `name` (imported inside the command, so a failure to load it is reported as one clear line). */
export async function loadPlatform(name: string | undefined, projectDir = PROJECT_ROOT): Promise<LoadedPlatform> {
  const dir = platformDir(name, projectDir);
  const entry = path.join(projectDir, dir, 'main.ts');
  const module = (await import(entry)) as { build?: BuildFunction; environments?: readonly EnvironmentConfig[] };
  if (typeof module.build !== 'function' || !Array.isArray(module.environments)) {
    throw new UsageError(`${path.relative(projectDir, entry)} must export 'build' (platformBuild(platform, environments)) and 'environments'`);
  }
  return { name: name ?? 'reference', dir, build: module.build, environments: module.environments };
}

/** The `--platform` option every command takes. */
export const PLATFORM_OPTION = { platform: { type: 'string' } } as const;

/** The usage line of `--platform`. */
export const PLATFORM_USAGE = '  --platform <name>  the platform in examples/<name>/ (default: the reference platform at the root)';
