/**
 * vsf-miniapp (reference platform 2): three services in three languages behind Traefik, meshed by Linkerd, reading
 * their credentials from AWS Secrets Manager through the Secrets Store CSI driver, autoscaled, scraped by
 * Prometheus, rolled by Reloader when their secrets rotate. One catalog entry per service replaces the shared
 * chart's values file and Argo CD Application per environment; the cluster add-ons are pinned upstream charts.
 */
import {
  CRD_AND_RBAC, LINKERD_CHART_REPOSITORY, LINKERD_CHART_VERSION,
} from '../../constructs';
import { defineImages, definePlatform, helmChart, linkerdControlPlane, microservice } from '../../tools/kit';

/** The services' images are their own entries'; the add-on charts name theirs. */
const images = defineImages({});

/** The ECR registry of the services' images. */
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

// ---------------------------------------------------------------------------------------------
// Cluster add-ons (rendered once, in the cluster's directory). Versions are the upstream releases:
// charts/*/Chart.yaml at the release tags of linkerd/linkerd2 (edge-26.8.3), kubernetes-sigs/secrets-store-csi-driver
// (v1.6.0), aws/secrets-store-csi-driver-provider-aws (3.1.1), traefik/traefik-helm-chart (v41.3.0),
// stakater/Reloader (chart-v2.2.16) and prometheus-community/helm-charts (prometheus-operator-crds-31.0.0, the
// CRDs of Prometheus Operator v0.93.0, as imported).
// ---------------------------------------------------------------------------------------------

/** Linkerd's CRDs (policy, workload): before the control plane. */
const linkerdCrds = helmChart({
  repoURL: LINKERD_CHART_REPOSITORY, chart: 'linkerd-crds', version: LINKERD_CHART_VERSION, namespace: 'linkerd',
  clusterScopedKinds: CRD_AND_RBAC,
  providesApiGroups: ['linkerd.io', 'policy.linkerd.io', 'workload.linkerd.io'],
  serverSideApply: true,
});

/**
 * Linkerd's CNI plugin: meshed pods need no NET_ADMIN init container, so the services' namespaces stay
 * "restricted". Its DaemonSet writes the nodes' CNI configuration (hostPath), so its namespace is a privileged one
 * the cluster bootstrap creates (externalNamespaces in environments/cluster.ts).
 */
const linkerdCni = helmChart({
  repoURL: LINKERD_CHART_REPOSITORY, chart: 'linkerd2-cni', version: LINKERD_CHART_VERSION, namespace: 'linkerd-cni',
  clusterScopedKinds: CRD_AND_RBAC,
});

/** The mesh the services join: identity from cert-manager's issuer Secret and trust-roots ConfigMap, no key in values. */
const linkerd = linkerdControlPlane({ cni: true, dependsOn: [linkerdCrds, linkerdCni] });

