/**
 * The event platform (reference platform 5): operators for Strimzi, RabbitMQ and Camel K in `operators`; the Kafka
 * cluster `event-cluster` (KRaft); a three-node RabbitMQ cluster; Camel K integrations bridging Kafka, RabbitMQ and
 * HTTP; Backstage with its own PostgreSQL; and one namespace per user. The sync order (operators, then Kafka,
 * RabbitMQ and Camel K, then Backstage, then the tenants) is derived from the references below, never numbered.
 * The tenants are listed in the environment files: adding one is one line there.
 */
import * as path from 'node:path';
import { CRD_AND_RBAC, HelmApplicationOptionsSchema, Reflector } from '../../constructs';
import {
  backstage, camelIntegrations, defineEntry, defineImages, definePlatform, helmChart, kafkaPlatform, rabbitmqCluster, strimziOperator, tenants,
} from '../../tools/kit';

/** Third-party images, at full versions. */
const images = defineImages({
  // The image RabbitMQ Cluster Operator 2.22.3 runs by default (cmd/main.go, defaultRabbitmqImage).
  'rabbitmq-server': { repository: 'rabbitmq', tag: '4.2.6-management' },
  'postgres': { repository: 'postgres', tag: '15.17-alpine' },
});

/** Strimzi 1.2.0 in `operators`, watching `kafka` as well (chart value `watchNamespaces`, values.yaml at 1.2.0). */
const strimzi = strimziOperator({ namespace: 'operators', values: { watchNamespaces: ['kafka'] } });

/**
 * The RabbitMQ Cluster Operator 2.22 from the CloudPirates chart (its appVersion 2.22.3 is the release whose CRD is
 * imported), watching `rabbitmq` only; the messaging topology operator it can add is not used.
 * @see https://github.com/CloudPirates-io/helm-charts/tree/rabbitmq-cluster-operator-0.6.5/charts/rabbitmq-cluster-operator
 */
const rabbitmqOperator = helmChart({
  repoURL: 'oci://registry-1.docker.io/cloudpirates',
  chart: 'rabbitmq-cluster-operator',
  version: '0.6.5',
  namespace: 'operators',
  values: {
    clusterOperator: { watchAllNamespaces: false, watchNamespaces: ['rabbitmq'] },
    msgTopologyOperator: { enabled: false },
  },
  images: ['ghcr.io/rabbitmq/cluster-operator:2.22.4'],
  clusterScopedKinds: CRD_AND_RBAC,
  providesApiGroups: ['rabbitmq.com'],
  // The RabbitmqCluster CRD (354,216 bytes) overflows client-side apply's 256 KiB annotation.
  serverSideApply: true,
});

/**
 * Camel K 2.10.1 from the Apache chart repository, watching every namespace (`operator.global: "true"`).
 * @see https://github.com/apache/camel-k/blob/v2.10.1/helm/camel-k/values.yaml
 */
const camelK = helmChart({
  repoURL: 'https://apache.github.io/camel-k/charts/',
  chart: 'camel-k',
  version: '2.10.1',
  namespace: 'operators',
  values: { operator: { global: 'true' } },
  images: ['docker.io/apache/camel-k:2.10.1'],
  clusterScopedKinds: CRD_AND_RBAC,
  providesApiGroups: ['camel.apache.org'],
  serverSideApply: true,
});

/**
 * Reflector in `operators`: copies the KafkaUser Secrets from `kafka` to `camelk` and `backstage`. Run only where
 * something uses it (environments that turn Kafka authentication on).
 */
const reflector = defineEntry({
  kind: 'reflector',
  scope: 'cluster',
  schema: HelmApplicationOptionsSchema,
  options: {},
  enabled: 'when-used',
  build: (context) => new Reflector(context.app, context.id, { ...context.options, appName: context.name, context: context.context, locate: context.locate, namespace: 'operators' }),
});

