/**
 * One measured run (spawned by `npm run bench`): build and synthesise a platform into `--outdir`, then print
 * one JSON line with the object count, phase times and the process's peak RSS.
 *
 *   tsx tools/bench/child.ts --platform reference|synthetic --size <services> --mode synth|full --outdir <dir>
 */
import { parseArgs } from 'node:util';
import { App } from 'cdk8s';
import { build as referenceBuild } from '../../main';
import { outputFiles, renderEnvironments } from '../synth';
import { writeTreeAtomically } from '../synth/output';
import { validateEnvironments, ValidationFailedError } from '../validate';
import { syntheticBuild } from './platform';

/** What a child run reports. */
export interface ChildResult {
  readonly objects: number;
  readonly files: number;
  readonly errors: number;
  /** Milliseconds per phase, measured inside the process. */
  readonly phases: { readonly render: number; readonly validate: number; readonly write: number };
  /** Peak resident set size of the process, in KiB. */
  readonly maxRssKb: number;
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
  const build = values.platform === 'reference'
    ? (outdir: string): Promise<App[]> => referenceBuild(outdir)
    : syntheticBuild(Number(values.size));
  const t0 = performance.now();
  const envs = await renderEnvironments(build, values.outdir);
  const t1 = performance.now();
  let errors = 0;
  if (values.mode === 'full') {
    const report = validateEnvironments(envs);
    errors = report.errors.length;
    if (errors > 0) throw new ValidationFailedError(report);
  }
  const t2 = performance.now();
  const files = outputFiles(envs);
  await writeTreeAtomically(values.outdir, files);
  const t3 = performance.now();
  const result: ChildResult = {
    objects: envs.reduce((n, e) => n + e.applications.reduce((m, a) => m + a.objects.length, 0), 0),
    files: files.length,
    errors,
    phases: { render: Math.round(t1 - t0), validate: Math.round(t2 - t1), write: Math.round(t3 - t2) },
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench child failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
