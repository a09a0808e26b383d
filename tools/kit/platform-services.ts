/**
 * Entry kinds for shared platform services: cert-manager and its self-signed CA, External Secrets and its
 * password generator, Reflector, a shared CloudNativePG cluster, Gateway API routes, and the developer tools
 * (Kafka UI, Maildev, MinIO, a TCP proxy, Temporal server and UI). Each builds its construct in an application of
 * its own; references between them are typed (`postgres.database('temporal')`, `kafka`, `passwords`).
 */
import { CertManager } from '../../constructs/cert-manager';
import { DrizzleGateway, DrizzleGatewayOptions, DrizzleGatewayOptionsSchema } from '../../constructs/drizzle-gateway';
import { ExternalSecretsOperator } from '../../constructs/external-secrets-operator';
import { GrpcRoute } from '../../constructs/grpc-route';
import type { HelmApplicationOptions } from '../../constructs/helm-application';
import { HttpRoute } from '../../constructs/http-route';
import type { IKafkaCluster } from '../../constructs/kafka-platform';
import { KafkaUi, KafkaUiOptions, KafkaUiOptionsSchema } from '../../constructs/kafka-ui';
import type { ApplicationChart } from '../../constructs/application-chart';
import type { IApplication } from '../../constructs/lib/context';
import type { IGateway, IServiceBackend } from '../../constructs/lib/gateway-routes';
import type { ImageSettings } from '../../constructs/lib/images';
import { Maildev, MaildevOptions, MaildevOptionsSchema } from '../../constructs/maildev';
import { Microservice, MicroserviceOptions, MicroserviceOptionsSchema } from '../../constructs/microservice';
import { Minio, MinioOptions, MinioOptionsSchema } from '../../constructs/minio';
import { IPasswordGenerator, PasswordGenerator, PasswordGeneratorOptions, PasswordGeneratorOptionsSchema } from '../../constructs/password-generator';
import { Reflector } from '../../constructs/reflector';
import { SelfSignedCa, SelfSignedCaOptions, SelfSignedCaOptionsSchema } from '../../constructs/self-signed-ca';
import { DatabaseRef, SharedDatabaseSchema, SharedPostgres, SharedPostgresOptions, SharedPostgresOptionsSchema } from '../../constructs/shared-postgres';
import { TcpProxy, TcpProxyOptions, TcpProxyOptionsSchema } from '../../constructs/tcp-proxy';
import { TemporalServer, TemporalServerOptions, TemporalServerOptionsSchema } from '../../constructs/temporal-server';
import { TemporalUi, TemporalUiOptions, TemporalUiOptionsSchema } from '../../constructs/temporal-ui';
import { fieldPath, z } from '../../constructs/lib/options';
import { applicationOf, mapChildOptions } from '../../constructs/lib/context';
import { Certificate, CertificateOptionsSchema } from '../../constructs/certificate';
import type { ICertificateIssuer } from '../../constructs/self-signed-ca';
import { OperatorEntryProps, operatorEntry } from './entries';
import { AppEntry, BuildTarget, defineEntry, derivedRef, Enabled, EntryContext, ImageDeclaration, Ref } from './entry';
import { without } from '../../constructs/lib/json';
import { compareText } from '../../constructs/lib/order';

// ---------------------------------------------------------------------------------------------
// Add-ons (pinned upstream charts)
// ---------------------------------------------------------------------------------------------

