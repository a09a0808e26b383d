/**
 * The output stage (tools/synth/stage.ts): validation and writing of rendered clusters, which the synth pipeline
 * runs in its own thread or in a worker thread. Rendered directories of the reference platform, as plain data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RenderedDirectory } from '../../tools/synth/render';
import { OutputStage } from '../../tools/synth/stage';
import { listFiles } from '../../tools/synth/output';
import { toYaml } from '../../tools/synth/yaml';
import { referenceDirectory } from '../helpers';

const directory = referenceDirectory;

/** `dir` with a container env var pointing at a Service no cluster renders (a `ref/service-url` error). */
function withUnknownServiceUrl(dir: RenderedDirectory): RenderedDirectory {
  let done = false;
  const applications = dir.applications.map((app) => ({
    ...app,
    objects: app.objects.map((o) => {
      if (done || o.object.kind !== 'Deployment') return o;
      done = true;
      const object = structuredClone(o.object) as Record<string, unknown>;
      const containers = ((object.spec as { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } }).template.spec.containers);
      const first = containers[0] as { env?: { name: string; value?: string }[] };
      first.env = [...(first.env ?? []), { name: 'BILLING_URL', value: 'http://billing.payments.svc.cluster.local:8080' }];
      return { ...o, object: object as typeof o.object };
    }),
  }));
  if (!done) throw new Error(`no Deployment in ${dir.name}`);
  return { ...dir, applications };
}

/** `dir` with its frontend Ingress's first rule claiming `host`. */
function withIngressHost(dir: RenderedDirectory, host: string): RenderedDirectory {
  const applications = dir.applications.map((app) => ({
    ...app,
    objects: app.objects.map((o) => {
      if (o.object.kind !== 'Ingress') return o;
      const object = structuredClone(o.object) as Record<string, unknown>;
      const rules = (object.spec as { rules: { host: string }[] }).rules;
      (rules[0] as { host: string }).host = host;
      return { ...o, object: object as typeof o.object };
    }),
  }));
  return { ...dir, applications };
}

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-stage-'));
}

const fileCount = (dir: RenderedDirectory): number => dir.applications.reduce((n, a) => n + a.objects.length, 0);

