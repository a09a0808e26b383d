/**
 * `npm run bench`: synth speed and memory at several platform sizes, for synth alone and for synth plus
 * validation, compared with an equivalent Kustomize tree when kubectl is installed.
 *
 * Every measurement is a fresh child process (what a user or CI pays, start-up included); the figure is the
 * median wall time over `--runs` runs, the peak resident set size of the slowest run, and objects per second.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from '../cli/run';
import { generationsDir } from '../synth/output';
import type { ChildResult } from './child';
import { kubectlVersion, runKustomize, writeKustomizeTree } from './kustomize';
import { syntheticPlatform } from './platform';

const ROOT = path.resolve(__dirname, '../..');
/** How the package scripts run TypeScript: one node process with tsx's loader (the tsx CLI would add a second). */
const NODE_TSX = ['--import', 'tsx'];

const USAGE = `usage: npm run bench [-- --sizes 10,100,1000] [--runs 3] [--kustomize-sizes <list>|none] [--json <file>]

Measures synthesis of the reference platform and of synthetic platforms (N services, 3 environments) in
fresh processes: median wall time (run 1 into an empty dist/, later runs re-synthesising into it), peak RSS
and objects per second, for synth alone and synth + validation.
With kubectl installed, also times 'kubectl kustomize' on an equivalent tree (once per size; at 1,000
services that takes several minutes per environment) and reports the ratio.`;

/** One measured configuration. */
export interface Measurement {
  readonly platform: 'reference' | 'synthetic';
  readonly services: number;
  readonly mode: 'synth' | 'full';
  readonly runs: number;
  readonly objects: number;
  readonly medianMs: number;
  /** The first run (into an empty output directory). */
  readonly firstMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly maxRssMb: number;
  readonly objectsPerSecond: number;
}

/** A Kustomize comparison at one size. */
export interface KustomizeMeasurement {
  readonly services: number;
  readonly objects: number;
  readonly ms: number;
  /** Kustomize time divided by our synth + validation median. */
  readonly ratio: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wait (at most a minute) until no retired generation is left to delete in `genRoot`. */
async function settled(genRoot: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const busy = fs.existsSync(genRoot) && fs.readdirSync(genRoot).some((e) => e.startsWith('trash-'));
    if (!busy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function runChild(args: readonly string[]): Promise<{ ms: number; result: ChildResult }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...NODE_TSX, 'tools/bench/child.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`benchmark run failed (${args.join(' ')}): ${err.trim() || `exit code ${String(code)}`}`));
        return;
      }
      resolve({ ms, result: JSON.parse(out.trim().split('\n').pop() as string) as ChildResult });
    });
  });
}

async function measure(platform: 'reference' | 'synthetic', services: number, mode: 'synth' | 'full', runs: number, scratch: string, log: (l: string) => void): Promise<Measurement> {
  // Run 1 synthesises into an empty directory (a fresh clone, CI); later runs re-synthesise into it, as a
  // developer does. Between runs, wait for the previous generation's background deletion to finish, so it
  // does not compete with the measured run for the disk.
  const dir = path.join(scratch, `${platform}-${services}-${mode}`);
  const outdir = path.join(dir, 'dist');
  fs.mkdirSync(dir, { recursive: true });
  const samples: { ms: number; result: ChildResult }[] = [];
  for (let i = 0; i < runs; i++) {
    await settled(generationsDir(outdir));
    samples.push(await runChild(['--platform', platform, '--size', String(services), '--mode', mode, '--outdir', outdir]));
  }
  await settled(generationsDir(outdir));
  fs.rmSync(dir, { recursive: true, force: true });
  const times = samples.map((s) => s.ms);
  const medianMs = median(times);
  const last = samples[samples.length - 1] as { ms: number; result: ChildResult };
  const m: Measurement = {
    platform, services, mode, runs,
    objects: last.result.objects,
    medianMs: Math.round(medianMs),
    firstMs: Math.round(times[0] as number),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    maxRssMb: Math.round(Math.max(...samples.map((s) => s.result.maxRssKb)) / 1024),
    objectsPerSecond: Math.round(last.result.objects / (medianMs / 1000)),
  };
  log(`  ${platform === 'reference' ? 'reference platform' : `${services} services`}, ${mode === 'full' ? 'synth + validate' : 'synth only'}: median ${(m.medianMs / 1000).toFixed(2)} s (first run ${(m.firstMs / 1000).toFixed(2)} s), peak RSS ${m.maxRssMb} MB, ${m.objects} objects`);
  return m;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}

