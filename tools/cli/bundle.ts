/**
 * Builds the start-up bundle of a program (see tools/cli/start.cjs, which decides when): one CommonJS file
 * made by esbuild from the program, the platform's `main.ts` and environment files (imported lazily, through
 * tools/cli/modules.ts, so a failure to load them is reported by the command as before), and everything they
 * import, packages included.
 *
 * The bundle behaves like the sources run with tsx:
 * - `__dirname` and `__filename` of each source file are its own (the commands find schemas, caches and the
 *   project root through them);
 * - `require.main === module` is true in the program only (every command file has that guard);
 * - `.name` of functions and classes is kept;
 * - stack traces name source files and lines (tools/cli/stack.ts, through the line table written here);
 * - strict mode, as for the sources (ES modules); every package bundled is strict-mode code already.
 *
 * Dependency files with a rewrite in tools/cli/rewrites.ts are compiled in rewritten (same behaviour, less work).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Message, Plugin } from 'esbuild';
import { applyRewrite, rewriteOf } from './rewrites';
import { lineTableFiles } from './stack';

/** The cache entry a build writes (tools/cli/start.cjs `BundleManifest`). */
export interface BundleManifest {
  readonly format: number;
  readonly key: string;
  readonly entry: string;
  readonly platform: string | null;
  readonly inputs: readonly string[];
  readonly lists: readonly string[];
  readonly bundle?: string;
  readonly failed?: string;
}

/** What tools/cli/start.cjs exports to the build. */
interface Start {
  readonly FORMAT: number;
  readonly FIXED_INPUTS: readonly string[];
  readonly inputsKey: (manifest: Pick<BundleManifest, 'entry' | 'platform' | 'inputs' | 'lists'>, read: (file: string) => Buffer | string | undefined, list: (dir: string) => string[] | undefined) => string;
  readonly readInput: (file: string, root?: string) => Buffer | undefined;
  readonly listInputs: (dir: string, root?: string) => string[] | undefined;
  readonly readManifest: (file: string) => BundleManifest | undefined;
  readonly pruneCodeCache: () => void;
}

const start = require('./start.cjs') as Start;

/** Options of `buildBundle`. */
export interface BuildOptions {
  /** The project root. */
  readonly root: string;
  /** Directory of the cached bundles and manifests. */
  readonly cacheDir: string;
  /** Absolute path of the program. */
  readonly entry: string;
  /** The platform compiled in: its directory relative to the root ('' for the reference platform), or null. */
  readonly platform: string | null;
  /** Name of the cache entry (tools/cli/start.cjs `bundleId`). */
  readonly id: string;
}

const ENTRY_NAMESPACE = 'platform-synth-start';

/** The platform modules compiled in: `main.ts` and every environment file, absolute paths. */
function platformModules(root: string, platform: string | null): string[] {
  if (platform === null) return [];
  const dir = path.join(root, platform);
  const environments = path.join(dir, 'environments');
  const files = fs.existsSync(environments) ? (start.listInputs(path.relative(root, environments), root) ?? []).map((f) => path.join(environments, f)) : [];
  return [path.join(dir, 'main.ts'), ...files];
}

