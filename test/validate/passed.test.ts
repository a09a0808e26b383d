/**
 * Objects that passed the schema and CEL checks are remembered across runs (tools/validate/passed.ts): a later
 * run recalls them instead of checking them, with the same report; anything with a finding, a changed object
 * and changed schemas are checked again; a damaged or oversized results file never gives a wrong result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateEnvironments, ValidationReport } from '../../tools/validate';
import { PassedObjects } from '../../tools/validate/passed';
import { loadSchemaSources, SchemaRegistry, SCHEMAS_DIR, type SchemaSources } from '../../tools/validate/schema';
import type { Stage } from '../../constructs';
import { changed, container, deployment, environment, meta, Obj, podSpec, service } from './helpers';

const sources = loadSchemaSources();
/** An object with CEL rules (Gateway API's HTTPRoute), so the CEL statistics are part of what is recalled. */
const route: Obj = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('web'), spec: { parentRefs: [{ name: 'public' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } };

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-passed-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One run: a new registry (as a new process has) over the cache directory. */
function run(apps: Readonly<Record<string, readonly Obj[]>>, cacheDir: string | false = dir, schemaSources: SchemaSources = sources, stage: Stage = 'production'): { report: ValidationReport; registry: SchemaRegistry } {
  const registry = new SchemaRegistry(schemaSources, { cacheDir });
  return { report: validateEnvironments([environment(apps, { stage })], { schemas: registry }), registry };
}

/** What a report says, for comparing two runs. */
function said(report: ValidationReport): unknown {
  return { findings: report.findings, summaries: report.summaries(), cel: report.celLine() };
}

function resultsFiles(): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('passed-'));
}

test('GIVEN objects that passed in one run WHEN a later run validates them THEN they are recalled, not checked, and the report is the same, CEL statistics included', () => {
  // GIVEN
  const apps = { web: [deployment(), service(), route] };
  const first = run(apps);
  expect(first.registry.passed.hits).toBe(0);
  expect(first.report.cel.evaluated).toBeGreaterThan(0);
  // WHEN a later run validates them, with schemas that count their use
  let used = 0;
  const counting: SchemaSources = {
    get kubernetes() {
      used++;
      return sources.kubernetes;
    },
    get crds() {
      used++;
      return sources.crds;
    },
    get crdFiles() {
      used++;
      return sources.crdFiles;
    },
    digest: sources.digest,
  };
  const second = run(apps, dir, counting);
  // THEN every object (the Namespace, Deployment, Service and HTTPRoute) was recalled, no schema was read
  expect(second.registry.passed.hits).toBe(4);
  expect(used).toBe(0);
  expect(said(second.report)).toEqual(said(first.report));
  expect(second.report.cel).toEqual(first.report.cel);
});

test('GIVEN an object with a schema error WHEN validated in two runs THEN both runs report it (objects with findings are never remembered)', () => {
  // GIVEN
  const broken = changed(deployment(), (o) => {
    (o.spec as Obj).replicas = 'two';
  });
  // WHEN
  const first = run({ web: [broken] });
  const second = run({ web: [broken] });
  // THEN
  const schemaErrors = (r: ValidationReport): string[] => r.findings.filter((f) => f.rule.startsWith('schema/')).map((f) => `${f.path}: ${f.message}`);
  expect(schemaErrors(first.report)).toEqual(['spec.replicas: must be integer, not a string']);
  expect(schemaErrors(second.report)).toEqual(schemaErrors(first.report));
  expect(second.registry.passed.hits).toBe(1); // the Namespace only
});

test('GIVEN an object with a policy finding WHEN validated in two runs THEN both runs report it', () => {
  // GIVEN a container without resource limits
  const unlimited = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ containers: [container('app', { resources: { requests: { cpu: '100m', memory: '128Mi' } } })] }) } });
  // WHEN
  const first = run({ web: [unlimited] });
  const second = run({ web: [unlimited] });
  // THEN
  const policy = (r: ValidationReport): string[] => r.findings.filter((f) => f.rule.startsWith('policy/')).map((f) => `${f.rule} ${f.path}`);
  expect(policy(first.report).length).toBeGreaterThan(0);
  expect(policy(second.report)).toEqual(policy(first.report));
  expect(second.registry.passed.hits).toBe(1); // the Namespace only
});

test('GIVEN an object remembered in a development environment WHEN validated in a production one THEN it is checked again (the policies depend on the stage)', () => {
  // GIVEN a floating image tag, which only production refuses
  const floating = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ containers: [container('app', { image: 'example/app:latest' })] }) } });
  const dev = run({ web: [floating] }, dir, sources, 'development');
  expect(dev.report.errors).toEqual([]);
  // WHEN
  const prod = run({ web: [floating] }, dir, sources, 'production');
  // THEN
  expect(prod.registry.passed.hits).toBe(0);
  expect(prod.report.errors.map((f) => f.rule)).toContain('policy/image-tag');
});

test('GIVEN a remembered object WHEN one of its fields changes THEN it is checked again and the error is reported', () => {
  // GIVEN
  run({ web: [deployment()] });
  // WHEN
  const second = run({ web: [changed(deployment(), (o) => {
    (o.spec as Obj).replica = 2;
  })] });
  // THEN
  expect(second.report.findings.filter((f) => f.rule === 'schema/unknown-field').map((f) => f.path)).toEqual(['spec.replica']);
  expect(second.registry.passed.hits).toBe(1);
});

