/**
 * Validation of a merged environment at the boundary. `npm run synth` runs environment files with `tsx`,
 * which does not type-check, so types are checked here at run time too. Every problem is collected and
 * reported together, each naming the environment file, the application, the field, the value and the fix.
 */
import { PULL_POLICIES, STAGES } from '../constructs/lib/context';
import { ProblemLocation } from '../constructs/lib/errors';
import { imageProblems } from '../constructs/lib/images';
import {
  brokerCountProblem,
  controllerCountProblem,
  kafkaVersionProblem,
  replicationProblems,
} from '../constructs/lib/kafka-rules';
import { isPlainObject } from '../constructs/lib/merge';
import { dnsSubdomainProblem } from '../constructs/lib/names';
import { ProblemCollector } from '../constructs/lib/validation';
import { closest } from '../constructs/lib/suggest';
import type { ImageSettings } from '../constructs/lib/images';
import type { ResourceSettings } from '../constructs/lib/resources';
import { APP_NAMES, IMAGE_NAMES, SERVICE_NAMES } from './catalog';
import type {
  DynamicStorageSettings, EnvironmentConfig, FrontendSettings, GitOpsSettings, HelmChartSettings, IngressSettings, KafkaNodePools,
  KafkaSettings, LocalStorageSettings, PostgresSettings, RedisSettings, ServiceSettings, WorkloadOverride, WorkloadSettings,
} from './types';
import { BRANCH_LAYOUTS } from '../tools/publish/branches';

/** The keys of `T`, listed exhaustively: the compiler refuses a missing or an extra one. */
function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

type NodePoolsOf<M extends KafkaNodePools['mode']> = Extract<KafkaNodePools, { readonly mode: M }>;

/** Every setting an environment may contain, per object (checked at run time: tsx does not type-check). */
const KEYS = {
  environment: keysOf<EnvironmentConfig>({
    name: true, source: true, stage: true, platform: true, namespace: true, externalNamespaces: true, images: true, imagePullPolicy: true,
    registryMirror: true, workloadDefaults: true, apps: true, ingress: true, storage: true, postgres: true, redis: true, kafka: true,
    operators: true, gitops: true,
  }),
  image: keysOf<ImageSettings>({ repository: true, tag: true, digest: true }),
  workload: keysOf<WorkloadSettings>({ replicas: true, resources: true, env: true }),
  resources: keysOf<ResourceSettings>({ requests: true, limits: true }),
  quantities: keysOf<ResourceSettings['requests']>({ cpu: true, memory: true }),
  frontend: keysOf<FrontendSettings>({ replicas: true, resources: true, env: true, hosts: true }),
  service: keysOf<ServiceSettings>({ replicas: true, resources: true, env: true, nodePort: true }),
  ingress: keysOf<IngressSettings>({ className: true, clusterIssuer: true }),
  localStorage: keysOf<LocalStorageSettings>({ mode: true, storageClassName: true, nodes: true, root: true }),
  dynamicStorage: keysOf<DynamicStorageSettings>({ mode: true, storageClassName: true }),
  postgres: keysOf<PostgresSettings>({ engine: true, credentials: true, instances: true, storageSize: true, resources: true }),
  redis: keysOf<RedisSettings>({ resources: true }),
  kafka: keysOf<KafkaSettings>({ version: true, nodePools: true, storageSize: true, topicReplicas: true, topicPartitions: true, minInsyncReplicas: true, metrics: true, resources: true }),
  dualRolePools: keysOf<NodePoolsOf<'dual-role'>>({ mode: true, nodes: true }),
  separatePools: keysOf<NodePoolsOf<'separate'>>({ mode: true, controllers: true, brokers: true }),
  operators: keysOf<EnvironmentConfig['operators']>({ strimzi: true, cloudnativePg: true }),
  chart: keysOf<HelmChartSettings>({ repoURL: true }),
  gitops: keysOf<GitOpsSettings>({ repoURL: true, branch: true, layout: true, argocdNamespace: true, destinationServer: true, mode: true }),
} as const;