/** Linkerd viz (dashboard, tap, its own Prometheus), after the control plane. */
const linkerdViz = helmChart({
  repoURL: LINKERD_CHART_REPOSITORY, chart: 'linkerd-viz', version: LINKERD_CHART_VERSION, namespace: 'linkerd-viz',
  clusterScopedKinds: [...CRD_AND_RBAC, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' }],
  dependsOn: [linkerd],
});

/** The Secrets Store CSI driver: Secret sync on (the services read their credentials with envFrom), rotation every 2 minutes. */
const secretsStoreCsiDriver = helmChart({
  repoURL: 'https://kubernetes-sigs.github.io/secrets-store-csi-driver/charts', chart: 'secrets-store-csi-driver', version: '1.6.0', namespace: 'kube-system',
  values: {
    syncSecret: { enabled: true },
    enableSecretRotation: true,
    rotationPollInterval: '2m',
    // The AWS provider authenticates with the pod's projected token (its README, "Separate CSI Driver Installation").
    tokenRequests: [{ audience: 'sts.amazonaws.com' }, { audience: 'pods.eks.amazonaws.com' }],
  },
  clusterScopedKinds: [...CRD_AND_RBAC, { group: 'storage.k8s.io', kind: 'CSIDriver' }],
  providesApiGroups: ['secrets-store.csi.x-k8s.io'],
});

/** The AWS provider of the driver (Secrets Manager, Parameter Store); the driver is its own application. */
const secretsStoreCsiDriverProviderAws = helmChart({
  repoURL: 'https://aws.github.io/secrets-store-csi-driver-provider-aws', chart: 'secrets-store-csi-driver-provider-aws', version: '3.1.1', namespace: 'kube-system',
  values: { 'secrets-store-csi-driver': { install: false } },
  clusterScopedKinds: CRD_AND_RBAC,
  dependsOn: [secretsStoreCsiDriver],
});

/** Traefik: the websecure entry point every IngressRoute uses; its chart installs the traefik.io CRDs. */
const traefik = helmChart({
  repoURL: 'https://traefik.github.io/charts', chart: 'traefik', version: '41.3.0', namespace: 'traefik',
  clusterScopedKinds: [...CRD_AND_RBAC, { group: 'networking.k8s.io', kind: 'IngressClass' }],
  providesApiGroups: ['traefik.io'],
});

/** Reloader: rolls a workload when a Secret it names changes (the CSI driver's synced Secrets rotate). */
const reloader = helmChart({
  repoURL: 'https://stakater.github.io/stakater-charts', chart: 'reloader', version: '2.2.16', namespace: 'reloader',
  values: {
    reloader: {
      // A pod-template annotation rather than an env var: a field the rendered manifest does not own.
      reloadStrategy: 'annotations',
      deployment: { containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true } },
    },
  },
  clusterScopedKinds: CRD_AND_RBAC,
});

/** Prometheus Operator's CRDs (ServiceMonitor); the Prometheus that reads them is the monitoring team's. */
const prometheusOperatorCrds = helmChart({
  repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '31.0.0', namespace: 'monitoring',
  clusterScopedKinds: CRD_AND_RBAC,
  providesApiGroups: ['monitoring.coreos.com'],
  // Its Prometheus and Alertmanager CRDs are larger than client-side apply's 256 KiB annotation.
  serverSideApply: true,
});

// ---------------------------------------------------------------------------------------------
// The services: one entry each (environments pin tags, replicas, hosts and IAM roles)
// ---------------------------------------------------------------------------------------------

