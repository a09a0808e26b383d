import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { CRD_AND_RBAC, GroupKind } from './lib/kinds';

/**
 * cert-manager release of the imported CRDs (cdk8s.yaml: v1.21.1); its Helm chart has the same version. Upgrade
 * both with the CRDs (change cdk8s.yaml, `npm run import`), never per environment.
 */
export const CERT_MANAGER_VERSION = 'v1.21.1';

/** The admission webhooks cert-manager and other operators register (cluster-scoped). */
export const ADMISSION_WEBHOOKS: readonly GroupKind[] = [
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
];

/** Props of `CertManager`. */
export interface CertManagerProps extends OperatorProps {
  /**
   * Namespace cert-manager runs in (also where a `SelfSignedCa` must render: ClusterIssuers read their CA Secret
   * from it).
   * @default 'cert-manager'
   */
  readonly namespace?: string;
}

/**
 * cert-manager: the upstream chart `cert-manager` (https://charts.jetstack.io) at the release whose CRDs are
 * imported, with its CRDs (`crds.enabled`, kept on uninstall by the chart's `crds.keep`).
 *
 * @see https://github.com/cert-manager/cert-manager/tree/v1.21.1/deploy/charts/cert-manager (values.yaml: crds, imageRegistry)
 * @see https://cert-manager.io/docs/installation/helm/
 */
export class CertManager extends HelmApplication {
  public constructor(scope: Construct, id: string, props: CertManagerProps) {
    const mirror = props.context.registryMirror;
    const images = ['cert-manager-controller', 'cert-manager-webhook', 'cert-manager-cainjector', 'cert-manager-startupapicheck']
      .map((name) => imageReference({ repository: `quay.io/jetstack/${name}`, tag: CERT_MANAGER_VERSION }, mirror));
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'cert-manager',
      repoURL: props.repoURL ?? 'https://charts.jetstack.io',
      chart: 'cert-manager',
      version: CERT_MANAGER_VERSION,
      defaultValues: {
        crds: { enabled: true, keep: true },
        // The chart composes <imageRegistry>/<imageNamespace>/<name>: the mirror keeps quay.io under it.
        ...(mirror ? { imageRegistry: `${mirror}/quay.io` } : {}),
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      },
      images,
      clusterScopedKinds: [...CRD_AND_RBAC, ...ADMISSION_WEBHOOKS],
      providesApiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
    });
  }
}
