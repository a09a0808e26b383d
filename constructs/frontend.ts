import { Construct } from 'constructs';
import { contextOf, recordDependency } from './lib/context';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsSubdomainProblem, joinName } from './lib/names';
import { httpProbe, probePathProblem, probeTimingsProblem, ProbeSchedule, WEB_PROBES } from './lib/probes';
import { ResourceSettings } from './lib/resources';
import { RunAsUser, runAsUserProblem } from './lib/security';
import { PropsValidator } from './lib/validation';
import { IHttpBackend, renderDeployment, renderDisruptionBudget, renderPodTemplate, renderService } from './lib/workload';

/** TLS through cert-manager. */
export interface FrontendTls {
  /** cert-manager ClusterIssuer (`cert-manager.io/cluster-issuer` annotation). */
  readonly clusterIssuer: string;
  /**
   * Secret cert-manager writes the certificate to.
   * @default '<name>-tls'
   */
  readonly secretName?: string;
}

/** Props of `Frontend`. */
export interface FrontendProps {
  /** Container image. */
  readonly image: ImageSettings;
  /** Host names served by the Ingress; the first is the canonical host. */
  readonly hosts: readonly string[];
  /**
   * Name of the Deployment, Service and Ingress.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port the container listens on.
   * @default 3000
   */
  readonly port?: number;
  /**
   * Port of the Service (the Ingress targets it).
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * HTTP path answered with 2xx by a healthy process, used by the startup, liveness and readiness probes.
   * Next.js apps usually only answer `/`.
   * @default '/'
   */
  readonly healthCheckPath?: string;
  /**
   * Probe timings.
   * @default WEB_PROBES
   */
  readonly probes?: ProbeSchedule;
  /**
   * Pod replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * CPU and memory requests and limits.
   * @default - requests 100m / 128Mi, limits 500m / 256Mi
   */
  readonly resources?: ResourceSettings;
  /**
   * Extra non-secret environment variables.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Backends whose in-cluster URL is injected, keyed by environment variable
   * (`{ IDENTITY_API_URL: identityService }`). The frontend's application is synced after theirs.
   * @default {}
   */
  readonly backends?: Readonly<Record<string, IHttpBackend>>;
  /**
   * TLS through cert-manager.
   * @default { clusterIssuer: 'letsencrypt-prod' }
   */
  readonly tls?: FrontendTls;
  /**
   * IngressClass; `nginx` also gets the ssl-redirect annotation.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * Paths the process writes to. The root file system is read-only; each path gets an `emptyDir`.
   * @default ['/tmp', '/app/.next/cache'] (Next.js writes its image cache there)
   */
  readonly writablePaths?: readonly string[];
  /**
   * User the pod runs as.
   * @default { uid: 1000, gid: 1000, fsGroup: 1000 }
   */
  readonly runAsUser?: RunAsUser;
}

/**
 * A web frontend: Deployment, Service and an Ingress serving several hosts with TLS from cert-manager.
 *
 * Pods run under the Pod Security Standards "restricted" profile with a read-only root file system; the
 * selector (`name` + `instance`) is unique to this frontend, so no other workload's pods can receive its
 * traffic.
 */
export class Frontend extends Construct {
  public readonly name: string;
  public readonly port: number;
  public readonly servicePort: number;
  public readonly replicas: number;
  public readonly healthCheckPath: string;
  public readonly hosts: readonly string[];
  /** The pod selector identity. */
  public readonly identity: ComponentIdentity;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  public readonly ingress: k8s.KubeIngress;

  public constructor(scope: Construct, id: string, props: FrontendProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    this.port = props.port ?? 3000;
    this.servicePort = props.servicePort ?? 80;
    this.replicas = props.replicas ?? 2;
    this.healthCheckPath = props.healthCheckPath ?? '/';
    this.hosts = props.hosts;
    const resources = props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };
    const probes = props.probes ?? WEB_PROBES;
    const user = props.runAsUser ?? { uid: 1000, gid: 1000, fsGroup: 1000 };
    const tls = props.tls ?? { clusterIssuer: 'letsencrypt-prod' };
    const ingressClassName = props.ingressClassName ?? 'nginx';
    const backends = props.backends ?? {};