/**
 * The event bus: `event-cluster` (KRaft: 3 controllers and 3 brokers of 10Gi), the seed's three topics and the JMX
 * Prometheus exporter (default rules, rendered into the ConfigMap `event-cluster-kafka-metrics`). An environment may
 * set `authentication: 'scram-sha-512'`: each integration below then gets the KafkaUser it asks for.
 */
const kafka = kafkaPlatform({
  name: 'event-cluster',
  namespace: 'kafka',
  operator: strimzi,
  nodePools: { mode: 'separate', controllers: 3, brokers: 3 },
  storageSize: '10Gi',
  defaultReplicas: 2,
  minInsyncReplicas: 1,
  metrics: { exporter: 'jmx-prometheus' },
  topics: {
    events: { partitions: 6, replicas: 2 },
    commands: { partitions: 3, replicas: 2 },
    notifications: { partitions: 3, replicas: 2 },
  },
});

/** `rabbitmq-cluster`: three nodes with federation, shovel and streams; quorum queues replicate every queue. */
const rabbitmq = rabbitmqCluster({
  name: 'rabbitmq-cluster',
  namespace: 'rabbitmq',
  image: images['rabbitmq-server'],
  operator: rabbitmqOperator,
  replicas: 3,
  storageSize: '10Gi',
  plugins: ['rabbitmq_federation', 'rabbitmq_shovel', 'rabbitmq_stream'],
  config: { default_queue_type: 'quorum', cluster_partition_handling: 'pause_minority' },
});

const route = (file: string): { file: string } => ({ file: path.join(__dirname, 'routes', file) });

/** The seed's four data-flow patterns as Camel K integrations in `camelk`, each with typed topic references. */
const integrations = camelIntegrations({
  namespace: 'camelk',
  operator: camelK,
  kafka,
  rabbitmq,
  secretReflector: reflector,
  integrations: {
    'event-sourcing': {
      source: route('event-sourcing.yaml'),
      topics: { events: kafka.topic('events'), notifications: kafka.topic('notifications') },
      kafkaUser: { consumes: ['events'], produces: ['notifications'] },
    },
    'kafka-rabbitmq-bridge': {
      source: route('kafka-rabbitmq-bridge.yaml'),
      topics: { events: kafka.topic('events'), commands: kafka.topic('commands') },
      rabbitmq: { credentialsSecret: 'rabbitmq-credentials' },
      kafkaUser: { consumes: ['events'], produces: ['commands'] },
    },
    'http-webhook': {
      source: route('http-webhook.yaml'),
      topics: { events: kafka.topic('events') },
      kafkaUser: { produces: ['events'] },
    },
    'transformer': {
      source: route('transformer.yaml'),
      topics: { events: kafka.topic('events'), commands: kafka.topic('commands') },
      kafkaUser: { consumes: ['events'], produces: ['commands'] },
    },
  },
});

/** The developer portal: its Kafka plugin shows the cluster, its Kubernetes plugin the RabbitMQ cluster and integrations. */
const portal = backstage({
  image: { repository: 'ghcr.io/acme/backstage', tag: '1.0.0' },
  postgresImage: images.postgres,
  namespace: 'backstage',
  kafka: [kafka],
  shows: [rabbitmq, integrations],
  secretReflector: reflector,
});

/** One namespace per user; the users themselves are listed in the environment files. */
const users = tenants({
  kafka: [kafka],
  rabbitmq: [rabbitmq],
  ingressFrom: [portal],
  camelOperator: camelK,
});

/** The event platform. */
export const eventPlatform = definePlatform({
  name: 'event-platform',
  images,
  apps: {
    'strimzi-operator': strimzi,
    'rabbitmq-operator': rabbitmqOperator,
    'camel-k-operator': camelK,
    'reflector': reflector,
    'kafka': kafka,
    'rabbitmq': rabbitmq,
    'camel-integrations': integrations,
    'backstage': portal,
    'tenants': users,
  },
});
