import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as generators from '../imports/generators.external-secrets.io';
import * as cnpg from '../imports/postgresql.cnpg.io';
import { contextOf, IApplication, recordDependency } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels, selectorLabels, stableLabels } from './lib/labels';
import { joinName } from './lib/names';
import { execProbe, ProbeSchedule } from './lib/probes';
import { canonicalResources, ResourceSettings } from './lib/resources';
import { deepMerge } from './lib/merge';
import { Connections } from './lib/connections';
import { dnsLabelSchema, intSchema, quantitySchema, resourcesOverrideSchema, withFix, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { renderPodTemplate, renderService } from './lib/workload';
import { requireConfirmedDeletion } from './lib/retention';
import { GeneratedSecret } from './generated-secret';
import { IVolumeProvider } from './volume-provider';

/** How PostgreSQL runs: a single-instance StatefulSet, or a CloudNativePG `Cluster`. */
export type PostgresEngine = 'statefulset' | 'cloudnative-pg';

/**
 * Where the database password comes from. It never appears in rendered YAML.
 *
 * - `existing-secret`: a Secret the platform team creates out of band (keys `username`, `password`).
 * - `generated`: an External Secrets `Password` generator creates it once in the cluster (statefulset engine).
 * - `cnpg`: CloudNativePG generates `<cluster>-app` (cloudnative-pg engine).
 */
export const PostgresCredentialsSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('existing-secret'),
    /** @default '<name>-credentials' */
    secretName: dnsLabelSchema.optional(),
  }),
  z.strictObject({ mode: z.literal('generated') }),
  z.strictObject({ mode: z.literal('cnpg') }),
]);

/** Where the database password comes from. */
export type PostgresCredentials = z.infer<typeof PostgresCredentialsSchema>;

/** What an environment or a catalog entry may set on a `PostgresDatabase`. */
export const PostgresDatabaseOptionsSchema = z.strictObject({
  /**
   * Name of the StatefulSet (and headless Service) or CloudNativePG Cluster.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * `statefulset`: a single-instance StatefulSet; `cloudnative-pg`: a CloudNativePG `Cluster`.
   * @default 'statefulset'
   */
  engine: withFix(z.enum(['statefulset', 'cloudnative-pg']), "use 'statefulset' or 'cloudnative-pg'").optional(),
  /**
   * Database created at initialisation (a lower-case PostgreSQL identifier).
   * @default - required: set by the catalog entry
   */
  databaseName: z.string().optional(),
  /**
   * Role owning the database.
   * @default - the database name
   */
  username: z.string().optional(),
  /**
   * Where the password comes from.
   * @default - `generated` for the statefulset engine, `cnpg` for cloudnative-pg
   */
  credentials: PostgresCredentialsSchema.optional(),
  /**
   * Size of each data volume.
   * @default '1Gi'
   */
  size: quantitySchema('storage').optional(),
  /**
   * PostgreSQL instances (cloudnative-pg only; the statefulset engine runs exactly one).
   * @default 1
   */
  instances: intSchema(1, 9, 'set instances between 1 and 9').optional(),
  /**
   * CPU and memory of each instance, merged over requests 100m / 256Mi and limits 500m / 512Mi.
   * @default - requests 100m / 256Mi, limits 500m / 512Mi
   */
  resources: resourcesOverrideSchema.optional(),
});

/** What an environment or a catalog entry may set on a `PostgresDatabase`. */
export type PostgresDatabaseOptions = z.infer<typeof PostgresDatabaseOptionsSchema>;

/** Props of `PostgresDatabase`. */
export interface PostgresDatabaseProps extends PostgresDatabaseOptions {
  /** Image: `postgres:15-alpine` for the statefulset engine, a CloudNativePG operand image for `cloudnative-pg`. */
  readonly image: ImageSettings;
  /** Database created at initialisation. */
  readonly databaseName: string;
  /** Where the data volumes come from. */
  readonly storage: IVolumeProvider;
  /**
   * The application delivering the CloudNativePG operator; the database is synced after it.
   * @default - the operator is installed by other means
   */
  readonly operator?: IApplication;
}

/** The Secret holding a database's credentials and its keys. */
export interface DatabaseCredentialsRef {
  readonly secretName: string;
  readonly usernameKey: string;
  readonly passwordKey: string;
}

