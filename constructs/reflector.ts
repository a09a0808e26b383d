import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { PlatformError } from './lib/errors';
import { dnsLabelProblem } from './lib/names';

/** Reflector release and chart version (the chart is published with the release's version). */
export const REFLECTOR_VERSION = '10.0.63';

/** Props of `Reflector`. */
export interface ReflectorProps extends OperatorProps {
  /**
   * Namespace Reflector runs in.
   * @default 'reflector'
   */
  readonly namespace?: string;
}

/**
 * Reflector (emberstack): copies Secrets and ConfigMaps into other namespaces, as their annotations ask
 * (`reflectTo()`). The upstream chart `reflector` (https://emberstack.github.io/helm-charts); it installs no CRDs.
 *
 * @see https://github.com/emberstack/kubernetes-reflector (README "Usage", src/helm/reflector)
 */
export class Reflector extends HelmApplication {
  public constructor(scope: Construct, id: string, props: ReflectorProps) {
    const mirror = props.context.registryMirror;
    const image = imageReference({ repository: 'docker.io/emberstack/kubernetes-reflector', tag: REFLECTOR_VERSION }, mirror);
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'reflector',
      repoURL: props.repoURL ?? 'https://emberstack.github.io/helm-charts',
      chart: 'reflector',
      version: REFLECTOR_VERSION,
      defaultValues: {
        ...(mirror ? { image: { repository: image.slice(0, image.lastIndexOf(':')) } } : {}),
        resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      },
      images: [image],
      clusterScopedKinds: [
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      ],
    });
  }
}

const REFLECTOR = 'reflector.v1.k8s.emberstack.com';

/**
 * Ask Reflector to keep copies of a Secret or ConfigMap (`object`) in `namespaces` (and allow only those): its
 * source annotations. For a Secret an `ExternalSecret` or cert-manager creates, pass the annotations to its
 * template (`reflectionAnnotations`) instead.
 *
 * @see https://github.com/emberstack/kubernetes-reflector#usage
 */
export function reflectionAnnotations(namespaces: readonly string[]): Record<string, string> {
  if (namespaces.length === 0) throw new PlatformError('reflectTo: list at least one namespace to copy the object to. Fix: name the namespaces of its consumers');
  for (const ns of namespaces) {
    const problem = dnsLabelProblem(ns);
    if (problem) throw new PlatformError(`reflectTo: namespace '${ns}' ${problem}. Fix: use the consumer's namespace name`);
  }
  const list = [...new Set(namespaces)].sort().join(',');
  return {
    [`${REFLECTOR}/reflection-allowed`]: 'true',
    [`${REFLECTOR}/reflection-allowed-namespaces`]: list,
    [`${REFLECTOR}/reflection-auto-enabled`]: 'true',
    [`${REFLECTOR}/reflection-auto-namespaces`]: list,
  };
}

/** Annotate a Secret or ConfigMap so Reflector copies it into `namespaces`. */
export function reflectTo(object: ApiObject, namespaces: readonly string[]): void {
  if (object.kind !== 'Secret' && object.kind !== 'ConfigMap') {
    throw new PlatformError(`reflectTo: Reflector copies Secrets and ConfigMaps, not ${object.kind} '${object.name}'. Fix: reflect the Secret it creates (for an ExternalSecret, its target template's metadata)`);
  }
  for (const [key, value] of Object.entries(reflectionAnnotations(namespaces))) object.metadata.addAnnotation(key, value);
}
