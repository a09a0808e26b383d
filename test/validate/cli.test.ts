/**
 * `npm run validate`: exit codes, per-environment counts, --env, --json; and the reference platform passes
 * with zero errors in every environment.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { JsonPatch } from 'cdk8s';
import { exemptFromPolicy } from '../../constructs';
import { CommandIO } from '../../tools/cli/run';
import { validateCommand } from '../../tools/cli/validate';
import { renderEnvironments } from '../../tools/synth';
import { formatFindings } from '../../tools/validate/format';
import { validateEnvironments } from '../../tools/validate';
import { objectOf, patch, referenceBuild } from '../fixtures/platform';

const ROOT = path.resolve(__dirname, '../..');

async function run(argv: readonly string[], build = referenceBuild()): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIO = { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(...l.split('\n')) };
  const code = await validateCommand(argv, io, build);
  process.exitCode = undefined;
  return { code, out, err };
}

describe('the reference platform', () => {
  test('passes validation with zero errors in every environment', async () => {
    // GIVEN every environment of the reference platform
    const envs = await renderEnvironments(referenceBuild(), 'dist');
    // WHEN
    const report = validateEnvironments(envs);
    // THEN (the findings are in the assertion, so a failure shows them)
    expect({ errors: formatFindings(report.errors) }).toEqual({ errors: [] });
    expect(report.summaries().map((s) => [s.environment, s.errors])).toEqual([['dev', 0], ['staging', 0], ['prod', 0]]);
  });

  test('`validate` prints how many objects it checked per environment and exits 0', async () => {
    const envs = await renderEnvironments(referenceBuild(), 'dist');
    const counts = envs.map((env) => [env.name, env.applications.reduce((n, a) => n + a.objects.length, 0)] as const);
    const { code, out, err } = await run([]);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    for (const [name, objects] of counts) {
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^validated ${name}: ${objects} objects, 0 errors, \\d+ warnings?`)));
    }
  });
});

describe('npm run validate', () => {
  const broken = referenceBuild(patch('frontend', 'Ingress', 'frontend', JsonPatch.replace('/spec/rules/0/http/paths/0/backend/service/name', 'web')), ['dev', 'prod']);

  test('exits 1 and prints every finding when errors remain', async () => {
    const { code, out, err } = await run([], broken);
    expect(code).toBe(1);
    expect(out).toEqual([
      expect.stringMatching(/^validated dev: \d+ objects, 1 error, 0 warnings$/),
      expect.stringMatching(/^validated prod: \d+ objects, 1 error, 0 warnings$/),
      expect.stringMatching(/^ERROR \[ref\/ingress-backend\] dev\/frontend Ingress\/healthxcape\/frontend spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: backend Service 'web' is not rendered/),
      expect.stringMatching(/^ERROR \[ref\/ingress-backend\] prod\/frontend Ingress\/healthxcape\/frontend /),
    ]);
    expect(err).toEqual(['validate: 2 errors; fix them before `npm run synth` (it refuses to write while errors remain)']);
  });

  test('--env restricts validation to the named environments', async () => {
    const { code, out } = await run(['--env', 'prod'], broken);
    expect(code).toBe(1);
    expect(out.filter((l) => l.startsWith('validated '))).toEqual([expect.stringMatching(/^validated prod: \d+ objects, 1 error, 0 warnings$/)]);
    expect(out.filter((l) => l.startsWith('ERROR')).every((l) => l.includes(' prod/frontend '))).toBe(true);
  });

  test('--json prints a machine-readable report', async () => {
    const { code, out } = await run(['--json', '--env', 'dev'], broken);
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; environments: unknown[]; findings: Record<string, unknown>[] };
    expect(report.ok).toBe(false);
    expect(report.environments).toEqual([{ environment: 'dev', objects: expect.any(Number), errors: 1, warnings: 0, exempted: 0 }]);
    expect(report.findings).toEqual([{
      severity: 'error', rule: 'ref/ingress-backend', environment: 'dev', application: 'frontend', kind: 'Ingress', name: 'frontend', namespace: 'healthxcape',
      path: 'spec.rules[0].http.paths[0].backend.service.name', value: 'web', message: expect.stringContaining("backend Service 'web' is not rendered"), fix: expect.any(String),
    }]);
  });

  test('--verbose lists exempted findings with their reasons', async () => {
    const exempted = referenceBuild((app) => {
      const deployment = objectOf(app, 'identity-service', 'Deployment', 'identity-service');
      deployment.addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/readinessProbe'));
      exemptFromPolicy(deployment, 'policy/probes', 'readiness is gated by the service mesh');
    }, ['dev']);
    const { code, out } = await run(['--verbose'], exempted);
    expect(code).toBe(0);
    expect(out).toContainEqual(expect.stringMatching(/^validated dev: \d+ objects, 0 errors, 0 warnings, 1 exempted$/));
    expect(out).toContainEqual(expect.stringMatching(/^EXEMPT ERROR \[policy\/probes\] dev\/identity-service Deployment\/healthxcape\/identity-service .*readinessProbe.* Exempted: readiness is gated by the service mesh$/));
  });

  test('--verbose counts CEL rule evaluations and the transition rules skipped on create; a broken rule is an error', async () => {
    // GIVEN prod's CloudNativePG cluster with a service account (its rule `self == oldSelf` compares with the
    // previous version) and with both imageName and imageCatalogRef (refused by a CRD rule)
    const build = referenceBuild(patch('identity-service', 'Cluster', 'identity-service-postgres',
      JsonPatch.add('/spec/serviceAccountName', 'identity-db'),
      JsonPatch.add('/spec/imageCatalogRef', { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'postgresql', major: 17 })), ['prod']);
    // WHEN
    const { code, out } = await run(['--verbose'], build);
    // THEN the rule's upstream message is the finding, and the counts are printed
    expect(code).toBe(1);
    expect(out).toContainEqual('ERROR [schema/cel] prod/identity-service Cluster/healthxcape/identity-service-postgres spec: imageName and imageCatalogRef are mutually exclusive. '
      + 'Fix: change the value so that the rule of Cluster postgresql.cnpg.io/v1 (imports/schemas/postgresql.cnpg.io.json) holds: !(has(self.imageCatalogRef) && has(self.imageName))');
    expect(out).toContainEqual(expect.stringMatching(/^CEL rules: \d+ evaluations, 1 skipped \(transition rules using oldSelf run only on update\), 0 not evaluable$/));
  });

  test('usage errors exit 2 with a hint, never a stack trace', async () => {
    const unknownEnv = await run(['--env', 'qa']);
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.err).toEqual(["validate: error: unknown environment 'qa'; the platform renders 'dev', 'staging', 'prod'. Run with --help for usage."]);
    const unknownFlag = await run(['--jsn']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.err.join('\n')).toMatch(/--jsn.*Run with --help for usage/);
    expect([...unknownEnv.err, ...unknownFlag.err].filter((l) => /^\s+at /.test(l))).toEqual([]);
  });

  test('--help prints usage and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out[0]).toBe('usage: npm run validate [-- --platform <name>] [--env <name>]... [--json] [--verbose]');
  });

  test('the package script runs the command as a real process', async () => {
    // GIVEN the script line of package.json
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.validate).toBe('node tools/cli/start.cjs tools/cli/validate.ts');
    // WHEN it runs (through the start-up bundle, tools/cli/start.cjs)
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['tools/cli/start.cjs', 'tools/cli/validate.ts', '--json'], { cwd: ROOT });
    // THEN it exits 0 (execFile rejects otherwise) with a JSON report of every environment
    const report = JSON.parse(stdout) as { ok: boolean; environments: { environment: string; errors: number }[] };
    expect(report.ok).toBe(true);
    expect(report.environments.map((e) => [e.environment, e.errors])).toEqual([['dev', 0], ['staging', 0], ['prod', 0]]);
    expect(stderr).toBe('');
  });
});