/** PostgreSQL's port. */
export const POSTGRES_PORT = 5432;

const POSTGRES_PROBES: ProbeSchedule = {
  // initdb on first start can take a while on slow disks.
  startup: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
  liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
  readiness: { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 },
};

/**
 * A service's own PostgreSQL, with credentials that never appear in git.
 *
 * The `statefulset` engine renders a StatefulSet (one instance, non-root, restricted security context), a
 * headless Service, a volume claim template whose volume is registered with the storage provider, and a
 * NetworkPolicy admitting only the clients allowed through `connections`. The `cloudnative-pg` engine renders a CloudNativePG
 * `Cluster` (`postgresql.cnpg.io/v1`) and registers one volume per instance.
 */
export class PostgresDatabase extends Construct {
  public readonly name: string;
  public readonly engine: PostgresEngine;
  public readonly databaseName: string;
  public readonly username: string;
  /** In-cluster host name of the primary (read-write) endpoint. */
  public readonly host: string;
  public readonly port: number = POSTGRES_PORT;
  public readonly credentials: DatabaseCredentialsRef;
  public readonly identity: ComponentIdentity;
  public readonly namespace: string;
  /**
   * Who may connect: `connections.allowFrom(service)` admits the service's pods. The statefulset engine renders
   * a NetworkPolicy admitting nobody else; CloudNativePG clusters get none (their instances replicate with each
   * other and the operator calls them, which a client-only policy would block).
   */
  public readonly connections: Connections;

  public constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    this.engine = props.engine ?? 'statefulset';
    this.databaseName = props.databaseName;
    this.username = props.username ?? props.databaseName;
    const credentials = props.credentials ?? (this.engine === 'statefulset' ? { mode: 'generated' } : { mode: 'cnpg' });
    const size = props.size ?? '1Gi';
    const instances = props.instances ?? 1;
    const resources = canonicalResources(deepMerge<ResourceSettings>({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }, props.resources));

    const check = new PropsValidator(this, `PostgresDatabase '${this.name}'`);
    check.props(PostgresDatabaseOptionsSchema, props, ['image', 'storage', 'operator'], `PostgresDatabase '${this.name}'`);
    for (const [field, value] of [['databaseName', this.databaseName], ['username', this.username]] as const) {
      check.check(typeof value === 'string' && /^[a-z_][a-z0-9_]{0,62}$/.test(value), field, `'${field}' must be a lower-case PostgreSQL identifier (letters, digits, _; at most 63 characters)`, value, "use a name such as 'identity'");
    }
    check.check(this.engine !== 'statefulset' || instances === 1, 'instances', 'the statefulset engine runs exactly one instance', instances, "set instances to 1, or use the 'cloudnative-pg' engine for replicas");
    check.check(!(credentials.mode === 'cnpg' && this.engine !== 'cloudnative-pg'), 'credentials', "'cnpg' credentials are generated by CloudNativePG and need the 'cloudnative-pg' engine", credentials.mode, "use 'existing-secret' or 'generated'");
    check.check(!(credentials.mode === 'generated' && this.engine === 'cloudnative-pg'), 'credentials', 'CloudNativePG generates its own credentials', credentials.mode, "use 'cnpg' (or 'existing-secret') with the cloudnative-pg engine");
    check.resources('resources', resources);
    const ns = Chart.of(this).namespace;
    check.check(ns !== undefined, 'namespace', 'the database must be in a chart with a namespace', ns, "give the application chart a namespace (e.g. 'healthxcape')");
    check.throwIfInvalid();

    const version = imageVersion(props.image);
    this.identity = { name: 'postgres', instance: this.name, component: 'database', version };
    if (props.operator) recordDependency(this, props.operator);

    const secretName = credentials.mode === 'cnpg'
      ? joinName(this.name, 'app')
      : credentials.mode === 'existing-secret' && credentials.secretName !== undefined
        ? credentials.secretName
        : joinName(this.name, 'credentials');
    this.credentials = { secretName, usernameKey: 'username', passwordKey: 'password' };
    const namespace = ns as string;
    this.namespace = namespace;
    this.connections = new Connections(this, { name: this.name, identity: this.identity, ports: [POSTGRES_PORT], render: this.engine === 'statefulset' });