/** The bundle's entry (run first: stack mapping, platform modules) and its program, as two virtual modules. */
function entryPlugin(options: BuildOptions, modules: readonly string[]): Plugin {
  const setup = [
    `import { installStackMapping } from ${JSON.stringify(path.join(options.root, 'tools/cli/stack.ts'))};`,
    `import { registerBundledModules } from ${JSON.stringify(path.join(options.root, 'tools/cli/modules.ts'))};`,
    'installStackMapping(__filename);',
    `registerBundledModules({${modules.map((m) => `\n  ${JSON.stringify(m)}: () => import(${JSON.stringify(m)}),`).join('')}\n});`,
  ].join('\n');
  return {
    name: 'platform-synth-entry',
    setup(build) {
      build.onResolve({ filter: /^platform-synth-start:/ }, (args) => ({ path: args.path, namespace: ENTRY_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({
        contents: args.path === 'platform-synth-start:main'
          ? `import 'platform-synth-start:setup';\nimport ${JSON.stringify(options.entry)};\n`
          : setup,
        loader: 'ts',
        resolveDir: options.root,
      }));
    },
  };
}

/**
 * Project sources as tsx would run them (`__dirname`, `__filename`, `require.main === module`), recording
 * the exact content of each file read, which keys the cache.
 */
function sourcesPlugin(options: BuildOptions, read: Map<string, Buffer>): Plugin {
  return {
    name: 'platform-synth-sources',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$|\.json$/ }, (args) => {
        if (args.namespace !== 'file' || args.path.split(path.sep).includes('node_modules')) return undefined;
        const content = fs.readFileSync(args.path);
        read.set(path.relative(options.root, args.path), content);
        if (!/\.[cm]?ts$/.test(args.path)) return undefined;
        const text = content.toString('utf8')
          .replace(/\brequire\.main\s*===\s*module\b/g, args.path === options.entry ? 'true' : 'false')
          .replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
          .replace(/\b__filename\b/g, JSON.stringify(args.path));
        return { contents: text, loader: 'ts' };
      });
    },
  };
}

/** Dependency files compiled in with their rewrite applied (tools/cli/rewrites.ts). */
function rewritesPlugin(): Plugin {
  return {
    name: 'platform-synth-rewrites',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        const rewrite = args.namespace === 'file' ? rewriteOf(args.path) : undefined;
        if (rewrite === undefined) return undefined;
        return { contents: applyRewrite(rewrite, fs.readFileSync(args.path, 'utf8')).code, loader: 'js' };
      });
    },
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;

/**
 * The line table of a bundle from its source map (version 3): per generated line, the first segment that maps
 * into a file of the project outside node_modules (see tools/cli/stack.ts `LineTable`).
 */
export function lineTable(map: { readonly sources: readonly string[]; readonly mappings: string }, mapDir: string, root: string): { sources: string[]; lines: Int32Array } {
  const absolute = map.sources.map((s) => path.resolve(mapDir, s));
  const ours = absolute.map((file) => !path.relative(root, file).startsWith('..') && !file.split(path.sep).includes('node_modules'));
  const used: string[] = [];
  const index = new Map<number, number>();
  const text = map.mappings;
  let lineCount = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 59) lineCount++;
  const lines = new Int32Array(lineCount * 4).fill(-1);
  let line = 0;
  let generatedColumn = 0;
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  let done = false;
  let pos = 0;
  const values: number[] = [];
  while (pos <= text.length) {
    const c = pos < text.length ? text.charCodeAt(pos) : 59;
    if (c === 59 || c === 44) {
      // End of a segment: [generated column, source, source line, source column, name?] (all relative).
      if (values.length >= 4) {
        generatedColumn += values[0] as number;
        source += values[1] as number;
        sourceLine += values[2] as number;
        sourceColumn += values[3] as number;
        if (!done && ours[source] === true) {
          let slot = index.get(source);
          if (slot === undefined) {
            slot = used.length;
            used.push(absolute[source] as string);
            index.set(source, slot);
          }
          lines.set([slot, sourceLine, sourceColumn, generatedColumn], line * 4);
          done = true;
        }
      } else if (values.length >= 1) {
        generatedColumn += values[0] as number;
      }
      values.length = 0;
      if (c === 59) {
        line++;
        generatedColumn = 0;
        done = false;
      }
      pos++;
      continue;
    }
    let value = 0;
    let shift = 0;
    let digit: number;
    do {
      digit = BASE64_VALUE[text.charCodeAt(pos++)] ?? -1;
      if (digit < 0) throw new Error(`invalid source map: bad character at ${pos - 1}`);
      value += (digit & 31) << shift;
      shift += 5;
    } while (digit & 32);
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
  }
  return { sources: used, lines };
}

