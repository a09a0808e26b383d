/**
 * The monorepo platform (seed 002): a development cluster with shared platform services. cert-manager with a
 * self-signed CA, External Secrets generating every password, one CloudNativePG cluster shared by the services,
 * Strimzi Kafka with an external TLS listener, Kafka UI, Maildev, MinIO, Reflector, the socat auth proxy and
 * Temporal (server and UI) on the shared database, behind Gateway API routes of the cluster's `cilium-gateway`.
 * Adding a service is one entry here.
 */
import { existingGateway } from '../../constructs';
import {
  certificates, certManager, cloudnativePgOperator, drizzleGateway, defineImages, definePlatform, externalSecretsOperator, kafkaPlatform, kafkaUi, maildev, minio, passwordGenerator, reflector,
  selfSignedCa, sharedPostgres, strimziOperator, tcpProxy, temporalServer, temporalUi,
} from '../../tools/kit';

/** Third-party images the applications share. */
const images = defineImages({
  // The seed's PostgreSQL with pgsodium and supabase_vault (a CloudNativePG-compatible operand image).
  'voltade-postgres': { repository: 'ghcr.io/voltade/postgres', tag: '17.5-20250805-859fe66' },
});

/** The Gateway the cluster provides (Cilium), which every route attaches to. */
const gateway = existingGateway('cilium-gateway', 'gateway');

/** Where the services (and the database they share) run. */
const SERVICES = 'services';

// ---- Cluster add-ons ---------------------------------------------------------------------------
const certs = certManager();
const eso = externalSecretsOperator();
const cnpg = cloudnativePgOperator();
// In the namespace it watches (the seed's separate 'strimzi' namespace would need watchNamespaces).
const strimzi = strimziOperator({ namespace: 'kafka' });

/** The CA chain and `selfsigned-cluster-issuer` every certificate of the cluster uses. */
const ca = selfSignedCa({ certManager: certs });
/** The seed's `password-64-length`: 64 characters, no symbols. */
const passwords = passwordGenerator({ name: 'password-64-length', operator: eso });

// ---- Platform services -------------------------------------------------------------------------
/** Kafka `kafka-cluster` with the seed's plain listener and an external TLS listener advertised on nip.io. */
const kafka = kafkaPlatform({
  name: 'kafka-cluster',
  namespace: 'kafka',
  operator: strimzi,
  listeners: [
    { name: 'plain', port: 9092, type: 'internal', tls: false },
    { name: 'external', port: 9094, type: 'cluster-ip', tls: true, brokers: [{ broker: 0, advertisedHost: 'broker0.127.0.0.1.nip.io', advertisedPort: 9094 }] },
  ],
  topics: {},
});

/** The shared PostgreSQL cluster (`cnpg-cluster`, host `cnpg-cluster-rw`), with the databases its consumers declare. */
const postgres = sharedPostgres({
  name: 'cnpg-cluster',
  namespace: SERVICES,
  image: images['voltade-postgres'],
  operator: cnpg,
  passwordGenerator: passwords,
  parameters: { 'wal_level': 'logical', 'max_wal_senders': '10', 'max_replication_slots': '10', 'pgsodium.enable_event_trigger': 'off' },
  sharedPreloadLibraries: ['supabase_vault'],
  roles: { admin: { superuser: true, replication: true } },
  databases: { temporal: {}, temporal_visibility: { owner: 'temporal' } },
});

// ---- Developer tools ---------------------------------------------------------------------------
const ui = kafkaUi({ image: { repository: 'ghcr.io/kafbat/kafka-ui', tag: 'v1.5.0' }, namespace: 'kafka-ui', kafka, route: { gateway, hostnames: ['kafka-ui.127.0.0.1.nip.io'] } });
const mail = maildev({ image: { repository: 'maildev/maildev', tag: '2.2.1' }, namespace: 'maildev', route: { gateway, hostnames: ['maildev.127.0.0.1.nip.io'] } });
const objects = minio({ image: { repository: 'quay.io/minio/minio', tag: 'RELEASE.2025-09-07T16-13-09Z' }, namespace: 'minio', passwordGenerator: passwords, route: { gateway, hostnames: ['minio.127.0.0.1.nip.io'], port: 'console' } });

/** The seed's database UI; its master password is generated, its store on the environment's storage. */
const drizzle = drizzleGateway({ image: { repository: 'ghcr.io/drizzle-team/gateway', tag: '1.6.2' }, namespace: SERVICES, passwordGenerator: passwords, route: { gateway, hostnames: ['drizzle.127.0.0.1.nip.io'] } });

// ---- Services ----------------------------------------------------------------------------------
/** The auth service runs on the developer's host: a socat proxy forwards to it. */
const auth = tcpProxy({
  name: 'socat-auth',
  image: { repository: 'alpine/socat', tag: '1.8.0.1' },
  namespace: SERVICES,
  target: { host: 'host.docker.internal', port: 4000 },
  protocol: 'http',
  route: { gateway, hostnames: ['auth.127.0.0.1.nip.io'] },
});

/** Temporal on the shared cluster's `temporal` and `temporal_visibility` databases; gRPC behind a GRPCRoute. */
const temporal = temporalServer({
  image: { repository: 'temporalio/auto-setup', tag: '1.26.2' },
  namespace: SERVICES,
  database: postgres.database('temporal'),
  visibilityDatabase: postgres.database('temporal_visibility'),
  route: { gateway, hostnames: ['temporal-server.127.0.0.1.nip.io'], kind: 'grpc' },
});
const temporalWeb = temporalUi({ image: { repository: 'temporalio/ui', tag: '2.53.3' }, namespace: SERVICES, server: temporal, route: { gateway, hostnames: ['temporal.127.0.0.1.nip.io'] } });

/** The seed's "TLS certificates for services", signed by the cluster CA (`reflectTo` would copy the Secret elsewhere). */
const serviceCertificates = certificates({
  namespace: SERVICES,
  issuer: ca,
  certificates: {
    'services': { dnsNames: ['temporal.127.0.0.1.nip.io', 'temporal-server.127.0.0.1.nip.io', 'auth.127.0.0.1.nip.io']},
  },
});

/** The platform: its name and its applications. */
export const monorepo = definePlatform({
  name: 'monorepo',
  images,
  apps: {
    'cert-manager': certs,
    'external-secrets': eso,
    'cnpg-operator': cnpg,
    'strimzi-operator': strimzi,
    'reflector': reflector(),
    'certificate-authority': ca,
    'password-generator': passwords,
    'kafka': kafka,
    'common': postgres,
    'certificates': serviceCertificates,
    'kafka-ui': ui,
    'maildev': mail,
    'minio': objects,
    'drizzle-gateway': drizzle,
    'auth': auth,
    'temporal': temporal,
    'temporal-ui': temporalWeb,
  },
});
