/**
 * `npm run images`: the real command (`node --import tsx tools/cli/images.ts`) in a temporary copy of the project, checked
 * against an independent scan of the YAML that `npm run synth` writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { build } from '../../main';
import { imagesCommand } from '../../tools/cli/images';
import { copyProject, editFile, readTree, removeTempDirs, RunResult, runTsx } from '../support/project';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

let project: string;
let dist: string;
let fromSource: RunResult;
let fromSourceJson: RunResult;
let fromDir: RunResult;
let floating: RunResult;
let floatingDev: RunResult;

/** The images command in this process (for --dir, which renders nothing). */
async function imagesInProcess(args: readonly string[]): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await imagesCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, build);
  process.exitCode = undefined;
  return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}

/**
 * Every image in the YAML files of one environment, found without the product's code: any string value of
 * a key named `image` or `imageName`, and the `platform-synth.io/images` annotation (comma-separated).
 */
function scanImages(envDir: string): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if ((key === 'image' || key === 'imageName') && typeof child === 'string') found.add(child);
        else if (key === 'platform-synth.io/images' && typeof child === 'string') child.split(',').forEach((i) => found.add(i));
        else walk(child);
      }
    }
  };
  for (const content of readTree(envDir).values()) {
    for (const doc of parseAllDocuments(content)) walk(doc.toJS());
  }
  return [...found].sort();
}

/** A copy of `dist/staging` in which the frontend runs a floating tag, identity-service no tag, user-service a digest. */
function stagingWithUnpinnedImages(): string {
  const bad = path.join(path.dirname(dist), 'bad');
  for (const env of ['staging', 'dev']) fs.cpSync(path.join(dist, env), path.join(bad, env), { recursive: true });
  for (const env of ['staging', 'dev']) {
    editFile(bad, `${env}/frontend/Deployment.frontend.yaml`, 'image: healthxcape/frontend:v1.0.1', 'image: healthxcape/frontend:latest');
    editFile(bad, `${env}/identity-service/Deployment.identity-service.yaml`, 'image: healthxcape/identity-service:v1.0.0', 'image: healthxcape/identity-service');
    editFile(bad, `${env}/user-service/Deployment.user-service.yaml`, 'image: healthxcape/user-service:v1.0.0', `image: healthxcape/user-service@${DIGEST}`);
  }
  return bad;
}

beforeAll(async () => {
  project = copyProject();
  dist = path.join(project, 'out', 'dist');
  const images = (args: readonly string[]): Promise<RunResult> => runTsx(project, 'tools/cli/images.ts', args);
  let synth: RunResult;
  [synth, fromSource, fromSourceJson] = await Promise.all([
    runTsx(project, 'tools/cli/synth.ts', ['--outdir', dist, '--quiet']),
    images(['--env', 'prod']),
    images(['--env', 'prod', '--json']),
  ]);
  expect(synth).toMatchObject({ code: 0 });
  const bad = stagingWithUnpinnedImages();
  fromDir = await imagesInProcess(['--env', 'prod', '--dir', dist]);
  floating = await imagesInProcess(['--env', 'staging', '--dir', bad]);
  floatingDev = await imagesInProcess(['--env', 'dev', '--dir', bad]);
}, 60000);

afterAll(removeTempDirs);

test('`images --env prod` lists exactly the images in dist/prod/, sorted and unique', () => {
  expect(fromSource.stderr).toBe('');
  expect(fromSource.code).toBe(0);
  const expected = scanImages(path.join(dist, 'prod'));
  // prod pulls everything through its mirror: databases (CloudNativePG), Redis, Kafka and the operators.
  expect(expected).toEqual(expect.arrayContaining([
    'registry.healthxcape.internal:5000/ghcr.io/cloudnative-pg/postgresql:15.17-standard-trixie',
    'registry.healthxcape.internal:5000/docker.io/library/redis:7.4.6-alpine',
    'registry.healthxcape.internal:5000/quay.io/strimzi/kafka:1.2.0-kafka-4.3.1',
    'registry.healthxcape.internal:5000/ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0',
  ]));
  expect(fromSource.stdout.split('\n').filter((l) => l !== '')).toEqual(expected);
  // The operators' images are declared by the product itself (an annotation), so check them independently: the
  // Kafka image the operator starts is Strimzi's release plus the Kafka version of the rendered Kafka resource,
  // and the operator images are the releases of the charts the Applications deploy.
  const yamlOf = (file: string): Record<string, unknown> => parseAllDocuments(fs.readFileSync(path.join(dist, 'prod', file), 'utf8'))[0]?.toJS() as Record<string, unknown>;
  const kafkaVersion = ((yamlOf('kafka/Kafka.platform-kafka.yaml').spec as Record<string, Record<string, string>>).kafka as Record<string, string>).version;
  const chartOf = (app: string): string => ((yamlOf(`argocd/Application.prod-${app}.yaml`).spec as Record<string, Record<string, string>>).source as Record<string, string>).targetRevision as string;
  expect(expected).toContain(`registry.healthxcape.internal:5000/quay.io/strimzi/kafka:${chartOf('strimzi-operator')}-kafka-${kafkaVersion}`);
  expect(expected).toContain(`registry.healthxcape.internal:5000/quay.io/strimzi/operator:${chartOf('strimzi-operator')}`);
  // Reading the rendered tree gives the same list.
  expect(fromDir).toMatchObject({ code: 0, stdout: fromSource.stdout });
});

