/**
 * The HealthXcape platform: its catalog. One entry per application; environments (environments/*.ts) override
 * what differs. Adding a service is one entry here (and a tag line in each environment file that runs it).
 */
import {
  cloudnativePgOperator, defineImages, definePlatform, frontend, kafkaPlatform, serviceWithPostgres, strimziOperator,
} from '../tools/kit';

/** Third-party images the services share, at full versions (a major-only tag such as 15-alpine moves). */
export const images = defineImages({
  'postgres': { repository: 'postgres', tag: '15.17-alpine' },
  'redis': { repository: 'redis', tag: '7.4.6-alpine' },
  'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },
});

/** The Strimzi operator, in the namespace it watches. */
const strimzi = strimziOperator({ namespace: 'kafka' });
/** The CloudNativePG operator: run only where a database uses the cloudnative-pg engine (prod). */
const cnpg = cloudnativePgOperator();

/** The platform's event bus: Kafka cluster `platform-kafka` (KRaft) in namespace `kafka`. */
const kafka = kafkaPlatform({
  name: 'platform-kafka',
  namespace: 'kafka',
  operator: strimzi,
  topics: { 'identity.events': {}, 'user.events': {}, 'blog.events': {}, 'platform-dlq': {} },
});

/** What every backend service shares: its database's images (per engine), operator and Redis image. */
const backend = {
  runtime: 'node',
  databaseImages: { 'statefulset': images.postgres, 'cloudnative-pg': images['cnpg-postgres'] },
  postgresOperator: cnpg,
  redisImage: images.redis,
} as const;

/*
 * The three NestJS backends. Health paths follow each service's global route prefix: `/identity/health` is
 * confirmed by the reference documents (the `wget` check of identity-service), `/profiles/health` is the path
 * user-service registers with Consul there; `/blog/health` follows the same convention and is not confirmed by
 * them: check it against blog-service before relying on it in production.
 */
const identity = serviceWithPostgres({
  ...backend,
  image: { repository: 'healthxcape/identity-service' },
  port: 3000,
  healthCheck: { path: '/identity/health' },
  database: { databaseName: 'identity' },
  redis: {},
  kafka: { cluster: kafka, topics: { identityEvents: kafka.topic('identity.events') } },
});

const users = serviceWithPostgres({
  ...backend,
  image: { repository: 'healthxcape/user-service' },
  port: 3001,
  healthCheck: { path: '/profiles/health' },
  database: { databaseName: 'users' },
  kafka: { cluster: kafka, consumerGroupId: 'user-service-group', topics: { identityEvents: kafka.topic('identity.events'), userEvents: kafka.topic('user.events') } },
});

const blog = serviceWithPostgres({
  ...backend,
  image: { repository: 'healthxcape/blog-service' },
  port: 3002,
  healthCheck: { path: '/blog/health' },
  database: { databaseName: 'blog' },
  kafka: { cluster: kafka, consumerGroupId: 'blog-service-group', topics: { blogEvents: kafka.topic('blog.events'), userEvents: kafka.topic('user.events') } },
});

/** The Next.js web app on healthxcape.com, www. and auth.; it calls the backends server-side. */
const web = frontend({
  image: { repository: 'healthxcape/frontend' },
  port: 3000,
  hosts: ['healthxcape.com', 'www.healthxcape.com', 'auth.healthxcape.com'],
  backends: { IDENTITY_API_URL: identity, USER_API_URL: users, BLOG_API_URL: blog },
});

/** The HealthXcape platform. */
export const healthxcape = definePlatform({
  name: 'healthxcape',
  images,
  apps: {
    'strimzi-operator': strimzi,
    'cnpg-operator': cnpg,
    'kafka': kafka,
    'identity-service': identity,
    'user-service': users,
    'blog-service': blog,
    'frontend': web,
  },
});