/** Which application a field belongs to, for error messages. */
export function applicationOfField(field: string): string {
  const [head, second] = field.split('.');
  if ((head === 'apps' || head === 'images') && second && (APP_NAMES as readonly string[]).includes(second)) return second;
  switch (head) {
    case 'images':
      return second === 'redis' ? 'identity-service' : SERVICE_NAMES.join(', ');
    case 'postgres':
      return SERVICE_NAMES.join(', ');
    case 'redis':
      return 'identity-service';
    case 'kafka':
      return 'kafka';
    case 'storage':
      return 'local-storage';
    case 'gitops':
      return 'argocd';
    case 'operators':
      return second === 'strimzi' ? 'strimzi-operator' : 'cnpg-operator';
    case 'ingress':
      return 'frontend';
    default:
      return 'every application';
  }
}

/** Problems located in an environment file, by field path. */
class Checker extends ProblemCollector {
  public constructor(private readonly env: EnvironmentConfig) {
    super();
  }

  protected locate(field: string): ProblemLocation {
    return {
      file: this.env.source,
      environment: typeof this.env.name === 'string' ? this.env.name : undefined,
      application: applicationOfField(field),
    };
  }

  protected label(): string {
    return '';
  }

  public string(field: string, value: unknown, fix: string): value is string {
    if (typeof value !== 'string' || value.trim().length === 0) {
      this.add(field, 'must be a non-empty string', value, fix);
      return false;
    }
    return true;
  }

  public url(field: string, value: unknown, schemes: readonly string[], example: string): void {
    if (!this.string(field, value, `set it to a URL such as '${example}'`)) return;
    const text = value as string;
    const scp = /^[\w.-]+@[\w.-]+:[\w./~-]+$/.test(text); // git@github.com:org/repo.git
    let ok = scp && schemes.includes('ssh');
    if (!ok) {
      try {
        const parsed = new URL(text);
        ok = schemes.includes(parsed.protocol.replace(/:$/, '')) && (parsed.protocol === 'file:' || parsed.host.length > 0);
      } catch {
        ok = false;
      }
    }
    if (!ok) this.add(field, `must be a URL (${schemes.join(', ')})`, value, `set it to a URL such as '${example}'`);
  }
}

