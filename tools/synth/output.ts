/**
 * Atomic replacement of the whole output tree.
 *
 * `dist` is a symbolic link to a complete generation directory `.dist/gen-<id>/`. A synth writes a new
 * generation next to it and then replaces the link with `rename(2)`, which is atomic: at every instant `dist`
 * is either the previous complete tree or the new complete tree, even if the process is killed with
 * `kill -9` half-way. The generation a commit replaces is kept as `spare-*` and recycled by the next synth
 * (`TreeWriter`); other retired generations are renamed to `trash-*` and deleted in the background (they are no
 * longer reachable); leftovers of killed runs are removed on the next successful run.
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
function removeStale(genRoot: string, keep: ReadonlySet<string>, id: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(genRoot);
  } catch {
    return;
  }
  const doomed: string[] = [];
  for (const entry of entries) {
    const full = path.join(genRoot, entry);
    if (keep.has(full)) continue;
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

/** An entry of a generation directory: a directory, a regular file, a symbolic link, anything else. */
type Entry = 'dir' | 'file' | 'link' | 'other';

/** Every entry under `root` (not following links), by POSIX path relative to it. */
function entriesOf(root: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        entries.set(rel, 'dir');
        walk(path.join(dir, entry.name), rel);
      } else {
        entries.set(rel, entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'link' : 'other');
      }
    }
  };
  walk(root, '');
  return entries;
}

