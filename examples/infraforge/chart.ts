/**
 * The InfraForge `microservice` chart (`oci://ghcr.io/nimbusprotch/microservice`, 1.0.0) as this platform
 * declares it: the interface of its values and how a service's settings become them. The chart is InfraForge's
 * own and its values.yaml is not published; this interface is the platform's contract with the chart (the
 * seed's ApplicationClaim fields: image, replicas, resources, env, health checks). Check it against the chart's
 * values.yaml before delivering a service as the chart.
 */
import { defineChart } from '../../constructs';
import type { ChartDelivery, ChartWorkload } from '../../tools/kit';

/** One environment variable: a literal, or a key of a Secret in the cluster. */
export type ChartEnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** Values of `ghcr.io/nimbusprotch/microservice` 1.0.0. */
export interface MicroserviceChartValues {
  readonly nameOverride: string;
  readonly image: { readonly repository: string; readonly tag?: string; readonly digest?: string; readonly pullPolicy: 'IfNotPresent' | 'Always' | 'Never' };
  readonly replicaCount: number;
  readonly service: { readonly type: 'ClusterIP'; readonly port: number; readonly targetPort: number };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly env: readonly ChartEnvVar[];
  readonly healthCheck: { readonly enabled: boolean; readonly livenessPath: string; readonly readinessPath: string };
}

/** The chart, its exact version, and where its values put the image and the container's resources. */
export const microserviceChart = defineChart<MicroserviceChartValues>({
  chart: { registry: 'ghcr.io/nimbusprotch', name: 'microservice', version: '1.0.0' },
  images: (values) => [{ field: 'image', image: { repository: values.image.repository, tag: values.image.tag, digest: values.image.digest } }],
  resources: (values) => [{ field: 'resources', resources: values.resources }],
});

/** The chart's values for a service, as the product settled it for one environment. */
export function microserviceChartValues(workload: ChartWorkload): MicroserviceChartValues {
  const path = workload.healthCheck?.path ?? '/health';
  return {
    nameOverride: workload.name,
    image: {
      repository: workload.image.repository,
      ...(workload.image.tag !== undefined ? { tag: workload.image.tag } : {}),
      ...(workload.image.digest !== undefined ? { digest: workload.image.digest } : {}),
      pullPolicy: workload.imagePullPolicy,
    },
    replicaCount: workload.replicas,
    service: { type: 'ClusterIP', port: 80, targetPort: workload.port },
    resources: workload.resources,
    env: [
      ...Object.keys(workload.env).sort().map((name) => ({ name, value: workload.env[name] as string })),
      ...Object.keys(workload.secretEnv).sort().map((name) => {
        const ref = workload.secretEnv[name] as { secret: string; key: string };
        return { name, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } };
      }),
    ],
    healthCheck: { enabled: true, livenessPath: workload.healthCheck?.livenessPath ?? path, readinessPath: workload.healthCheck?.readinessPath ?? path },
  };
}

/** Delivery as the `microservice` chart: what a service entry's `deliverAs` takes. */
export const asMicroserviceChart: ChartDelivery<MicroserviceChartValues> = { chart: microserviceChart, values: microserviceChartValues };
