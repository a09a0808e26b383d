/**
 * Atomic replacement of the whole output tree.
 *
 * `dist` is a symbolic link to a complete generation directory `.dist/gen-<id>/`. A synth writes a new
 * generation next to it and then replaces the link with `rename(2)`, which is atomic: at every instant `dist`
 * is either the previous complete tree or the new complete tree, even if the process is killed with
 * `kill -9` half-way. Replaced generations are renamed to `trash-*` and deleted in the background (they are
 * no longer reachable); leftovers of killed runs are removed on the next successful run.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';

/** A file to write, relative to the output directory (POSIX separators). */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** Where generations of `outdir` are kept: `.dist` next to `dist`. */
export function generationsDir(outdir: string): string {
  const abs = path.resolve(outdir);
  return path.join(path.dirname(abs), `.${path.basename(abs)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function currentTarget(outdir: string): string | undefined {
  try {
    return path.resolve(path.dirname(outdir), fs.readlinkSync(outdir));
  } catch {
    return undefined;
  }
}

/** Delete directories nobody references any more, without making the caller wait (POSIX: a detached `rm`). */
function deleteInBackground(dirs: readonly string[]): void {
  if (dirs.length === 0) return;
  if (process.platform !== 'win32') {
    try {
      const child = spawn('rm', ['-rf', '--', ...dirs], { detached: true, stdio: 'ignore' });
      child.on('error', () => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
      child.unref();
      return;
    } catch {
      // fall through to a synchronous delete
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}

/** Retire generations other than `keep` and temporary directories of processes that no longer run. */
function removeStale(genRoot: string, keep: string | undefined, id: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(genRoot);
  } catch {
    return;
  }
  const doomed: string[] = [];
  for (const entry of entries) {
    const full = path.join(genRoot, entry);
    if (keep !== undefined && full === keep) continue;
    // Another synth may be writing or about to publish this directory: leave it to that process.
    const owner = /^(?:tmp|link|old|gen|trash)-(\d+)-/.exec(entry);
    if (owner && Number(owner[1]) !== process.pid && isAlive(Number(owner[1]))) continue;
    // Rename first (instant), so the name can never be mistaken for a live generation, then delete.
    const trash = entry.startsWith('trash-') ? full : path.join(genRoot, `trash-${id}-${doomed.length}`);
    try {
      if (trash !== full) fs.renameSync(full, trash);
      doomed.push(trash);
    } catch {
      // Already gone (another process cleaned it up).
    }
  }
  deleteInBackground(doomed);
}

function writeFile(target: string, content: string): Promise<void> {
  return new Promise((resolve, reject) => fs.writeFile(target, content, (e) => (e ? reject(e) : resolve())));
}

function makeDirectory(dir: string): Promise<void> {
  return new Promise((resolve, reject) => fs.mkdir(dir, { recursive: true }, (e) => (e ? reject(e) : resolve())));
}

/**
 * Write files under `root` (paths relative to it), directory by directory with bounded concurrency, on the
 * thread pool: the caller's thread stays free for other work while the disk catches up.
 */
async function writeAll(root: string, files: Iterable<OutputFile>): Promise<void> {
  const byDir = new Map<string, { target: string; content: string }[]>();
  for (const file of files) {
    if (file.path.startsWith('/') || file.path.split('/').includes('..')) {
      throw new PlatformError(`refusing to write '${file.path}' outside the output directory`);
    }
    const target = path.join(root, file.path);
    const dir = path.dirname(target);
    let list = byDir.get(dir);
    if (list === undefined) byDir.set(dir, (list = []));
    list.push({ target, content: file.content });
  }
  const dirs = [...byDir];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < dirs.length) {
      const [dir, list] = dirs[next++] as [string, { target: string; content: string }[]];
      await makeDirectory(dir);
      for (const item of list) await writeFile(item.target, item.content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, dirs.length) }, worker));
}

let sequence = 0;

/**
 * A new generation of `outdir` being written. Nothing is visible until `commit()`, which replaces the link
 * atomically; `abort()` throws the partial generation away.
 */
export class Generation {
  /** Begin a new generation next to the current one. */
  public static begin(outdir: string): Generation {
    const abs = path.resolve(outdir);
    const genRoot = generationsDir(abs);
    fs.mkdirSync(genRoot, { recursive: true });
    const id = `${process.pid}-${Date.now().toString(36)}-${sequence++}`;
    const generation = new Generation(abs, genRoot, id);
    fs.mkdirSync(generation.root);
    return generation;
  }

  /** The directory files are written to until the generation is committed. */
  public readonly root: string;
  private done = false;
  private readonly pending: Promise<void>[] = [];
  private failure: unknown;

  private constructor(private readonly outdir: string, private readonly genRoot: string, private readonly id: string) {
    this.root = path.join(genRoot, `tmp-${id}`);
  }

  /**
   * Start writing files (paths relative to the output directory) in the background; `commit()` waits for
   * them. The first write error is raised by `flush()`/`commit()`.
   */
  public write(files: Iterable<OutputFile>): void {
    const writing = writeAll(this.root, files);
    this.pending.push(writing.catch((e: unknown) => {
      this.failure ??= e;
    }));
  }

  /** Wait for every write started so far; throws the first write error. */
  public async flush(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Wait for the writes, then make the generation the content of the output directory (atomically). */
  public async commit(): Promise<string> {
    await this.flush();
    if (this.done) throw new Error('generation already committed or aborted');
    this.done = true;
    const generation = path.join(this.genRoot, `gen-${this.id}`);
    fs.renameSync(this.root, generation);
    const link = path.join(this.genRoot, `link-${this.id}`);
    fs.symlinkSync(path.relative(path.dirname(this.outdir), generation), link, 'dir');
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(this.outdir);
    } catch {
      stat = undefined;
    }
    if (stat !== undefined && !stat.isSymbolicLink()) {
      // A plain directory from before generations were used: move it aside first (the only non-atomic step).
      fs.renameSync(this.outdir, path.join(this.genRoot, `old-${this.id}`));
    }
    fs.renameSync(link, this.outdir);
    removeStale(this.genRoot, currentTarget(this.outdir), this.id);
    return generation;
  }

  /** Throw the partial generation away (the output directory is unchanged). */
  public async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.all(this.pending);
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Write `files` as the new content of `outdir`, atomically. Nothing visible changes unless every file was
 * written. Returns the generation directory now behind `outdir`.
 */
export async function writeTreeAtomically(outdir: string, files: Iterable<OutputFile>): Promise<string> {
  const generation = Generation.begin(outdir);
  try {
    generation.write(files);
    return await generation.commit();
  } catch (e) {
    await generation.abort();
    throw e;
  }
}

/** Every file under `dir` (following the `dist` link), as sorted POSIX paths relative to `dir`. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, prefix: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(rel);
    }
  };
  if (fs.existsSync(dir)) walk(path.resolve(dir), '');
  return out.sort();
}
