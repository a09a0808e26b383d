import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { CRD_AND_RBAC } from './lib/kinds';

/**
 * CloudNativePG operator release of the imported CRDs (cdk8s.yaml: v1.30.0), and the chart version that ships
 * it. Upgrade both with the CRDs (change cdk8s.yaml, `npm run import`), never per environment.
 */
export const CLOUDNATIVE_PG_VERSION = '1.30.0';
/** Version of the `cloudnative-pg` Helm chart that installs operator `CLOUDNATIVE_PG_VERSION`. */
export const CLOUDNATIVE_PG_CHART_VERSION = '0.29.0';

/** Props of `CloudNativePgOperator`. */
export interface CloudNativePgOperatorProps extends OperatorProps {
  /**
   * Namespace the operator runs in.
   * @default 'cnpg-system'
   */
  readonly namespace?: string;
}

/**
 * The CloudNativePG operator: the upstream Helm chart `cloudnative-pg` (operator and CRDs) at the chart version
 * that ships the operator release whose CRDs are imported.
 *
 * @see https://github.com/cloudnative-pg/charts/tree/main/charts/cloudnative-pg
 */
export class CloudNativePgOperator extends HelmApplication {
  public constructor(scope: Construct, id: string, props: CloudNativePgOperatorProps) {
    const mirror = props.context.registryMirror;
    const image = imageReference({ repository: 'ghcr.io/cloudnative-pg/cloudnative-pg', tag: CLOUDNATIVE_PG_VERSION }, mirror);
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'cnpg-system',
      repoURL: props.repoURL ?? 'https://cloudnative-pg.github.io/charts',
      chart: 'cloudnative-pg',
      version: CLOUDNATIVE_PG_CHART_VERSION,
      defaultValues: {
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
}
