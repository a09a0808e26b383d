/**
 * The InfraForge platform: its catalog. The seed's claims become typed entries here: every microservice of the
 * `ApplicationClaim` and every platform service of the `PlatformApplicationClaim` is one entry (its options are
 * the claim's fields), checked at synth time; environment profiles and per-environment overrides layer over it
 * (environments/). Adding a microservice is one more `service({ ... })` entry.
 */
import {
  cloudnativePgOperator, defineImages, definePlatform, eckOperator, elasticsearch, kafkaPlatform, kafkaService, mongodb, mongodbCommunityOperator,
  postgresCluster, redisStore, service, strimziOperator,
} from '../../tools/kit';
import { asMicroserviceChart } from './chart';

/** Third-party images, at full versions. */
const images = defineImages({
  'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },
  'redis-server': { repository: 'redis', tag: '7.4.6-alpine' },
});

// Operators: cluster add-ons, rendered once on the cluster, run where something uses them.
const cnpg = cloudnativePgOperator();
const strimzi = strimziOperator({ namespace: 'kafka' });
const mongodbOperator = mongodbCommunityOperator();
const eck = eckOperator();

/** A CloudNativePG database of the platform-services claim (`type: postgresql`), storage per entry. */
const database = (databaseName: string, size: string) => postgresCluster({ databaseName, size, image: images['cnpg-postgres'], operator: cnpg });

const productDb = database('products', '5Gi');
const userDb = database('users', '5Gi');
const orderDb = database('orders', '20Gi');
const paymentDb = database('payments', '10Gi');
const notificationDb = database('notifications', '5Gi');
const redis = redisStore({ image: images['redis-server'], storageSize: '2Gi' });
const documents = mongodb({ database: 'notifications', username: 'notification-service', operator: mongodbOperator });
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
  uses: { DATABASE: orderDb, EVENTS: kafkaService(kafka) },
  env: { ORDERS_TOPIC: 'orders.created' },
});

const paymentService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/payment-service', tag: 'v2.0.1' },
  uses: { DATABASE: paymentDb, EVENTS: kafkaService(kafka) },
  env: { PAYMENTS_TOPIC: 'payments.completed' },
});

/** The seed's own example claim entry: 5 replicas, 500m / 512Mi requested. */
const notificationService = service({
  ...microservice,
  image: { repository: 'ghcr.io/nimbusprotch/notification-service', tag: 'v1.2.3' },
  replicas: 5,
  resources: { requests: { cpu: '500m', memory: '512Mi' } },
  uses: { DATABASE: notificationDb, DOCUMENTS: documents, EVENTS: kafkaService(kafka) },
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
    'product-db': productDb,
    'user-db': userDb,
    'order-db': orderDb,
    'payment-db': paymentDb,
    'notification-db': notificationDb,
    'redis': redis,
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
