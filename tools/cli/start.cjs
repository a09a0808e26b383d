// @ts-check
'use strict';
/**
 * How the package scripts start a command: `node tools/cli/start.cjs <file.ts> [args]` runs the TypeScript
 * program `<file.ts>` (a command in tools/cli/, or the benchmark's child) from a start-up bundle instead of
 * transpiling and loading some 500 modules at every run.
 *
 * The bundle (one JavaScript file: the command, the platform named by `--platform` with its environment
 * files, the kit, the constructs, the CRD bindings it uses and the packages, built by tools/cli/bundle.ts with
 * esbuild) is cached in node_modules/.cache/platform-synth/start/, keyed by a content hash of every input: each
 * source file the build read, the listing of the platform's environments/ directory, tsconfig.json, both
 * package-lock files, this file and the build code. At every start this file checks those inputs again and
 * reuses the bundle only when nothing changed; otherwise it rebuilds first, so the command always runs the
 * current sources. The check hashes the inputs' content (some 15 ms) unless every input still has the status
 * (size, inode, modification and change time) recorded after the last content check found it current; inputs
 * changed less than 2 s before that check are read again (currentBuild).
 *
 * When the bundle cannot be built (a syntax error, an import esbuild refuses, no esbuild), the command runs
 * from its sources with tsx, exactly as `node --import tsx <file.ts>` would, so every error reads the same.
 * `PLATFORM_SYNTH_START=tsx` always runs the sources; `PLATFORM_SYNTH_START_LOG=1` says on stderr whether
 * the bundle was reused or built.
 *
 * Plain JavaScript (checked by tsc through the JSDoc types): it must run before anything is compiled.
 */
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The repository root (tools/cli/ -> ../..). */
const ROOT = path.resolve(__dirname, '..', '..');
/** Where bundles and their manifests are cached. */
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'platform-synth', 'start');
/** Version of the cache layout and key (bump to invalidate every cached bundle). */
const FORMAT = 1;
/** Files every bundle depends on besides the sources it reads (project-relative). */
const FIXED_INPUTS = ['tsconfig.json', 'package-lock.json', 'node_modules/.package-lock.json', 'tools/cli/start.cjs', 'tools/cli/bundle.ts', 'tools/cli/rewrites.ts'];

/**
 * @typedef {object} BundleManifest What a build produced, stored as `<id>.json` next to the bundle.
 * @property {number} format cache layout version (FORMAT)
 * @property {string} key content hash of the inputs (inputsKey)
 * @property {string} entry absolute path of the program
 * @property {string | null} platform directory of the platform compiled in (project-relative, '' for the reference), null for none
 * @property {string[]} inputs project-relative files the bundle was built from, sorted
 * @property {string[]} lists project-relative directories whose `.ts` listing is part of the key, sorted
 * @property {string} [bundle] absolute path of the bundle (absent when the build failed)
 * @property {string} [failed] why the build failed (then the sources run with tsx)
 */

/**
 * The platform directory a command line names (`--platform <name>`): '' for the reference platform (no
 * `--platform`, or `reference`), `examples/<name>` when that platform exists, null otherwise (the command then
 * reports the unknown name itself).
 * @param {readonly string[]} args
 * @param {string} [root]
 * @returns {string | null}
 */
function platformOf(args, root = ROOT) {
  let name;
  for (let i = 0; i < args.length; i++) {
    const arg = /** @type {string} */ (args[i]);
    if (arg === '--') break;
    if (arg === '--platform') name = args[i + 1];
    else if (arg.startsWith('--platform=')) name = arg.slice('--platform='.length);
  }
  if (name === undefined || name === 'reference') return fs.existsSync(path.join(root, 'main.ts')) ? '' : null;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return null;
  const dir = path.join('examples', name);
  return fs.existsSync(path.join(root, dir, 'main.ts')) ? dir : null;
}

/**
 * Name of the cache entry of one program and platform in one project and Node version.
 * @param {string} entry
 * @param {string | null} platform
 * @param {string} [root]
 * @returns {string}
 */
function bundleId(entry, platform, root = ROOT) {
  const name = path.basename(entry).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9-]+/g, '_');
  const hash = createHash('sha256').update([FORMAT, process.version, process.arch, root, entry, platform ?? '-'].join('\0')).digest('hex');
  return `${name}-${hash.slice(0, 16)}`;
}

/**
 * The content hash of a bundle's inputs. `read` returns a file's content (undefined when it does not exist).
 * @param {Pick<BundleManifest, 'entry' | 'platform' | 'inputs' | 'lists'>} manifest
 * @param {(file: string) => Buffer | string | undefined} read
 * @param {(dir: string) => string[] | undefined} list
 * @returns {string}
 */
