/**
 * The starter platform: the one a new team copies. Two services without any database or Kafka: an HTTP API,
 * and a worker beside it that the API hands jobs to over TCP. Adding a service is one more entry here.
 */
import { defineImages, definePlatform, microservice } from '../../tools/kit';

/** No third-party images yet (a database or cache would be declared here). */
const images = defineImages({});

/** The worker: a TCP job listener on port 9000, probed by connecting to it; only the API may connect. */
const worker = microservice({
  image: { repository: 'ghcr.io/acme/worker', tag: '1.0.0' },
  runtime: 'node',
  ports: { jobs: { port: 9000, protocol: 'tcp' } },
  probes: { startup: false, liveness: { tcp: { port: 'jobs' } }, readiness: { tcp: { port: 'jobs' } } },
  env: { CONCURRENCY: '4' },
  // Its NetworkPolicy admits the API's pods only (the API is declared below, hence the function).
  allowFrom: () => [api],
});

/** The HTTP API on port 3000 behind Service port 80; it finds the worker through a typed reference. */
const api = microservice({
  image: { repository: 'ghcr.io/acme/api', tag: '1.0.0' },
  runtime: 'node',
  port: 3000,
  servicePort: 80,
  healthCheck: { path: '/healthz' },
  backends: { WORKER_URL: worker },
});

/** The platform: its name and its applications. */
export const starter = definePlatform({
  name: 'starter',
  images,
  apps: { api, worker },
});
