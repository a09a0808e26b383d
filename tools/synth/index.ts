/**
 * The synth pipeline, one environment at a time: build its App -> render in memory -> validate -> serialise
 * into a new generation of `dist/`; when every environment passed, swap the generation in atomically. Only
 * one environment's objects are in memory at once; nothing becomes visible unless all of them rendered and
 * validated, and every finding of every environment is reported together.
 */
import { App } from 'cdk8s';
import { PlatformError } from '../../constructs/lib/errors';
import { validateEnvironments, ValidationFailedError, ValidationReport } from '../validate';
import { Generation, OutputFile } from './output';
import { renderApp, RenderedEnvironment } from './render';
import { toYaml } from './yaml';

/** Apps, one per cluster (each renders one or more directories `<outdir>/<env>/`): built eagerly, or one at a time. */
export type AppSource = Iterable<App> | AsyncIterable<App> | Promise<Iterable<App> | AsyncIterable<App>>;

/** Builds one cdk8s App per cluster (see main.ts and tools/kit/build.ts). */
export type BuildFunction = (outdir: string) => AppSource;

/** Options of `synthesize`. */
export interface SynthOptions {
  /** Output directory (a link to the current generation). */
  readonly outdir: string;
  /** Progress output. @default - silent */
  readonly log?: (line: string) => void;
  /**
   * Run validation (the benchmark measures synth alone with `false`; the commands always validate).
   * @default true
   */
  readonly validate?: boolean;
}

/** What a synth did. */
export interface SynthSummary {
  readonly environments: readonly { readonly name: string; readonly applications: number; readonly objects: number }[];
  readonly files: number;
  readonly report: ValidationReport;
}

/** The Apps of `build`, one at a time (whatever form `build` returns them in). */
export async function* eachApp(build: BuildFunction, outdir: string): AsyncGenerator<App> {
  yield* await build(outdir);
}

function countObjects(env: RenderedEnvironment): number {
  return env.applications.reduce((n, a) => n + a.objects.length, 0);
}

/** Build and render every environment in memory (for the commands that need them all: validate, diff, publish). */
export async function renderEnvironments(build: BuildFunction, outdir: string): Promise<RenderedEnvironment[]> {
  const rendered: RenderedEnvironment[] = [];
  const seen = new Set<string>();
  for await (const app of eachApp(build, outdir)) {
    for (const env of renderApp(app)) {
      if (seen.has(env.name)) throw new PlatformError(`two clusters render directory '${env.name}'; every environment and cluster needs a name of its own`);
      seen.add(env.name);
      rendered.push(env);
    }
  }
  return rendered;
}

/** The files of one or more rendered environments: `<env>/<app>/<Kind>.<name>.yaml`. */
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

/** Merge per-environment validation reports. */
function mergeReports(reports: readonly ValidationReport[]): ValidationReport {
  return new ValidationReport(
    reports.flatMap((r) => r.findings),
    new Map(reports.flatMap((r) => [...r.checked])),
    reports.flatMap((r) => r.exempted),
  );
}

/** Render, validate, then atomically replace `options.outdir`. Throws (changing nothing) on any error. */
export async function synthesize(build: BuildFunction, options: SynthOptions): Promise<SynthSummary> {
  const log = options.log ?? ((): void => undefined);
  const started = Date.now();
  const generation = Generation.begin(options.outdir);
  try {
    const reports: ValidationReport[] = [];
    const summaries: SynthSummary['environments'][number][] = [];
    let files = 0;
    let failed = false;
    for await (const app of eachApp(build, options.outdir)) {
      const envs = renderApp(app);
      for (const env of envs) {
        if (summaries.some((s) => s.name === env.name)) {
          throw new PlatformError(`two clusters render directory '${env.name}'; every environment and cluster needs a name of its own`);
        }
        const objects = countObjects(env);
        summaries.push({ name: env.name, applications: env.applications.length, objects });
        log(`rendered ${env.name}: ${env.applications.length} applications, ${objects} objects`);
      }
      if (options.validate ?? true) {
        // Everything that lands on one cluster is validated together.
        const report = validateEnvironments(envs);
        reports.push(report);
        for (const line of report.summaryLines()) log(line);
        failed ||= report.errors.length > 0;
      }
      // Keep validating the other clusters after a failure (all findings are reported), but stop writing.
      if (!failed) {
        const envFiles = outputFiles(envs);
        generation.write(envFiles);
        files += envFiles.length;
      }
    }
    const report = mergeReports(reports);
    if (report.errors.length > 0) throw new ValidationFailedError(report);
    generation.commit();
    const { linked } = generation.stats;
    log(`wrote ${files} files to ${options.outdir}/ in ${((Date.now() - started) / 1000).toFixed(2)} s${linked > 0 ? ` (${linked} unchanged)` : ''}`);
    return { environments: summaries, files, report };
  } catch (e) {
    generation.abort();
    throw e;
  }
}