/** The bench command. */
export async function benchCommand(argv: readonly string[], io: CommandIO = PROCESS_IO): Promise<number> {
  return runCommand('bench', argv, async () => {
    const { values } = parseCommandLine('bench', argv, {
      sizes: { type: 'string', default: '10,100,1000' },
      runs: { type: 'string', default: '3' },
      'kustomize-sizes': { type: 'string' },
      json: { type: 'string', default: '.bench/results.json' },
      help: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const parseList = (flag: string, text: string): number[] => text.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`bench: --${flag} must be a comma-separated list of positive integers, got '${text}'`);
      return n;
    });
    const sizes = parseList('sizes', values.sizes);
    const runs = parseList('runs', values.runs)[0] as number;
    const kustomizeSizes = values['kustomize-sizes'] === 'none' ? [] : values['kustomize-sizes'] ? parseList('kustomize-sizes', values['kustomize-sizes']) : sizes;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-'));
    const log = (l: string): void => io.out(l);
    const machine = `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
    log(`bench: ${machine}; ${runs} run(s) per measurement`);

    const measurements: Measurement[] = [];
    for (const mode of ['synth', 'full'] as const) measurements.push(await measure('reference', 0, mode, runs, scratch, log));
    for (const size of sizes) {
      for (const mode of ['synth', 'full'] as const) measurements.push(await measure('synthetic', size, mode, runs, scratch, log));
    }

    const kubectl = kubectlVersion();
    const kustomize: KustomizeMeasurement[] = [];
    if (kubectl === undefined) {
      log('bench: kubectl not found; skipping the Kustomize comparison');
    } else {
      const envs = syntheticPlatform(1).environments.map((e) => ({ name: e.name, replicas: e.stage === 'production' ? 3 : e.stage === 'staging' ? 2 : 1, tag: 'v1.0.0' }));
      for (const size of kustomizeSizes) {
        log(`  kustomize: ${size} services x ${envs.length} environments (${kubectl.split(';')[0]}) ...`);
        const overlays = writeKustomizeTree(path.join(scratch, `kustomize-${size}`), size, envs);
        const ms = await runKustomize(overlays);
        const ours = measurements.find((m) => m.platform === 'synthetic' && m.services === size && m.mode === 'full');
        const row = { services: size, objects: size * 5 * envs.length, ms: Math.round(ms), ratio: ours ? Math.round((ms / ours.medianMs) * 10) / 10 : Number.NaN };
        kustomize.push(row);
        log(`  kustomize: ${(row.ms / 1000).toFixed(1)} s${ours ? ` (${row.ratio}x our synth + validate)` : ''}`);
      }
    }

    const rows: string[][] = [['platform', 'objects', 'synth (median)', 'synth + validate (median)', 'synth + validate (first run)', 'peak RSS', 'objects/s (full)', 'kustomize', 'ratio']];
    const groups = [{ platform: 'reference' as const, services: 0 }, ...sizes.map((services) => ({ platform: 'synthetic' as const, services }))];
    for (const g of groups) {
      const synth = measurements.find((m) => m.platform === g.platform && m.services === g.services && m.mode === 'synth') as Measurement;
      const full = measurements.find((m) => m.platform === g.platform && m.services === g.services && m.mode === 'full') as Measurement;
      const k = g.platform === 'synthetic' ? kustomize.find((x) => x.services === g.services) : undefined;
      rows.push([
        g.platform === 'reference' ? 'reference (HealthXcape)' : `${g.services} services x 3 envs`,
        String(full.objects),
        `${(synth.medianMs / 1000).toFixed(2)} s`,
        `${(full.medianMs / 1000).toFixed(2)} s`,
        `${(full.firstMs / 1000).toFixed(2)} s`,
        `${Math.max(synth.maxRssMb, full.maxRssMb)} MB`,
        String(full.objectsPerSecond),
        k ? `${(k.ms / 1000).toFixed(1)} s` : '-',
        k ? `${k.ratio}x` : '-',
      ]);
    }
    for (const line of table(rows)) log(line);
    const result = { machine, date: new Date().toISOString(), runs, measurements, kustomize, kubectl: kubectl ?? null };
    fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
    fs.writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    log(`bench: results written to ${values.json}`);
    fs.rmSync(scratch, { recursive: true, force: true });
    return 0;
  }, io);
}

if (require.main === module) {
  void benchCommand(process.argv.slice(2));
}
