import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { contextOf } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import { ComponentIdentity } from './lib/labels';
import { execProbe, WEB_PROBES } from './lib/probes';
import { parseQuantity, ResourceSettings } from './lib/resources';
import { PropsValidator } from './lib/validation';
import { renderDeployment, renderPodTemplate, renderService } from './lib/workload';
import { Connections } from './lib/connections';
import { deepMerge } from './lib/merge';
import { dnsLabelSchema, resourcesOverrideSchema, z } from './lib/options';

/** What an environment or a catalog entry may set on a `Redis`. */
export const RedisOptionsSchema = z.strictObject({
  /**
   * Name of the Deployment and Service.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * CPU and memory, merged over requests 50m / 64Mi and limits 250m / 128Mi.
   * @default - requests 50m / 64Mi, limits 250m / 128Mi
   */
  resources: resourcesOverrideSchema.optional(),
});

/** What an environment or a catalog entry may set on a `Redis`. */
export type RedisOptions = z.infer<typeof RedisOptionsSchema>;

/** Props of `Redis`. */
export interface RedisProps extends RedisOptions {
  /** Image, e.g. `redis:7-alpine`. */
  readonly image: ImageSettings;
}

/** Redis's port. */
export const REDIS_PORT = 6379;

/**
 * A Redis cache for one service: a Deployment without persistence (a cache is rebuilt, not restored), a
 * Service, and a NetworkPolicy that admits only the pods allowed through `connections`. Memory is capped below the container
 * limit with an LRU eviction policy, so a full cache evicts keys instead of being OOM-killed.
 */
export class Redis extends Construct {
  public readonly name: string;
  /** In-cluster host name. */
  public readonly host: string;
  public readonly port: number = REDIS_PORT;
  public readonly identity: ComponentIdentity;
  public readonly namespace: string;
  /** Who may connect: `connections.allowFrom(service)` admits the service's pods; the NetworkPolicy admits nobody else. */
  public readonly connections: Connections;

  public constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } }, props.resources);
    const check = new PropsValidator(this, `Redis '${this.name}'`);
    check.props(RedisOptionsSchema, props, ['image'], `Redis '${this.name}'`);
    check.resources('resources', resources);
    const namespace = Chart.of(this).namespace;
    check.check(namespace !== undefined, 'namespace', 'Redis must be in a chart with a namespace', namespace, "give the application chart a namespace (e.g. 'healthxcape')");
    check.throwIfInvalid();

    this.identity = { name: 'redis', instance: this.name, component: 'cache', version: imageVersion(props.image) };
    this.namespace = namespace as string;
    this.host = `${this.name}.${this.namespace}.svc`;
    this.connections = new Connections(this, { name: this.name, identity: this.identity, ports: [REDIS_PORT] });
    // Redis's own memory cap: 75% of the container limit, leaving room for its overhead.
    const limitBytes = parseQuantity(resources.limits.memory) ?? 128 * 2 ** 20;
    const maxMemoryMb = Math.max(16, Math.floor((limitBytes * 0.75) / 2 ** 20));
    const ping = ['redis-cli', '-p', String(REDIS_PORT), 'ping'];
    const template = renderPodTemplate(this, {
      identity: this.identity,
      // The redis Alpine image's own user.
      user: { uid: 999, gid: 1000, fsGroup: 1000 },
      containers: [{
        name: 'redis',
        image: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        command: ['redis-server'],
        args: ['--save', '', '--appendonly', 'no', '--maxmemory', `${maxMemoryMb}mb`, '--maxmemory-policy', 'allkeys-lru'],
        ports: [{ name: 'redis', containerPort: REDIS_PORT }],
        resources,
        startupProbe: execProbe(ping, WEB_PROBES.startup),
        livenessProbe: execProbe(ping, WEB_PROBES.liveness),
        readinessProbe: execProbe(ping, WEB_PROBES.readiness),
        writablePaths: ['/data', '/tmp'],
      }],
    });
    renderDeployment(this, 'Deployment', { name: this.name, identity: this.identity, replicas: 1, template });
    renderService(this, 'Service', { name: this.name, identity: this.identity, ports: [{ name: 'redis', port: REDIS_PORT, targetPort: 'redis' }] });
  }
}
