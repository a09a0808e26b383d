/**
 * The synth pipeline, one cluster at a time: build its App -> render in memory, application by application ->
 * validate -> serialise into a new generation of `dist/`; when every cluster passed, swap the generation in
 * atomically. Validation and writing (tools/synth/stage.ts) run in a worker thread for large clusters when there
 * is a second core (tools/synth/worker.ts), each application handed over as soon as it is rendered; then at most
 * three clusters' objects are in memory at once: one being rendered, one queued, one being validated and written.
 * Nothing becomes visible unless all of them rendered and validated, and every finding of every cluster is
 * reported together.
 */
import { App } from 'cdk8s';
import { PlatformError } from '../../constructs/lib/errors';
import { ValidationFailedError, ValidationReport } from '../validate';
import { BoundaryCollector } from './heap';
import { Generation } from './output';
import { renderApp, RenderedEnvironment, renderParts } from './render';
import { OutputStage } from './stage';
import { StageWorker, stageWorkerMode, StageWorkerMode } from './worker';

export { outputFiles } from './stage';

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
  /**
   * Validate and write in a worker thread while the next cluster is built and rendered (tools/synth/worker.ts):
   * `auto` for clusters of `STAGE_WORKER_MIN_OBJECTS` objects or more. Used only when the command runs from its
   * start-up bundle on two cores or more.
   * @default - `PLATFORM_SYNTH_WORKERS`: `0` off, `1` always, unset auto
   */
  readonly workers?: StageWorkerMode;
}

/** What a synth did. */
export interface SynthSummary {
  readonly environments: readonly { readonly name: string; readonly applications: number; readonly objects: number }[];
  readonly files: number;
  readonly report: ValidationReport;
}

/** The Apps of `build` as an iterator (called directly: no generator in between holds on to an App once the next is asked for). */
async function appIterator(build: BuildFunction, outdir: string): Promise<Iterator<App> | AsyncIterator<App>> {
  const apps = await build(outdir);
  return Symbol.asyncIterator in apps ? (apps as AsyncIterable<App>)[Symbol.asyncIterator]() : (apps as Iterable<App>)[Symbol.iterator]();
}

/** Build and render every environment in memory (for the commands that need them all: validate, diff, publish). */
export async function renderEnvironments(build: BuildFunction, outdir: string): Promise<RenderedEnvironment[]> {
  const rendered: RenderedEnvironment[] = [];
  const seen = new Set<string>();
  const apps = await appIterator(build, outdir);
  try {
    for (let next = await apps.next(); next.done !== true; next = await apps.next()) {
      for (const env of renderApp(next.value)) {
        if (seen.has(env.name)) throw new PlatformError(`two clusters render directory '${env.name}'; every environment and cluster needs a name of its own`);
        seen.add(env.name);
        rendered.push(env);
      }
    }
  } catch (e) {
    await apps.return?.(undefined); // as a for-of loop would: the build's generator is closed
    throw e;
  }
  return rendered;
}

/**
 * Objects of a cluster from which validation and writing move to the worker thread. Measured with `npm run bench`
 * on the 2-core VM: at about 1,100 objects per cluster (100 services) the worker gains nothing yet, at 3,200 (300
 * services) and beyond it does; below, starting it costs more than it saves.
 */
export const STAGE_WORKER_MIN_OBJECTS = 2_000;

/** Render, validate, then atomically replace `options.outdir`. Throws (changing nothing) on any error. */
export async function synthesize(build: BuildFunction, options: SynthOptions): Promise<SynthSummary> {
  const log = options.log ?? ((): void => undefined);
  const started = Date.now();
  const mode = options.workers ?? stageWorkerMode();
  const generation = Generation.begin(options.outdir);
  const stageOptions = { root: generation.root, previous: generation.previousRoot, recycled: generation.recycled, validate: options.validate ?? true };
  // The stage in this thread, made at the first cluster unless the worker takes over (it loads the schemas).
  let inline: OutputStage | undefined;
  let worker: StageWorker | undefined;
  let apps: Iterator<App> | AsyncIterator<App> | undefined;
  try {
    const summaries: SynthSummary['environments'][number][] = [];
    let first = true;
    apps = await appIterator(build, options.outdir);
    const iterator = apps;
    // One cluster: built, rendered and handed on (to the worker, or validated and written here); false after the
    // last. Its own function, so that once it returned nothing references the cluster's objects (a suspended async
    // function keeps its locals) and the collection below can free them before the next cluster is built.
    const stageNext = async (): Promise<boolean> => {
      const next = await iterator.next();
      if (next.done === true) return false;
      const { directories: headers, objects, parts } = renderParts(next.value);
      for (const { name } of headers) {
        if (summaries.some((s) => s.name === name)) {
          throw new PlatformError(`two clusters render directory '${name}'; every environment and cluster needs a name of its own`);
        }
      }
      // Decided at the first cluster, so one stage sees every cluster (the checks across clusters need them all):
      // when it is large, every cluster is validated and written in the worker while this thread renders (below
      // that size starting the worker costs more than it saves).
      if (first) {
        first = false;
        if (mode === 'always' || (mode === 'auto' && objects >= STAGE_WORKER_MIN_OBJECTS)) {
          worker = await StageWorker.start(stageOptions, log).catch(() => undefined);
        }
        if (worker === undefined) inline = new OutputStage(stageOptions);
      }
      // Everything that lands on one cluster is validated together; each application is handed on as soon as it
      // is rendered (the worker validates and writes it while this thread renders the next).
      const stage = worker ?? (inline as OutputStage);
      stage.begin(headers);
      const counts = new Map(headers.map((h) => [h.name, { applications: 0, objects: 0 }]));
      for (const { directory, application } of parts) {
        stage.addApplication(directory, application);
        const count = counts.get(directory) as { applications: number; objects: number };
        count.applications++;
        count.objects += application.objects.length;
      }
      for (const [name, count] of counts) {
        summaries.push({ name, ...count });
        log(`rendered ${name}: ${count.applications} applications, ${count.objects} objects`);
      }
      if (worker !== undefined) await worker.end();
      else for (const line of (inline as OutputStage).end()) log(line);
      return true;
    };
    const collector = new BoundaryCollector();
    while (await stageNext()) collector.boundary();
    const { report, files, linked } = worker !== undefined ? await worker.finish() : (inline ?? new OutputStage(stageOptions)).finish();
    worker = undefined;
    if (report.errors.length > 0) throw new ValidationFailedError(report);
    generation.commit();
    log(`wrote ${files} files to ${options.outdir}/ in ${((Date.now() - started) / 1000).toFixed(2)} s${linked > 0 ? ` (${linked} unchanged)` : ''}`);
    return { environments: summaries, files, report };
  } catch (e) {
    await apps?.return?.(undefined); // as a for-of loop would: the build's generator is closed
    await worker?.stop();
    generation.abort();
    throw e;
  }
}
