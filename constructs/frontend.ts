import { Construct } from 'constructs';
import { mapChildOptions, recordDependency } from './lib/context';
import { IConnectable } from './lib/connections';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsLabelSchema, dnsSubdomainSchema, hostSchema, optionKeys, pickOptions, uniqueList, z } from './lib/options';
import { joinName } from './lib/names';
import { PropsValidator } from './lib/validation';
import { Microservice, MicroserviceOptionsSchema, MicroserviceProps } from './microservice';
import { existingClusterIssuer, ICertificateIssuer, issuerAnnotations } from './self-signed-ca';

/** TLS through cert-manager. */
export const FrontendTlsSchema = z.strictObject({
  /** cert-manager ClusterIssuer (`cert-manager.io/cluster-issuer` annotation). */
  clusterIssuer: dnsSubdomainSchema,
  /**
   * Secret cert-manager writes the certificate to.
   * @default '<name>-tls'
   */
  secretName: dnsSubdomainSchema.optional(),
});

/** What an environment or a catalog entry may set on a `Frontend`. */
export const FrontendOptionsSchema = MicroserviceOptionsSchema.extend({
  /** Host names served by the Ingress; the first is the canonical host. */
  hosts: uniqueList(hostSchema, 'host').optional(),
  /**
   * TLS through cert-manager.
   * @default { clusterIssuer: 'letsencrypt-prod' }
   */
  tls: FrontendTlsSchema.partial().optional(),
  /**
   * IngressClass; `nginx` also gets the ssl-redirect annotation.
   * @default 'nginx'
   */
  ingressClassName: dnsLabelSchema.optional(),
});

/** What an environment or a catalog entry may set on a `Frontend`. */
export type FrontendOptions = z.infer<typeof FrontendOptionsSchema>;

/** Props of `Frontend`. */
export interface FrontendProps extends FrontendOptions {
  /** Container image. */
  readonly image: MicroserviceProps['image'];
  /**
   * Backends whose in-cluster URL is injected, keyed by environment variable
   * (`{ IDENTITY_API_URL: identityService }`). The frontend's application is synced after theirs.
   * @default {}
   */
  readonly backends?: MicroserviceProps['backends'];
  /**
   * The cert-manager issuer of the Ingress certificate, as a typed reference (a `SelfSignedCa`); takes the place
   * of `tls.clusterIssuer`.
   * @default - `tls.clusterIssuer`
   */
  readonly issuer?: ICertificateIssuer;
}

/**
 * A web frontend: a `Microservice` (Deployment and Service, port 3000 behind Service port 80 by default, health
 * check on `/`, `NODE_ENV=production`) and an Ingress serving several hosts with TLS from cert-manager, its
 * backend built from the Service.
 *
 * Pods run under the Pod Security Standards "restricted" profile with a read-only root file system (Next.js
 * writes its image cache to `/app/.next/cache`, which gets an `emptyDir`); the selector (`name` + `instance`) is
 * unique to this frontend, so no other workload's pods can receive its traffic.
 */
export class Frontend extends Construct implements IConnectable {
  public readonly name: string;
  public readonly port: number;
  public readonly servicePort: number;
  public readonly replicas: number;
  public readonly hosts: readonly string[];
  public readonly namespace: string;
  /** The pod selector identity. */
  public readonly identity: ComponentIdentity;
  public readonly workload: Microservice;
  public readonly ingress: k8s.KubeIngress;

  public constructor(scope: Construct, id: string, props: FrontendProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.port = props.port ?? 3000;
    this.servicePort = props.servicePort ?? 80;
    this.hosts = props.hosts ?? [];
    const issuer = props.issuer ?? existingClusterIssuer(props.tls?.clusterIssuer ?? 'letsencrypt-prod');
    const ingressClassName = props.ingressClassName ?? 'nginx';

    const check = new PropsValidator(this, `Frontend '${this.name}'`);
    check.options('', FrontendOptionsSchema.pick({ hosts: true, tls: true, ingressClassName: true }), pickOptions(FrontendOptionsSchema.pick({ hosts: true, tls: true, ingressClassName: true }), props), `Frontend '${this.name}'`);
    check.unknownKeys(props, [...optionKeys(FrontendOptionsSchema), 'image', 'backends', 'issuer'], `Frontend '${this.name}'`);
    check.check(this.hosts.length > 0, 'hosts', "'hosts' must list at least one host name", props.hosts, "add the host names the frontend serves, e.g. ['healthxcape.com']");
    check.check(props.issuer === undefined || props.tls?.clusterIssuer === undefined, 'tls.clusterIssuer', "both 'issuer' and 'tls.clusterIssuer' name the issuer", props.tls?.clusterIssuer, "keep one: the typed 'issuer' reference");
    check.throwIfInvalid();
    if (props.issuer instanceof Construct) recordDependency(this, props.issuer);

    mapChildOptions(this, 'Workload', '');
    this.workload = new Microservice(this, 'Workload', {
      ...pickOptions(MicroserviceOptionsSchema, props),
      name: this.name,
      component: props.component ?? 'frontend',
      port: props.ports === undefined ? this.port : undefined,
      servicePort: props.ports === undefined ? this.servicePort : undefined,
      // The Next.js app has no /health route; it answers / (a /health probe failed it in the reference cluster).
      healthCheck: props.healthCheck ?? { path: '/' },
      env: { NODE_ENV: 'production', PORT: String(this.port), ...props.env },
      writablePaths: props.writablePaths ?? ['/tmp', '/app/.next/cache'],
      image: props.image,
      backends: props.backends,
    });
    this.replicas = this.workload.replicas;
    this.namespace = this.workload.namespace;
    this.identity = this.workload.identity;

    this.ingress = new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        name: this.name,
        labels: componentLabels(this.identity),
        annotations: {
          ...issuerAnnotations(issuer),
          ...(ingressClassName === 'nginx' ? { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' } : {}),
        },
      },
      spec: {
        ingressClassName,
        tls: [{ hosts: [...this.hosts], secretName: props.tls?.secretName ?? joinName(this.name, 'tls') }],
        rules: this.hosts.map((host) => ({
          host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: this.workload.ingressBackend('http') }] },
        })),
      },
    });
  }

  /** The frontend's Service. */
  public get service(): k8s.KubeService {
    return this.workload.service as k8s.KubeService;
  }

  /** Who may connect to the frontend's pods. */
  public get connections(): Microservice['connections'] {
    return this.workload.connections;
  }
}
