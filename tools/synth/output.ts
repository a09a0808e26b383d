/**
 * Atomic replacement of the whole output tree.
 *
 * `dist` is a symbolic link to a complete generation directory `.dist/gen-<id>/`. A synth writes a new
 * generation next to it and then replaces the link with `rename(2)`, which is atomic: at every instant `dist`
 * is either the previous complete tree or the new complete tree, even if the process is killed with
 * `kill -9` half-way. Old generations and leftovers of killed runs are removed on the next successful run.
 */
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

/** Remove generations other than `keep`, and temporary directories of processes that no longer run. */
function removeStale(genRoot: string, keep: string | undefined): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(genRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(genRoot, entry);
    if (keep !== undefined && full === keep) continue;
    // Another synth may be writing or about to publish this directory: leave it to that process.
    const owner = /^(?:tmp|link|old|gen)-(\d+)-/.exec(entry);
    if (owner && Number(owner[1]) !== process.pid && isAlive(Number(owner[1]))) continue;
    fs.rmSync(full, { recursive: true, force: true });
  }
}

let sequence = 0;

/**
 * Write `files` as the new content of `outdir`, atomically. Nothing visible changes unless every file was
 * written. Returns the generation directory now behind `outdir`.
 */
export function writeTreeAtomically(outdir: string, files: Iterable<OutputFile>): string {
  const abs = path.resolve(outdir);
  const genRoot = generationsDir(abs);
  fs.mkdirSync(genRoot, { recursive: true });
  const id = `${process.pid}-${Date.now().toString(36)}-${sequence++}`;
  const tmp = path.join(genRoot, `tmp-${id}`);
  const generation = path.join(genRoot, `gen-${id}`);

  try {
    const dirs = new Set<string>();
    fs.mkdirSync(tmp);
    for (const file of files) {
      if (file.path.startsWith('/') || file.path.split('/').includes('..')) {
        throw new PlatformError(`refusing to write '${file.path}' outside the output directory`);
      }
      const target = path.join(tmp, file.path);
      const dir = path.dirname(target);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(target, file.content);
    }
    fs.renameSync(tmp, generation);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }

  const link = path.join(genRoot, `link-${id}`);
  fs.symlinkSync(path.relative(path.dirname(abs), generation), link, 'dir');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(abs);
  } catch {
    stat = undefined;
  }
  if (stat !== undefined && !stat.isSymbolicLink()) {
    // A plain directory from before generations were used: move it aside first (the only non-atomic step).
    fs.renameSync(abs, path.join(genRoot, `old-${id}`));
  }
  fs.renameSync(link, abs);
  removeStale(genRoot, currentTarget(abs));
  return generation;
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
