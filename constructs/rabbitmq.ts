import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as rabbitmq from '../imports/rabbitmq.com';
import { contextOf, IApplication, recordDependency } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { joinName } from './lib/names';
import { NetworkEndpoint } from './lib/network-endpoints';
import { ResourceSettings } from './lib/resources';
import { deepMerge } from './lib/merge';
import { dnsLabelSchema, quantitySchema, refuse, resourcesOverrideSchema, uniqueList, withFix, z } from './lib/options';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider } from './volume-provider';
import { compareText } from './lib/order';

/**
 * Plugins the RabbitMQ Cluster Operator always enables (`requiredPlugins` in internal/resource/rabbitmq_plugins.go
 * of rabbitmq/cluster-operator v2.22.3): listing one of them again is refused, so the list says only what is added.
 */
export const RABBITMQ_REQUIRED_PLUGINS: readonly string[] = ['rabbitmq_peer_discovery_k8s', 'rabbitmq_prometheus', 'rabbitmq_management'];

/**
 * Ports of the `<name>` Service the operator creates (internal/resource/service.go, v2.22.3): AMQP 0-9-1 and 1.0,
 * the management UI and HTTP API, the Prometheus endpoint of `rabbitmq_prometheus`, and the stream protocol when
 * `rabbitmq_stream` is enabled.
 */
export const RABBITMQ_PORTS = { amqp: 5672, management: 15672, prometheus: 15692, stream: 5552 } as const;

/** `rabbitmq.conf` keys that set credentials: the operator generates the default user, git never holds one. */
const CREDENTIAL_KEYS = ['default_user', 'default_pass', 'default_user_tags.administrator', 'loopback_users', 'loopback_users.guest'];

/** A plugin name as the RabbitmqCluster CRD accepts it (`^\w+$`). */
const pluginSchema = z.string().superRefine((plugin, ctx) => {
  if (!/^\w+$/.test(plugin)) refuse(ctx, 'is not a plugin name (letters, digits and _ only)', "use a plugin name such as 'rabbitmq_shovel'");
  else if (RABBITMQ_REQUIRED_PLUGINS.includes(plugin)) refuse(ctx, `'${plugin}' is always enabled by the RabbitMQ Cluster Operator`, 'remove it from plugins');
});

/** What an environment or a catalog entry may set on a `RabbitmqCluster`. */
export const RabbitmqClusterOptionsSchema = z.strictObject({
  /**
   * Name of the `RabbitmqCluster`: its Service is `<name>`, its credentials Secret `<name>-default-user`.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Namespace of the cluster.
   * @default - the chart's namespace
   */
  namespace: dnsLabelSchema.optional(),
  /**
   * RabbitMQ nodes: an odd number, so a network partition leaves exactly one quorum (the operator tests 1, 3 and 5).
   * @default 1
   */
  replicas: withFix(z.number().int({ error: 'must be an odd integer between 1 and 9' }).min(1, { error: 'must be an odd integer between 1 and 9' }).max(9, { error: 'must be an odd integer between 1 and 9' })
    .refine((n) => n % 2 === 1, { error: 'must be odd (1, 3 or 5): an even number of nodes cannot keep a single quorum through a partition' }), 'use 1 node for development or 3 (or 5) for production').optional(),
  /**
   * Size of each node's volume.
   * @default '10Gi'
   */
  storageSize: quantitySchema('storage').optional(),
  /**
   * Plugins enabled besides the ones the operator always enables (management, prometheus, peer discovery).
   * @default []
   */
  plugins: uniqueList(pluginSchema, 'plugin').optional(),
  /**
   * CPU and memory of each node, merged over requests 500m / 1Gi and limits 1 / 2Gi. RabbitMQ's memory watermark is
   * derived from the memory limit by the operator.
   * @default - requests 500m / 1Gi, limits 1 / 2Gi
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * Further `rabbitmq.conf` settings (`vm_memory_high_watermark.relative: 0.6`). Credentials cannot be set here.
   * @default {}
   */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).superRefine((config, ctx) => {
    for (const key of Object.keys(config)) {
      if (CREDENTIAL_KEYS.includes(key)) refuse(ctx, `'${key}' sets credentials, which must never be written to git`, "remove it: the operator generates the default user's credentials in the Secret <name>-default-user", [key]);
      else if (!/^[a-z0-9_.$-]+$/i.test(key)) refuse(ctx, `'${key}' is not a rabbitmq.conf key`, 'use a key such as vm_memory_high_watermark.relative', [key]);
    }
  }).optional(),
});

