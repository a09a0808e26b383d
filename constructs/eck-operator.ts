import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { Elasticsearch } from './elasticsearch';
import { CRD_AND_RBAC } from './lib/kinds';
import { onPrepare } from './lib/prepare';

/**
 * Elastic Cloud on Kubernetes release of the imported CRD (cdk8s.yaml: v3.5.0); its Helm chart `eck-operator`
 * has the same version (elastic/cloud-on-k8s `deploy/eck-operator/Chart.yaml`: version = appVersion).
 * Upgrade both with the CRD, never per environment.
 */
export const ECK_VERSION = '3.5.0';

/** Props of `EckOperator`. */
export interface EckOperatorProps extends OperatorProps {
  /**
   * Namespace the operator runs in (it manages every namespace).
   * @default 'elastic-system'
   */
  readonly namespace?: string;
}

/**
 * The ECK operator: the upstream Helm chart `eck-operator` (operator, CRDs, validating webhook) at the release
 * whose CRD is imported, in its cluster-wide installation (every namespace), so the clusters of several
 * environments on one Kubernetes cluster share it.
 *
 * @see https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-install-helm.html
 */
export class EckOperator extends HelmApplication {
  public constructor(scope: Construct, id: string, props: EckOperatorProps) {
    const mirror = props.context.registryMirror;
    const image = imageReference({ repository: 'docker.elastic.co/eck/eck-operator', tag: ECK_VERSION }, mirror);
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'elastic-system',
      repoURL: props.repoURL ?? 'https://helm.elastic.co',
      chart: 'eck-operator',
      version: ECK_VERSION,
      defaultValues: {
        // The operator and the Elastic images it starts (config.containerRegistry) come from the mirror.
        ...(mirror ? { image: { repository: image.slice(0, image.lastIndexOf(':')), tag: ECK_VERSION }, config: { containerRegistry: `${mirror}/docker.elastic.co` } } : {}),
        resources: { requests: { cpu: '100m', memory: '150Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      images: [image],
      clusterScopedKinds: [...CRD_AND_RBAC, { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' }],
      providesApiGroups: ['elasticsearch.k8s.elastic.co'],
      // Not for size (the Elasticsearch CRD is 136,354 bytes as compact JSON, measured from the v3.5.0 bundle): no
      // second copy of each CRD in a last-applied annotation, as for the other operators.
      serverSideApply: true,
    });
    // The Elasticsearch image of every cluster using this operator (ECK's default registry docker.elastic.co).
    onPrepare(this, 'derive', () => {
      for (const es of this.node.root.node.findAll()) {
        if (es instanceof Elasticsearch && es.operator === this) {
          this.addImages(imageReference({ repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: es.version }, mirror));
        }
      }
    });
  }
}