function sameInode(a: string, b: string): boolean {
  try {
    const x = fs.lstatSync(a);
    const y = fs.lstatSync(b);
    return x.isFile() && x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/**
 * Writes files into a generation directory, synchronously. A file whose content equals the same file of
 * `previous` (the current generation) is hard-linked from it instead of written: creating files dominates a large
 * synth (0.1-0.4 ms each on the 2-core VM this project is built on), a link costs a tenth of that. Generations are
 * never modified after they are committed, so sharing their files is safe. (Synchronous on purpose: through the
 * thread pool the same 32,000 files took 2-8 s instead of 1-2 s, the wake-ups between threads dominating.)
 *
 * The directory may be a recycled one (`Generation.recycled`: the generation the previous synth replaced, or an
 * aborted one): then its directories are reused instead of created (a `mkdir(2)` costs 0.05-0.35 ms here, and a
 * 1,000-service platform has 3,000 of them), a file that already is the previous generation's file (same inode)
 * and whose content did not change is left as it is, every other file there is unlinked before it is written
 * (its inode may be shared with the current generation, which must not change), and `finish()` removes whatever
 * the run did not write. A synth that changed nothing then changes nothing on disk but the link.
 */
export class TreeWriter {
  /** Files written so far, and files shared (hard-linked, or left in place) with the previous generation. */
  public written = 0;
  public linked = 0;
  private readonly made = new Set<string>();
  /** `root` as `path.join` writes it (no trailing separator): the directory chain of every target ends there. */
  private readonly base: string;
  private canLink: boolean;
  /** A recycled directory's entries, until the run writes or keeps them. */
  private readonly leftovers: Map<string, Entry> | undefined;

  /**
   * @param root the generation directory (it exists)
   * @param previous the current generation, which unchanged files are linked from
   * @param recycled `root` holds an earlier generation's files (see above)
   */
  public constructor(private readonly root: string, private readonly previous: string | undefined, recycled = false) {
    this.base = path.join(root, '.');
    this.canLink = previous !== undefined;
    this.leftovers = recycled ? namingPath('read', () => root, () => entriesOf(root)) : undefined;
  }

  /** Write `files` (paths relative to the root, POSIX separators); file-system errors name the file. */
  public write(files: Iterable<OutputFile>): void {
    const current = { target: this.root };
    namingPath('write', () => current.target, () => {
      for (const file of files) this.writeOne(file, current);
    });
  }

  /** Remove what a recycled directory held that this run did not write. */
  public finish(): void {
    const leftovers = this.leftovers;
    if (leftovers === undefined || leftovers.size === 0) return;
    const current = { target: this.root };
    namingPath('remove', () => current.target, () => {
      // An entry may be gone with its directory already (replaced by a file of this run): ENOENT, ENOTDIR.
      const remove = (rel: string, recursive: boolean): void => {
        current.target = path.join(this.root, rel);
        try {
          fs.rmSync(current.target, { recursive, force: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
        }
      };
      const dirs: string[] = [];
      for (const [rel, entry] of leftovers) {
        if (entry === 'dir') dirs.push(rel);
        else remove(rel, false);
      }
      // Deepest first: a directory the run did not use holds nothing the run wrote.
      dirs.sort((a, b) => b.split('/').length - a.split('/').length);
      for (const rel of dirs) remove(rel, true);
      leftovers.clear();
    });
  }

  private writeOne(file: OutputFile, current: { target: string }): void {
    if (file.path.startsWith('/') || file.path.split('/').includes('..')) {
      throw new PlatformError(`refusing to write '${file.path}' outside the output directory`);
    }
    const target = path.join(this.root, file.path);
    current.target = target;
    this.makeDirectory(path.dirname(target));
    const existing = this.claim(file.path);
    if (existing === 'dir') fs.rmSync(target, { recursive: true, force: true });
    if (this.canLink) {
      const source = path.join(this.previous as string, file.path);
      let same = false;
      try {
        same = fs.readFileSync(source, 'utf8') === file.content;
      } catch {
        same = false; // not in the previous generation
      }
      if (same && existing === 'file' && sameInode(target, source)) {
        this.linked++; // already the previous generation's file
        return;
      }
      if (existing !== undefined && existing !== 'dir') fs.unlinkSync(target);
      if (same) {
        try {
          fs.linkSync(source, target);
          this.linked++;
          return;
        } catch {
          this.canLink = false; // a file system without hard links: write everything
        }
      }
    } else if (existing !== undefined && existing !== 'dir') {
      fs.unlinkSync(target);
    }
    fs.writeFileSync(target, file.content);
    this.written++;
  }

  /** What a recycled directory holds at `rel` (the run now owns it), undefined for a fresh directory or nothing there. */
  private claim(rel: string): Entry | undefined {
    const entry = this.leftovers?.get(rel);
    if (entry !== undefined) this.leftovers?.delete(rel);
    return entry;
  }

  /**
   * Create `dir` and the parents it lacks, each once per run: one `mkdir(2)` per directory, parents first (a
   * recursive `mkdirSync` stats its way up each time, about twice the cost on this VM); a directory a recycled
   * generation already has is reused.
   */
  private makeDirectory(dir: string): void {
    if (dir === this.base || this.made.has(dir)) return;
    const parent = path.dirname(dir);
    if (parent !== dir) this.makeDirectory(parent);
    const existing = this.claim(path.relative(this.base, dir).split(path.sep).join('/'));
    if (existing !== 'dir') {
      if (existing !== undefined) fs.unlinkSync(dir);
      try {
        fs.mkdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    this.made.add(dir);
  }
}

let sequence = 0;

/** A retired generation kept to be recycled by the next synth (see `TreeWriter`). */
const SPARE = 'spare-';

/**
 * A new generation of `outdir` being written. Nothing is visible until `commit()`, which replaces the link
 * atomically; `abort()` throws the partial generation away. The generation a commit replaces is kept as a spare,
 * which the next generation is written into (`TreeWriter`): re-synthesising an unchanged platform then creates
 * no directory or file and deletes nothing in the background.
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
    const root = path.join(genRoot, `tmp-${id}`);
    // Rename is atomic: of two synths starting at once, one gets the spare, the other a new directory.
    const spare = fs.readdirSync(genRoot).find((e) => e.startsWith(SPARE));
    let recycled = false;
    if (spare !== undefined) {
      try {
        fs.renameSync(path.join(genRoot, spare), root);
        recycled = true;
      } catch {
        recycled = false;
      }
    }
    if (!recycled) fs.mkdirSync(root);
    return new Generation(abs, genRoot, id, previous, root, recycled);
  }

  /** The current generation, which unchanged files are linked from (undefined when there is none). */
  public get previousRoot(): string | undefined {
    return this.previous;
  }
  private done = false;
  /** The writer of `write()`, made at its first call (a synth's stage writes through a `TreeWriter` of its own). */
  private writer: TreeWriter | undefined;

  private constructor(
    private readonly outdir: string,
    private readonly genRoot: string,
    private readonly id: string,
    private readonly previous: string | undefined,
    /** The directory files are written to until the generation is committed. */
    public readonly root: string,
    /**
     * `root` is a recycled generation (its earlier content is replaced by what is written; whoever writes it
     * must use one `TreeWriter` with `recycled` for the whole generation and call its `finish()`).
     */
    public readonly recycled: boolean,
  ) {}

  /** Files written so far, and files shared (hard-linked or left in place) with the previous generation. */
  public get stats(): { readonly written: number; readonly linked: number } {
    return { written: this.writer?.written ?? 0, linked: this.writer?.linked ?? 0 };
  }

  /** Write files (paths relative to the output directory) into the generation. */
  public write(files: Iterable<OutputFile>): void {
    this.writer ??= new TreeWriter(this.root, this.previous, this.recycled);
    this.writer.write(files);
  }

  /** Make the generation the content of the output directory (atomically); returns its directory. */
  public commit(): string {
    if (this.done) throw new Error('generation already committed or aborted');
    this.done = true;
    this.writer?.finish();
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
    const keep = new Set([currentTarget(this.outdir) ?? generation]);
    // The generation just replaced becomes the spare the next synth writes into (older spares are retired).
    if (this.previous !== undefined) {
      const spare = path.join(this.genRoot, `${SPARE}${this.id}`);
      try {
        fs.renameSync(this.previous, spare);
        keep.add(spare);
      } catch {
        // Gone already (another synth retired it): nothing to keep.
      }
    }
    removeStale(this.genRoot, keep, this.id);
    return generation;
  }

  /** Throw the partial generation away (the output directory is unchanged); it is kept as the spare. */
  public abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.renameSync(this.root, path.join(this.genRoot, `${SPARE}${this.id}`));
    } catch {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
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
  if (!fs.existsSync(dir)) return [];
  return [...entriesOf(path.resolve(dir))].flatMap(([rel, entry]) => (entry === 'file' || entry === 'link' ? [rel] : [])).sort();
}