/** What an environment or a catalog entry may set on a `RabbitmqCluster`. */
export type RabbitmqClusterOptions = z.infer<typeof RabbitmqClusterOptionsSchema>;

/** Props of `RabbitmqCluster`. */
export interface RabbitmqClusterProps extends RabbitmqClusterOptions {
  /** The RabbitMQ image (pinned per environment; the operator's default is `rabbitmq:4.2.6-management`). */
  readonly image: ImageSettings;
  /** Where the nodes' volumes come from (local PersistentVolumes are rendered per node). */
  readonly storage: IVolumeProvider;
  /**
   * The application delivering the RabbitMQ Cluster Operator (and its CRD); the cluster is synced after it.
   * @default - the operator is installed by other means
   */
  readonly operator?: IApplication;
}

/** The Secret the operator generates for the default user, and its keys (never `guest`). */
export interface RabbitmqCredentialsRef {
  /** `<cluster>-default-user` */
  readonly secretName: string;
  readonly usernameKey: 'username';
  readonly passwordKey: 'password';
}

/** What a client needs to connect over AMQP: host, port and the credentials Secret. */
export interface RabbitmqConnection {
  /** `<cluster>.<namespace>.svc` */
  readonly host: string;
  /** 5672 */
  readonly port: number;
  readonly credentials: RabbitmqCredentialsRef;
}

/** A RabbitMQ cluster clients can connect to (implemented by `RabbitmqCluster`). */
export interface IRabbitmqCluster extends IConstruct {
  readonly clusterName: string;
  readonly namespace: string;
  /** AMQP host, port and credentials. */
  readonly connection: RabbitmqConnection;
  /** The cluster's pods and the ports clients use (AMQP 5672 and management 15672), for network policies. */
  readonly clientEndpoint: NetworkEndpoint;
}

/**
 * A RabbitMQ cluster run by the RabbitMQ Cluster Operator (`rabbitmq.com/v1beta1` `RabbitmqCluster`): its nodes,
 * their volumes (registered with the storage provider: local PersistentVolumes are derived per node, the replicas
 * on distinct nodes in production), its plugins and `rabbitmq.conf`.
 *
 * The operator creates the StatefulSet `<name>-server`, the Service `<name>` (AMQP 5672, management 15672,
 * Prometheus 15692, stream 5552 with `rabbitmq_stream`), the claims `persistence-<name>-server-<i>` and the Secret
 * `<name>-default-user` with a generated user and password: no credentials are ever rendered, and `guest` (which
 * RabbitMQ admits only from localhost) is never used.
 *
 * @see https://www.rabbitmq.com/kubernetes/operator/using-operator
 * @see https://github.com/rabbitmq/cluster-operator/blob/v2.22.3/api/v1beta1/rabbitmqcluster_types.go
 */
export class RabbitmqCluster extends Construct implements IRabbitmqCluster {
  public readonly clusterName: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly storageSize: string;
  /** Plugins enabled besides the operator's. */
  public readonly plugins: readonly string[];
  public readonly version: string;
  /** The Service's ports (stream only with `rabbitmq_stream`). */
  public readonly ports: { readonly amqp: number; readonly management: number; readonly prometheus: number; readonly stream?: number };
  public readonly credentials: RabbitmqCredentialsRef;
  public readonly connection: RabbitmqConnection;
  public readonly clientEndpoint: NetworkEndpoint;
  /** Labels the operator puts on the cluster's pods (`app.kubernetes.io/name: <name>`, internal/metadata/label.go). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The application delivering the operator, if given. */
  public readonly operator?: IApplication;
  /** What a portal lists for it (the `RabbitmqCluster` resources). */
  public readonly customResources = [{ group: 'rabbitmq.com', apiVersion: 'v1beta1', plural: 'rabbitmqclusters' }] as const;