/** Validate a merged environment; throws a `ConfigError` listing every problem. */
export function validateEnvironment(env: EnvironmentConfig): void {
  const c = new Checker(env);
  const requirePinned = env.stage !== 'development';

  c.dnsLabel('name', env.name, 'prod');
  c.oneOf('stage', env.stage, STAGES);
  c.dnsLabel('platform', env.platform, 'healthxcape');
  c.dnsLabel('namespace', env.namespace, 'healthxcape');
  if (env.namespace === 'default' || env.namespace === 'kube-system') {
    c.add('namespace', `workloads must not run in the '${env.namespace}' namespace`, env.namespace, "use a namespace of the platform's own, such as 'healthxcape'");
  }
  if (!Array.isArray(env.externalNamespaces)) {
    c.add('externalNamespaces', 'must be an array of namespace names', env.externalNamespaces, "write it as ['argocd', 'ingress-nginx']");
  } else {
    env.externalNamespaces.forEach((ns, i) => c.dnsLabel(`externalNamespaces[${i}]`, ns, 'argocd'));
  }

  // Images: one place per environment.
  if (!isPlainObject(env.images)) {
    c.add('images', 'must be an object of image settings', env.images, "declare images as { frontend: { repository: 'org/frontend', tag: 'v1.0.0' }, ... }");
  } else {
    for (const name of IMAGE_NAMES) {
      for (const p of imageProblems(env.images[name], requirePinned)) {
        c.add(`images.${name}.${p.field}`, p.field === 'tag' && requirePinned ? `${p.message} (stage '${env.stage}')` : p.message, p.value, p.fix);
      }
    }
    for (const name of Object.keys(env.images)) {
      if (!(IMAGE_NAMES as readonly string[]).includes(name)) {
        c.add(`images.${name}`, 'is not an image the platform runs', name, `remove it, or use one of ${IMAGE_NAMES.join(', ')}`);
      }
    }
  }
  c.oneOf('imagePullPolicy', env.imagePullPolicy, PULL_POLICIES);
  if (env.registryMirror !== undefined) {
    const host = typeof env.registryMirror === 'string' ? env.registryMirror.split('/')[0] ?? '' : '';
    if (typeof env.registryMirror !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._/-]+)?$/.test(env.registryMirror) || !(host.includes('.') || host.includes(':') || host.startsWith('localhost'))) {
      c.add('registryMirror', 'must be a registry host with optional port and path, without scheme', env.registryMirror, "write it like 'registry.internal:5000' or 'harbor.example.com/mirror'");
    }
  }

  // Workloads.
  const defaults = env.workloadDefaults;
  c.integer('workloadDefaults.replicas', defaults?.replicas, 1, 100, 'set workloadDefaults.replicas to 1 or more');
  c.resources('workloadDefaults.resources', defaults?.resources);
  c.envVars('workloadDefaults.env', defaults?.env);
  for (const app of APP_NAMES) {
    const settings: WorkloadOverride | undefined = env.apps?.[app];
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
      c.add(`apps.${app}`, 'is missing', settings, `add apps['${app}'] to environments/base.ts`);
      continue;
    }
    if (settings.replicas !== undefined) {
      c.integer(`apps.${app}.replicas`, settings.replicas, 1, 100, `set apps['${app}'].replicas to 1 or more (remove it to use workloadDefaults.replicas)`);
    }
    if (settings.resources !== undefined) {
      const merged = { requests: { ...defaults?.resources?.requests, ...settings.resources.requests }, limits: { ...defaults?.resources?.limits, ...settings.resources.limits } };
      c.resources(`apps.${app}.resources`, merged);
    }
    c.envVars(`apps.${app}.env`, settings.env);
  }
  const hosts = env.apps?.frontend?.hosts;
  if (!Array.isArray(hosts) || hosts.length === 0) {
    c.add('apps.frontend.hosts', 'must list at least one host name', hosts, "set apps.frontend.hosts to e.g. ['healthxcape.com', 'www.healthxcape.com']");
  } else {
    const seen = new Set<string>();
    hosts.forEach((host, i) => {
      const problem = dnsSubdomainProblem(host);
      if (problem || typeof host !== 'string' || !host.includes('.')) {
        c.add(`apps.frontend.hosts[${i}]`, `is not a valid host name: ${problem ?? 'must be a fully qualified name such as app.example.com'}`, host, 'use a lower-case DNS name such as www.healthxcape.com');
      } else if (seen.has(host)) {
        c.add(`apps.frontend.hosts[${i}]`, 'is listed twice', host, 'remove the duplicate');
      }
      if (typeof host === 'string') seen.add(host);
    });
  }
  const nodePorts = new Map<number, string>();
  for (const service of SERVICE_NAMES) {
    const nodePort = env.apps?.[service]?.nodePort;
    if (nodePort === undefined) continue;
    c.integer(`apps.${service}.nodePort`, nodePort, 30000, 32767, 'choose a port in the node-port range 30000-32767, or remove it to keep the service cluster-internal');
    const other = nodePorts.get(nodePort);
    if (other) c.add(`apps.${service}.nodePort`, `is already used by ${other}`, nodePort, 'give each service its own node port');
    nodePorts.set(nodePort, service);
  }

  // Ingress.
  c.dnsLabel('ingress.className', env.ingress?.className, 'nginx');
  const issuerProblem = dnsSubdomainProblem(env.ingress?.clusterIssuer);
  if (issuerProblem) c.add('ingress.clusterIssuer', issuerProblem, env.ingress?.clusterIssuer, "name a cert-manager ClusterIssuer such as 'letsencrypt-prod'");

  // Storage.
  const storage = env.storage;
  c.oneOf('storage.mode', storage?.mode, ['local', 'dynamic']);
  const scProblem = dnsSubdomainProblem(storage?.storageClassName);
  if (scProblem) c.add('storage.storageClassName', scProblem, storage?.storageClassName, "name a StorageClass such as 'local-storage'");
  if (storage?.mode === 'local') {
    if (!Array.isArray(storage.nodes) || storage.nodes.length === 0) {
      c.add('storage.nodes', 'must list the nodes that hold the local volumes', storage.nodes, `set storage.nodes in ${env.source} to the names \`kubectl get nodes\` prints, e.g. ['ip-10-1-91-144']`);
    } else {
      storage.nodes.forEach((node, i) => {
        const nodeProblem = dnsSubdomainProblem(node);
        if (nodeProblem) c.add(`storage.nodes[${i}]`, `${nodeProblem} (it must equal the node's kubernetes.io/hostname label)`, node, 'copy the name from `kubectl get nodes`');
        else if (storage.nodes.indexOf(node) !== i) c.add(`storage.nodes[${i}]`, 'is listed twice', node, 'list each node once');
      });
    }
    if (typeof storage.root !== 'string' || !storage.root.startsWith('/') || storage.root.split('/').includes('..') || storage.root === '/') {
      c.add('storage.root', 'must be an absolute directory other than / (without ..)', storage.root, "use a dedicated directory such as '/mnt/data'");
    }
  }

  // PostgreSQL.
  const pg = env.postgres;
  c.oneOf('postgres.engine', pg?.engine, ['statefulset', 'cloudnative-pg']);
  c.oneOf('postgres.credentials', pg?.credentials, ['existing-secret', 'generated', 'cnpg']);
  if (pg?.engine === 'statefulset' && pg.credentials === 'cnpg') {
    c.add('postgres.credentials', "'cnpg' credentials are generated by CloudNativePG and need postgres.engine 'cloudnative-pg'", pg.credentials, "use 'existing-secret' or 'generated' with the statefulset engine");
  }
  if (pg?.engine === 'cloudnative-pg' && pg.credentials === 'generated') {
    c.add('postgres.credentials', "CloudNativePG generates its own credentials; the External Secrets generator is for the statefulset engine", pg.credentials, "use 'cnpg' (or 'existing-secret') with the cloudnative-pg engine");
  }
  c.integer('postgres.instances', pg?.instances, 1, 9, 'set postgres.instances between 1 and 9');
  if (pg?.engine === 'statefulset' && pg.instances !== 1) {
    c.add('postgres.instances', 'the statefulset engine runs exactly one PostgreSQL instance (no replication)', pg.instances, "set postgres.instances to 1, or use engine 'cloudnative-pg' for replicas");
  }
  c.quantity('postgres.storageSize', pg?.storageSize, 'storage');
  c.resources('postgres.resources', pg?.resources);
  c.resources('redis.resources', env.redis?.resources);

  // Kafka.
  const kafka = env.kafka;
  const versionProblem = kafkaVersionProblem(kafka?.version);
  if (versionProblem) c.add('kafka.version', versionProblem, kafka?.version, 'pick a supported version (the default is 4.3.1), or upgrade Strimzi in cdk8s.yaml and re-run `npm run import`');
  const pools = kafka?.nodePools;
  let brokers = 0;
  if (pools?.mode === 'dual-role') {
    const problem = controllerCountProblem(pools.nodes);
    if (problem) c.add('kafka.nodePools.nodes', `dual-role pool: ${problem}`, pools.nodes, 'use 1 node for dev or 3 for a fault-tolerant cluster');
    brokers = typeof pools.nodes === 'number' ? pools.nodes : 0;
  } else if (pools?.mode === 'separate') {
    const cp = controllerCountProblem(pools.controllers);
    if (cp) c.add('kafka.nodePools.controllers', cp, pools.controllers, 'use 3 controllers');
    const bp = brokerCountProblem(pools.brokers);
    if (bp) c.add('kafka.nodePools.brokers', bp, pools.brokers, 'use at least 3 brokers in production');
    brokers = typeof pools.brokers === 'number' ? pools.brokers : 0;
  } else {
    c.add('kafka.nodePools.mode', "must be 'dual-role' or 'separate'", (pools as { mode?: unknown } | undefined)?.mode, "use { mode: 'dual-role', nodes: 1 } or { mode: 'separate', controllers: 3, brokers: 3 }");
  }
  if (brokers > 0) {
    for (const problem of replicationProblems(kafka.topicReplicas, kafka.minInsyncReplicas, brokers)) {
      const field = problem.startsWith('min.insync') ? 'kafka.minInsyncReplicas' : 'kafka.topicReplicas';
      c.add(field, problem, field === 'kafka.topicReplicas' ? kafka.topicReplicas : kafka.minInsyncReplicas, 'keep topic replicas <= brokers and min.insync.replicas < replicas (1 for a single broker)');
    }
  }
  c.integer('kafka.topicPartitions', kafka?.topicPartitions, 1, 1000, 'set kafka.topicPartitions to 1 or more');
  c.quantity('kafka.storageSize', kafka?.storageSize, 'storage');
  if (typeof kafka?.metrics !== 'boolean') c.add('kafka.metrics', 'must be true or false', kafka?.metrics, 'set kafka.metrics to true or false');
  c.resources('kafka.resources', kafka?.resources);

  // Operators and GitOps.
  for (const op of ['strimzi', 'cloudnativePg'] as const) {
    c.url(`operators.${op}.repoURL`, env.operators?.[op]?.repoURL, ['https', 'http', 'oci'], 'https://strimzi.io/charts/');
  }
  const gitops = env.gitops;
  c.url('gitops.repoURL', gitops?.repoURL, ['https', 'http', 'ssh', 'file'], 'https://github.com/org/platform-rendered.git');
  if (typeof gitops?.branch !== 'string' || !/^[A-Za-z0-9._/-]+$/.test(gitops.branch) || gitops.branch.includes('..') || gitops.branch.startsWith('/') || gitops.branch.endsWith('/')) {
    c.add('gitops.branch', 'must be a valid git branch name', gitops?.branch, "use a branch such as 'rendered'");
  }
  if (gitops?.layout !== undefined) c.oneOf('gitops.layout', gitops.layout, BRANCH_LAYOUTS);
  c.dnsLabel('gitops.argocdNamespace', gitops?.argocdNamespace, 'argocd');
  c.url('gitops.destinationServer', gitops?.destinationServer, ['https'], 'https://kubernetes.default.svc');
  c.oneOf('gitops.mode', gitops?.mode, ['applications', 'applicationset']);

  checkKeys(c, env);

  c.throwIfInvalid(`${env.source}: ${c.count} problem${c.count === 1 ? '' : 's'} in environment '${String(env.name)}'`);
}