test('GIVEN results of other schema files WHEN the schemas change THEN those results are not used, and their file is removed once new results are written', () => {
  // GIVEN results under the committed schemas
  run({ web: [deployment()] });
  const [old] = resultsFiles();
  // WHEN a schema file is added (another digest)
  const schemas = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-passed-schemas-'));
  try {
    fs.cpSync(SCHEMAS_DIR, schemas, { recursive: true });
    fs.writeFileSync(path.join(schemas, 'example.com.json'), JSON.stringify({ 'example.com/v1/Thing': { type: 'object' } }));
    const other = loadSchemaSources(schemas);
    expect(other.digest).not.toBe(sources.digest);
    const second = run({ web: [deployment()] }, dir, other);
    // THEN nothing was recalled and only the new results file is left
    expect(second.registry.passed.hits).toBe(0);
    expect(resultsFiles()).toHaveLength(1);
    expect(resultsFiles()[0]).not.toBe(old);
  } finally {
    fs.rmSync(schemas, { recursive: true, force: true });
  }
});

test('GIVEN a damaged results file WHEN read THEN its bad lines are ignored and the objects are checked', () => {
  // GIVEN
  run({ web: [deployment()] });
  const file = path.join(dir, resultsFiles()[0] as string);
  const good = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  expect(good).toHaveLength(2);
  // WHEN each line is cut short and garbage added
  fs.writeFileSync(file, `${good.map((l) => l.slice(0, 40)).join('\n')}\nnot a line\n${'f'.repeat(64)} x 0\n`);
  const second = run({ web: [deployment()] });
  // THEN nothing was recalled, the report is clean, and the results are written again
  expect(second.registry.passed.hits).toBe(0);
  expect(second.report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(run({ web: [deployment()] }).registry.passed.hits).toBe(2);
});

test('GIVEN the cache disabled WHEN validated twice THEN nothing is written and nothing recalled', () => {
  run({ web: [deployment()] }, false);
  expect(run({ web: [deployment()] }, false).registry.passed.hits).toBe(0);
  expect(fs.readdirSync(dir)).toEqual([]);
});

describe('PassedObjects', () => {
  const record = { celEvaluated: 2, celSkippedOldSelf: 1 };
  const digest = (i: number): string => PassedObjects.digest('production', { i });

  test('GIVEN a file larger than the run needs WHEN saved THEN it keeps only what this run recalled or added', () => {
    // GIVEN a file with 3 entries, and limits that rewrite a file larger than the run uses
    const limits = { factor: 1, floor: 0 };
    const file = path.join(dir, 'passed-test.txt');
    const before = new PassedObjects(file, limits);
    for (const i of [1, 2, 3]) before.remember(digest(i), record);
    before.save();
    // WHEN a run recalls one of them and adds two more (3 used, 5 in the file)
    const later = new PassedObjects(file, limits);
    expect(later.recall(digest(2))).toEqual(record);
    later.remember(digest(4), record);
    later.remember(digest(5), record);
    later.save();
    // (only at the end of the run: a save between clusters appends)
    expect([1, 2, 3, 4, 5].every((i) => new PassedObjects(file, limits).recall(digest(i)) !== undefined)).toBe(true);
    later.save(true);
    // THEN the file holds the recalled and the added entries only
    const next = new PassedObjects(file, limits);
    expect([1, 2, 3, 4, 5].map((i) => next.recall(digest(i)) !== undefined)).toEqual([false, true, false, true, true]);
  });

  test('GIVEN a file larger than the run needs WHEN a run only recalls from it THEN the end of the run still rewrites it', () => {
    const limits = { factor: 1, floor: 0 };
    const file = path.join(dir, 'passed-test.txt');
    const before = new PassedObjects(file, limits);
    for (const i of [1, 2, 3]) before.remember(digest(i), record);
    before.save(true);
    const later = new PassedObjects(file, limits);
    later.recall(digest(3));
    later.save(true);
    const next = new PassedObjects(file, limits);
    expect([1, 2, 3].map((i) => next.recall(digest(i)) !== undefined)).toEqual([false, false, true]);
  });

  test('GIVEN a file within the limits WHEN a run uses part of it THEN it is appended to, not rewritten', () => {
    const file = path.join(dir, 'passed-test.txt');
    const before = new PassedObjects(file);
    for (const i of [1, 2, 3]) before.remember(digest(i), record);
    before.save();
    const later = new PassedObjects(file);
    later.recall(digest(1));
    later.remember(digest(4), record);
    later.save();
    const next = new PassedObjects(file);
    expect([1, 2, 3, 4].every((i) => next.recall(digest(i)) !== undefined)).toBe(true);
  });

  test('digests differ for objects that differ and match for equal ones', () => {
    expect(PassedObjects.digest('production', { a: 1 })).toBe(PassedObjects.digest('production', { a: 1 }));
    expect(PassedObjects.digest('production', { a: 1 })).not.toBe(PassedObjects.digest('production', { a: '1' }));
    expect(PassedObjects.digest('production', { a: 1 })).not.toBe(PassedObjects.digest('development', { a: 1 }));
    expect(PassedObjects.digest('production', { a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
