import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { KafkaPlatform } from './kafka-platform';
import { STRIMZI_VERSION } from './lib/kafka-rules';
import { onPrepare } from './lib/prepare';
import { CRD_AND_RBAC } from './lib/kinds';

/** Props of `StrimziOperator`. */
export interface StrimziOperatorProps extends OperatorProps {
  /**
   * Namespace the operator runs in and watches.
   * @default 'kafka'
   */
  readonly namespace?: string;
}

/**
 * The Strimzi operator: the upstream Helm chart `strimzi-kafka-operator` at the release whose CRDs are imported
 * (`STRIMZI_VERSION`, cdk8s.yaml), so the operator supports exactly the Kafka versions the bindings and the
 * validation know. The image list names the operator and the Kafka image of every cluster that uses it. With a registry mirror, the chart's `defaultImageRegistry` is `<mirror>/quay.io`, so the
 * operator and the Kafka images it starts come from the mirror too.
 *
 * @see https://github.com/strimzi/strimzi-kafka-operator/tree/1.2.0/packaging/helm-charts/helm3/strimzi-kafka-operator
 */
export class StrimziOperator extends HelmApplication {
  public constructor(scope: Construct, id: string, props: StrimziOperatorProps) {
    const mirror = props.context.registryMirror;
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'kafka',
      repoURL: props.repoURL ?? 'https://strimzi.io/charts/',
      chart: 'strimzi-kafka-operator',
      // The chart of the release whose CRDs are imported: its operator supports exactly those Kafka versions.
      version: STRIMZI_VERSION,
      defaultValues: {
        // The chart composes <registry>/<repository>/<name>:<tag>: the mirror keeps quay.io under it.
        ...(mirror ? { defaultImageRegistry: `${mirror}/quay.io` } : {}),
        resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '1', memory: '384Mi' } },
      },
      images: [imageReference({ repository: 'quay.io/strimzi/operator', tag: STRIMZI_VERSION }, mirror)],
      clusterScopedKinds: CRD_AND_RBAC,
      providesApiGroups: ['kafka.strimzi.io', 'core.strimzi.io'],
      // Strimzi's operator and broker pods need more than "restricted" allows by default.
      podSecurity: 'baseline',
      // Not for size: Strimzi 1.2.0's Kafka CRD is 155,251 bytes as compact JSON (measured from the release's
      // 040-Crd-kafka.yaml), under the 262,144 bytes (256 KiB) client-side apply's last-applied annotation may
      // hold. Server-side apply is kept so that Argo CD stores no second copy of each CRD in an annotation, as for
      // CloudNativePG, whose CRDs do need it.
      serverSideApply: true,
    });
    // The Kafka images it starts: one per Kafka version of the clusters that use this operator.
    onPrepare(this, 'derive', () => {
      for (const kafka of this.node.root.node.findAll()) {
        if (kafka instanceof KafkaPlatform && kafka.operator === this) {
          this.addImages(imageReference({ repository: 'quay.io/strimzi/kafka', tag: `${STRIMZI_VERSION}-kafka-${kafka.version}` }, mirror));
        }
      }
    });
  }
}