    const check = new PropsValidator(this, `Frontend '${this.name}'`);
    check.dnsLabel('name', this.name);
    check.port('port', this.port);
    check.port('servicePort', this.servicePort);
    check.integer('replicas', this.replicas, 1);
    check.resources('resources', resources);
    const pathProblem = probePathProblem(this.healthCheckPath);
    if (pathProblem) check.add('healthCheckPath', `'healthCheckPath' ${pathProblem}`, this.healthCheckPath, "use the path your app answers with 2xx, e.g. '/'");
    for (const [probe, timings] of Object.entries(probes)) {
      const problem = probeTimingsProblem(timings);
      if (problem) check.add(`probes.${probe}`, problem, timings, 'fix the probe timings');
    }
    const userProblem = runAsUserProblem(user);
    if (userProblem) check.add('runAsUser', userProblem, user, 'run as a non-root user, e.g. { uid: 1000, gid: 1000, fsGroup: 1000 }');
    check.check(Array.isArray(props.hosts) && props.hosts.length > 0, 'hosts', "'hosts' must list at least one host name", props.hosts, "add the host names the frontend serves, e.g. ['healthxcape.com']");
    const seen = new Set<string>();
    for (const host of props.hosts ?? []) {
      const problem = dnsSubdomainProblem(host);
      if (problem) check.add('hosts', `host '${host}' ${problem}`, host, 'use a lower-case DNS name such as www.healthxcape.com');
      if (seen.has(host)) check.add('hosts', `host '${host}' is listed twice`, host, 'remove the duplicate');
      seen.add(host);
    }
    const clusterIssuerProblem = dnsSubdomainProblem(tls.clusterIssuer);
    if (clusterIssuerProblem) check.add('tls.clusterIssuer', `'tls.clusterIssuer' ${clusterIssuerProblem}`, tls.clusterIssuer, "name a cert-manager ClusterIssuer such as 'letsencrypt-prod'");
    check.dnsLabel('ingressClassName', ingressClassName);
    check.envVars('env', props.env);
    for (const name of Object.keys(props.env ?? {})) {
      if (name in backends) check.add(`env.${name}`, `'${name}' is set both in 'env' and in 'backends'`, name, 'remove one of them');
    }
    for (const [name, backend] of Object.entries(backends)) {
      check.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(name), `backends.${name}`, `'${name}' is not a valid environment variable name`, name, 'use a name such as IDENTITY_API_URL');
      check.check(typeof backend?.url === 'string', `backends.${name}`, 'backend has no url', backend, 'pass a ServiceWithPostgres (or another IHttpBackend)');
    }
    check.throwIfInvalid();

    for (const backend of Object.values(backends)) recordDependency(this, backend);

    this.identity = { name: this.name, instance: this.name, component: 'frontend', version: imageVersion(props.image) };
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      PORT: String(this.port),
      ...Object.fromEntries(Object.entries(backends).map(([name, backend]) => [name, backend.url])),
      ...props.env,
    };

    const template = renderPodTemplate(this, {
      identity: this.identity,
      user,
      containers: [{
        name: this.name,
        image: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        ports: [{ name: 'http', containerPort: this.port }],
        env,
        resources,
        startupProbe: httpProbe(this.healthCheckPath, 'http', probes.startup),
        livenessProbe: httpProbe(this.healthCheckPath, 'http', probes.liveness),
        readinessProbe: httpProbe(this.healthCheckPath, 'http', probes.readiness),
        writablePaths: props.writablePaths ?? ['/tmp', '/app/.next/cache'],
      }],
    });
    this.deployment = renderDeployment(this, 'Deployment', { name: this.name, identity: this.identity, replicas: this.replicas, template });
    this.service = renderService(this, 'Service', {
      name: this.name,
      identity: this.identity,
      ports: [{ name: 'http', port: this.servicePort, targetPort: 'http' }],
    });
    if (this.replicas > 1) renderDisruptionBudget(this, 'DisruptionBudget', this.name, this.identity);

    this.ingress = new k8s.KubeIngress(this, 'Ingress', {
      metadata: {
        name: this.name,
        labels: componentLabels(this.identity),
        annotations: {
          'cert-manager.io/cluster-issuer': tls.clusterIssuer,
          ...(ingressClassName === 'nginx' ? { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' } : {}),
        },
      },
      spec: {
        ingressClassName,
        tls: [{ hosts: [...this.hosts], secretName: tls.secretName ?? joinName(this.name, 'tls') }],
        rules: this.hosts.map((host) => ({
          host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: this.name, port: { name: 'http' } } },
            }],
          },
        })),
      },
    });
  }
}