  public constructor(scope: Construct, id: string, props: RabbitmqClusterProps) {
    super(scope, id);
    this.clusterName = props.name ?? id;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    this.replicas = props.replicas ?? 1;
    this.storageSize = props.storageSize ?? '10Gi';
    this.plugins = Array.isArray(props.plugins) ? [...props.plugins] : [];
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } }, props.resources);

    const what = `RabbitmqCluster '${this.clusterName}'`;
    const check = new PropsValidator(this, what);
    check.props(RabbitmqClusterOptionsSchema, props, ['image', 'storage', 'operator'], what);
    check.dnsLabel(props.name !== undefined ? 'name' : 'id', this.clusterName, 'rabbitmq-cluster');
    check.check(namespace !== undefined, 'namespace', "'namespace' is required when the chart has no namespace", namespace, "set 'namespace' (e.g. 'rabbitmq')");
    check.check(props.image !== undefined && typeof props.image.repository === 'string', 'image', "'image' is required", props.image, "pass the platform's RabbitMQ image, e.g. { repository: 'rabbitmq', tag: '4.2.6-management' }");
    check.resources('resources', resources);
    let serverName = '';
    try {
      // Pods are <name>-server-<i> and claims persistence-<name>-server-<i>: both must stay valid names.
      serverName = joinName(this.clusterName, 'server');
      joinName('persistence', serverName, String(Math.max(0, this.replicas - 1)));
    } catch (e) {
      check.add('name', (e as Error).message, this.clusterName, 'use a shorter cluster name');
    }
    check.throwIfInvalid();

    this.namespace = namespace as string;
    this.version = imageVersion(props.image);
    this.operator = props.operator;
    if (props.operator) recordDependency(this, props.operator);
    const host = `${this.clusterName}.${this.namespace}.svc`;
    this.ports = {
      amqp: RABBITMQ_PORTS.amqp,
      management: RABBITMQ_PORTS.management,
      prometheus: RABBITMQ_PORTS.prometheus,
      ...(this.plugins.includes('rabbitmq_stream') ? { stream: RABBITMQ_PORTS.stream } : {}),
    };
    this.credentials = { secretName: joinName(this.clusterName, 'default-user'), usernameKey: 'username', passwordKey: 'password' };
    this.connection = { host, port: this.ports.amqp, credentials: this.credentials };
    this.podLabels = { 'app.kubernetes.io/name': this.clusterName };
    this.clientEndpoint = {
      description: `RabbitMQ cluster '${this.clusterName}'`,
      namespace: this.namespace,
      podLabels: this.podLabels,
      // What clients use (the seed's tenants: AMQP and the management API); stream clients add `ports.stream`.
      ports: [this.ports.amqp, this.ports.management],
    };

    const context = contextOf(this);
    const identity: ComponentIdentity = { name: 'rabbitmq', instance: this.clusterName, component: 'messaging', version: this.version };
    const config = Object.entries(props.config ?? {}).sort(([a], [b]) => compareText(a, b)).map(([key, value]) => `${key} = ${String(value)}`);
    const cluster = new rabbitmq.RabbitmqCluster(this, 'Resource', {
      metadata: { name: this.clusterName, namespace: this.namespace, labels: componentLabels(identity) },
      spec: {
        replicas: this.replicas,
        image: imageReference(props.image, context.registryMirror),
        persistence: {
          storageClassName: props.storage.storageClassName,
          storage: rabbitmq.RabbitmqClusterSpecPersistenceStorage.fromString(this.storageSize),
        },
        resources: {
          requests: {
            cpu: rabbitmq.RabbitmqClusterSpecResourcesRequests.fromString(resources.requests.cpu),
            memory: rabbitmq.RabbitmqClusterSpecResourcesRequests.fromString(resources.requests.memory),
          },
          limits: {
            cpu: rabbitmq.RabbitmqClusterSpecResourcesLimits.fromString(resources.limits.cpu),
            memory: rabbitmq.RabbitmqClusterSpecResourcesLimits.fromString(resources.limits.memory),
          },
        },
        rabbitmq: {
          ...(this.plugins.length > 0 ? { additionalPlugins: [...this.plugins] } : {}),
          ...(config.length > 0 ? { additionalConfig: `${config.join('\n')}\n` } : {}),
        },
      },
    });
    // Deleting the RabbitmqCluster deletes its StatefulSet and so its nodes: only with a person's confirmation.
    requireConfirmedDeletion(cluster);

    for (let i = 0; i < this.replicas; i++) {
      props.storage.registerClaim(this, {
        namespace: this.namespace,
        claimName: `persistence-${serverName}-${i}`,
        size: this.storageSize,
        owner: identity,
        replica: i,
      });
    }
  }
}