/** cert-manager at the release whose CRDs are imported (a cluster add-on, run when something uses it). */
export function certManager(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, CertManager, 'cert-manager'> {
  return operatorEntry('cert-manager', CertManager, props);
}

/** The External Secrets Operator (a cluster add-on, run when something uses it). */
export function externalSecretsOperator(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, ExternalSecretsOperator, 'external-secrets-operator'> {
  return operatorEntry('external-secrets-operator', ExternalSecretsOperator, props);
}

/** Reflector, which copies Secrets and ConfigMaps to the namespaces their annotations name (a cluster add-on). */
export function reflector(props: OperatorEntryProps = {}): AppEntry<HelmApplicationOptions, Reflector, 'reflector'> {
  return operatorEntry('reflector', Reflector, props, true);
}

/** A `SelfSignedCa` entry: the options and the cert-manager it belongs to. */
export interface SelfSignedCaEntryProps extends SelfSignedCaOptions {
  /** cert-manager: the CA renders in its namespace and syncs after it. */
  readonly certManager: Ref<IApplication>;
}

/** The self-signed CA chain and its `ClusterIssuer` (cluster-wide, in cert-manager's namespace). */
export function selfSignedCa(props: SelfSignedCaEntryProps): AppEntry<SelfSignedCaOptions, SelfSignedCa, 'self-signed-ca'> {
  return defineEntry({
    kind: 'self-signed-ca',
    scope: 'cluster',
    schema: SelfSignedCaOptionsSchema,
    options: without(props, 'certManager'),
    build: (context) => {
      const manager = context.resolve(props.certManager);
      const chart = context.chart({ namespace: manager.destinationNamespace });
      chart.dependsOn(manager);
      return new SelfSignedCa(chart, 'ca', context.options);
    },
  });
}

/** A `PasswordGenerator` entry. */
export interface PasswordGeneratorEntryProps extends PasswordGeneratorOptions {
  /** The External Secrets Operator (its CRDs). */
  readonly operator: Ref<IApplication>;
}

/** A cluster-wide password generator (`ClusterGenerator`, cluster-scoped only). */
export function passwordGenerator(props: PasswordGeneratorEntryProps): AppEntry<PasswordGeneratorOptions, PasswordGenerator, 'password-generator'> {
  return defineEntry({
    kind: 'password-generator',
    scope: 'cluster',
    schema: PasswordGeneratorOptionsSchema,
    options: without(props, 'operator'),
    build: (context) => {
      const operator = context.resolve(props.operator);
      const chart = context.chart({ namespace: null });
      chart.dependsOn(operator);
      return new PasswordGenerator(chart, context.options.name ?? context.name, context.options);
    },
  });
}

/** What an environment or a catalog entry may set on a `certificates` entry: the certificates by name. */
export const CertificatesEntryOptionsSchema = z.strictObject({
  /** Certificates by name (each `<name>-tls` unless it says otherwise). */
  certificates: z.record(z.string(), CertificateOptionsSchema.omit({ name: true })),
});

/** What an environment or a catalog entry may set on a `certificates` entry. */
export type CertificatesEntryOptions = z.infer<typeof CertificatesEntryOptionsSchema>;

/** A `certificates` entry: the certificates of a namespace and their issuer. */
export interface CertificatesEntryProps extends CertificatesEntryOptions {
  /** The issuer (a `selfSignedCa` entry). */
  readonly issuer: Ref<ICertificateIssuer>;
  /**
   * Namespace of the certificates and their Secrets.
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
}

/** TLS certificates for services, signed by a typed issuer, in an application of their own. */
export function certificates(props: CertificatesEntryProps): AppEntry<CertificatesEntryOptions, Certificate[], 'certificates'> {
  return defineEntry({
    kind: 'certificates',
    schema: CertificatesEntryOptionsSchema,
    options: { certificates: props.certificates },
    namespace: props.namespace,
    build: (context) => {
      const issuer = context.resolve(props.issuer);
      const chart = context.chart();
      return Object.entries(context.options.certificates).sort(([a], [b]) => compareText(a, b)).map(([name, options]) => {
        mapChildOptions(chart, name, fieldPath(['certificates', name]));
        return new Certificate(chart, name, { ...options, issuer });
      });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The shared PostgreSQL cluster
// ---------------------------------------------------------------------------------------------

/** A `SharedPostgres` entry: its options (the databases typed by name) and its wiring. */
export interface SharedPostgresEntryProps<D extends string> extends Omit<SharedPostgresOptions, 'databases'> {
  /** Databases by name, each with its owner. */
  readonly databases: Readonly<Record<D, z.infer<typeof SharedDatabaseSchema>>>;
  /** The operand image (a platform image, pinned per environment). */
  readonly image: Ref<ImageSettings>;
  /** Generates the login roles' passwords. */
  readonly passwordGenerator: Ref<IPasswordGenerator>;
  /**
   * The CloudNativePG operator.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
  /**
   * Namespace of the cluster (its consumers run there: the credentials Secrets do).
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
}

/** A shared PostgreSQL entry, with typed references to its databases. */
export interface SharedPostgresEntry<D extends string> extends AppEntry<SharedPostgresOptions, SharedPostgres, 'shared-postgres'> {
  /** A reference to database `name` (only the catalog's: a typo is a compile error). */
  database(name: D): Ref<DatabaseRef>;
}

/** One CloudNativePG cluster several services use, in an application of its own. */
export function sharedPostgres<D extends string>(props: SharedPostgresEntryProps<D>): SharedPostgresEntry<D> {
  const entry = defineEntry({
    kind: 'shared-postgres',
    schema: SharedPostgresOptionsSchema,
    options: without(props, 'image', 'passwordGenerator', 'operator', 'namespace') as SharedPostgresOptions,
    namespace: props.namespace,
    build: (context) => {
      const image = context.resolve(props.image);
      const chart = context.chart({ version: image.tag });
      return new SharedPostgres(chart, context.options.name ?? context.name, {
        ...context.options,
        image,
        storage: context.storage,
        passwordGenerator: context.resolve(props.passwordGenerator),
        operator: props.operator !== undefined ? context.resolve(props.operator) : undefined,
      });
    },
  });
  const database = (name: D): Ref<DatabaseRef> => derivedRef(entry, `database '${name}'`, (cluster: SharedPostgres, context) => {
    const found = cluster.databases.get(name);
    return found ?? context.fail(`uses database '${name}', which shared PostgreSQL cluster '${cluster.name}' does not declare (databases: ${[...cluster.databases.keys()].join(', ') || 'none'})`, name,
      `add '${name}' to the databases of the shared-postgres entry, or use one of them`);
  });
  return Object.assign(entry, { database });
}

// ---------------------------------------------------------------------------------------------
// Developer tools, each optionally behind a Gateway API route
// ---------------------------------------------------------------------------------------------

/** A route in front of a tool: the Gateway, its host names and the tool's port. */
export interface ToolRouteProps {
  /** The Gateway (`existingGateway('cilium-gateway', 'gateway')`). */
  readonly gateway: IGateway;
  /** Host names. */
  readonly hostnames: readonly string[];
  /**
   * The Service port.
   * @default 'http' ('grpc' for kind 'grpc')
   */
  readonly port?: string;
  /**
   * `http` (HTTPRoute) or `grpc` (GRPCRoute).
   * @default 'http'
   */
  readonly kind?: 'http' | 'grpc';
}

/** What every developer-tool entry says besides its construct's options. */
export interface ToolEntryProps {
  /** The tool's image (environments pin its tag in `images`). */
  readonly image: ImageDeclaration;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
  /**
   * Namespace of the application.
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
  /**
   * A Gateway API route to the tool.
   * @default - none
   */
  readonly route?: ToolRouteProps;
}

/** Render the route of a tool (if any) in its chart. */
function addRoute(chart: ApplicationChart, name: string, backend: IServiceBackend, route: ToolRouteProps | undefined): void {
  if (route === undefined) return;
  if ((route.kind ?? 'http') === 'grpc') {
    new GrpcRoute(chart, 'Route', { name, gateway: route.gateway, hostnames: [...route.hostnames], rules: [{ backend, port: route.port ?? 'grpc' }] });
  } else {
    new HttpRoute(chart, 'Route', { name, gateway: route.gateway, hostnames: [...route.hostnames], rules: [{ backend, port: route.port ?? 'http' }] });
  }
}

function toolEntry<O extends object, T extends { workload: Microservice }, K extends string>(
  kind: K, schema: z.ZodType, props: O & ToolEntryProps, wiring: readonly string[], build: (context: EntryContext<O>, chart: ApplicationChart, image: ImageSettings) => T,
): AppEntry<O, T, K> {
  return defineEntry({
    kind,
    schema,
    options: without(props as O & ToolEntryProps & Record<string, unknown>, 'image', 'enabled', 'namespace', 'route', ...wiring) as unknown as O,
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const image = context.ownImage();
      const chart = context.chart();
      const tool = build(context, chart, image);
      addRoute(chart, context.name, tool.workload, props.route);
      return tool;
    },
  });
}

/** Maildev (SMTP 1025, web 1080). */
export function maildev(props: MaildevOptions & ToolEntryProps): AppEntry<MaildevOptions, Maildev, 'maildev'> {
  return toolEntry<MaildevOptions, Maildev, 'maildev'>('maildev', MaildevOptionsSchema, props, [], (context, chart, image) => new Maildev(chart, context.name, { ...context.options, image }));
}

/** Kafka UI connected to a Kafka cluster by reference. */
export function kafkaUi(props: KafkaUiOptions & ToolEntryProps & { readonly kafka: Ref<IKafkaCluster> }): AppEntry<KafkaUiOptions, KafkaUi, 'kafka-ui'> {
  return toolEntry<KafkaUiOptions, KafkaUi, 'kafka-ui'>('kafka-ui', KafkaUiOptionsSchema, props, ['kafka'], (context, chart, image) => new KafkaUi(chart, context.name, { ...context.options, image, kafka: context.resolve(props.kafka) }));
}

/** MinIO with a volume from the environment's storage and generated root credentials. */
export function minio(props: MinioOptions & ToolEntryProps & { readonly passwordGenerator: Ref<IPasswordGenerator> }): AppEntry<MinioOptions, Minio, 'minio'> {
  return toolEntry<MinioOptions, Minio, 'minio'>('minio', MinioOptionsSchema, props, ['passwordGenerator'],
    (context, chart, image) => new Minio(chart, context.name, { ...context.options, image, storage: context.storage, passwordGenerator: context.resolve(props.passwordGenerator) }));
}

/** A socat TCP proxy to a typed target. */
export function tcpProxy(props: TcpProxyOptions & ToolEntryProps): AppEntry<TcpProxyOptions, TcpProxy, 'tcp-proxy'> {
  return toolEntry<TcpProxyOptions, TcpProxy, 'tcp-proxy'>('tcp-proxy', TcpProxyOptionsSchema, props, [], (context, chart, image) => new TcpProxy(chart, context.options.name ?? context.name, { ...context.options, image }));
}

/** Temporal server on databases of a shared PostgreSQL cluster. */
export function temporalServer(props: TemporalServerOptions & ToolEntryProps & { readonly database: Ref<DatabaseRef>; readonly visibilityDatabase: Ref<DatabaseRef> }): AppEntry<TemporalServerOptions, TemporalServer, 'temporal-server'> {
  return toolEntry<TemporalServerOptions, TemporalServer, 'temporal-server'>('temporal-server', TemporalServerOptionsSchema, props, ['database', 'visibilityDatabase'],
    (context, chart, image) => new TemporalServer(chart, context.options.name ?? context.name, { ...context.options, image, database: context.resolve(props.database), visibilityDatabase: context.resolve(props.visibilityDatabase) }));
}

/** Temporal's web UI, connected to a server by reference. */
export function temporalUi(props: TemporalUiOptions & ToolEntryProps & { readonly server: Ref<TemporalServer> }): AppEntry<TemporalUiOptions, TemporalUi, 'temporal-ui'> {
  return toolEntry<TemporalUiOptions, TemporalUi, 'temporal-ui'>('temporal-ui', TemporalUiOptionsSchema, props, ['server'],
    (context, chart, image) => new TemporalUi(chart, context.options.name ?? context.name, { ...context.options, image, server: context.resolve(props.server) }));
}

// ---------------------------------------------------------------------------------------------
// A service on a database of the shared cluster
// ---------------------------------------------------------------------------------------------

/** A workload using one database of a shared PostgreSQL cluster. */
export interface SharedDatabaseServiceEntryProps extends MicroserviceOptions {
  /** The service's image. */
  readonly image: ImageDeclaration;
  /** Its database on the shared cluster (`postgres.database('orders')`). */
  readonly database: Ref<DatabaseRef>;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
  /**
   * Namespace (the shared cluster's: the credentials Secret is there).
   * @default - the environment's namespace
   */
  readonly namespace?: string | ((target: BuildTarget) => string);
  /**
   * A Gateway API route to the service.
   * @default - none
   */
  readonly route?: ToolRouteProps;
}

/**
 * A `Microservice` on a database of a shared cluster, by reference: `DATABASE_HOST` (`<cluster>-rw`),
 * `DATABASE_PORT`, `DATABASE_NAME`, and `DATABASE_USER` / `DATABASE_PASSWORD` from the owner's Secret (the
 * contract `ServiceWithPostgres` gives services with a database of their own). Synced after the cluster.
 */
export function sharedDatabaseService(props: SharedDatabaseServiceEntryProps): AppEntry<MicroserviceOptions, Microservice, 'shared-database-service'> {
  return defineEntry({
    kind: 'shared-database-service',
    schema: MicroserviceOptionsSchema,
    options: without(props, 'image', 'database', 'enabled', 'namespace', 'route') as MicroserviceOptions,
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    workload: true,
    build: (context) => {
      const ref = context.resolve(props.database);
      const chart = context.chart();
      if (chart.namespace !== ref.namespace) {
        context.fail(`runs in namespace '${chart.namespace ?? ''}', but database '${ref.database}' of cluster '${ref.cluster}' has its credentials Secret in '${ref.namespace}'`, chart.namespace,
          `set the entry's namespace to '${ref.namespace}'`);
      }
      const service = new Microservice(chart, context.options.name ?? context.name, {
        ...context.options,
        image: context.ownImage(),
        env: { ...context.options.env, DATABASE_HOST: ref.host, DATABASE_PORT: String(ref.port), DATABASE_NAME: ref.database },
        envRefs: [
          { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: ref.credentials.secretName, key: ref.credentials.usernameKey } } },
          { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: ref.credentials.secretName, key: ref.credentials.passwordKey } } },
        ],
      });
      chart.dependsOn(...[ref.owner].map((o) => applicationOf(o)).filter((a): a is IApplication => a !== undefined));
      addRoute(chart, context.name, service, props.route);
      return service;
    },
  });
}

/** Drizzle Gateway (Drizzle Studio) with its store on the environment's storage and a generated master password. */
export function drizzleGateway(props: DrizzleGatewayOptions & ToolEntryProps & { readonly passwordGenerator: Ref<IPasswordGenerator> }): AppEntry<DrizzleGatewayOptions, DrizzleGateway, 'drizzle-gateway'> {
  return toolEntry<DrizzleGatewayOptions, DrizzleGateway, 'drizzle-gateway'>('drizzle-gateway', DrizzleGatewayOptionsSchema, props, ['passwordGenerator'],
    (context, chart, image) => new DrizzleGateway(chart, context.options.name ?? context.name, { ...context.options, image, storage: context.storage, passwordGenerator: context.resolve(props.passwordGenerator) }));
}
