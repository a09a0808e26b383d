import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as cm from '../imports/cert-manager.io';
import { clusterScoped } from './lib/kinds';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { joinName } from './lib/names';
import { dnsLabelSchema, dnsSubdomainSchema, z } from './lib/options';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';

/** A cert-manager issuer certificates and Ingresses refer to: a typed reference instead of an issuer name string. */
export interface ICertificateIssuer {
  /** `ClusterIssuer` (any namespace) or `Issuer` (its own namespace only). */
  readonly issuerKind: 'ClusterIssuer' | 'Issuer';
  readonly issuerName: string;
  /** Namespace of an `Issuer` (a `Certificate` can only use an `Issuer` of its own namespace). */
  readonly issuerNamespace?: string;
}

/** `spec.issuerRef` of a `Certificate`. */
export function issuerRef(issuer: ICertificateIssuer): { name: string; kind: string; group: string } {
  return { name: issuer.issuerName, kind: issuer.issuerKind, group: 'cert-manager.io' };
}

/**
 * The cert-manager annotation that makes ingress-shim (Ingress) or gateway-shim (Gateway) request a certificate
 * from `issuer`.
 * @see https://cert-manager.io/docs/usage/ingress/#supported-annotations
 */
export function issuerAnnotations(issuer: ICertificateIssuer): Record<string, string> {
  return issuer.issuerKind === 'ClusterIssuer' ? { 'cert-manager.io/cluster-issuer': issuer.issuerName } : { 'cert-manager.io/issuer': issuer.issuerName };
}

/** A `ClusterIssuer` installed by other means (`letsencrypt-prod`), as a typed reference. */
export function existingClusterIssuer(name: string): ICertificateIssuer {
  return { issuerKind: 'ClusterIssuer', issuerName: name };
}

/** What an environment or a catalog entry may set on a `SelfSignedCa`. */
export const SelfSignedCaOptionsSchema = z.strictObject({
  /**
   * Name of the CA `ClusterIssuer` every namespace's certificates use.
   * @default 'selfsigned-cluster-issuer'
   */
  clusterIssuerName: dnsSubdomainSchema.optional(),
  /**
   * Name of the CA certificate and of its Secret.
   * @default 'selfsigned-ca'
   */
  caName: dnsLabelSchema.optional(),
  /**
   * Common name of the CA certificate.
   * @default - the CA name
   */
  commonName: z.string().min(1).max(64).optional(),
  /**
   * Lifetime of the CA certificate (a Go duration in hours).
   * @default '87600h' (10 years)
   */
  duration: z.string().regex(/^\d+h$/, { error: "must be a number of hours such as '87600h'" }).optional(),
});

/** What an environment or a catalog entry may set on a `SelfSignedCa`. */
export type SelfSignedCaOptions = z.infer<typeof SelfSignedCaOptionsSchema>;

/** Props of `SelfSignedCa`. */
export interface SelfSignedCaProps extends SelfSignedCaOptions {}

/**
 * A self-signed certificate authority for a development cluster, as cert-manager documents it: a self-signed
 * `Issuer` bootstraps a CA `Certificate` (`isCA`, ECDSA P-256), whose Secret backs the CA `ClusterIssuer`
 * (`selfsigned-cluster-issuer`) every namespace's certificates use.
 *
 * It must be in the namespace cert-manager runs in: a `ClusterIssuer` reads its CA Secret from cert-manager's
 * cluster resource namespace (its own, unless `--cluster-resource-namespace` says otherwise).
 *
 * @see https://cert-manager.io/docs/configuration/selfsigned/#bootstrapping-ca-issuers
 */
export class SelfSignedCa extends Construct implements ICertificateIssuer {
  public readonly issuerKind = 'ClusterIssuer' as const;
  public readonly issuerName: string;
  /** The CA certificate's Secret (`ca.crt` is what clients trust). */
  public readonly caSecretName: string;
  public readonly namespace: string;
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: SelfSignedCaProps = {}) {
    super(scope, id);
    this.issuerName = props.clusterIssuerName ?? 'selfsigned-cluster-issuer';
    this.caSecretName = props.caName ?? 'selfsigned-ca';
    const namespace = Chart.of(this).namespace;
    const check = new PropsValidator(this, `SelfSignedCa '${this.issuerName}'`);
    check.props(SelfSignedCaOptionsSchema, props, [], `SelfSignedCa '${this.issuerName}'`);
    check.check(namespace !== undefined, 'namespace', "the CA Secret must be in cert-manager's namespace, and the chart has none", namespace, "give the application chart cert-manager's namespace ('cert-manager')");
    check.throwIfInvalid();
    this.namespace = namespace as string;
    this.identity = { name: 'certificate-authority', instance: this.caSecretName, component: 'certificates' };
    const labels = componentLabels(this.identity);
    const bootstrap = joinName(this.caSecretName, 'bootstrap');

    new cm.Issuer(this, 'Bootstrap', { metadata: { name: bootstrap, labels }, spec: { selfSigned: {} } });
    const ca = new cm.Certificate(this, 'Certificate', {
      metadata: { name: this.caSecretName, labels },
      spec: {
        isCa: true,
        commonName: props.commonName ?? this.caSecretName,
        secretName: this.caSecretName,
        duration: props.duration ?? '87600h',
        privateKey: { algorithm: cm.CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
        issuerRef: { name: bootstrap, kind: 'Issuer', group: 'cert-manager.io' },
      },
    });
    // A new CA invalidates every certificate it signed and everything that trusts it: only with confirmation.
    requireConfirmedDeletion(ca);
    clusterScoped(new cm.ClusterIssuer(this, 'ClusterIssuer', { metadata: { name: this.issuerName, labels }, spec: { ca: { secretName: this.caSecretName } } }));
  }
}
