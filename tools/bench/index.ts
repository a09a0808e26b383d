/**
 * `npm run bench`: synth speed and memory of every platform (the reference and each `examples/*`) and of
 * synthetic platforms of several sizes, for synth alone and for synth plus validation, the reference's
 * `npm run synth` and `npm run validate` as a user runs them, and an equivalent Kustomize tree when kubectl
 * is installed.
 *
 * Every measurement is a fresh process started the way the package scripts start it (start-up included, as a
 * user or CI pays it). With /usr/bin/time (GNU time) each process's wall time, CPU time (user + system) and
 * peak RSS are read from it, npm and its children included; without it, from the process itself. A figure is
 * the median over `--runs` runs (the peak RSS: the largest).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { examplePlatforms } from '../cli/platforms';
import { CommandIO, parseCommandLine, PROCESS_IO, runCommand, UsageError } from '../cli/run';
import { generationsDir } from '../synth/output';
import type { ChildResult } from './child';
import { kubectlVersion, writeKustomizeTree } from './kustomize';
import { syntheticPlatform } from './platform';

const ROOT = path.resolve(__dirname, '../..');
const GNU_TIME = '/usr/bin/time';
const TIME_MARK = 'platform-synth-bench-time';

const USAGE = `usage: npm run bench [-- --sizes 10,100,1000,5000] [--runs 3] [--platforms all|none|<name>,...]
                      [--modes synth,full] [--kustomize-sizes 10,100|none] [--project <dir>] [--json <file>]

Measures, each in fresh processes started as the package scripts start them (after one unmeasured run
that builds the start-up bundle and the caches, as a user's first run after an install does): 'npm run synth' and 'npm run
validate' of the reference platform (npm included); synth and synth + validation of every platform (the
reference and each examples/<name>) and of synthetic platforms of N services x 3 environments. Reports the
median wall time (run 1 into an empty directory, later runs re-synthesising into it), the median CPU time
(user + system), the peak RSS and objects per second; with kubectl installed, also 'kubectl kustomize' of an
equivalent tree (the median of --runs rounds when a round takes under 30 s, one round otherwise: at 1,000
services that takes about 20 minutes).

  --sizes <list>            synthetic platform sizes, services (default 10,100,1000,5000)
  --runs <n>                runs per measurement (default 3)
  --platforms <list>        'all' (default: reference and every example), 'none', or names
  --modes <list>            synth (synth alone), full (synth + validation); default both
  --kustomize-sizes <list>  sizes to render with Kustomize (default 10,100), or none
  --project <dir>           measure another checkout of this project (its own start-up path and code)
  --json <file>             where to write the results (default .bench/results.json)`;

/** Wall time, CPU time and peak RSS of one process. */
interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
}

/** One measured configuration. */
export interface Measurement {
  /** `reference`, an example's name, `synthetic`, or a command line (`npm run synth`). */
  readonly platform: string;
  readonly services: number;
  readonly mode: 'synth' | 'full' | 'command';
  readonly runs: number;
  readonly objects: number;
  readonly medianMs: number;
  /** The first run (into an empty output directory). */
  readonly firstMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly medianCpuMs: number;
  readonly maxRssMb: number;
  readonly objectsPerSecond: number;
  /** The 1-minute load average before the first run (this machine's other work competes for the cores). */
  readonly loadAverage: number;
}

/** A Kustomize comparison at one size. */
export interface KustomizeMeasurement {
  readonly services: number;
  readonly objects: number;
  /** Rounds measured: `--runs` when one round takes under KUSTOMIZE_REPEAT_MS, else one. */
  readonly runs: number;
  /** Median over the rounds of the wall time of rendering every overlay, one `kubectl kustomize` each. */
  readonly ms: number;
  /** CPU time of the median round. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  /** Kustomize time divided by our synth + validation median. */
  readonly ratio: number;
}

/** Kustomize rounds shorter than this are repeated `--runs` times (a median, as ours); longer ones run once. */
const KUSTOMIZE_REPEAT_MS = 30_000;

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

/** How the package scripts of the checkout in `project` start a TypeScript file. */
function starter(project: string): readonly string[] {
  return fs.existsSync(path.join(project, 'tools', 'cli', 'start.cjs')) ? [path.join(project, 'tools', 'cli', 'start.cjs')] : ['--import', 'tsx'];
}

