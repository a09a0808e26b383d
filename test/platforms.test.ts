/**
 * Every platform of the repository (the reference platform and each of examples/) renders and validates with
 * 0 errors, through the same commands a user runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandIO } from '../tools/cli/run';
import { synthCommand } from '../tools/cli/synth';
import { validateCommand } from '../tools/cli/validate';
import { validateEnvironments } from '../tools/validate';
import { platforms, renderPlatform } from './helpers';

function capture(): CommandIO & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe.each(platforms().map((p) => [p.name, p] as const))('%s', (name, platform) => {
  test('validates with 0 errors, every environment rendered', () => {
    const rendered = renderPlatform(platform);
    const report = validateEnvironments(rendered);
    expect(report.errors.map((f) => `${f.environment}/${f.application} ${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
    expect(platform.environments.every((e) => rendered.some((r) => r.name === e.name))).toBe(true);
  });

  if (name !== 'reference') {
    test('npm run synth -- --platform renders it; --platform is what selects it', async () => {
      const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-platforms-')), 'dist');
      const io = capture();
      expect(await synthCommand(['--platform', name, '--outdir', outdir, '--quiet'], io)).toBe(0);
      expect(fs.readdirSync(outdir).sort()).toEqual(renderPlatform(platform).map((e) => e.name).sort());
      fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    });
  }
});

test('an unknown platform is a usage error listing the platforms', async () => {
  const io = capture();
  expect(await validateCommand(['--platform', 'startr'], io)).toBe(2);
  expect(io.lines.join('\n')).toMatch(/unknown platform 'startr' \(did you mean 'starter'\?\); the repository has 'reference', .*'starter'.*Fix: pass one of them to --platform/);
});
