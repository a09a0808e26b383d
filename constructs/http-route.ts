import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../imports/gateway.networking.k8s.io';
import { recordDependency } from './lib/context';
import { checkBackend, IGateway, IServiceBackend, parentRefs } from './lib/gateway-routes';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsLabelSchema, hostSchema, uniqueList, z } from './lib/options';
import { PropsValidator } from './lib/validation';

/** What an environment or a catalog entry may set on an `HttpRoute`. */
export const HttpRouteOptionsSchema = z.strictObject({
  /**
   * Name of the HTTPRoute.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /** Host names it serves (`temporal.127.0.0.1.nip.io`), at least one. */
  hostnames: uniqueList(hostSchema, 'host name'),
  /**
   * Listener of the Gateway to attach to.
   * @default - every listener that admits it
   */
  sectionName: dnsLabelSchema.optional(),
});

/** What an environment or a catalog entry may set on an `HttpRoute`. */
export type HttpRouteOptions = z.infer<typeof HttpRouteOptionsSchema>;

/** One rule of a route: a path prefix to a Service port. */
export interface RouteRule {
  /** The Service. */
  readonly backend: IServiceBackend;
  /**
   * The Service port by name.
   * @default 'http' ('grpc' for a GRPCRoute)
   */
  readonly port?: string;
  /**
   * Path prefix (HTTPRoute only).
   * @default - every path
   */
  readonly pathPrefix?: string;
}

/** Props of `HttpRoute`. */
export interface HttpRouteProps extends HttpRouteOptions {
  /** The Gateway it attaches to. */
  readonly gateway: IGateway;
  /** Where traffic goes, at least one rule. */
  readonly rules: readonly RouteRule[];
}

/**
 * A Gateway API `HTTPRoute` (`gateway.networking.k8s.io/v1`): host names of a Gateway to ports of Services, by
 * typed reference. A missing Service port, a gRPC or TCP port, a backend in another namespace, and (when the
 * Gateway's listeners are known) a namespace no listener admits are errors.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export class HttpRoute extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly hostnames: readonly string[];
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: HttpRouteProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const namespace = Chart.of(this).namespace ?? '';
    const what = `HttpRoute '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(HttpRouteOptionsSchema, props, ['gateway', 'rules'], what);
    check.check(namespace !== '', 'namespace', 'the route needs a namespace (its backends)', namespace, "give the application chart the backends' namespace");
    check.check(props.rules.length > 0, 'rules', 'a route needs at least one rule', props.rules, 'route to a Service: rules: [{ backend: service }]');
    const ports = props.rules.map((rule, i) => checkBackend(check, `rules[${i}]`, namespace, rule.backend, rule.port ?? 'http', ['http']));
    props.rules.forEach((rule, i) => check.check(rule.pathPrefix === undefined || rule.pathPrefix.startsWith('/'), `rules[${i}].pathPrefix`, 'a path prefix starts with /', rule.pathPrefix, "write it like '/api'"));
    const parents = parentRefs(check, props.gateway, namespace, props.sectionName, ['HTTP', 'HTTPS']);
    check.throwIfInvalid();
    this.namespace = namespace;
    this.hostnames = [...props.hostnames];
    this.identity = { name: 'http-route', instance: this.name, component: 'routing' };
    for (const rule of props.rules) if (rule.backend instanceof Construct) recordDependency(this, rule.backend);
    new gw.HttpRoute(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        parentRefs: parents,
        hostnames: [...this.hostnames],
        rules: props.rules.map((rule, i) => ({
          ...(rule.pathPrefix !== undefined ? { matches: [{ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: rule.pathPrefix } }] } : {}),
          backendRefs: [{ name: rule.backend.name, port: ports[i] as number }],
        })),
      },
    });
  }
}
