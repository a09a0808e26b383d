/**
 * The synth pipeline: build Apps -> render in memory -> validate -> serialise -> atomic swap of `dist/`.
 * Nothing is written unless every environment rendered and validated.
 */
import { App } from 'cdk8s';
import { PlatformError } from '../../constructs/lib/errors';
import { validateEnvironments, ValidationFailedError, ValidationReport } from '../validate';
import { OutputFile, writeTreeAtomically } from './output';
import { renderApp, RenderedEnvironment } from './render';
import { toYaml } from './yaml';

/** Builds one cdk8s App per environment, each with outdir `<outdir>/<env>`. */
export type BuildFunction = (outdir: string) => App[] | Promise<App[]>;

/** Options of `synthesize`. */
export interface SynthOptions {
  /** Output directory (a link to the current generation). */
  readonly outdir: string;
  /** Progress output. @default - silent */
  readonly log?: (line: string) => void;
}

/** What a synth did. */
export interface SynthSummary {
  readonly environments: readonly { readonly name: string; readonly applications: number; readonly objects: number }[];
  readonly files: number;
  readonly report: ValidationReport;
}

/** Build and render every environment in memory. */
export async function renderEnvironments(build: BuildFunction, outdir: string): Promise<RenderedEnvironment[]> {
  const apps = await build(outdir);
  const rendered = apps.map((app) => renderApp(app));
  const seen = new Set<string>();
  for (const env of rendered) {
    if (seen.has(env.name)) throw new PlatformError(`two Apps write environment '${env.name}'; every environment needs its own outdir`);
    seen.add(env.name);
  }
  return rendered;
}

/** The files of the rendered tree: `<env>/<app>/<Kind>.<name>.yaml`. */
export function outputFiles(envs: readonly RenderedEnvironment[]): OutputFile[] {
  const files: OutputFile[] = [];
  for (const env of envs) {
    for (const app of env.applications) {
      for (const { file, object } of app.objects) {
        files.push({ path: `${env.name}/${app.name}/${file}`, content: toYaml(object) });
      }
    }
  }
  return files;
}

/** Render, validate, then atomically replace `options.outdir`. Throws (writing nothing) on any error. */
export async function synthesize(build: BuildFunction, options: SynthOptions): Promise<SynthSummary> {
  const log = options.log ?? ((): void => undefined);
  const started = Date.now();
  const envs = await renderEnvironments(build, options.outdir);
  for (const env of envs) {
    const objects = env.applications.reduce((n, a) => n + a.objects.length, 0);
    log(`rendered ${env.name}: ${env.applications.length} applications, ${objects} objects`);
  }
  const report = validateEnvironments(envs);
  for (const line of report.summaryLines()) log(line);
  if (report.errors.length > 0) throw new ValidationFailedError(report);

  const files = outputFiles(envs);
  await writeTreeAtomically(options.outdir, files);
  log(`wrote ${files.length} files to ${options.outdir}/ in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  return {
    environments: envs.map((env) => ({
      name: env.name,
      applications: env.applications.length,
      objects: env.applications.reduce((n, a) => n + a.objects.length, 0),
    })),
    files: files.length,
    report,
  };
}
