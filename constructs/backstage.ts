import { JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { IKafkaCluster } from './kafka-platform';
import { KafkaUser } from './kafka-user';
import { IApplication, mapChildOptions, recordDependency } from './lib/context';
import { ImageSettings } from './lib/images';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { deepMerge } from './lib/merge';
import { joinName } from './lib/names';
import { ResourceSettings } from './lib/resources';
import { hostSchema, intSchema, resourcesOverrideSchema, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';
import { PostgresDatabase, PostgresDatabaseOptionsSchema } from './postgres-database';
import { IVolumeProvider } from './volume-provider';
import { compareText } from './lib/order';

/** Backstage's backend port. */
export const BACKSTAGE_PORT = 7007;

/** What an environment or the catalog may set on Backstage. */
export const BackstageOptionsSchema = z.strictObject({
  /**
   * Name of the Deployment and Service (the database is `<name>-postgres`).
   * @default - the construct id
   */
  name: z.string().optional(),
  /**
   * Public host name of the portal (`app.baseUrl` and `backend.baseUrl` are `https://<host>`).
   * @default - `http://<name>.<namespace>.svc:7007` (in-cluster only)
   */
  host: hostSchema.optional(),
  /**
   * Pods.
   * @default 1
   */
  replicas: intSchema(1, 20, 'set replicas between 1 and 20').optional(),
  /**
   * CPU and memory of the backend, merged over requests 250m / 512Mi and limits 1 / 1Gi.
   * @default - requests 250m / 512Mi, limits 1 / 1Gi
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * Backstage's own PostgreSQL (its size at least).
   * @default - a single PostgreSQL with a 5Gi volume and generated credentials
   */
  database: PostgresDatabaseOptionsSchema.omit({ databaseName: true, username: true }).optional(),
  /**
   * Further `app-config` settings, merged over the ones the construct writes (organization, catalog locations,
   * auth providers). Secrets go into environment variables from Secrets, referenced as `${VAR}`.
   * @default {}
   */
  appConfig: z.record(z.string(), z.unknown()).optional(),
});

/** What an environment or the catalog may set on Backstage. */
export type BackstageOptions = z.infer<typeof BackstageOptionsSchema>;

/** A custom resource the Kubernetes plugin lists (`kubernetes.customResources` of app-config). */
export interface KubernetesCustomResource {
  readonly group: string;
  readonly apiVersion: string;
  readonly plural: string;
}

/** Something whose custom resources the portal shows (a RabbitMQ cluster, a Camel K platform). */
export interface IShownInPortal extends IConstruct {
  readonly customResources: readonly KubernetesCustomResource[];
}

/** Props of `Backstage`. */
export interface BackstageProps extends BackstageOptions {
  /** The Backstage app's image (an organization builds its own app from `@backstage/create-app`). */
  readonly image: ImageSettings;
  /** PostgreSQL 15 image of its database. */
  readonly postgresImage: ImageSettings;
  /** Where the database volume comes from. */
  readonly storage: IVolumeProvider;
  /**
   * Kafka clusters the Kafka plugin shows (`kafka.clusters` of app-config); Backstage is synced after them.
   * @default []
   */
  readonly kafka?: readonly IKafkaCluster[];
  /**
   * The application running Reflector, which copies the Kafka users' Secrets next to Backstage (needed only for a
   * Kafka cluster that authenticates clients; Backstage is synced after it).
   * @default - installed by other means
   */
  readonly secretReflector?: IApplication;
  /**
   * Components whose custom resources the Kubernetes plugin lists (it may read them; Backstage is synced after them).
   * @default []
   */
  readonly shows?: readonly IShownInPortal[];
  /**
   * Name of the cluster in the Kubernetes plugin.
   * @default 'local'
   */
  readonly clusterName?: string;
}

/**
 * Read-only access the Kubernetes plugin needs to list a service's objects (Backstage docs, "Configuring Kubernetes
 * integration", section "Role Based Access Control").
 *
 * @see https://backstage.io/docs/features/kubernetes/configuration/
 */
export const BACKSTAGE_READ_ONLY_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'configmaps', 'limitranges', 'resourcequotas'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['metrics.k8s.io'], resources: ['pods'], verbs: ['get', 'list'] },
];

/**
 * Backstage, the developer portal: its backend on port 7007 (a Deployment and Service), its own PostgreSQL 15 with
 * generated credentials, its app-config mounted as a file from a ConfigMap (`app-config.production.yaml`, which the
 * image's default command reads), and a ServiceAccount bound to a read-only ClusterRole for the Kubernetes plugin,
 * which reads the in-cluster API with that account's token.
 *
 * @see https://backstage.io/docs/deployment/k8s
 */
