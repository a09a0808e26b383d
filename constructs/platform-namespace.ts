import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';

/** Pod Security Standards level enforced in a namespace. */
export type PodSecurityLevel = 'restricted' | 'baseline';

/** Props of `PlatformNamespace`. */
export interface PlatformNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /**
   * Pod Security Standards level the API server enforces in the namespace. `restricted` is also audited and
   * warned about when only `baseline` is enforced (for operators whose pods need more).
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
}

/**
 * A namespace with Pod Security admission labels, so the cluster itself refuses pods that break the
 * platform's security profile.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export class PlatformNamespace extends Construct {
  public readonly name: string;
  public readonly podSecurity: PodSecurityLevel;

  public constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    const check = new PropsValidator(this, `PlatformNamespace '${props.name}'`);
    check.dnsLabel('name', props.name);
    check.check(this.podSecurity === 'restricted' || this.podSecurity === 'baseline', 'podSecurity', "'podSecurity' must be 'restricted' or 'baseline'", this.podSecurity, "use 'restricted' unless an operator's pods need 'baseline'");
    check.check(!['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(props.name), 'name', `'${props.name}' is a namespace Kubernetes manages itself`, props.name, "use a namespace of the platform's own");
    const chartNamespace = Chart.of(this).namespace;
    check.check(chartNamespace === undefined, 'scope', 'renders cluster-scoped objects, so its chart must not have a namespace', chartNamespace, 'create it in an application chart without a namespace');
    check.throwIfInvalid();

    const namespace = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: {
          ...componentLabels({ name: 'namespace', instance: this.name, component: 'namespace' }),
          'pod-security.kubernetes.io/enforce': this.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    });
    // Deleting a namespace deletes everything in it.
    requireConfirmedDeletion(namespace);
  }
}
