/**
 * The second half of the synth pipeline: validate each rendered cluster, serialise its objects to YAML and
 * write them into the new generation of `dist/`. It runs in the synthesising thread, or in a worker thread
 * (tools/synth/worker.ts) while that thread builds and renders the next cluster.
 *
 * Its input is plain data (`RenderedDirectory`: a rendered directory without its constructs), so it can be handed
 * to another thread as it is.
 */
import { ValidationReport, ValidationSession } from '../validate';
import type { OutputFile } from './output';
import { TreeWriter } from './output';
import type { RenderedApplication, RenderedDirectory, RenderedDirectoryHeader } from './render';
import { toYaml } from './yaml';

/**
 * The files of one or more rendered environments, `<env>/<app>/<Kind>.<name>.yaml`, each serialised when it is
 * asked for (writing a cluster holds one file's YAML at a time, not the whole cluster's).
 */
export function* eachOutputFile(envs: readonly RenderedDirectory[]): Generator<OutputFile> {
  for (const env of envs) {
    for (const app of env.applications) yield* applicationFiles(env.name, app);
  }
}

/** The files of one application of directory `directory`, each serialised when it is asked for. */
function* applicationFiles(directory: string, application: RenderedApplication): Generator<OutputFile> {
  for (const { file, object } of application.objects) {
    yield { path: `${directory}/${application.name}/${file}`, content: toYaml(object) };
  }
}

/** The files of one or more rendered environments, all at once (see `eachOutputFile`). */
export function outputFiles(envs: readonly RenderedDirectory[]): OutputFile[] {
  return [...eachOutputFile(envs)];
}

/** Where the stage writes: the generation being written, and the current one (unchanged files are linked from it). */
export interface OutputStageOptions {
  /** Directory of the generation being written (`Generation.root`). */
  readonly root: string;
  /** The current generation. @default - none: every file is written */
  readonly previous?: string;
  /**
   * `root` is a recycled generation (`Generation.recycled`): what the stage does not write there is removed at
   * `finish()`. @default false
   */
  readonly recycled?: boolean;
  /** Validate before writing. @default true */
  readonly validate?: boolean;
}

/** What the stage did, once every cluster went through it. */
export interface OutputStageResult {
  /** Every cluster's findings (empty when validation was off). */
  readonly report: ValidationReport;
  /** Files of the new generation (written or linked). */
  readonly files: number;
  /** Of those, files hard-linked from the previous generation. */
  readonly linked: number;
}

/**
 * Validates and writes rendered clusters, one at a time, in the order given, each as a batch: `begin` with the
 * directories of one App, `addApplication` for each of their applications as it is rendered (its objects checked
 * alone, then written), `end` for the checks across the cluster's objects; `add` does all three for directories
 * rendered whole. The checks across clusters run in `finish()`. Once an error was found the rest is still
 * validated (every finding is reported) but nothing more is written; a generation with errors is never committed.
 */
export class OutputStage {
  private readonly validation: ValidationSession | undefined;
  private failedValidation = false;
  /** Made at the first write: one writer for every cluster (a recycled root is read once, cleared once). */
  private writer: TreeWriter | undefined;

  public constructor(private readonly options: OutputStageOptions) {
    this.validation = (options.validate ?? true) ? new ValidationSession() : undefined;
  }

  /** Validate (everything that lands on one cluster together) and write one cluster's directories; returns progress lines. */
  public add(envs: readonly RenderedDirectory[]): string[] {
    this.begin(envs);
    for (const env of envs) for (const application of env.applications) this.addApplication(env.name, application);
    return this.end();
  }

  /** Start a batch: the directories of one App, before any of their applications. */
  public begin(directories: readonly RenderedDirectoryHeader[]): void {
    this.validation?.begin(directories);
  }

  /** Check the objects of one application of the batch alone, then write them (unless an error was found). */
  public addApplication(directory: string, application: RenderedApplication): void {
    if (this.validation !== undefined && this.validation.checkApplication(directory, application) > 0) this.failedValidation = true;
    if (!this.failedValidation) this.treeWriter().write(applicationFiles(directory, application));
  }

  /** End the batch: the checks across each cluster's objects; returns the progress lines of its directories. */
  public end(): string[] {
    if (this.validation === undefined) return [];
    const report = this.validation.end();
    this.failedValidation ||= report.errors.length > 0;
    return report.summaryLines();
  }

  private treeWriter(): TreeWriter {
    this.writer ??= new TreeWriter(this.options.root, this.options.previous, this.options.recycled ?? false);
    return this.writer;
  }

  /** True once a cluster failed validation (nothing more is written). */
  public get failed(): boolean {
    return this.failedValidation;
  }

  /**
   * Every cluster's findings, with the checks across clusters, and what was written; a recycled root is left
   * holding only what was written (also when nothing was: a platform of no clusters).
   */
  public finish(): OutputStageResult {
    const report = this.validation?.finish() ?? new ValidationReport([], new Map());
    if (!this.failedValidation && report.errors.length === 0) this.treeWriter().finish();
    return { report, files: (this.writer?.written ?? 0) + (this.writer?.linked ?? 0), linked: this.writer?.linked ?? 0 };
  }
}
