/**
 * The synth pipeline on both cores: the synthesising thread builds and renders cluster after cluster while a
 * worker thread validates and writes what it rendered (the `OutputStage`, tools/synth/stage.ts), application by
 * application as each is rendered.
 *
 * The worker runs a start-up bundle of its own (tools/synth/worker-main.ts: validation, YAML and output, no
 * constructs or bindings), built and cached by tools/cli/start.cjs like every command's bundle. It is used only
 * when the command itself runs from its bundle (tools/cli/start.cjs provides the hooks), the machine has a second
 * core and `PLATFORM_SYNTH_WORKERS` is not `0`; otherwise (tests, `PLATFORM_SYNTH_START=tsx`) the stage runs in the
 * synthesising thread, with the same results.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PlatformError } from '../../constructs/lib/errors';
import { ValidationReport } from '../validate';
import type { ExemptedFinding, Finding } from '../validate';
import type { OutputStageOptions, OutputStageResult } from './stage';
import type { RenderedApplication, RenderedDirectoryHeader } from './render';

/** The worker's program (its own bundle). */
export const WORKER_ENTRY = path.join(__dirname, 'worker-main.ts');

/** What tools/cli/start.cjs gives a program it runs from a bundle (see `START_HOOKS` there). */
interface StartHooks {
  /** The launcher script: a worker thread started on it runs the bundle named in its `workerData`. */
  readonly script: string;
  /** The current bundle of a program without a platform (reused or built), undefined when it cannot be built. */
  readonly bundleOf: (entry: string) => Promise<string | undefined>;
}

const START_HOOKS = Symbol.for('platform-synth.start');

function startHooks(): StartHooks | undefined {
  return (globalThis as { [START_HOOKS]?: StartHooks })[START_HOOKS];
}

/** `workerData` of the stage worker. */
export interface StageWorkerData {
  /** The bundle tools/cli/start.cjs runs in the worker. */
  readonly platformSynthBundle: string;
  readonly stage: OutputStageOptions;
}

/**
 * Messages to the worker: each cluster as a batch (`begin` with the directories of one App, an `application` for
 * each of their applications as it is rendered, `end`), then `finish`.
 */
export type ToStageWorker =
  | { readonly type: 'begin'; readonly directories: readonly RenderedDirectoryHeader[] }
  | { readonly type: 'application'; readonly directory: string; readonly application: RenderedApplication }
  | { readonly type: 'end' }
  | { readonly type: 'finish' };

/** Messages from the worker. */
export type FromStageWorker =
  | { readonly type: 'progress'; readonly lines: readonly string[] }
  | {
    readonly type: 'finished';
    readonly findings: readonly Finding[];
    readonly checked: ReadonlyMap<string, number>;
    readonly exempted: readonly ExemptedFinding[];
    readonly files: number;
    readonly linked: number;
  }
  | { readonly type: 'failed'; readonly message: string; readonly userError: boolean; readonly stack?: string };

/** An error thrown in the worker, as the synthesising thread re-throws it (user errors keep their message). */
function workerError(message: FromStageWorker & { type: 'failed' }): Error {
  if (message.userError) return new PlatformError(message.message);
  const error = new Error(message.message);
  if (message.stack !== undefined) error.stack = message.stack;
  return error;
}

/**
 * When synth hands validation and writing to a worker thread: `auto` for clusters of `STAGE_WORKER_MIN_OBJECTS`
 * objects or more, `always` for every cluster, `off` never. Only from a bundle, on two cores or more.
 */
export type StageWorkerMode = 'auto' | 'always' | 'off';

/** The mode `PLATFORM_SYNTH_WORKERS` asks for (`0`: off, `1`: always, unset: auto), off without a bundle or a second core. */
export function stageWorkerMode(env: NodeJS.ProcessEnv = process.env): StageWorkerMode {
  const value = env.PLATFORM_SYNTH_WORKERS;
  const asked: StageWorkerMode | undefined = value === undefined || value === '' ? 'auto' : value === '0' ? 'off' : value === '1' ? 'always' : undefined;
  if (asked !== undefined) return startHooks() === undefined || availableParallelism() < 2 ? 'off' : asked;
  throw new PlatformError(`PLATFORM_SYNTH_WORKERS is '${value}'. Fix: set it to 0 (validate and write in the main thread), 1 (always in a worker thread) or leave it unset (a worker thread for large clusters)`);
}

/**
 * At most this many clusters wait for the worker: the synthesising thread pauses at the end of a cluster beyond
 * (bounded memory: the cluster being validated and written, one queued, the one being rendered).
 */
const MAX_QUEUED = 1;

/** The output stage in a worker thread. */
export class StageWorker {
  /** Start the worker (building its bundle first if needed); undefined when no bundle can be had. */
  public static async start(options: OutputStageOptions, log: (line: string) => void): Promise<StageWorker | undefined> {
    const hooks = startHooks();
    if (hooks === undefined) return undefined;
    const bundle = await hooks.bundleOf(WORKER_ENTRY);
    if (bundle === undefined) return undefined;
    const data: StageWorkerData = { platformSynthBundle: bundle, stage: options };
    return new StageWorker(new Worker(hooks.script, { workerData: data }), log);
  }

  private queued = 0;
  private failure: Error | undefined;
  private resumed: (() => void) | undefined;
  private readonly result: Promise<OutputStageResult>;

  private constructor(private readonly worker: Worker, log: (line: string) => void) {
    this.result = new Promise<OutputStageResult>((resolve, reject) => {
      const fail = (error: Error): void => {
        this.failure ??= error;
        this.resume();
        reject(this.failure);
      };
      worker.on('message', (message: FromStageWorker) => {
        if (message.type === 'progress') {
          for (const line of message.lines) log(line);
          this.queued--;
          this.resume();
        } else if (message.type === 'finished') {
          resolve({ report: new ValidationReport(message.findings, message.checked, message.exempted), files: message.files, linked: message.linked });
        } else {
          fail(workerError(message));
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => fail(new Error(`the synth worker thread stopped (exit code ${code}) before it finished`)));
    });
    // Until `finish()` is awaited, a failure is reported by the next `add()`.
    this.result.catch(() => undefined);
  }

  private resume(): void {
    const resumed = this.resumed;
    this.resumed = undefined;
    resumed?.();
  }

  /** Start handing over one App's directories (their applications follow, then `end`). */
  public begin(directories: readonly RenderedDirectoryHeader[]): void {
    this.post({ type: 'begin', directories });
  }

  /** Hand over one application of the batch as soon as it is rendered. */
  public addApplication(directory: string, application: RenderedApplication): void {
    this.post({ type: 'application', directory, application });
  }

  /** End the batch; waits while the previous one is still being validated and written. */
  public async end(): Promise<void> {
    this.post({ type: 'end' });
    this.queued++;
    while (this.queued > MAX_QUEUED && this.failure === undefined) {
      await new Promise<void>((resolve) => { this.resumed = resolve; });
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Post a message (throws the worker's failure instead once there is one). */
  private post(message: ToStageWorker): void {
    if (this.failure !== undefined) throw this.failure;
    this.worker.postMessage(message);
  }

  /** Wait until every cluster was validated and written; the merged findings and counts. */
  public async finish(): Promise<OutputStageResult> {
    this.worker.postMessage({ type: 'finish' } satisfies ToStageWorker);
    try {
      return await this.result;
    } finally {
      await this.worker.terminate();
    }
  }

  /** Stop the worker (after a failure in the synthesising thread). */
  public async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
