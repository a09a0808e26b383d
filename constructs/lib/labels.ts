/**
 * Labels and selectors, in one place.
 *
 * Every object carries the Kubernetes recommended labels plus the environment. Pod selectors use only
 * `name` and `instance`: they are unique per workload (the instance is the workload's own name) and never
 * change across releases, because Deployment and StatefulSet selectors are immutable in the cluster.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Label keys used by the platform. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'environment',
} as const;

/** Value of `app.kubernetes.io/managed-by` on everything this product renders. */
export const MANAGED_BY = 'platform-synth';

/** Every label key that must be present on every rendered object. */
export const REQUIRED_LABELS: readonly string[] = Object.values(LABELS);

/** Identity of one component (a workload and the objects around it). */
export interface ComponentIdentity {
  /** What the software is (`postgres`, `identity-service`). */
  readonly name: string;
  /** Unique instance in its namespace, usually the workload's object name (`identity-service-postgres`). */
  readonly instance: string;
  /** Role in the architecture (`backend`, `database`, `cache`, `frontend`, `storage`). */
  readonly component: string;
  /** Version of the software (image tag); `undefined` keeps the application's default version. */
  readonly version?: string;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `value` is not a valid label value, or `undefined`. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (!LABEL_VALUE.test(value)) return "must consist of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** The selector of a component's pods: `name` and `instance` only (stable across releases). */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return { [LABELS.name]: id.name, [LABELS.instance]: id.instance };
}

/** Component labels of an object (name, instance, component, and version when known). */
export function componentLabels(id: ComponentIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    [LABELS.component]: id.component,
    ...(id.version !== undefined ? { [LABELS.version]: id.version } : {}),
  };
}

/**
 * Component labels without the version, for fields the API server never lets change (StatefulSet
 * `volumeClaimTemplates`): a version label there would make every image bump an update the cluster refuses.
 */
export function stableLabels(id: ComponentIdentity): Record<string, string> {
  return componentLabels({ ...id, version: undefined });
}

/** Labels an application puts on all its objects: part-of, managed-by, environment and a default version. */
export function applicationLabels(platform: string, environment: string, version: string): Record<string, string> {
  return {
    [LABELS.partOf]: platform,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.environment]: environment,
    [LABELS.version]: version,
  };
}

/**
 * Labels of a pod template: the application's labels (part-of, managed-by, environment) plus the
 * component's. cdk8s applies chart labels to object metadata only, so pod templates get them here.
 */
export function podTemplateLabels(scope: IConstruct, id: ComponentIdentity): Record<string, string> {
  const chart = Chart.isChart(scope) ? scope : Chart.of(scope);
  return { ...chart.labels, ...componentLabels(id) };
}
