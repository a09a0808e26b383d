/**
 * What `npm run import` writes for CRDs whose property names cdk8s alone gets wrong: the bindings type-check
 * (the installed tsc over the generated file), and objects built with them render every JSON key exactly as the
 * schema spells it, unknown keys included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { importModules } from '../../tools/import/import-crds';
import { crdYaml } from '../support/crds';
import { removeTempDirs, ROOT, runCommand, tempDir } from '../support/project';

afterAll(removeTempDirs);

/** A CRD with the property names that broke cdk8s's output: Camel K's `3scale` and `$schema`, Strimzi's `-Xmx`, CloudNativePG's snake_case. */
const GADGET_CRD = crdYaml({
  plural: 'gadgets',
  kind: 'Gadget',
  scope: 'Cluster',
  specRequired: ['$schema'],
  specProperties: {
    '3scale': { type: 'object', properties: { enabled: { type: 'boolean' } } },
    '$schema': { type: 'string' },
    '-Xmx': { type: 'string' },
    'shared_preload_libraries': { type: 'array', items: { type: 'string' } },
    'from-kamelet': { type: 'boolean' },
  },
});

type GadgetClass = new (scope: Construct, id: string, props: unknown) => ApiObject;

describe('bindings generated for awkward property names', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    // GIVEN the CRD imported by the pipeline into a directory outside the project
    dir = tempDir('generated');
    fs.mkdirSync(path.join(dir, 'crds', 'gadgets-1.0.0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'crds', 'gadgets-1.0.0', 'gadget-crd.yaml'), GADGET_CRD);
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\ncrds:\n  - gadgets.example.com:=https://example.com/gadgets/1.0.0/gadget-crd.yaml\n');
    await importModules({ configPath: path.join(dir, 'cdk8s.yaml'), fromDir: path.join(dir, 'crds'), outDir: path.join(dir, 'imports'), log: () => undefined });
    file = path.join(dir, 'imports', 'example.com.ts');
  });

  test('the generated file declares the names so that they parse', () => {
    const code = fs.readFileSync(file, 'utf8');
    expect(code).toContain("readonly '3Scale'?: GadgetSpec3Scale;");
    expect(code).toContain('readonly $schema: string;');
    expect(code).toContain("'3scale': toJson_GadgetSpec3Scale(obj['3Scale']),");
    expect(code).toContain("'$schema': obj.$schema,");
    expect(code).not.toContain('psynth');
  });

  test('tsc accepts the generated file (strict, as the project compiles imports/)', async () => {
    // GIVEN a project around the generated file that extends the project's compiler options
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), compilerOptions: { types: ['node'] }, include: ['imports/*.ts'] }));
    // WHEN
    const result = await runCommand(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', path.join(dir, 'tsconfig.json')], dir);
    // THEN
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  });

  test('objects render the exact JSON keys, and keys the schema does not define are kept', () => {
    // GIVEN the generated class
    const { Gadget } = require(file) as { Gadget: GadgetClass };
    const chart = new Chart(new App(), 'test');
    // WHEN it is built with every awkward property and a typo
    const gadget = new Gadget(chart, 'gadget', {
      metadata: { name: 'g' },
      spec: { '3Scale': { enabled: true, enabeld: false }, '$schema': 'https://json-schema.org/draft-07/schema', 'xmx': '1g', 'sharedPreloadLibraries': ['pg_stat_statements'], 'fromKamelet': true, 'replica': 3 },
    });
    // THEN
    expect(gadget.toJson()).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g' },
      spec: {
        '3scale': { enabled: true, enabeld: false },
        '$schema': 'https://json-schema.org/draft-07/schema',
        '-Xmx': '1g',
        'shared_preload_libraries': ['pg_stat_statements'],
        'from-kamelet': true,
        'replica': 3,
      },
    });
  });
});