function inputsKey(manifest, read, list) {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\0${process.version}\0${process.arch}\0${manifest.entry}\0${manifest.platform ?? '-'}\0`);
  for (const file of manifest.inputs) {
    const content = read(file);
    hash.update(`${file}\0${content === undefined ? 'missing' : 'file'}\0`);
    if (content !== undefined) hash.update(content);
    hash.update('\0');
  }
  for (const dir of manifest.lists) {
    const names = list(dir);
    hash.update(`${dir}\0${names === undefined ? 'missing' : names.join('\0')}\0`);
  }
  return hash.digest('hex');
}

/**
 * Read a project file (undefined when missing).
 * @param {string} file project-relative
 * @param {string} [root]
 * @returns {Buffer | undefined}
 */
function readInput(file, root = ROOT) {
  try {
    return fs.readFileSync(path.join(root, file));
  } catch {
    return undefined;
  }
}

/**
 * The sorted `.ts` files of a project directory (undefined when it does not exist).
 * @param {string} dir project-relative
 * @param {string} [root]
 * @returns {string[] | undefined}
 */
function listInputs(dir, root = ROOT) {
  try {
    return fs.readdirSync(path.join(root, dir)).filter((name) => name.endsWith('.ts')).sort();
  } catch {
    return undefined;
  }
}

/**
 * The cached manifest `file` when it is readable and of this format.
 * @param {string} file
 * @returns {BundleManifest | undefined}
 */
function readManifest(file) {
  try {
    /** @type {BundleManifest} */
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    return manifest.format === FORMAT && Array.isArray(manifest.inputs) && Array.isArray(manifest.lists) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Inputs whose status changed less than this long before a check are not trusted by their status at the next
 * check (a write in the same clock tick as the check would leave it unchanged): they are hashed again.
 */
const STAT_MARGIN_MS = 2000;

/**
 * @typedef {object} StatRecord What the last content check of a build saw, stored as `<id>.stat.json`.
 * @property {string} key the build's content key the inputs had
 * @property {Record<string, string>} files project-relative input -> its status (statusOf)
 * @property {Record<string, string[] | null>} lists project-relative directory -> its `.ts` listing
 */

/**
 * What identifies a file's content without reading it: size, inode, and modification and change times in
 * nanoseconds ('missing' when absent). The change time moves on every write and cannot be set back (unlike
 * the modification time, which `cp -p`, `touch -d` or an archive can restore), as Git's index relies on too.
 * @param {string} file
 * @returns {{ status: string; changedMs: number }}
 */
function statusOf(file) {
  try {
    const st = fs.statSync(file, { bigint: true });
    return { status: `${st.size}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}`, changedMs: Number(st.ctimeNs / 1000000n) };
  } catch {
    return { status: 'missing', changedMs: 0 };
  }
}

/**
 * The manifest of a cached build that is still current: same inputs, bundle present. The inputs are compared by
 * content (inputsKey); after a check that found them current, their status is recorded, and a later check whose
 * inputs all have that status (and directories the same listing) trusts the record instead of reading them.
 * @param {string} manifestFile
 * @param {string} [root]
 * @param {number} [margin] inputs changed less than this many milliseconds before a check are not recorded
 * @returns {{ manifest: BundleManifest; by: 'status' | 'content' } | undefined}
 */
function currentBuild(manifestFile, root = ROOT, margin = STAT_MARGIN_MS) {
  const manifest = readManifest(manifestFile);
  if (manifest === undefined) return undefined;
  if (manifest.failed === undefined && (manifest.bundle === undefined || !fs.existsSync(manifest.bundle))) return undefined;
  const recordFile = manifestFile.replace(/\.json$/, '.stat.json');
  /** @type {StatRecord | undefined} */
  let record;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
  } catch {
    record = undefined;
  }
  const statuses = manifest.inputs.map((f) => statusOf(path.join(root, f)));
  const lists = Object.fromEntries(manifest.lists.map((d) => [d, listInputs(d, root) ?? null]));
  if (record !== undefined && record.key === manifest.key && typeof record.files === 'object' && record.files !== null
    && manifest.inputs.every((f, i) => record?.files[f] === statuses[i]?.status)
    && JSON.stringify(record.lists) === JSON.stringify(lists)) {
    return { manifest, by: 'status' };
  }
  if (manifest.key !== inputsKey(manifest, (f) => readInput(f, root), (d) => lists[d] ?? undefined)) return undefined;
  const checkedMs = Date.now();
  if (statuses.every((s) => s.changedMs < checkedMs - margin)) {
    try {
      /** @type {StatRecord} */
      const next = { key: manifest.key, files: Object.fromEntries(manifest.inputs.map((f, i) => [f, statuses[i]?.status ?? 'missing'])), lists };
      const tmp = `${recordFile}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify(next));
      fs.renameSync(tmp, recordFile);
    } catch {
      // The record is an optimisation only: the next check reads the inputs again.
    }
  }
  return { manifest, by: 'content' };
}