test('--json says where each image is used and its upstream reference before the mirror', () => {
  expect(fromSourceJson.code).toBe(0);
  const inventory = JSON.parse(fromSourceJson.stdout) as {
    environment: string; stage: string; registryMirror: string;
    images: { image: string; upstream?: string; usedBy: { application: string; kind: string; name: string; field: string }[] }[];
  };
  expect(inventory).toMatchObject({ environment: 'prod', stage: 'production', registryMirror: 'registry.healthxcape.internal:5000' });
  expect(inventory.images.map((i) => i.image)).toEqual(fromSource.stdout.split('\n').filter((l) => l !== ''));
  const byImage = new Map(inventory.images.map((i) => [i.image, i]));
  expect(byImage.get('registry.healthxcape.internal:5000/ghcr.io/cloudnative-pg/postgresql:15.17-standard-trixie')).toEqual({
    image: 'registry.healthxcape.internal:5000/ghcr.io/cloudnative-pg/postgresql:15.17-standard-trixie',
    upstream: 'ghcr.io/cloudnative-pg/postgresql:15.17-standard-trixie',
    usedBy: ['blog-service', 'identity-service', 'user-service'].map((app) => ({
      application: app, kind: 'Cluster', name: `${app}-postgres`, namespace: 'healthxcape', field: 'spec.imageName',
    })),
  });
  expect(byImage.get('registry.healthxcape.internal:5000/quay.io/strimzi/operator:1.2.0')).toMatchObject({
    upstream: 'quay.io/strimzi/operator:1.2.0',
    usedBy: [{ application: 'argocd', kind: 'Application', name: 'prod-strimzi-operator', field: 'metadata.annotations[platform-synth.io/images]' }],
  });
  expect(byImage.get('registry.healthxcape.internal:5000/docker.io/library/redis:7.4.6-alpine')).toMatchObject({ upstream: 'redis:7.4.6-alpine' });
  expect(byImage.get('registry.healthxcape.internal:5000/docker.io/healthxcape/frontend:v1.0.1')?.usedBy).toEqual([
    { application: 'frontend', kind: 'Deployment', name: 'frontend', namespace: 'healthxcape', field: 'spec.template.spec.containers[0].image' },
  ]);
  for (const entry of inventory.images) expect(entry.upstream).toBeDefined();
});

test('a missing or floating tag fails in staging, naming every offender; a digest is fine', () => {
  expect(floating.code).toBe(1);
  expect(floating.stdout).toBe('');
  expect(floating.stderr).toContain("images: error: environment 'staging' (stage staging) runs 2 images without a pinned tag:\n");
  expect(floating.stderr).toContain("  - healthxcape/frontend:latest: 'latest' is a floating tag and may run a different build tomorrow (used by staging/frontend Deployment healthxcape/frontend spec.template.spec.containers[0].image)");
  expect(floating.stderr).toContain("  - healthxcape/identity-service: an image without tag runs whatever `latest` is (used by staging/identity-service Deployment healthxcape/identity-service spec.template.spec.containers[0].image)");
  expect(floating.stderr).toContain('Fix: pin a version tag (never reuse a tag) or add a digest for each image in environments/staging.ts.');
  expect(floating.stderr).not.toContain('user-service@');
  expect(floating.stderr).not.toMatch(/^\s+at /m);
  // Development environments may run floating tags.
  expect(floatingDev.code).toBe(0);
  expect(floatingDev.stdout.split('\n')).toEqual(expect.arrayContaining(['healthxcape/frontend:latest', `healthxcape/user-service@${DIGEST}`]));
});
