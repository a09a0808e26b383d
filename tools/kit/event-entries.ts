/**
 * Entry kinds of event-driven, multi-tenant platforms: a RabbitMQ cluster, Camel K integrations, Backstage and the
 * tenants (one namespace per user). Each takes its construct's options (what environments may override) plus typed
 * references to other entries, and builds the construct in its own application chart.
 */
import { Backstage, BackstageOptions, BackstageOptionsSchema, IShownInPortal } from '../../constructs/backstage';
import { CamelIntegration, CamelIntegrationOptions, CamelIntegrationOptionsSchema, CamelSource } from '../../constructs/camel-integration';
import { CamelIntegrationPlatform, CamelIntegrationPlatformOptions, CamelIntegrationPlatformOptionsSchema } from '../../constructs/camel-integration-platform';
import type { IKafkaCluster } from '../../constructs/kafka-platform';
import type { KafkaTopic } from '../../constructs/kafka-topic';
import { KafkaUser } from '../../constructs/kafka-user';
import { mapChildOptions } from '../../constructs/lib/context';
import { deepMerge } from '../../constructs/lib/merge';
import type { IApplication } from '../../constructs/lib/context';
import type { ImageSettings } from '../../constructs/lib/images';
import { kafkaClientEndpoint, NetworkEndpoint } from '../../constructs/lib/network-endpoints';
import { fieldPath, refuse, z } from '../../constructs/lib/options';
import { IRabbitmqCluster, RabbitmqCluster, RabbitmqClusterOptions, RabbitmqClusterOptionsSchema } from '../../constructs/rabbitmq';
import { INamespaced, TenantNamespace, TenantNamespaceOptions, TenantNamespaceOptionsSchema, tenantNameSchema } from '../../constructs/tenant-namespace';
import { AppEntry, defineEntry, Enabled, ImageDeclaration, Ref, resolveAll } from './entry';
import { without } from '../../constructs/lib/json';
import { compareText } from '../../constructs/lib/order';

// ---------------------------------------------------------------------------------------------
// RabbitMQ
// ---------------------------------------------------------------------------------------------