describe('OutputStage', () => {
  test('validates and writes each cluster, reporting one summary line per directory', () => {
    // GIVEN a stage writing into an empty generation
    const root = tempRoot();
    const stage = new OutputStage({ root });
    // WHEN two clusters go through it
    const devLines = stage.add([directory('dev')]);
    const prodLines = stage.add([directory('prod')]);
    const result = stage.finish();
    // THEN both were validated, every object was written as YAML, nothing linked
    expect(devLines).toEqual([expect.stringMatching(/^validated dev: \d+ objects, 0 errors/)]);
    expect(prodLines).toEqual([expect.stringMatching(/^validated prod: \d+ objects, 0 errors/)]);
    expect(result.report.errors).toEqual([]);
    expect([...result.report.checked.keys()]).toEqual(['dev', 'prod']);
    expect(result.files).toBe(fileCount(directory('dev')) + fileCount(directory('prod')));
    expect(result.linked).toBe(0);
    expect(listFiles(root)).toHaveLength(result.files);
    const app = directory('prod').applications[0];
    const first = app?.objects[0];
    if (app === undefined || first === undefined) throw new Error('empty prod');
    expect(fs.readFileSync(path.join(root, 'prod', app.name, first.file), 'utf8')).toBe(toYaml(first.object));
  });

  test('over a recycled generation, it leaves only what it wrote, once every cluster went through it', () => {
    // GIVEN a recycled root holding an earlier synth of dev and prod plus a directory of a removed environment
    const root = tempRoot();
    new OutputStage({ root }).add([directory('dev'), directory('prod')]);
    fs.mkdirSync(path.join(root, 'removed/app'), { recursive: true });
    fs.writeFileSync(path.join(root, 'removed/app/ConfigMap.old.yaml'), 'old');
    const stage = new OutputStage({ root, recycled: true });
    // WHEN only dev goes through the stage
    stage.add([directory('dev')]);
    // THEN nothing is removed until finish, and after it the root holds exactly dev's files
    expect(fs.existsSync(path.join(root, 'removed/app/ConfigMap.old.yaml'))).toBe(true);
    const result = stage.finish();
    expect(result.files).toBe(fileCount(directory('dev')));
    expect(listFiles(root)).toHaveLength(fileCount(directory('dev')));
    expect(listFiles(root).every((f) => f.startsWith('dev/'))).toBe(true);
  });

  test('over a recycled generation, a failed validation removes nothing (the generation is thrown away)', () => {
    // GIVEN a recycled root holding an earlier synth of dev
    const root = tempRoot();
    new OutputStage({ root }).add([directory('dev')]);
    const before = listFiles(root);
    // WHEN a cluster that fails validation goes through a stage over it
    const stage = new OutputStage({ root, recycled: true });
    stage.add([withUnknownServiceUrl(directory('prod'))]);
    const result = stage.finish();
    // THEN the failure is reported and nothing the root held was removed (prod's files, written before the
    // cluster-wide check found the error, stay in a generation that is never committed)
    expect(result.report.errors.length).toBeGreaterThan(0);
    expect(listFiles(root)).toEqual(expect.arrayContaining(before));
  });

  test('links files whose content equals the previous generation\'s', () => {
    // GIVEN a previous generation holding dev
    const previous = tempRoot();
    new OutputStage({ root: previous }).add([directory('dev')]);
    // WHEN dev is written again next to it
    const root = tempRoot();
    const stage = new OutputStage({ root, previous });
    stage.add([directory('dev')]);
    // THEN every file is a hard link to the previous one
    const result = stage.finish();
    expect(result.linked).toBe(fileCount(directory('dev')));
    const [file] = listFiles(root);
    if (file === undefined) throw new Error('nothing written');
    expect(fs.statSync(path.join(root, file)).ino).toBe(fs.statSync(path.join(previous, file)).ino);
  });

  test('after a cluster fails validation, later clusters are still validated but nothing more is written', () => {
    // GIVEN a stage whose first cluster has an error only the cluster-wide checks find (at its end)
    const root = tempRoot();
    const stage = new OutputStage({ root });
    // WHEN the failing cluster and then a valid one go through it
    const failedLines = stage.add([withUnknownServiceUrl(directory('dev'))]);
    const laterLines = stage.add([directory('prod')]);
    const result = stage.finish();
    // THEN the error is reported with the rule, the later cluster was validated but not written
    expect(failedLines).toEqual([expect.stringMatching(/^validated dev: \d+ objects, 1 error/)]);
    expect(laterLines).toEqual([expect.stringMatching(/^validated prod: \d+ objects, 0 errors/)]);
    expect(stage.failed).toBe(true);
    expect(result.report.errors.map((f) => [f.environment, f.rule])).toEqual([['dev', 'ref/service-url']]);
    expect(listFiles(root).filter((f) => f.startsWith('prod/'))).toEqual([]);
    expect(result.files).toBe(fileCount(directory('dev')));
  });

  test('a cluster handed over application by application: each is written as it comes, until an object fails its checks', () => {
    // GIVEN dev's applications, the second with an object whose schema check fails
    const dev = directory('dev');
    const [first, second, ...rest] = dev.applications;
    if (first === undefined || second === undefined || rest.length === 0) throw new Error('dev needs three applications');
    const broken = { ...second, objects: second.objects.map((o, i) => (i === 0 ? { ...o, object: { ...o.object, metadata: { ...o.object.metadata, name: 42 as unknown as string } } } : o)) };
    const root = tempRoot();
    const stage = new OutputStage({ root });
    // WHEN they are handed over one at a time
    stage.begin([dev]);
    stage.addApplication('dev', first);
    const afterFirst = listFiles(root);
    stage.addApplication('dev', broken);
    for (const application of rest) stage.addApplication('dev', application);
    const lines = stage.end();
    // THEN the first was written before the next came, nothing from the failing one on, and the error is reported
    expect(afterFirst).toEqual(first.objects.map((o) => `dev/${first.name}/${o.file}`).sort());
    expect(listFiles(root)).toEqual(afterFirst);
    expect(stage.failed).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^validated dev: \d+ objects, [1-9]\d* errors?/)]);
    expect(stage.finish().report.errors.every((f) => f.environment === 'dev' && f.application === second.name)).toBe(true);
  });

  test('a cluster handed over application by application gives the files and lines of the cluster handed over whole', () => {
    // GIVEN two stages, one given staging whole, one application by application
    const staging = directory('staging');
    const whole = new OutputStage({ root: tempRoot() });
    const rootByParts = tempRoot();
    const byParts = new OutputStage({ root: rootByParts });
    // WHEN both went through
    const wholeLines = whole.add([staging]);
    byParts.begin([staging]);
    for (const application of staging.applications) byParts.addApplication('staging', application);
    const partLines = byParts.end();
    // THEN the lines, the counts and the files are the same
    expect(partLines).toEqual(wholeLines);
    expect(byParts.finish().files).toBe(whole.finish().files);
    expect(listFiles(rootByParts)).toHaveLength(fileCount(staging));
  });

  test('checks across clusters run once every cluster was seen: staging claiming a production host', () => {
    // GIVEN staging's Ingress claiming the host prod serves, staging handed over before prod
    const stage = new OutputStage({ root: tempRoot() });
    const stagingLines = stage.add([withIngressHost(directory('staging'), 'healthxcape.com')]);
    stage.add([directory('prod')]);
    // WHEN every cluster went through the stage
    const result = stage.finish();
    // THEN staging's summary line could not know yet, but the report names the claim
    expect(stagingLines).toEqual([expect.stringMatching(/^validated staging: \d+ objects, 0 errors/)]);
    expect(result.report.errors.map((f) => [f.environment, f.rule, f.value])).toEqual([['staging', 'ref/production-host', 'healthxcape.com']]);
  });

  test('with validation off, it only writes', () => {
    // GIVEN a stage that does not validate WHEN a cluster with an error goes through it
    const root = tempRoot();
    const stage = new OutputStage({ root, validate: false });
    const lines = stage.add([withUnknownServiceUrl(directory('dev'))]);
    // THEN there is no summary line, no finding, and the files are written
    expect(lines).toEqual([]);
    const result = stage.finish();
    expect(result.report.findings).toEqual([]);
    expect(result.files).toBe(fileCount(directory('dev')));
  });

  test('a rendered directory is plain data another thread can receive', () => {
    // GIVEN a rendered directory WHEN it is cloned as postMessage clones it THEN nothing is lost
    const dev = directory('dev');
    expect(structuredClone(dev)).toEqual(dev);
  });
});
