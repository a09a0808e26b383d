import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as cm from '../imports/cert-manager.io';
import { recordDependency } from './lib/context';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsSubdomainProblem } from './lib/names';
import { dnsLabelSchema, refuse, uniqueList, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { reflectionAnnotations } from './reflector';
import { ICertificateIssuer, issuerRef } from './self-signed-ca';

/** A certificate host name: a DNS name, or a wildcard for one level of it (`*.127.0.0.1.nip.io`). */
const certificateHostSchema = z.string().superRefine((value, ctx) => {
  const host = value.startsWith('*.') ? value.slice(2) : value;
  const problem = dnsSubdomainProblem(host) ?? (host.includes('.') ? undefined : 'must be a fully qualified name such as app.example.com');
  if (problem) refuse(ctx, `is not a valid host name: ${problem}`, "use a lower-case DNS name such as 'temporal.127.0.0.1.nip.io' or a wildcard '*.127.0.0.1.nip.io'");
});

/** What an environment or a catalog entry may set on a `Certificate`. */
export const CertificateOptionsSchema = z.strictObject({
  /**
   * Name of the Certificate.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Secret the key pair is written to.
   * @default '<name>-tls'
   */
  secretName: dnsLabelSchema.optional(),
  /** Host names (subject alternative names), at least one. */
  dnsNames: uniqueList(certificateHostSchema, 'host name'),
  /**
   * Lifetime (a Go duration in hours).
   * @default '2160h' (90 days, cert-manager's default)
   */
  duration: z.string().regex(/^\d+h$/, { error: "must be a number of hours such as '2160h'" }).optional(),
  /**
   * Namespaces Reflector keeps copies of the certificate's Secret in (a `Reflector` add-on must run).
   * @default - no copies
   */
  reflectTo: uniqueList(dnsLabelSchema, 'namespace').optional(),
});

/** What an environment or a catalog entry may set on a `Certificate`. */
export type CertificateOptions = z.infer<typeof CertificateOptionsSchema>;

/** Props of `Certificate`. */
export interface CertificateProps extends CertificateOptions {
  /** The issuer signing it (a `SelfSignedCa`, or `existingClusterIssuer('letsencrypt-prod')`). */
  readonly issuer: ICertificateIssuer;
}

/** A TLS Secret a Gateway listener or a workload mounts, as a typed reference. */
export interface ITlsSecret {
  readonly secretName: string;
  readonly namespace: string;
}

/**
 * A cert-manager `Certificate` for a service (`cert-manager.io/v1`): a key pair for `dnsNames`, signed by a
 * typed issuer, in a Secret of the service's namespace. A namespaced `Issuer` of another namespace is refused
 * (cert-manager would never issue it).
 *
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export class Certificate extends Construct implements ITlsSecret {
  public readonly name: string;
  public readonly secretName: string;
  public readonly namespace: string;
  public readonly dnsNames: readonly string[];
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.secretName = props.secretName ?? `${this.name}-tls`;
    const namespace = Chart.of(this).namespace;
    const what = `Certificate '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(CertificateOptionsSchema, props, ['issuer'], what);
    check.check((props.dnsNames ?? []).length > 0, 'dnsNames', 'a certificate needs at least one host name', props.dnsNames, "list its host names, e.g. ['temporal.127.0.0.1.nip.io']");
    check.check(namespace !== undefined, 'namespace', 'the Certificate needs a namespace', namespace, 'give the application chart a namespace');
    check.check(props.issuer.issuerKind !== 'Issuer' || props.issuer.issuerNamespace === namespace, 'issuer',
      `Issuer '${props.issuer.issuerName}' is in namespace '${props.issuer.issuerNamespace}', and cert-manager only lets certificates of its own namespace use it`, namespace,
      'use a ClusterIssuer (SelfSignedCa), or an Issuer of this namespace');
    check.throwIfInvalid();
    this.namespace = namespace as string;
    this.dnsNames = [...props.dnsNames];
    this.identity = { name: 'certificate', instance: this.name, component: 'certificates' };
    if (props.issuer instanceof Construct) recordDependency(this, props.issuer);
    new cm.Certificate(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        secretName: this.secretName,
        dnsNames: [...this.dnsNames],
        duration: props.duration ?? '2160h',
        privateKey: { algorithm: cm.CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: cm.CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        issuerRef: issuerRef(props.issuer),
        ...(props.reflectTo !== undefined && props.reflectTo.length > 0 ? { secretTemplate: { annotations: reflectionAnnotations(props.reflectTo) } } : {}),
      },
    });
  }
}
