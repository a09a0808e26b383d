/**
 * One measured run (spawned by `npm run bench`): build and synthesise a platform into `--outdir`, then print
 * one JSON line with the object count and the process's CPU time and peak RSS.
 *
 *   node tools/cli/start.cjs tools/bench/child.ts --platform reference|<example>|synthetic --size <services> --mode synth|full --outdir <dir>
 */
import { parseArgs } from 'node:util';
import { loadPlatform } from '../cli/platforms';
import { BuildFunction, synthesize } from '../synth';
import { syntheticBuild } from './platform';

/** What a child run reports. */
export interface ChildResult {
  readonly objects: number;
  readonly files: number;
  readonly errors: number;
  /** Peak resident set size of the process, in KiB. */
  readonly maxRssKb: number;
  /** CPU time of the process (user + system), in milliseconds. */
  readonly cpuMs?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      platform: { type: 'string', default: 'synthetic' },
      size: { type: 'string', default: '10' },
      mode: { type: 'string', default: 'full' },
      outdir: { type: 'string' },
    },
  });
  if (!values.outdir) throw new Error('--outdir is required');
  const build: BuildFunction = values.platform === 'synthetic' ? syntheticBuild(Number(values.size)) : (await loadPlatform(values.platform)).build;
  const summary = await synthesize(build, { outdir: values.outdir, validate: values.mode === 'full' });
  const usage = process.resourceUsage();
  const result: ChildResult = {
    objects: summary.environments.reduce((n, e) => n + e.objects, 0),
    files: summary.files,
    errors: summary.report.errors.length,
    maxRssKb: usage.maxRSS,
    cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench child failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