/**
 * Run `entry` from its sources, in a child process as the package scripts used to (`node --import tsx`), and
 * exit with its code.
 * @param {string} entry
 * @param {readonly string[]} args
 */
function runSources(entry, args) {
  const child = spawn(process.execPath, [...process.execArgv, '--import', 'tsx', entry, ...args], { stdio: 'inherit', cwd: process.cwd() });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/**
 * Run the program from its bundle, in this process, with the command line it would see under tsx.
 * @param {string} bundle
 * @param {string} entry
 * @param {readonly string[]} args
 */
function runBundle(bundle, entry, args) {
  process.argv = [/** @type {string} */ (process.argv[0]), entry, ...args];
  installCodeCache();
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[START_HOOKS] = { script: __filename, bundleOf };
  require(bundle);
}

/**
 * What a program run from its bundle finds under this symbol on `globalThis`: `script` (this file: a worker
 * thread started on it with `workerData.platformSynthBundle` runs that bundle) and `bundleOf` (the current bundle
 * of another program, tools/synth/worker.ts's worker, reused or built).
 */
const START_HOOKS = Symbol.for('platform-synth.start');

/**
 * The current bundle of `entry` without a platform (reused or built), undefined when it cannot be built.
 * @param {string} entry absolute path of the program
 * @returns {Promise<string | undefined>}
 */
async function bundleOf(entry) {
  const id = bundleId(entry, null);
  const started = performance.now();
  try {
    const current = currentBuild(path.join(CACHE_DIR, `${id}.json`))?.manifest;
    const manifest = current ?? (await build(entry, null, id));
    startLog(`${current !== undefined ? 'reused' : 'built'} the bundle of ${path.relative(ROOT, entry)} in ${(performance.now() - started).toFixed(0)} ms${manifest.failed === undefined ? '' : ` (failed: ${manifest.failed.split('\n')[0]})`}`);
    return manifest.failed === undefined ? manifest.bundle : undefined;
  } catch (error) {
    startLog(`cannot build the bundle of ${path.relative(ROOT, entry)} (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

/**
 * A line on stderr about what the launcher did, when `PLATFORM_SYNTH_START_LOG=1`.
 * @param {string} line
 */
function startLog(line) {
  if (process.env.PLATFORM_SYNTH_START_LOG === '1') process.stderr.write(`start: ${line}\n`);
}

/**
 * Files whose compiled code V8 may cache (tools/cli/start.cjs's bundles, the compiled schema validators of
 * tools/validate/schema.ts): content-addressed, their names change with their content.
 */
const CODE_CACHED = ['start', 'validators'].map((dir) => path.join(ROOT, 'node_modules', '.cache', 'platform-synth', dir));
/** Where V8's compiled code of those files is cached. */
const CODE_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'platform-synth', 'code');

/**
 * The code cache file of `file` (named after its name, size and modification time, so a file rewritten
 * under the same name never gets another file's code).
 * @param {string} file
 * @param {fs.Stats} stat
 * @returns {string}
 */
function codeCacheFile(file, stat) {
  return path.join(CODE_CACHE_DIR, `${path.basename(file)}.${stat.size}-${Math.floor(stat.mtimeMs)}.v8`);
}

/**
 * Compile the bundle and the validators with V8's code cache (what Node 22's module.enableCompileCache does):
 * the first run stores the compiled code of every function it ran, later runs skip parsing and compiling.
 */
function installCodeCache() {
  const Module = require('node:module');
  const vm = require('node:vm');
  /** @type {{ _compile: (this: NodeJS.Module, content: string, filename: string) => unknown }} */
  const proto = /** @type {never} */ (Module.prototype);
  const original = proto._compile;
  // Modules are compiled under their real path (node_modules may be a link, as in a project copy).
  const cached = CODE_CACHED.map((dir) => {
    try {
      return fs.realpathSync(dir);
    } catch {
      return dir;
    }
  });
  /** @type {{ script: import('node:vm').Script; file: string }[]} */
  const pending = [];
  proto._compile = function compile(content, filename) {
    if (!cached.some((dir) => filename.startsWith(`${dir}${path.sep}`))) return original.call(this, content, filename);
    const file = codeCacheFile(filename, fs.statSync(filename));
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected === true) pending.push({ script, file });
    /** @type {(this: unknown, ...args: unknown[]) => unknown} */
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    // After the run, so the cache holds every function the run compiled.
    for (const { script, file } of pending) {
      try {
        fs.mkdirSync(CODE_CACHE_DIR, { recursive: true });
        const tmp = `${file}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, file);
      } catch {
        // The cache is an optimisation only.
      }
    }
  });
}

