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
import { namingPath } from './io-errors';

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

/**
 * Create `dir` (under `root`, which exists; both as `path.join` writes them) and the parents it lacks, each once per write: one `mkdir(2)` per
 * directory, parents first (a recursive `mkdirSync` stats its way up each time, about twice the cost on this VM).
 */
function makeDirectory(dir: string, root: string, made: Set<string>): void {
  if (dir === root || made.has(dir)) return;
  const parent = path.dirname(dir);
  if (parent !== dir) makeDirectory(parent, root, made);
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  made.add(dir);
}

/**
 * Write files under `root` (paths relative to it), synchronously. A file whose content equals the same file
 * of `previous` (the current generation) is hard-linked from it instead of written: creating files dominates
 * a large synth (about 0.1-0.2 ms each on the 2-core VM this project is built on), a link costs a tenth of
 * that. Generations are never modified after they are committed, so sharing their files is safe.
 * (Synchronous on purpose: through the thread pool the same 32,000 files took 2-8 s instead of 1-2 s, the
 * wake-ups between threads dominating.)
 */
function writeAll(root: string, files: Iterable<OutputFile>, previous: string | undefined, current: { target: string }): { written: number; linked: number } {
  // `root` as `path.join` writes it (no trailing separator): the directory chain of every target ends there.
  const base = path.join(root, '.');
  const dirs = new Set<string>();
  let canLink = previous !== undefined;
  let written = 0;
  let linked = 0;
  for (const file of files) {
    if (file.path.startsWith('/') || file.path.split('/').includes('..')) {
      throw new PlatformError(`refusing to write '${file.path}' outside the output directory`);
    }
    const target = path.join(root, file.path);
    current.target = target;
    makeDirectory(path.dirname(target), base, dirs);
    if (canLink) {
      const source = path.join(previous as string, file.path);
      let same = false;
      try {
        same = fs.readFileSync(source, 'utf8') === file.content;
      } catch {
        same = false; // not in the previous generation
      }
      if (same) {
        try {
          fs.linkSync(source, target);
          linked++;
          continue;
        } catch {
          canLink = false; // a file system without hard links: write everything
        }
      }
    }
    fs.writeFileSync(target, file.content);
    written++;
  }
  return { written, linked };
}

/**
 * Write `files` into the generation directory `root`, linking unchanged files from `previous`; file-system errors
 * name the file. (`Generation.write` in this thread; the synth pipeline's worker thread calls it directly.)
 */
export function writeFiles(root: string, previous: string | undefined, files: Iterable<OutputFile>): { written: number; linked: number } {
  const current = { target: root };
  return namingPath('write', () => current.target, () => writeAll(root, files, previous, current));
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
    return namingPath('create the output directory', () => generationsDir(abs), () => Generation.start(abs));
  }

  private static start(abs: string): Generation {
    const genRoot = generationsDir(abs);
    fs.mkdirSync(genRoot, { recursive: true });
    const id = `${process.pid}-${Date.now().toString(36)}-${sequence++}`;
    // Only a generation of ours is reused (files of a plain, user-writable directory are not trusted).
    const current = currentTarget(abs);
    const previous = current !== undefined && path.dirname(current) === genRoot && fs.existsSync(current) ? current : undefined;
    const generation = new Generation(abs, genRoot, id, previous);
    fs.mkdirSync(generation.root);
    return generation;
  }

  /** The directory files are written to until the generation is committed. */
  public readonly root: string;
  /** The current generation, which unchanged files are linked from (undefined when there is none). */
  public get previousRoot(): string | undefined {
    return this.previous;
  }
  /** Files written so far, and files shared (hard-linked) with the previous generation. */
  public readonly stats = { written: 0, linked: 0 };
  private done = false;

  private constructor(
    private readonly outdir: string,
    private readonly genRoot: string,
    private readonly id: string,
    private readonly previous: string | undefined,
  ) {
    this.root = path.join(genRoot, `tmp-${id}`);
  }

  /** Write files (paths relative to the output directory) into the generation. */
  public write(files: Iterable<OutputFile>): void {
    const { written, linked } = writeFiles(this.root, this.previous, files);
    this.stats.written += written;
    this.stats.linked += linked;
  }

  /** Make the generation the content of the output directory (atomically); returns its directory. */
  public commit(): string {
    if (this.done) throw new Error('generation already committed or aborted');
    this.done = true;
    return namingPath('replace', () => this.outdir, () => this.publish());
  }

  private publish(): string {
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
  public abort(): void {
    if (this.done) return;
    this.done = true;
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
    return generation.commit();
  } catch (e) {
    generation.abort();
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