/** Service A: Java Spring Boot on 8080 behind Service port 80, probed on the actuator's health groups. */
const serviceA = microservice({
  image: { repository: `${ECR}/vsf-miniapp-service-a`, tag: '1.0.0' },
  runtime: 'java',
  port: 8080,
  servicePort: 80,
  healthCheck: { path: '/actuator/health', livenessPath: '/actuator/health/liveness', readinessPath: '/actuator/health/readiness' },
  probes: {
    startup: false,
    liveness: { initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readiness: { initialDelaySeconds: 30, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  },
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
  env: { JAVA_OPTS: '-Xmx512m -Xms256m -XX:+UseG1GC', SPRING_PROFILES_ACTIVE: 'production', SERVER_PORT: '8080' },
  envConfigMap: true,
  cloudSecrets: {
    region: 'us-east-1',
    objects: {
      database: { fields: { 'database-url': 'url', 'database-username': 'username', 'database-password': 'password' }, connectsTo: { engine: 'postgresql' } },
      kafka: { fields: { 'kafka-brokers': 'brokers', 'kafka-username': 'username', 'kafka-password': 'password' }, connectsTo: { engine: 'kafka' } },
    },
    env: {
      DATABASE_URL: 'database-url', DATABASE_USERNAME: 'database-username', DATABASE_PASSWORD: 'database-password',
      KAFKA_BROKERS: 'kafka-brokers', KAFKA_USERNAME: 'kafka-username', KAFKA_PASSWORD: 'kafka-password',
    },
  },
  autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 75, memoryUtilization: 80 },
  metrics: { path: '/actuator/prometheus' },
  ingressRoute: { hosts: ['service-a.vsf-miniapp.com'], pathPrefix: '/api/v1/service-a' },
  mesh: linkerd,
});

/** Service B: Node.js Express on 3000 behind Service port 80. */
const serviceB = microservice({
  image: { repository: `${ECR}/vsf-miniapp-service-b`, tag: '1.0.0' },
  runtime: 'node',
  port: 3000,
  servicePort: 80,
  healthCheck: { path: '/health/live', livenessPath: '/health/live', readinessPath: '/health/ready' },
  probes: {
    startup: false,
    liveness: { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readiness: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
  },
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  env: { NODE_ENV: 'production', PORT: '3000', NODE_OPTIONS: '--max-old-space-size=512' },
  envConfigMap: true,
  cloudSecrets: {
    region: 'us-east-1',
    objects: {
      mongodb: { fields: { 'mongodb-uri': 'connectionString' }, connectsTo: { engine: 'mongodb' } },
      redis: { fields: { 'redis-host': 'host', 'redis-password': 'password' }, connectsTo: { engine: 'redis' } },
    },
    env: { MONGODB_URI: 'mongodb-uri', REDIS_HOST: 'redis-host', REDIS_PASSWORD: 'redis-password' },
  },
  autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 75, memoryUtilization: 80 },
  metrics: {},
  ingressRoute: { hosts: ['service-b.vsf-miniapp.com'], pathPrefix: '/api/v1/service-b' },
  mesh: linkerd,
});

/** Service C: Python FastAPI (Uvicorn) on 8000 behind Service port 80. */
const serviceC = microservice({
  image: { repository: `${ECR}/vsf-miniapp-service-c`, tag: '1.0.0' },
  runtime: 'python',
  port: 8000,
  servicePort: 80,
  healthCheck: { path: '/health/live', livenessPath: '/health/live', readinessPath: '/health/ready' },
  probes: {
    startup: false,
    liveness: { initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readiness: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
  },
  resources: { requests: { cpu: '150m', memory: '256Mi' }, limits: { cpu: '750m', memory: '768Mi' } },
  env: { PYTHONUNBUFFERED: '1', WORKERS: '4', PORT: '8000' },
  envConfigMap: true,
  cloudSecrets: {
    region: 'us-east-1',
    objects: {
      postgres: {
        fields: { 'postgres-host': 'host', 'postgres-database': 'database', 'postgres-username': 'username', 'postgres-password': 'password' },
        connectsTo: { engine: 'postgresql' },
      },
    },
    env: { POSTGRES_HOST: 'postgres-host', POSTGRES_DATABASE: 'postgres-database', POSTGRES_USERNAME: 'postgres-username', POSTGRES_PASSWORD: 'postgres-password' },
  },
  autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 75, memoryUtilization: 80 },
  metrics: {},
  ingressRoute: { hosts: ['service-c.vsf-miniapp.com'], pathPrefix: '/api/v1/service-c' },
  mesh: linkerd,
});

/** The platform: the cluster's add-ons and the services. */
export const vsfMiniapp = definePlatform({
  name: 'vsf-miniapp',
  images,
  apps: {
    'linkerd-crds': linkerdCrds,
    'linkerd-cni': linkerdCni,
    'linkerd-control-plane': linkerd,
    'linkerd-viz': linkerdViz,
    'secrets-store-csi-driver': secretsStoreCsiDriver,
    'secrets-store-csi-driver-provider-aws': secretsStoreCsiDriverProviderAws,
    traefik,
    reloader,
    'prometheus-operator-crds': prometheusOperatorCrds,
    'service-a': serviceA,
    'service-b': serviceB,
    'service-c': serviceC,
  },
});
