/**
 * What the rendered diff flags as risky and what it leaves out, on the real prod rendering with targeted edits
 * (in process: the command itself is covered by diff.test.ts).
 */
import { compareEnvironments, compareTrees, findRisks, ParsedObject, TreeObject } from '../../tools/diff';
import { allObjects, environments } from '../helpers';
import type { EnvironmentConfig } from '../../tools/kit';

const prod = environments.find((e) => e.name === 'prod') as EnvironmentConfig;
const staging = environments.find((e) => e.name === 'staging') as EnvironmentConfig;

function tree(env: EnvironmentConfig): TreeObject[] {
  return allObjects(env).map(({ application, object }) => ({
    env: env.name, app: application, file: `${env.name}/${application}/${object.kind}.${object.metadata.name}.yaml`,
    object: structuredClone(object) as unknown as ParsedObject,
  }));
}

/** The object of `kind`/`name` in a tree, as a mutable JSON record. */
function find(objects: readonly TreeObject[], kind: string, name: string): Record<string, Record<string, unknown>> {
  const found = objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (found === undefined) throw new Error(`fixture: no ${kind}/${name}`);
  return found.object as unknown as Record<string, Record<string, unknown>>;
}

const base = tree(prod);

test('an identical rendering has no changes', () => {
  expect(compareTrees(base, tree(prod))).toEqual([]);
});

test('flags deletions, selectors, production replica drops, storage and Kafka topic layout', () => {
  // GIVEN
  const head = tree(prod).filter((o) => !(o.object.kind === 'Service' && o.object.metadata.name === 'frontend'));
  (find(head, 'Deployment', 'identity-service').spec as Record<string, unknown>).selector = { matchLabels: { app: 'identity' } };
  (find(head, 'Deployment', 'user-service').spec as Record<string, unknown>).replicas = 1;
  (find(head, 'Cluster', 'blog-service-postgres').spec as Record<string, unknown>).storage = { size: '5Gi', storageClass: 'local-storage' };
  (find(head, 'KafkaTopic', 'user-events').spec as Record<string, unknown>).partitions = 6;
  (find(head, 'KafkaNodePool', 'broker').spec as Record<string, unknown>).replicas = 2;

  // WHEN
  const risks = findRisks(compareTrees(base, head), (env) => env === 'prod').map((r) => `${r.env}/${r.app} ${r.object}: ${r.message}`);

  // THEN
  expect(risks).toEqual(expect.arrayContaining([
    'prod/frontend Service healthxcape/frontend: deleted; Argo CD prunes it from the cluster',
    expect.stringMatching(/^prod\/identity-service Deployment healthxcape\/identity-service: pod selector changed from .* \(selectors are immutable/),
    'prod/user-service Deployment healthxcape/user-service: replicas 3 -> 1 in a production environment',
    'prod/blog-service Cluster healthxcape/blog-service-postgres: data storage size 10Gi -> 5Gi (decrease: volumes cannot shrink, the operator refuses the change)',
    'prod/kafka KafkaTopic kafka/user-events: partitions 3 -> 6 (keyed messages map to different partitions afterwards)',
    'prod/kafka KafkaNodePool kafka/broker: replicas 3 -> 2 in a production environment (removing brokers needs their partitions moved first)',
  ]));
  expect(risks).toHaveLength(6);
});

test('replica drops are not flagged outside production', () => {
  const head = tree(prod);
  (find(head, 'Deployment', 'user-service').spec as Record<string, unknown>).replicas = 1;
  const changes = compareTrees(base, head);
  expect(changes.map((c) => c.type)).toEqual(['changed']);
  expect(findRisks(changes, () => false)).toEqual([]);
});

test('comparing two environments ignores the environment name, label and namespace', () => {
  const diffs = compareEnvironments([...tree(staging), ...tree(prod)], 'staging', 'prod');
  const namespace = diffs.find((d) => d.ref.kind === 'Namespace' && d.ref.name === 'healthxcape');
  expect(namespace?.type).toBe('same');
  expect(diffs.find((d) => d.ref.kind === 'Application' && d.ref.name === '<env>-frontend')?.type).toBe('same');
  expect(diffs.filter((d) => d.type === 'only-left').map((d) => `${d.ref.kind} ${d.ref.name}`)).not.toContain('Application <env>-frontend');
});
