import { Construct } from 'constructs';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { intSchema, refuse, z } from './lib/options';
import { PropsValidator } from './lib/validation';

/**
 * What an environment or a catalog entry may set on a `HorizontalAutoscaler` (a workload's `autoscaling`).
 * Utilization targets are percentages of the containers' requests.
 */
export const HorizontalAutoscalerOptionsSchema = z.strictObject({
  /** Fewest replicas (also what the disruption budget protects). */
  minReplicas: intSchema(1, 1000, 'set minReplicas to 1 or more'),
  /** Most replicas. */
  maxReplicas: intSchema(1, 1000, 'set maxReplicas to 1 or more'),
  /**
   * Average CPU utilization to keep, in percent of the CPU request.
   * @default 80 (when no memory target is set either)
   */
  cpuUtilization: intSchema(1, 1000, 'use a percentage of the CPU request such as 70').optional(),
  /**
   * Average memory utilization to keep, in percent of the memory request.
   * @default - no memory target
   */
  memoryUtilization: intSchema(1, 1000, 'use a percentage of the memory request such as 80').optional(),
}).superRefine((value, ctx) => {
  if (typeof value.minReplicas === 'number' && typeof value.maxReplicas === 'number' && value.minReplicas > value.maxReplicas) {
    refuse(ctx, `minReplicas ${value.minReplicas} is more than maxReplicas ${value.maxReplicas}`, 'set minReplicas <= maxReplicas', ['minReplicas']);
  }
});

/** What an environment or a catalog entry may set on a `HorizontalAutoscaler`. */
export type HorizontalAutoscalerOptions = z.infer<typeof HorizontalAutoscalerOptionsSchema>;

/** Props of `HorizontalAutoscaler`. */
export interface HorizontalAutoscalerProps extends HorizontalAutoscalerOptions {
  /** Name of the autoscaler (the workload's). */
  readonly name: string;
  /** Labels of the workload it scales. */
  readonly identity: ComponentIdentity;
  /** The workload it scales. */
  readonly target: { readonly kind: 'Deployment' | 'StatefulSet'; readonly name: string };
}

/** Default CPU target when neither target is set. */
export const DEFAULT_CPU_UTILIZATION = 80;

/**
 * A `HorizontalPodAutoscaler` (`autoscaling/v2`) scaling a Deployment or StatefulSet between min and max replicas on
 * CPU and memory utilization. The workload it scales must not set `spec.replicas` (the workload constructs leave
 * it out): with both, every Argo CD sync resets the replica count the autoscaler chose.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas (an HPA-managed Deployment sets no `.spec.replicas`)
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/best_practices/ ("Leaving room for imperativeness")
 */
export class HorizontalAutoscaler extends Construct {
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly resource: k8s.KubeHorizontalPodAutoscalerV2;

  public constructor(scope: Construct, id: string, props: HorizontalAutoscalerProps) {
    super(scope, id);
    const check = new PropsValidator(this, `HorizontalAutoscaler '${props.name}'`);
    check.props(HorizontalAutoscalerOptionsSchema, props, ['name', 'identity', 'target'], `HorizontalAutoscaler '${props.name}'`);
    check.throwIfInvalid();
    this.minReplicas = props.minReplicas;
    this.maxReplicas = props.maxReplicas;
    const cpu = props.cpuUtilization ?? (props.memoryUtilization === undefined ? DEFAULT_CPU_UTILIZATION : undefined);
    const metric = (name: 'cpu' | 'memory', averageUtilization: number): k8s.MetricSpecV2 => ({
      type: 'Resource',
      resource: { name, target: { type: 'Utilization', averageUtilization } },
    });
    this.resource = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.name, labels: componentLabels(props.identity) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: props.target.kind, name: props.target.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [
          ...(cpu !== undefined ? [metric('cpu', cpu)] : []),
          ...(props.memoryUtilization !== undefined ? [metric('memory', props.memoryUtilization)] : []),
        ],
      },
    });
  }
}