/** Write `content` to `file` atomically (a concurrent build of the same bundle writes the same content). */
function writeAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function formatMessages(messages: readonly Message[]): string {
  return messages.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`).join('\n');
}

/** Remove bundles of `id` other than `keep`, and entries whose program no longer exists (deleted project copies). */
function prune(cacheDir: string, id: string, keep: string | undefined): void {
  for (const name of fs.readdirSync(cacheDir)) {
    const file = path.join(cacheDir, name);
    if (name.startsWith(`${id}-`) && (keep === undefined || !name.startsWith(path.basename(keep)))) {
      fs.rmSync(file, { force: true });
    } else if (name.endsWith('.json') && !name.endsWith('.sources.json')) {
      const manifest = start.readManifest(file);
      if (manifest !== undefined && !fs.existsSync(manifest.entry)) {
        for (const other of fs.readdirSync(cacheDir)) {
          if (other.startsWith(`${name.slice(0, -'.json'.length)}-`)) fs.rmSync(path.join(cacheDir, other), { force: true });
        }
        fs.rmSync(file, { force: true });
      }
    }
  }
}

/** Build the bundle of `options.entry` (or record why it cannot be built) and its manifest. */
export async function buildBundle(options: BuildOptions): Promise<BundleManifest> {
  const esbuild = await import('esbuild');
  const read = new Map<string, Buffer>();
  for (const file of start.FIXED_INPUTS) {
    const content = start.readInput(file, options.root);
    if (content !== undefined) read.set(file, content);
  }
  const modules = platformModules(options.root, options.platform);
  const lists = options.platform === null ? [] : [path.join(options.platform, 'environments')];
  fs.mkdirSync(options.cacheDir, { recursive: true });
  const outfile = path.join(options.cacheDir, `${options.id}-bundle.cjs`);
  let failed: string | undefined;
  let result: Awaited<ReturnType<typeof esbuild.build>> | undefined;
  try {
    result = await esbuild.build({
      absWorkingDir: options.root,
      entryPoints: { bundle: 'platform-synth-start:main' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node}`,
      outfile,
      write: false,
      sourcemap: 'external',
      sourcesContent: false,
      metafile: true,
      keepNames: true,
      logLevel: 'silent',
      // Loaded only when running the sources: never compiled in.
      external: ['esbuild', 'tsx', 'tsx/*'],
      plugins: [entryPlugin(options, modules), rewritesPlugin(), sourcesPlugin(options, read)],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    failed = errors !== undefined && errors.length > 0 ? formatMessages(errors) : error instanceof Error ? error.message : String(error);
  }
  const inputs = [...read.keys()].sort();
  const base = { format: start.FORMAT, entry: options.entry, platform: options.platform, inputs, lists };
  const key = start.inputsKey(base, (file) => read.get(file) ?? start.readInput(file, options.root), (dir) => start.listInputs(dir, options.root));
  let manifest: BundleManifest;
  if (result === undefined || failed !== undefined) {
    manifest = { ...base, key, failed: failed ?? 'no output' };
  } else {
    const code = result.outputFiles?.find((f) => f.path === outfile);
    const map = result.outputFiles?.find((f) => f.path === `${outfile}.map`);
    if (code === undefined || map === undefined) throw new Error(`esbuild wrote no ${path.basename(outfile)}`);
    const bundle = path.join(options.cacheDir, `${options.id}-${key.slice(0, 16)}.cjs`);
    const table = lineTable(JSON.parse(map.text) as { sources: string[]; mappings: string }, path.dirname(outfile), options.root);
    const files = lineTableFiles(bundle);
    writeAtomic(files.lines, new Uint8Array(table.lines.buffer));
    writeAtomic(files.sources, JSON.stringify(table.sources));
    // `__filename` of the bundle (the stack mapping's key) is the file it is loaded from.
    writeAtomic(bundle, code.contents);
    manifest = { ...base, key, bundle };
  }
  writeAtomic(path.join(options.cacheDir, `${options.id}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
  prune(options.cacheDir, options.id, manifest.bundle);
  start.pruneCodeCache();
  return manifest;
}