/**
 * Remove code cache entries whose file is gone or changed.
 */
function pruneCodeCache() {
  let names;
  try {
    names = fs.readdirSync(CODE_CACHE_DIR);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^(.*)\.(\d+)-(\d+)\.v8$/.exec(name);
    const source = match === null ? undefined : CODE_CACHED.map((dir) => path.join(dir, /** @type {string} */ (match[1]))).find((f) => fs.existsSync(f));
    const current = source !== undefined && path.basename(codeCacheFile(source, fs.statSync(source))) === name;
    if (!current) fs.rmSync(path.join(CODE_CACHE_DIR, name), { force: true });
  }
}

/**
 * Build the bundle of `entry` with `platform` compiled in (tools/cli/bundle.ts, loaded with tsx).
 * @param {string} entry
 * @param {string | null} platform
 * @param {string} id
 * @returns {Promise<BundleManifest>}
 */
async function build(entry, platform, id) {
  /** @type {{ require: (id: string, from: string) => unknown }} */
  const tsx = require('tsx/cjs/api');
  const { buildBundle } = /** @type {{ buildBundle: (options: { root: string; cacheDir: string; entry: string; platform: string | null; id: string }) => Promise<BundleManifest> }} */ (tsx.require('./bundle.ts', __filename));
  return buildBundle({ root: ROOT, cacheDir: CACHE_DIR, entry, platform, id });
}

async function main() {
  const [script, ...args] = process.argv.slice(2);
  if (script === undefined) {
    process.stderr.write('usage: node tools/cli/start.cjs <file.ts> [arguments]\n');
    process.exit(2);
  }
  const entry = path.resolve(script);
  if (process.env.PLATFORM_SYNTH_START === 'tsx') {
    runSources(entry, args);
    return;
  }
  const log = startLog;
  const started = performance.now();
  const platform = platformOf(args);
  const id = bundleId(entry, platform);
  const current = currentBuild(path.join(CACHE_DIR, `${id}.json`));
  let manifest = current?.manifest;
  if (current !== undefined && manifest !== undefined) {
    log(`reused ${manifest.failed === undefined ? 'the bundle' : 'the failed build'} of ${path.relative(ROOT, entry)} (${manifest.inputs.length} inputs ${current.by === 'status' ? 'unchanged since the last check, by status' : 'checked by content'}, in ${(performance.now() - started).toFixed(0)} ms)`);
  } else {
    try {
      manifest = await build(entry, platform, id);
      log(`built ${manifest.failed === undefined ? 'the bundle' : 'nothing'} of ${path.relative(ROOT, entry)} in ${(performance.now() - started).toFixed(0)} ms${manifest.failed === undefined ? '' : ` (${manifest.failed.split('\n')[0]})`}`);
    } catch (error) {
      // The bundle is an optimisation: without it (no esbuild, read-only node_modules) run the sources.
      process.stderr.write(`start: cannot build the start-up bundle (${error instanceof Error ? error.message : String(error)}); running the sources with tsx\n`);
      runSources(entry, args);
      return;
    }
  }
  if (manifest.failed !== undefined || manifest.bundle === undefined) runSources(entry, args);
  else runBundle(manifest.bundle, entry, args);
}

const threads = require('node:worker_threads');
/** @type {{ platformSynthBundle?: unknown } | null} */
const workerData = threads.workerData;
if (!threads.isMainThread && typeof workerData?.platformSynthBundle === 'string') {
  // A worker thread of a program run from its bundle (tools/synth/worker.ts): run the worker's bundle.
  installCodeCache();
  require(workerData.platformSynthBundle);
} else if (require.main === module) {
  void main();
}

module.exports = { FORMAT, FIXED_INPUTS, ROOT, CACHE_DIR, platformOf, bundleId, inputsKey, readInput, listInputs, readManifest, currentBuild, pruneCodeCache };