/** Run `command args` in `cwd`, measured; resolves with its stdout and the sample. */
function timed(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; sample: Sample }> {
  const gnuTime = fs.existsSync(GNU_TIME);
  const file = gnuTime ? GNU_TIME : command;
  const argv = gnuTime ? ['-f', `${TIME_MARK} %e %U %S %M`, command, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const mark = err.split('\n').find((l) => l.startsWith(`${TIME_MARK} `));
      const rest = err.split('\n').filter((l) => !l.startsWith(`${TIME_MARK} `) && !/^Command exited with non-zero status/.test(l)).join('\n').trim();
      if (code !== 0) {
        reject(new Error(`benchmark run failed (${command} ${args.join(' ')}): ${rest || `exit code ${String(code)}`}`));
        return;
      }
      if (mark !== undefined) {
        const [wall, user, system, rss] = mark.split(' ').slice(1).map(Number) as [number, number, number, number];
        resolve({ stdout: out, sample: { ms: wall * 1000, cpuMs: (user + system) * 1000, maxRssKb: rss } });
        return;
      }
      resolve({ stdout: out, sample: { ms, cpuMs: Number.NaN, maxRssKb: Number.NaN } });
    });
  });
}

/** One run of the benchmark child; its own report fills in what /usr/bin/time did not measure. */
async function runChild(project: string, args: readonly string[]): Promise<{ sample: Sample; result: ChildResult }> {
  const { stdout, sample } = await timed(process.execPath, [...starter(project), 'tools/bench/child.ts', ...args], project);
  const result = JSON.parse(stdout.trim().split('\n').pop() as string) as ChildResult;
  return {
    result,
    sample: {
      ms: sample.ms,
      cpuMs: Number.isNaN(sample.cpuMs) ? result.cpuMs ?? Number.NaN : sample.cpuMs,
      maxRssKb: Number.isNaN(sample.maxRssKb) ? result.maxRssKb : sample.maxRssKb,
    },
  };
}