/** A RabbitMQ cluster's catalog entry. */
export interface RabbitmqEntryProps extends RabbitmqClusterOptions {
  /** The RabbitMQ image (a platform image, pinned per environment). */
  readonly image: Ref<ImageSettings>;
  /**
   * The application delivering the RabbitMQ Cluster Operator; the cluster is synced after it.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
}

/** A RabbitMQ cluster (RabbitMQ Cluster Operator) in an application of its own. */
export function rabbitmqCluster(props: RabbitmqEntryProps): AppEntry<RabbitmqClusterOptions, RabbitmqCluster, 'rabbitmq'> {
  return defineEntry({
    kind: 'rabbitmq',
    schema: RabbitmqClusterOptionsSchema,
    options: without(props, 'image', 'operator', 'enabled'),
    enabled: props.enabled,
    build: (context) => {
      const o = context.options;
      // The operator's pods run as uid 999 with fsGroup 0 (internal/resource/statefulset.go): not "restricted".
      const chart = context.chart({ namespace: o.namespace, podSecurity: 'baseline' });
      return new RabbitmqCluster(chart, o.name ?? context.name, {
        ...o,
        namespace: chart.namespace,
        image: context.resolve(props.image),
        storage: context.storage,
        operator: props.operator !== undefined ? context.resolve(props.operator) : undefined,
      });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Camel K
// ---------------------------------------------------------------------------------------------

/** One integration of a `camelIntegrations` entry: its route and its typed references. */
export interface CamelIntegrationEntry extends CamelIntegrationOptions {
  /** The route. */
  readonly source: CamelSource;
  /**
   * Kafka topics by placeholder key (`{{topic.<key>}}`), all of the entry's Kafka cluster.
   * @default {}
   */
  readonly topics?: Readonly<Record<string, Ref<KafkaTopic>>>;
  /**
   * Uses the entry's RabbitMQ cluster, with this Secret (of the integrations' namespace) holding the properties
   * `rabbitmq.username` and `rabbitmq.password`.
   * @default - no RabbitMQ
   */
  readonly rabbitmq?: { readonly credentialsSecret?: string };
  /**
   * Ask for a Kafka user (SCRAM-SHA-512) named after the integration, granted the topics it consumes and produces
   * (keys of `topics`), rendered where the Kafka cluster authenticates clients (and required there).
   * @default - no Kafka user
   */
  readonly kafkaUser?: { readonly consumes?: readonly string[]; readonly produces?: readonly string[] };
}

/** What an environment may set on a `camelIntegrations` entry. */
export const CamelIntegrationsOptionsSchema = z.strictObject({
  /**
   * The IntegrationPlatform of the namespace.
   * @default {}
   */
  platform: CamelIntegrationPlatformOptionsSchema.optional(),
  /**
   * Per integration: replicas, resources, properties.
   * @default {}
   */
  integrations: z.record(z.string(), CamelIntegrationOptionsSchema).optional(),
});

/** What an environment may set on a `camelIntegrations` entry. */
export type CamelIntegrationsOptions = z.infer<typeof CamelIntegrationsOptionsSchema>;

/** A `camelIntegrations` catalog entry. */
export interface CamelIntegrationsEntryProps<N extends string> {
  /** Namespace of the integrations and their IntegrationPlatform. */
  readonly namespace: string;
  /**
   * The application delivering the Camel K operator.
   * @default - installed by other means
   */
  readonly operator?: Ref<IApplication>;
  /**
   * The IntegrationPlatform's options.
   * @default {}
   */
  readonly platform?: CamelIntegrationPlatformOptions;
  /**
   * The Kafka cluster the integrations' topics belong to.
   * @default - no Kafka
   */
  readonly kafka?: Ref<IKafkaCluster>;
  /**
   * The RabbitMQ cluster integrations may use.
   * @default - no RabbitMQ
   */
  readonly rabbitmq?: Ref<IRabbitmqCluster>;
  /** The integrations by name. */
  readonly integrations: Readonly<Record<N, CamelIntegrationEntry>>;
  /**
   * The application running Reflector, which copies each Kafka user's Secret into the integrations' namespace (used,
   * and so run, only where Kafka authenticates clients).
   * @default - installed by other means
   */
  readonly secretReflector?: Ref<IApplication>;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
}

/** Camel K integrations and their namespace's IntegrationPlatform, in an application of their own. */
export function camelIntegrations<N extends string>(props: CamelIntegrationsEntryProps<N>): AppEntry<CamelIntegrationsOptions, CamelIntegrationPlatform, 'camel-integrations'> {
  const integrationOptions = Object.fromEntries(Object.entries<CamelIntegrationEntry>(props.integrations).map(([name, i]) => [name, without(i, 'source', 'topics', 'rabbitmq', 'kafkaUser')]));
  return defineEntry({
    kind: 'camel-integrations',
    schema: CamelIntegrationsOptionsSchema,
    options: { platform: props.platform, integrations: integrationOptions },
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const o = context.options;
      const chart = context.chart();
      mapChildOptions(chart, 'Platform', 'platform');
      const platform = new CamelIntegrationPlatform(chart, 'Platform', { ...o.platform, operator: props.operator !== undefined ? context.resolve(props.operator) : undefined });
      const kafka = props.kafka !== undefined ? context.resolve(props.kafka) : undefined;
      const rabbit = props.rabbitmq !== undefined ? context.resolve(props.rabbitmq) : undefined;
      for (const [name, integration] of Object.entries<CamelIntegrationEntry>(props.integrations)) {
        const topics = resolveAll(context, integration.topics);
        if (topics !== undefined && Object.keys(topics).length > 0 && kafka === undefined) {
          context.fail(`integration '${name}' uses Kafka topics, but the entry names no Kafka cluster`, Object.keys(topics), 'set kafka: <the Kafka entry> on the camelIntegrations entry');
        }
        if (integration.rabbitmq !== undefined && rabbit === undefined) {
          context.fail(`integration '${name}' uses RabbitMQ, but the entry names no RabbitMQ cluster`, name, 'set rabbitmq: <the RabbitMQ entry> on the camelIntegrations entry');
        }
        let kafkaUser: KafkaUser | undefined;
        // A user is created only where the cluster authenticates clients (an environment may turn it on).
        if (integration.kafkaUser !== undefined && kafka !== undefined && topics !== undefined && kafka.authentication !== undefined) {
          const pick = (keys: readonly string[] | undefined): KafkaTopic[] => (keys ?? []).map((key) => topics[key] ?? context.fail(`integration '${name}': kafkaUser names topic key '${key}', which is not one of its topics (${Object.keys(topics).join(', ')})`, key, 'name keys of the integration\'s topics'));
          kafkaUser = new KafkaUser(chart, `KafkaUser-${name}`, {
            cluster: kafka, userName: name, consumes: pick(integration.kafkaUser.consumes), produces: pick(integration.kafkaUser.produces),
            // The User Operator writes the Secret next to the cluster; Reflector copies it next to the integration.
            reflectTo: [platform.namespace],
          });
          if (props.secretReflector !== undefined) chart.dependsOn(context.resolve(props.secretReflector));
        }
        mapChildOptions(chart, `Integration-${name}`, fieldPath(['integrations', name]));
        new CamelIntegration(chart, `Integration-${name}`, {
          ...o.integrations?.[name],
          name,
          source: integration.source,
          platform,
          kafka: kafka !== undefined && topics !== undefined ? { cluster: kafka, topics } : undefined,
          rabbitmq: rabbit !== undefined && integration.rabbitmq !== undefined ? { cluster: rabbit, credentialsSecret: integration.rabbitmq.credentialsSecret } : undefined,
          kafkaUser,
        });
      }
      return platform;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Backstage
// ---------------------------------------------------------------------------------------------

/** A Backstage catalog entry. */
export interface BackstageEntryProps extends BackstageOptions {
  /** The Backstage app's image (the application's own, pinned per environment). */
  readonly image: ImageDeclaration;
  /** PostgreSQL 15 image (a platform image). */
  readonly postgresImage: Ref<ImageSettings>;
  /** Namespace of the portal and its database. */
  readonly namespace: string;
  /**
   * Kafka clusters the Kafka plugin shows.
   * @default []
   */
  readonly kafka?: readonly Ref<IKafkaCluster>[];
  /**
   * Components whose custom resources the Kubernetes plugin lists (RabbitMQ clusters, Camel K integrations).
   * @default []
   */
  readonly shows?: readonly Ref<IShownInPortal>[];
  /**
   * The application running Reflector (used, and so run, only where a Kafka cluster it shows authenticates clients).
   * @default - installed by other means
   */
  readonly secretReflector?: Ref<IApplication>;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
}

/** Backstage and its own PostgreSQL, in an application of its own. */
export function backstage(props: BackstageEntryProps): AppEntry<BackstageOptions, Backstage, 'backstage'> {
  return defineEntry({
    kind: 'backstage',
    schema: BackstageOptionsSchema,
    options: without(props, 'image', 'postgresImage', 'namespace', 'kafka', 'shows', 'secretReflector', 'enabled'),
    image: props.image,
    enabled: props.enabled,
    namespace: props.namespace,
    build: (context) => {
      const kafka = (props.kafka ?? []).map((k) => context.resolve(k));
      const reflect = props.secretReflector !== undefined && kafka.some((k) => k.authentication !== undefined);
      return new Backstage(context.chart(), context.name, {
        ...context.options,
        image: context.ownImage(),
        postgresImage: context.resolve(props.postgresImage),
        storage: context.storage,
        kafka,
        shows: (props.shows ?? []).map((s) => context.resolve(s)),
        secretReflector: reflect && props.secretReflector !== undefined ? context.resolve(props.secretReflector) : undefined,
        clusterName: context.target.cluster,
      });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Tenants
// ---------------------------------------------------------------------------------------------

/** What an environment may set on the tenants: the users (adding one is one line) and their defaults. */
export const TenantsOptionsSchema = z.strictObject({
  /**
   * The tenants by user name (`{ alice: {}, bob: { quota: { pods: 40 } } }`): each gets `user-<name>`.
   * @default {}
   */
  users: z.record(z.string(), TenantNamespaceOptionsSchema).superRefine((users, ctx) => {
    for (const name of Object.keys(users)) {
      for (const issue of tenantNameSchema.safeParse(name).error?.issues ?? []) refuse(ctx, issue.message, "use a short lower-case user name such as 'alice'", [name]);
    }
  }).optional(),
  /**
   * Settings of every tenant (each user's own settings win).
   * @default {}
   */
  defaults: TenantNamespaceOptionsSchema.optional(),
  /**
   * The IntegrationPlatform of every tenant namespace (with `camelOperator`).
   * @default {}
   */
  integrationPlatform: CamelIntegrationPlatformOptionsSchema.optional(),
});

/** What an environment may set on the tenants. */
export type TenantsOptions = z.infer<typeof TenantsOptionsSchema>;

/** The tenants' catalog entry. */
export interface TenantsEntryProps extends TenantsOptions {
  /**
   * Kafka clusters whose brokers tenants may reach (9092, 9093).
   * @default []
   */
  readonly kafka?: readonly Ref<IKafkaCluster>[];
  /**
   * RabbitMQ clusters tenants may reach (AMQP, management).
   * @default []
   */
  readonly rabbitmq?: readonly Ref<IRabbitmqCluster>[];
  /**
   * Platform components whose namespaces may connect to tenants' pods (Backstage, ...).
   * @default []
   */
  readonly ingressFrom?: readonly Ref<INamespaced>[];
  /**
   * The Camel K operator: each tenant namespace gets an IntegrationPlatform (and the shared Maven settings).
   * @default - no IntegrationPlatform
   */
  readonly camelOperator?: Ref<IApplication>;
  /**
   * Whether environments run it unless they say otherwise.
   * @default true
   */
  readonly enabled?: Enabled;
}

/** What the tenants entry builds: each tenant's namespace. */
export interface Tenants {
  readonly tenants: readonly TenantNamespace[];
}

/** One namespace per user (quota, limits, network policies, RBAC, IntegrationPlatform), in an application of its own. */
export function tenants(props: TenantsEntryProps): AppEntry<TenantsOptions, Tenants, 'tenants'> {
  return defineEntry({
    kind: 'tenants',
    schema: TenantsOptionsSchema,
    options: without(props, 'kafka', 'rabbitmq', 'ingressFrom', 'camelOperator', 'enabled'),
    enabled: props.enabled,
    build: (context) => {
      const o = context.options;
      // Every tenant's objects name their own namespace; the application has none of its own.
      const chart = context.chart({ namespace: null });
      const egressTo: (NetworkEndpoint & { owner: IKafkaCluster | IRabbitmqCluster })[] = [
        ...(props.kafka ?? []).map((k) => context.resolve(k)).map((k) => ({ ...kafkaClientEndpoint(k), owner: k })),
        ...(props.rabbitmq ?? []).map((r) => context.resolve(r)).map((r) => ({ ...r.clientEndpoint, owner: r })),
      ];
      const ingressFrom = (props.ingressFrom ?? []).map((p) => context.resolve(p));
      const operator = props.camelOperator !== undefined ? context.resolve(props.camelOperator) : undefined;
      const list: TenantNamespace[] = [];
      for (const [user, options] of Object.entries(o.users ?? {}).sort(([a], [b]) => compareText(a, b))) {
        // Each user's settings over the tenants' defaults, key by key.
        const settings = deepMerge<TenantNamespaceOptions>({ ...o.defaults }, options);
        mapChildOptions(chart, user, fieldPath(['users', user]));
        const tenant = new TenantNamespace(chart, user, { ...settings, user, egressTo, ingressFrom });
        if (operator !== undefined) {
          mapChildOptions(chart, `IntegrationPlatform-${user}`, 'integrationPlatform');
          new CamelIntegrationPlatform(chart, `IntegrationPlatform-${user}`, { ...o.integrationPlatform, namespace: tenant.namespace, operator });
        }
        list.push(tenant);
      }
      return { tenants: list };
    },
  });
}
