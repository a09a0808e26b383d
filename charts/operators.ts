import { App } from 'cdk8s';
import { HelmApplication } from '../constructs/helm-application';
import { imageReference } from '../constructs/lib/images';
import { STRIMZI_VERSION } from '../constructs/lib/kafka-rules';
import { EnvironmentConfig, platformContext } from '../environments/types';

const CRD_AND_RBAC = [
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];

/**
 * CloudNativePG operator release of the imported CRDs (cdk8s.yaml: v1.30.0), and the chart version that ships
 * it. Upgrade both with the CRDs (change cdk8s.yaml, `npm run import`), never per environment.
 */
export const CLOUDNATIVE_PG_VERSION = '1.30.0';
/** Version of the `cloudnative-pg` Helm chart that installs operator `CLOUDNATIVE_PG_VERSION`. */
export const CLOUDNATIVE_PG_CHART_VERSION = '0.29.0';

/**
 * The `strimzi-operator` application: the upstream Strimzi Helm chart at the pinned version, installed into
 * the Kafka namespace. Replaces the imperative install script; the Kafka cluster is synced after it.
 */
export function strimziOperator(scope: App, env: EnvironmentConfig, namespace: string): HelmApplication {
  const mirror = env.registryMirror;
  return new HelmApplication(scope, 'strimzi-operator', {
    context: platformContext(env),
    namespace,
    repoURL: env.operators.strimzi.repoURL,
    chart: 'strimzi-kafka-operator',
    // The chart of the release whose CRDs are imported: its operator supports exactly those Kafka versions.
    version: STRIMZI_VERSION,
    values: {
      // The chart composes <registry>/<repository>/<name>:<tag>: the mirror keeps quay.io under it.
      ...(mirror ? { defaultImageRegistry: `${mirror}/quay.io` } : {}),
      resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '1', memory: '384Mi' } },
    },
    images: [
      imageReference({ repository: 'quay.io/strimzi/operator', tag: STRIMZI_VERSION }, mirror),
      imageReference({ repository: 'quay.io/strimzi/kafka', tag: `${STRIMZI_VERSION}-kafka-${env.kafka.version}` }, mirror),
    ],
    clusterScopedKinds: CRD_AND_RBAC,
    providesApiGroups: ['kafka.strimzi.io', 'core.strimzi.io'],
    // Strimzi's operator and broker pods need more than "restricted" allows by default.
    podSecurity: 'baseline',
    // Not for size: Strimzi 1.2.0's Kafka CRD is 155,251 bytes as compact JSON (measured from the release's
    // 040-Crd-kafka.yaml), under the 262,144 bytes (256 KiB) client-side apply's last-applied annotation may
    // hold. Server-side apply is kept so that Argo CD stores no second copy of each CRD in an annotation, as for
    // CloudNativePG below, whose CRDs do need it.
    serverSideApply: true,
  });
}

/** The `cnpg-operator` application: the upstream CloudNativePG Helm chart (operator and CRDs). */
export function cloudnativePgOperator(scope: App, env: EnvironmentConfig): HelmApplication {
  const mirror = env.registryMirror;
  const image = imageReference({ repository: 'ghcr.io/cloudnative-pg/cloudnative-pg', tag: CLOUDNATIVE_PG_VERSION }, mirror);
  return new HelmApplication(scope, 'cnpg-operator', {
    context: platformContext(env),
    namespace: 'cnpg-system',
    repoURL: env.operators.cloudnativePg.repoURL,
    chart: 'cloudnative-pg',
    version: CLOUDNATIVE_PG_CHART_VERSION,
    values: {
      ...(mirror ? { image: { repository: image.slice(0, image.lastIndexOf(':')), tag: CLOUDNATIVE_PG_VERSION } } : {}),
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    },
    images: [image],
    clusterScopedKinds: [
      ...CRD_AND_RBAC,
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
    ],
    providesApiGroups: ['postgresql.cnpg.io'],
    // Required: CloudNativePG 1.30.0's Cluster CRD is 271,963 bytes as compact JSON and its Pooler CRD 338,779
    // (measured from config/crd/bases of the release), over the 262,144 bytes (256 KiB) of annotations
    // client-side apply would need for its last-applied copy. The chart (0.29.0, templates/crds/crds.yaml) marks
    // every CRD helm.sh/resource-policy: keep, which Argo CD honours as Delete=false.
    serverSideApply: true,
  });
}