function summarise(platform: string, services: number, mode: Measurement['mode'], samples: readonly Sample[], objects: number, loadAverage: number): Measurement {
  const times = samples.map((s) => s.ms);
  const medianMs = median(times);
  return {
    platform, services, mode, runs: samples.length, objects,
    medianMs: Math.round(medianMs),
    firstMs: Math.round(times[0] as number),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    medianCpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
    maxRssMb: Math.round(Math.max(...samples.map((s) => s.maxRssKb)) / 1024),
    objectsPerSecond: objects > 0 ? Math.round(objects / (medianMs / 1000)) : 0,
    loadAverage: Math.round(loadAverage * 10) / 10,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function measure(project: string, platform: string, services: number, mode: 'synth' | 'full', runs: number, scratch: string, log: (l: string) => void): Promise<Measurement> {
  // Run 1 synthesises into an empty directory (a fresh clone, CI); later runs re-synthesise into it, as a
  // developer does. Between runs, wait for the previous generation's background deletion to finish, so it
  // does not compete with the measured run for the disk.
  const dir = path.join(scratch, `${platform}-${services}-${mode}`);
  const outdir = path.join(dir, 'dist');
  fs.mkdirSync(dir, { recursive: true });
  // One unmeasured run first, into another directory: it builds the start-up bundle and the caches a user's
  // first run after an install builds once.
  await runChild(project, ['--platform', platform, '--size', String(Math.min(services, 10)), '--mode', mode, '--outdir', path.join(dir, 'warm-up')]);
  const loadAverage = os.loadavg()[0] ?? 0;
  const samples: Sample[] = [];
  let objects = 0;
  for (let i = 0; i < runs; i++) {
    await settled(generationsDir(outdir));
    const { sample, result } = await runChild(project, ['--platform', platform, '--size', String(services), '--mode', mode, '--outdir', outdir]);
    samples.push(sample);
    objects = result.objects;
  }
  await settled(generationsDir(outdir));
  fs.rmSync(dir, { recursive: true, force: true });
  const m = summarise(platform, services, mode, samples, objects, loadAverage);
  log(`  ${platform === 'synthetic' ? `${services} services x 3 envs` : platform}, ${mode === 'full' ? 'synth + validate' : 'synth only'}: median ${seconds(m.medianMs)} (first run ${seconds(m.firstMs)}), CPU ${seconds(m.medianCpuMs)}, peak RSS ${m.maxRssMb} MB, ${m.objects} objects (load ${m.loadAverage})`);
  return m;
}

/** `npm run <script> -- <args>` of the reference platform, as a user runs it. */
async function measureCommand(project: string, script: string, args: readonly string[], runs: number, log: (l: string) => void): Promise<Measurement> {
  await timed('npm', ['run', '--silent', script, '--', ...args], project);
  const loadAverage = os.loadavg()[0] ?? 0;
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push((await timed('npm', ['run', '--silent', script, '--', ...args], project)).sample);
  const m = summarise(`npm run ${script}`, 0, 'command', samples, 0, loadAverage);
  log(`  npm run ${script} (reference, npm included): median ${seconds(m.medianMs)} (first run ${seconds(m.firstMs)}), CPU ${seconds(m.medianCpuMs)}, peak RSS ${m.maxRssMb} MB (load ${m.loadAverage})`);
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
      sizes: { type: 'string', default: '10,100,1000,5000' },
      runs: { type: 'string', default: '3' },
      platforms: { type: 'string', default: 'all' },
      modes: { type: 'string', default: 'synth,full' },
      'kustomize-sizes': { type: 'string', default: '10,100' },
      project: { type: 'string' },
      json: { type: 'string', default: '.bench/results.json' },
      help: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const parseList = (flag: string, text: string): number[] => (text === 'none' ? [] : text.split(',').map((s) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`bench: --${flag} must be a comma-separated list of positive integers (or none), got '${text}'`);
      return n;
    }));
    const project = path.resolve(values.project ?? ROOT);
    if (!fs.existsSync(path.join(project, 'tools', 'bench', 'child.ts'))) throw new UsageError(`bench: --project ${project} is not a checkout of this project (no tools/bench/child.ts)`);
    const sizes = parseList('sizes', values.sizes);
    const runs = parseList('runs', values.runs)[0] ?? 3;
    const kustomizeSizes = parseList('kustomize-sizes', values['kustomize-sizes']);
    const known = ['reference', ...examplePlatforms(project)];
    const platforms = values.platforms === 'all' ? known : values.platforms === 'none' ? [] : values.platforms.split(',').map((p) => p.trim());
    for (const p of platforms) if (!known.includes(p)) throw new UsageError(`bench: unknown platform '${p}'; the project has ${known.join(', ')}`);

    const modes = values.modes.split(',').map((m) => m.trim());
    for (const m of modes) if (m !== 'synth' && m !== 'full') throw new UsageError(`bench: --modes takes synth and/or full, got '${m}'`);
    const wanted = (['synth', 'full'] as const).filter((m) => modes.includes(m));
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-'));
    const log = (l: string): void => io.out(l);
    const machine = `${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
    const started = os.loadavg();
    log(`bench: ${machine}; ${project}; ${runs} run(s) per measurement; load average ${started.map((l) => l.toFixed(1)).join(' ')}`);

    const commands: Measurement[] = [];
    const measurements: Measurement[] = [];
    try {
      if (platforms.includes('reference')) {
        commands.push(await measureCommand(project, 'synth', ['--quiet', '--outdir', path.join(scratch, 'npm-synth', 'dist')], runs, log));
        commands.push(await measureCommand(project, 'validate', [], runs, log));
      }
      for (const platform of platforms) {
        for (const mode of wanted) measurements.push(await measure(project, platform, 0, mode, runs, scratch, log));
      }
      for (const size of sizes) {
        for (const mode of wanted) measurements.push(await measure(project, 'synthetic', size, mode, runs, scratch, log));
      }

      const kubectl = kubectlVersion();
      const kustomize: KustomizeMeasurement[] = [];
      if (kubectl === undefined) {
        if (kustomizeSizes.length > 0) log('bench: kubectl not found; skipping the Kustomize comparison');
      } else {
        const envs = syntheticPlatform(1).environments.map((e) => ({ name: e.name, replicas: e.stage === 'production' ? 3 : e.stage === 'staging' ? 2 : 1, tag: 'v1.0.0' }));
        for (const size of kustomizeSizes) {
          log(`  kustomize: ${size} services x ${envs.length} environments (${kubectl.split(';')[0]}) ...`);
          const overlays = writeKustomizeTree(path.join(scratch, `kustomize-${size}`), size, envs);
          const rounds: { ms: number; cpuMs: number; maxRssKb: number }[] = [];
          do {
            const parts: Sample[] = [];
            for (const overlay of overlays) parts.push((await timed('kubectl', ['kustomize', overlay], scratch)).sample);
            rounds.push({ ms: parts.reduce((n, s) => n + s.ms, 0), cpuMs: parts.reduce((n, s) => n + s.cpuMs, 0), maxRssKb: Math.max(...parts.map((s) => s.maxRssKb)) });
          } while (rounds.length < runs && (rounds[0]?.ms ?? 0) < KUSTOMIZE_REPEAT_MS);
          const ms = median(rounds.map((r) => r.ms));
          const middle = [...rounds].sort((a, b) => a.ms - b.ms)[Math.floor((rounds.length - 1) / 2)] ?? rounds[0];
          const ours = measurements.find((m) => m.platform === 'synthetic' && m.services === size && m.mode === 'full');
          const row: KustomizeMeasurement = {
            services: size, objects: size * 5 * envs.length, runs: rounds.length, ms: Math.round(ms),
            cpuMs: Math.round(middle?.cpuMs ?? 0),
            maxRssMb: Math.round(Math.max(...rounds.map((r) => r.maxRssKb)) / 1024),
            ratio: ours ? Math.round((ms / ours.medianMs) * 100) / 100 : Number.NaN,
          };
          kustomize.push(row);
          log(`  kustomize: median ${seconds(row.ms)} over ${row.runs} run(s), CPU ${seconds(row.cpuMs)}${ours ? ` (${row.ratio}x our synth + validate)` : ''}`);
        }
      }

      const rows: string[][] = [['platform', 'objects', 'synth', 'CPU', 'synth + validate', 'CPU', 'first run', 'peak RSS', 'objects/s', 'kustomize', 'ratio']];
      for (const c of commands) {
        rows.push([`${c.platform} (reference, npm included)`, '-', c.platform.endsWith('synth') ? seconds(c.medianMs) : '-', c.platform.endsWith('synth') ? seconds(c.medianCpuMs) : '-',
          c.platform.endsWith('validate') ? seconds(c.medianMs) : '-', c.platform.endsWith('validate') ? seconds(c.medianCpuMs) : '-', seconds(c.firstMs), `${c.maxRssMb} MB`, '-', '-', '-']);
      }
      const groups = [...platforms.map((platform) => ({ platform, services: 0 })), ...sizes.map((services) => ({ platform: 'synthetic', services }))];
      for (const g of groups) {
        const synth = measurements.find((m) => m.platform === g.platform && m.services === g.services && m.mode === 'synth');
        const full = measurements.find((m) => m.platform === g.platform && m.services === g.services && m.mode === 'full');
        const any = (full ?? synth) as Measurement;
        const k = g.platform === 'synthetic' ? kustomize.find((x) => x.services === g.services) : undefined;
        rows.push([
          g.platform === 'synthetic' ? `${g.services} services x 3 envs` : g.platform,
          String(any.objects),
          synth ? seconds(synth.medianMs) : '-', synth ? seconds(synth.medianCpuMs) : '-',
          full ? seconds(full.medianMs) : '-', full ? seconds(full.medianCpuMs) : '-',
          seconds(any.firstMs),
          `${Math.max(synth?.maxRssMb ?? 0, full?.maxRssMb ?? 0)} MB`,
          String(any.objectsPerSecond),
          k ? seconds(k.ms) : '-',
          k ? `${k.ratio}x` : '-',
        ]);
      }
      for (const line of table(rows)) log(line);
      const growth: { from: number; to: number; timeRatio: number }[] = [];
      for (let i = 1; i < sizes.length; i++) {
        const from = measurements.find((m) => m.platform === 'synthetic' && m.services === sizes[i - 1] && m.mode === 'full');
        const to = measurements.find((m) => m.platform === 'synthetic' && m.services === sizes[i] && m.mode === 'full');
        if (from === undefined || to === undefined) continue;
        const timeRatio = Math.round((to.medianMs / from.medianMs) * 100) / 100;
        growth.push({ from: from.services, to: to.services, timeRatio });
        log(`bench: ${from.services} -> ${to.services} services (${(to.services / from.services).toFixed(1)}x): synth + validate ${timeRatio}x the time`);
      }
      const finished = os.loadavg();
      log(`bench: load average at the end ${finished.map((l) => l.toFixed(1)).join(' ')}`);
      const result = { machine, project, date: new Date().toISOString(), runs, loadAverage: { start: started, end: finished }, commands, measurements, growth, kustomize, kubectl: kubectl ?? null };
      fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
      fs.writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
      log(`bench: results written to ${values.json}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return 0;
  }, io);
}

if (require.main === module) {
  void benchCommand(process.argv.slice(2));
}