export class Backstage extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly url: string;
  public readonly database: PostgresDatabase;
  public readonly workload: Microservice;
  /** The app-config the pods read. */
  public readonly appConfig: Readonly<Record<string, unknown>>;

  public constructor(scope: Construct, id: string, props: BackstageProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const what = `Backstage '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(BackstageOptionsSchema, props, ['image', 'postgresImage', 'storage', 'kafka', 'shows', 'clusterName', 'secretReflector'], what);
    check.dnsLabel(props.name !== undefined ? 'name' : 'id', this.name, 'backstage');
    check.throwIfInvalid();

    mapChildOptions(this, 'Postgres', 'database');
    this.database = new PostgresDatabase(this, 'Postgres', {
      size: '5Gi',
      ...props.database,
      name: props.database?.name ?? joinName(this.name, 'postgres'),
      databaseName: 'backstage',
      image: props.postgresImage,
      storage: props.storage,
    });
    const kafka = props.kafka ?? [];
    for (const cluster of kafka) recordDependency(this, cluster);
    const shows = props.shows ?? [];
    for (const shown of shows) recordDependency(this, shown);
    const customResources = uniqueResources([
      ...(kafka.length > 0 ? [{ group: 'kafka.strimzi.io', apiVersion: 'v1', plural: 'kafkatopics' }] : []),
      ...shows.flatMap((s) => s.customResources),
    ]);

    // A cluster that authenticates clients: a Kafka user of Backstage's own (Describe on topics and groups, what the
    // Kafka plugin needs), its Secret copied next to Backstage, its password passed as an environment variable.
    const kafkaUsers = new Map<IKafkaCluster, { user: KafkaUser; passwordEnv: string }>();
    for (const cluster of kafka) {
      if (cluster.authentication === undefined) continue;
      const user = new KafkaUser(this, `KafkaUser-${cluster.clusterName}`, { cluster, userName: joinName(this.name, cluster.clusterName), describesAll: true, reflectTo: [this.database.namespace] });
      kafkaUsers.set(cluster, { user, passwordEnv: `KAFKA_PASSWORD_${cluster.clusterName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}` });
      if (props.secretReflector !== undefined) recordDependency(this, props.secretReflector);
    }

    const inCluster = `http://${this.name}.${this.database.namespace}.svc:${BACKSTAGE_PORT}`;
    const baseUrl = props.host !== undefined ? `https://${props.host}` : inCluster;
    const generated: Record<string, unknown> = {
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port: BACKSTAGE_PORT },
        database: {
          client: 'pg',
          // One database with a schema per plugin: the generated role owns one database and may not create others.
          pluginDivisionMode: 'schema',
          connection: {
            host: '${POSTGRES_HOST}',
            port: '${POSTGRES_PORT}',
            user: '${POSTGRES_USER}',
            password: '${POSTGRES_PASSWORD}',
            database: this.database.databaseName,
          },
        },
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [{
          type: 'config',
          clusters: [{
            name: props.clusterName ?? 'local',
            url: 'https://kubernetes.default.svc',
            // No serviceAccountToken: the plugin uses the token mounted into its pod (the ServiceAccount below).
            authProvider: 'serviceAccount',
            caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
            skipTLSVerify: false,
          }],
        }],
        ...(customResources.length > 0 ? { customResources: customResources.map((r) => ({ ...r })) } : {}),
      },
      ...(kafka.length > 0 ? {
        kafka: {
          clientId: this.name,
          clusters: kafka.map((c) => {
            const auth = kafkaUsers.get(c);
            return { name: c.clusterName, brokers: [c.bootstrap.plain], ...(auth !== undefined ? { sasl: { mechanism: 'scram-sha-512', username: auth.user.userName, password: `\${${auth.passwordEnv}}` } } : {}) };
          }),
        },
      } : {}),
    };
    this.appConfig = deepMerge<Record<string, unknown>>(generated, props.appConfig);

    mapChildOptions(this, 'Workload', '');
    this.workload = new Microservice(this, 'Workload', {
      name: this.name,
      component: 'portal',
      image: props.image,
      runtime: 'node',
      port: BACKSTAGE_PORT,
      replicas: props.replicas ?? 1,
      resources: deepMerge<ResourceSettings>({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, props.resources),
      // The backend's health endpoints (new backend system).
      healthCheck: { path: '/.backstage/health/v1/liveness', readinessPath: '/.backstage/health/v1/readiness', startupPath: '/.backstage/health/v1/liveness' },
      env: { POSTGRES_HOST: this.database.host, POSTGRES_PORT: String(this.database.port), NODE_ENV: 'production' },
      envRefs: [
        { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.usernameKey } } },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: this.database.credentials.secretName, key: this.database.credentials.passwordKey } } },
        ...[...kafkaUsers.values()].map(({ user, passwordEnv }) => ({ name: passwordEnv, valueFrom: { secretKeyRef: { name: user.credentials.secretName, key: user.credentials.passwordKey } } })),
      ],
      files: { '/app/app-config.production.yaml': stringify(this.appConfig, { sortMapEntries: true }) },
      serviceAccount: { automountToken: true },
    });
    this.namespace = this.workload.namespace;
    this.url = this.workload.url;
    this.database.connections.allowFrom(this.workload);

    const identity = { name: 'backstage', instance: this.name, component: 'rbac' };
    const roleName = joinName(this.namespace, this.name, 'read-only');
    const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: roleName, labels: componentLabels(identity) },
      rules: [
        ...BACKSTAGE_READ_ONLY_RULES.map((r) => ({ ...r, apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], verbs: [...r.verbs] })),
        // The custom resources it lists, read-only too.
        ...[...new Set(customResources.map((r) => r.group))].map((group) => ({ apiGroups: [group], resources: customResources.filter((r) => r.group === group).map((r) => r.plural), verbs: ['get', 'list', 'watch'] })),
      ],
    });
    const clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: roleName, labels: componentLabels(identity) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    // Cluster-scoped, though rendered in the portal's (namespaced) chart: cdk8s gives every object the chart's namespace.
    for (const o of [clusterRole, clusterRoleBinding]) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

function uniqueResources(resources: readonly KubernetesCustomResource[]): KubernetesCustomResource[] {
  const seen = new Map<string, KubernetesCustomResource>();
  for (const r of resources) seen.set(`${r.group}/${r.apiVersion}/${r.plural}`, r);
  return [...seen.values()].sort((a, b) => compareText(`${a.group}/${a.plural}`, `${b.group}/${b.plural}`));
}
