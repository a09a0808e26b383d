/**
 * A bare `cdk8s import` on the project is refused clearly, and the reasons README.md gives ("CRD bindings") hold
 * for the installed cdk8s-cli: every test here runs node_modules/.bin/cdk8s itself. Should a cdk8s-cli upgrade
 * fix one of its limitations, the test that shows it fails and the decision can be revisited.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { BARE_IMPORT_REFUSAL, CRDS_KEY, ImportError, parseImportConfig } from '../../tools/import/import-crds';
import { crdYaml } from '../support/crds';
import { isolatedEnv, removeTempDirs, ROOT, runCommand, tempDir } from '../support/project';

const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

afterAll(removeTempDirs);

/** Runs the installed cdk8s CLI (no upgrade check: no network); stdout and stderr together. */
async function cdk8s(args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  const env = isolatedEnv();
  for (const key of Object.keys(env)) if (key.startsWith('CDK8S_')) delete env[key];
  const result = await runCommand(CDK8S, [...args, '--no-check-upgrade'], cwd, env);
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}

describe('the committed cdk8s.yaml', () => {
  const text = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');

  test('lists the CRDs under the key of its own, and imports: holds only the refusal', () => {
    const doc = YAML.parse(text) as Record<string, unknown>;
    expect(doc.imports).toEqual([BARE_IMPORT_REFUSAL]);
    expect(parseImportConfig(text).length).toBe((doc[CRDS_KEY] as unknown[]).length);
  });

  test('a bare `cdk8s import` stops at once, says what to run, and writes nothing', async () => {
    // GIVEN a copy of the project's cdk8s.yaml
    const dir = tempDir('bare-import');
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), text);
    // WHEN cdk8s imports what the file lists
    const result = await cdk8s(['import'], dir);
    // THEN
    expect(result.code).toBe(1);
    expect(result.output).toContain('run `npm run import` instead');
    expect(fs.readdirSync(dir)).toEqual(['cdk8s.yaml']);
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8')).toBe(text);
  });

  test('npm run import refuses CRDs listed under imports: (the old <group>:=<url> form), naming the fix', () => {
    const old = 'imports:\n  - kafka.strimzi.io:=https://raw.githubusercontent.com/strimzi/strimzi-kafka-operator/1.2.0/packaging/install/cluster-operator/040-Crd-kafka.yaml\n';
    expect(() => parseImportConfig(old)).toThrow(ImportError);
    expect(() => parseImportConfig(old)).toThrow(/"imports:" is the list a bare `cdk8s import` reads[\s\S]*Fix: list the CRDs under "crds:" as "<crd name>:=<raw URL at the pinned tag>"/);
  });
});

describe('why cdk8s-cli alone cannot import our CRDs', () => {
  test('a property named $schema (Camel K Kamelet) fails the whole import', async () => {
    const dir = tempDir('bare-import');
    fs.writeFileSync(path.join(dir, 'kamelets.yaml'), crdYaml({ plural: 'kamelets', kind: 'Kamelet', specProperties: { $schema: { type: 'string' } } }));
    const result = await cdk8s(['import', 'kamelets.yaml', '--language', 'typescript', '--output', 'out', '--no-save'], dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Key '$schema' contains non standard characters");
  });

  test('it writes property names that do not compile, and classes for unserved versions', async () => {
    // GIVEN Camel K's traits.3scale, and a version the CRD no longer serves
    const dir = tempDir('bare-import');
    fs.writeFileSync(path.join(dir, 'integrations.yaml'), crdYaml({ plural: 'integrations', kind: 'Integration', versions: [{ name: 'v1' }, { name: 'v1beta1', served: false }], specProperties: { '3scale': { type: 'boolean' } } }));
    // WHEN
    const result = await cdk8s(['import', 'integrations.yaml', '--language', 'typescript', '--output', 'out', '--no-save'], dir);
    // THEN
    expect(result.code).toBe(0);
    const code = fs.readFileSync(path.join(dir, 'out', 'example.com.ts'), 'utf8');
    expect(code).toContain('readonly 3Scale?: boolean;');
    expect(code).toContain("apiVersion: 'example.com/v1beta1'");
    expect(code).toContain('return Object.entries(result).reduce(');
  });

  test('entries with one module name overwrite each other (the partial files of issue 17)', async () => {
    const dir = tempDir('bare-import');
    fs.writeFileSync(path.join(dir, 'a.yaml'), crdYaml({ plural: 'alphas', kind: 'Alpha', specProperties: { size: { type: 'integer' } } }));
    fs.writeFileSync(path.join(dir, 'b.yaml'), crdYaml({ plural: 'betas', kind: 'Beta', specProperties: { size: { type: 'integer' } } }));
    const result = await cdk8s(['import', 'example.com:=a.yaml', 'example.com:=b.yaml', '--language', 'typescript', '--output', 'out', '--no-save'], dir);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['example.com-example.com.ts']);
    const code = fs.readFileSync(path.join(dir, 'out', 'example.com-example.com.ts'), 'utf8');
    // Exactly one of the two kinds survives in the one file both entries were written to.
    const kinds = ['Alpha', 'Beta'].filter((k) => code.includes(`export class ${k} extends ApiObject`));
    expect(kinds).toHaveLength(1);
  });
});