    if (credentials.mode === 'generated') this.renderGeneratedCredentials(secretName);

    if (this.engine === 'cloudnative-pg') {
      this.host = `${joinName(this.name, 'rw')}.${namespace}.svc`;
      this.renderCluster(props, instances, size, resources, context.imagePullPolicy, imageReference(props.image, context.registryMirror), credentials);
      for (let serial = 1; serial <= instances; serial++) {
        props.storage.registerClaim(this, { namespace, claimName: `${this.name}-${serial}`, size, owner: this.identity, replica: serial - 1 });
      }
      return;
    }

    this.host = `${this.name}.${namespace}.svc`;
    renderService(this, 'Service', {
      name: this.name,
      identity: this.identity,
      headless: true,
      ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }],
    });
    const pgIsReady = ['sh', '-c', `pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB" -h 127.0.0.1 -p ${POSTGRES_PORT}`];
    const template = renderPodTemplate(this, {
      identity: this.identity,
      // The postgres Alpine image's own user.
      user: { uid: 70, gid: 70, fsGroup: 70 },
      terminationGracePeriodSeconds: 60,
      containers: [{
        name: 'postgres',
        image: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
        env: { POSTGRES_DB: this.databaseName, PGDATA: '/var/lib/postgresql/data/pgdata' },
        envRefs: [
          { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: secretName, key: 'username' } } },
          { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } },
        ],
        resources,
        startupProbe: execProbe(pgIsReady, POSTGRES_PROBES.startup),
        livenessProbe: execProbe(pgIsReady, POSTGRES_PROBES.liveness),
        readinessProbe: execProbe(pgIsReady, POSTGRES_PROBES.readiness),
        writablePaths: ['/var/run/postgresql', '/tmp'],
        volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
      }],
    });
    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: selectorLabels(this.identity) },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template,
        volumeClaimTemplates: [{
          // The claim template is immutable: no version label, or the next image bump could not be applied.
          metadata: { name: 'data', labels: stableLabels(this.identity) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: props.storage.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(size) } },
          },
        }],
      },
    });
    props.storage.registerClaim(this, { namespace, claimName: `data-${this.name}-0`, size, owner: this.identity });
  }

  private renderGeneratedCredentials(secretName: string): void {
    const generatorName = joinName(this.name, 'password');
    new generators.Password(this, 'PasswordGenerator', {
      metadata: { name: generatorName, labels: componentLabels(this.identity) },
      // No symbols: the password must survive being embedded in connection strings unescaped.
      spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true },
    });
    // The generated password exists only in the cluster: deleting it (and so regenerating a password the retained
    // data directory does not know) waits for a person's confirmation (GeneratedSecret does so).
    new GeneratedSecret(this, 'Credentials', {
      name: secretName,
      generator: { generatorApiVersion: 'generators.external-secrets.io/v1alpha1', generatorKind: 'Password', generatorName, generatorNamespace: this.namespace },
      literals: { username: this.username },
      identity: this.identity,
    });
  }

  private renderCluster(
    props: PostgresDatabaseProps,
    instances: number,
    size: string,
    resources: ResourceSettings,
    pullPolicy: string,
    image: string,
    credentials: PostgresCredentials,
  ): void {
    const cluster = new cnpg.Cluster(this, 'Cluster', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        instances,
        imageName: image,
        imagePullPolicy: pullPolicy,
        primaryUpdateStrategy: cnpg.ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
        enableSuperuserAccess: false,
        inheritedMetadata: { labels: componentLabels(this.identity) },
        storage: { size, storageClass: props.storage.storageClassName },
        resources: {
          requests: {
            cpu: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.cpu),
            memory: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.memory),
          },
          limits: {
            cpu: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.cpu),
            memory: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.memory),
          },
        },
        bootstrap: {
          initdb: {
            database: this.databaseName,
            owner: this.username,
            ...(credentials.mode === 'existing-secret' ? { secret: { name: this.credentials.secretName } } : {}),
          },
        },
      },
    });
    // Deleting a Cluster deletes its volume claims: only with a person's confirmation.
    requireConfirmedDeletion(cluster);
  }
}