/** Report every key of `value` (an object at `field`) that is not in `allowed`, with a spelling hint. */
function unknownKeys(c: ProblemCollector, field: string, value: unknown, allowed: readonly string[], what = 'setting'): void {
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const similar = closest(key, allowed);
    const path = field === '' ? key : `${field}.${key}`;
    c.add(path, `is not ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}${field === '' ? ' of an environment' : ` of ${field}`} (a typo is silently ignored otherwise)`, value[key],
      `${similar !== undefined ? `rename it to '${similar}'` : 'remove it'}; allowed here: ${allowed.join(', ')}`);
  }
}

/** Unknown keys anywhere in the environment: `apps['identty-service']`, `registryMirorr`, `replica`. */
function checkKeys(c: ProblemCollector, env: EnvironmentConfig): void {
  unknownKeys(c, '', env, KEYS.environment);
  if (isPlainObject(env.images)) {
    for (const name of IMAGE_NAMES) unknownKeys(c, `images.${name}`, env.images[name], KEYS.image);
  }
  const resources = (field: string, value: unknown): void => {
    unknownKeys(c, field, value, KEYS.resources);
    if (isPlainObject(value)) for (const kind of KEYS.resources) unknownKeys(c, `${field}.${kind}`, value[kind], KEYS.quantities);
  };
  unknownKeys(c, 'workloadDefaults', env.workloadDefaults, KEYS.workload);
  resources('workloadDefaults.resources', env.workloadDefaults?.resources);
  unknownKeys(c, 'apps', env.apps, APP_NAMES, 'application');
  for (const app of APP_NAMES) {
    unknownKeys(c, `apps.${app}`, env.apps?.[app], app === 'frontend' ? KEYS.frontend : KEYS.service);
    resources(`apps.${app}.resources`, env.apps?.[app]?.resources);
  }
  unknownKeys(c, 'ingress', env.ingress, KEYS.ingress);
  unknownKeys(c, 'storage', env.storage, env.storage?.mode === 'dynamic' ? KEYS.dynamicStorage : KEYS.localStorage);
  unknownKeys(c, 'postgres', env.postgres, KEYS.postgres);
  resources('postgres.resources', env.postgres?.resources);
  unknownKeys(c, 'redis', env.redis, KEYS.redis);
  resources('redis.resources', env.redis?.resources);
  unknownKeys(c, 'kafka', env.kafka, KEYS.kafka);
  unknownKeys(c, 'kafka.nodePools', env.kafka?.nodePools, env.kafka?.nodePools?.mode === 'separate' ? KEYS.separatePools : KEYS.dualRolePools);
  resources('kafka.resources', env.kafka?.resources);
  unknownKeys(c, 'operators', env.operators, KEYS.operators);
  for (const op of KEYS.operators) unknownKeys(c, `operators.${op}`, (env.operators as Record<string, unknown> | undefined)?.[op], KEYS.chart);
  unknownKeys(c, 'gitops', env.gitops, KEYS.gitops);
}
