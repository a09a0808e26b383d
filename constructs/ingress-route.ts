import { Construct, IConstruct } from 'constructs';
import * as traefik from '../imports/traefik.io';
import { applicationOf, contextOf } from './lib/context';
import { componentLabels } from './lib/labels';
import { dnsLabelSchema, dnsSubdomainSchema, hostSchema, uniqueList, z } from './lib/options';
import { IServiceTarget } from './lib/routing';
import { PropsValidator } from './lib/validation';

/** What an environment or a catalog entry may set on an `IngressRoute` (a workload's `ingressRoute`). */
export const IngressRouteOptionsSchema = z.strictObject({
  /** Host names routed to the workload. */
  hosts: uniqueList(hostSchema, 'host'),
  /**
   * Path prefix routed to the workload (`PathPrefix` rule).
   * @default '/'
   */
  pathPrefix: z.string().startsWith('/', { error: "must start with '/'" }).optional(),
  /**
   * Name of the Service port the traffic goes to.
   * @default 'http'
   */
  port: z.string().optional(),
  /**
   * Traefik entry points of the route.
   * @default ['websecure']
   */
  entryPoints: z.array(dnsLabelSchema).min(1).optional(),
  /**
   * TLS: a certificate Secret in the route's namespace or a Traefik certificate resolver.
   * @default {} (Traefik's default certificate of its TLS store)
   */
  tls: z.strictObject({
    /** Secret holding the certificate (cert-manager writes it). @default - none */
    secretName: dnsSubdomainSchema.optional(),
    /** Traefik certificate resolver (ACME). @default - none */
    certResolver: z.string().min(1).optional(),
  }).optional(),
});

/** The routes of each construct tree (one cdk8s App is one cluster): `host path` to the route that has it. */
const ROUTES = new WeakMap<IConstruct, Map<string, string>>();

/** What an environment or a catalog entry may set on an `IngressRoute`. */
export type IngressRouteOptions = z.infer<typeof IngressRouteOptionsSchema>;

/** Props of `IngressRoute`. */
export interface IngressRouteProps extends IngressRouteOptions {
  /** The Service the route sends traffic to (checked: it must expose `port`). */
  readonly service: IServiceTarget;
  /**
   * Name of the route.
   * @default - the Service's name
   */
  readonly name?: string;
}

/**
 * A Traefik `IngressRoute` (`traefik.io/v1alpha1`): `Host(...) && PathPrefix(...)` on the `websecure` entry point
 * with TLS, to a named port of a workload's Service. The backend comes from the Service construct, so a route to a
 * port the Service does not expose is a synth error, not a 404 in production.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export class IngressRoute extends Construct {
  public readonly name: string;
  /** The Traefik rule (`Host(\`a.example.com\`) && PathPrefix(\`/api\`)`). */
  public readonly rule: string;
  public readonly resource: traefik.IngressRoute;

  public constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    this.name = props.name ?? props.service.name;
    const port = props.port ?? 'http';
    const check = new PropsValidator(this, `IngressRoute '${this.name}'`);
    check.props(IngressRouteOptionsSchema, props, ['service', 'name'], `IngressRoute '${this.name}'`);
    check.check((props.hosts ?? []).length > 0, 'hosts', "'hosts' must list at least one host name", props.hosts, "add the host names routed to the workload, e.g. ['api.example.com']");
    check.check(props.service.servicePortNames.includes(port), 'port',
      `routes to port '${port}', which Service '${props.service.name}' does not expose (ports: ${props.service.servicePortNames.join(', ') || 'none'})`, port,
      props.service.servicePortNames.length > 0 ? `route to one of its ports: ${props.service.servicePortNames.join(', ')}` : 'expose a port on the workload first');
    // One Traefik serves the cluster: the same host and path in two routes (two environments left on the
    // catalog's host, say) would send one environment's traffic to the other.
    const routes = ROUTES.get(this.node.root) ?? new Map<string, string>();
    ROUTES.set(this.node.root, routes);
    const context = contextOf(this);
    const owner = `IngressRoute '${this.name}' of ${context.environment}/${applicationOf(this)?.appName ?? this.name}`;
    for (const host of props.hosts ?? []) {
      const key = `${host}${props.pathPrefix ?? '/'}`;
      const other = routes.get(key);
      if (other !== undefined) {
        check.add('hosts', `routes ${key}, which ${other} on the same cluster already routes (one Traefik serves every environment of the cluster)`, host,
          "give each environment host names of its own (e.g. 'api.dev.example.com' in the dev environment's file)");
      } else {
        routes.set(key, owner);
      }
    }
    check.throwIfInvalid();

    const hosts = props.hosts.map((h) => `Host(\`${h}\`)`);
    const hostRule = hosts.length === 1 ? hosts[0] as string : `(${hosts.join(' || ')})`;
    this.rule = `${hostRule} && PathPrefix(\`${props.pathPrefix ?? '/'}\`)`;
    const tls = props.tls ?? {};
    this.resource = new traefik.IngressRoute(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(props.service.identity) },
      spec: {
        entryPoints: [...(props.entryPoints ?? ['websecure'])],
        routes: [{
          kind: traefik.IngressRouteSpecRoutesKind.RULE,
          match: this.rule,
          services: [{ name: props.service.name, port: traefik.IngressRouteSpecRoutesServicesPort.fromString(port) }],
        }],
        tls: {
          ...(tls.secretName !== undefined ? { secretName: tls.secretName } : {}),
          ...(tls.certResolver !== undefined ? { certResolver: tls.certResolver } : {}),
        },
      },
    });
  }
}

