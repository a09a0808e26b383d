/**
 * The benchmark's synthetic platform (tools/bench/platform.ts) must synthesise and validate cleanly: a finding
 * would make `npm run bench` measure a failing run (it did once, when synth began checking hosts across clusters).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { syntheticBuild } from '../../tools/bench/platform';
import { synthesize } from '../../tools/synth';
import { listFiles } from '../../tools/synth/output';

test('the synthetic platform of 3 services synthesises and validates with no finding, each environment on hosts of its own', async () => {
  // GIVEN a synthetic platform of 3 services WHEN it is synthesised with validation
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-bench-platform-')), 'dist');
  const summary = await synthesize(syntheticBuild(3), { outdir });
  // THEN every environment rendered, validation found nothing, and the frontend hosts differ per environment
  expect(summary.environments.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
  expect(summary.report.findings).toEqual([]);
  expect(listFiles(outdir)).toHaveLength(summary.files);
  const hosts = ['dev', 'staging', 'prod'].map((env) => /host: (\S+)/.exec(fs.readFileSync(path.join(outdir, env, 'frontend', 'Ingress.frontend.yaml'), 'utf8'))?.[1]);
  expect(hosts).toEqual(['dev.healthxcape.com', 'staging.healthxcape.com', 'healthxcape.com']);
}, 60000);
