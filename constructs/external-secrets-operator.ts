import { Construct } from 'constructs';
import { ADMISSION_WEBHOOKS } from './cert-manager';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { CRD_AND_RBAC } from './lib/kinds';

/**
 * External Secrets Operator release of the imported CRDs (cdk8s.yaml: v2.9.0), and its chart version (the chart
 * drops the `v`).
 */
export const EXTERNAL_SECRETS_VERSION = 'v2.9.0';
/** Version of the `external-secrets` Helm chart that installs `EXTERNAL_SECRETS_VERSION`. */
export const EXTERNAL_SECRETS_CHART_VERSION = '2.9.0';

/** Props of `ExternalSecretsOperator`. */
export interface ExternalSecretsOperatorProps extends OperatorProps {
  /**
   * Namespace the operator runs in.
   * @default 'external-secrets-system'
   */
  readonly namespace?: string;
}

/**
 * The External Secrets Operator: the upstream chart `external-secrets` (https://charts.external-secrets.io) with
 * its CRDs (`installCRDs`), at the release whose CRDs are imported. Password generation (`PasswordGenerator`,
 * `GeneratedSecret`) needs nothing else.
 *
 * @see https://github.com/external-secrets/external-secrets/tree/main/deploy/charts/external-secrets (Chart.yaml 2.9.0, values.yaml)
 */
export class ExternalSecretsOperator extends HelmApplication {
  public constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    const mirror = props.context.registryMirror;
    const image = imageReference({ repository: 'ghcr.io/external-secrets/external-secrets', tag: EXTERNAL_SECRETS_VERSION }, mirror);
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'external-secrets-system',
      repoURL: props.repoURL ?? 'https://charts.external-secrets.io',
      chart: 'external-secrets',
      version: EXTERNAL_SECRETS_CHART_VERSION,
      defaultValues: {
        installCRDs: true,
        // One repository for the controller, webhook and cert controller (they share the image).
        ...(mirror ? { global: { repository: image.slice(0, image.lastIndexOf(':')) } } : {}),
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      },
      images: [image],
      clusterScopedKinds: [...CRD_AND_RBAC, ...ADMISSION_WEBHOOKS],
      providesApiGroups: ['external-secrets.io', 'generators.external-secrets.io'],
      // Required: v2.9.0's SecretStore and ClusterSecretStore CRDs are 349,200 and 349,247 bytes as compact JSON
      // (measured from config/crds/bases of the release), over the 262,144 bytes client-side apply can annotate.
      serverSideApply: true,
    });
  }
}
