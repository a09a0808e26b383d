/**
 * The InfraForge platform: its catalog. The seed's claims become typed entries here: every microservice of the
 * `ApplicationClaim` and every platform service of the `PlatformApplicationClaim` is one entry (its options are
 * the claim's fields), checked at synth time; environment profiles and per-environment overrides layer over it
 * (environments/). Adding a microservice is one more `service({ ... })` entry.
 */
import { CRD_AND_RBAC } from '../../constructs';
import {
  cloudnativePgOperator, defineImages, definePlatform, eckOperator, elasticsearch, externalSecretsOperator, helmChart, kafkaPlatform, kafkaService, mongodb,
  mongodbCommunityOperator, passwordGenerator, postgresCluster, rabbitmqCluster, rabbitmqService, redisStore, service, strimziOperator,
} from '../../tools/kit';
import { asMicroserviceChart } from './chart';

/** Third-party images, at full versions. */
const images = defineImages({
  'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },
  'redis-server': { repository: 'redis', tag: '7.4.6-alpine' },
  // The image RabbitMQ Cluster Operator 2.22.3 runs by default (cmd/main.go, defaultRabbitmqImage).
  'rabbitmq-server': { repository: 'rabbitmq', tag: '4.2.6-management' },
});

// Operators: cluster add-ons, rendered once on the cluster, run where something uses them.
const cnpg = cloudnativePgOperator();
const strimzi = strimziOperator({ namespace: 'kafka' });
const mongodbOperator = mongodbCommunityOperator();
const eck = eckOperator();
const externalSecrets = externalSecretsOperator();
/** Generated credentials (MongoDB's application user): one cluster-wide External Secrets password generator. */
const passwords = passwordGenerator({ name: 'infraforge-passwords', operator: externalSecrets });
/**
 * The RabbitMQ Cluster Operator 2.22 from the CloudPirates chart (appVersion 2.22.3, the release whose CRD is
 * imported); the cluster file sets the namespaces it watches.
 * @see https://github.com/CloudPirates-io/helm-charts/tree/rabbitmq-cluster-operator-0.6.5/charts/rabbitmq-cluster-operator
 */
const rabbitmqOperator = helmChart({
  repoURL: 'oci://registry-1.docker.io/cloudpirates',
  chart: 'rabbitmq-cluster-operator',
  version: '0.6.5',
  namespace: 'rabbitmq-operator',
  enabled: 'when-used',
  values: { msgTopologyOperator: { enabled: false } },
  images: ['ghcr.io/rabbitmq/cluster-operator:2.22.4'],
  clusterScopedKinds: CRD_AND_RBAC,
  providesApiGroups: ['rabbitmq.com'],
  // The RabbitmqCluster CRD (354,216 bytes as compact JSON) overflows client-side apply's 256 KiB annotation.
  serverSideApply: true,
});

/** A CloudNativePG database of the platform-services claim (`type: postgresql`), storage per entry. */
const database = (databaseName: string, size: string) => postgresCluster({ databaseName, size, image: images['cnpg-postgres'], operator: cnpg });

const productDb = database('products', '5Gi');
const userDb = database('users', '5Gi');
const orderDb = database('orders', '20Gi');
const paymentDb = database('payments', '10Gi');
const notificationDb = database('notifications', '5Gi');
const redis = redisStore({ image: images['redis-server'], storageSize: '2Gi' });
const documents = mongodb({ database: 'notifications', username: 'notification-service', operator: mongodbOperator, passwordGenerator: passwords });
/** The message broker; its operator generates the default user's credentials (`rabbitmq-default-user`). */
const rabbitmq = rabbitmqCluster({ image: images['rabbitmq-server'], operator: rabbitmqOperator, storageSize: '5Gi' });
const broker = rabbitmqService(rabbitmq);
// Named 'search': its claims (elasticsearch-data-<name>-es-default-<n>) and local volumes (<namespace>-<claim>) stay within 63 characters.
const search = elasticsearch({ name: 'search', operator: eck, storageSize: '10Gi' });
/** The event bus, one cluster per environment (in the environment's namespace, so environments never collide). */
const kafka = kafkaPlatform({
  name: 'events',
  operator: strimzi,
  topics: { 'orders.created': {}, 'payments.completed': {}, 'notifications.requested': {} },
});

/** What every microservice of the claim shares: its HTTP port, health path, and the chart it may be delivered as. */
const microservice = { port: 8080, healthCheck: { path: '/health' }, deliverAs: asMicroserviceChart } as const;

const productService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/product-service', tag: 'v1.0.0' },
  uses: { DATABASE: productDb, CACHE: redis, SEARCH: search },
});

const userService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/user-service', tag: 'v1.5.0' },
  uses: { DATABASE: userDb, CACHE: redis },
});

const orderService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/order-service', tag: 'v1.0.0' },
  uses: { DATABASE: orderDb, EVENTS: kafkaService(kafka), BROKER: broker },
  env: { ORDERS_TOPIC: 'orders.created' },
});

const paymentService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/payment-service', tag: 'v2.0.1' },
  uses: { DATABASE: paymentDb, EVENTS: kafkaService(kafka), BROKER: broker },
  env: { PAYMENTS_TOPIC: 'payments.completed' },
});

/** The seed's own example claim entry: 5 replicas, 500m / 512Mi requested. */
const notificationService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/notification-service', tag: 'v1.2.3' },
  replicas: 5,
  resources: { requests: { cpu: '500m', memory: '512Mi' } },
  uses: { DATABASE: notificationDb, DOCUMENTS: documents, EVENTS: kafkaService(kafka), BROKER: broker },
  env: { NOTIFICATIONS_TOPIC: 'notifications.requested' },
});

/** The InfraForge platform. */
export const infraforge = definePlatform({
  name: 'infraforge',
  images,
  apps: {
    'cnpg-operator': cnpg,
    'strimzi-operator': strimzi,
    'mongodb-operator': mongodbOperator,
    'eck-operator': eck,
    'external-secrets': externalSecrets,
    'password-generator': passwords,
    'rabbitmq-operator': rabbitmqOperator,
    'product-db': productDb,
    'user-db': userDb,
    'order-db': orderDb,
    'payment-db': paymentDb,
    'notification-db': notificationDb,
    'redis': redis,
    'rabbitmq': rabbitmq,
    'mongodb': documents,
    'elasticsearch': search,
    'kafka': kafka,
    'product-service': productService,
    'user-service': userService,
    'order-service': orderService,
    'payment-service': paymentService,
    'notification-service': notificationService,
  },
});
