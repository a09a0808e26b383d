import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../imports/gateway.networking.k8s.io';
import { HttpRouteOptionsSchema, RouteRule } from './http-route';
import { recordDependency } from './lib/context';
import { checkBackend, IGateway, parentRefs } from './lib/gateway-routes';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { z } from './lib/options';
import { PropsValidator } from './lib/validation';

/** What an environment or a catalog entry may set on a `GrpcRoute` (as on an `HttpRoute`). */
export const GrpcRouteOptionsSchema = HttpRouteOptionsSchema;

/** What an environment or a catalog entry may set on a `GrpcRoute`. */
export type GrpcRouteOptions = z.infer<typeof GrpcRouteOptionsSchema>;

/** Props of `GrpcRoute`. */
export interface GrpcRouteProps extends GrpcRouteOptions {
  /** The Gateway it attaches to. */
  readonly gateway: IGateway;
  /** Where traffic goes (ports default to `grpc`; `pathPrefix` does not apply). */
  readonly rules: readonly Omit<RouteRule, 'pathPrefix'>[];
}

/**
 * A Gateway API `GRPCRoute` (`gateway.networking.k8s.io/v1`): host names of a Gateway to gRPC ports of Services
 * (the seed's `temporal-server` on 7233), checked like `HttpRoute`; only gRPC ports are accepted.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/grpcroute/
 */
export class GrpcRoute extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly hostnames: readonly string[];
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: GrpcRouteProps) {
    super(scope, id);
    this.name = props.name ?? id;
    const namespace = Chart.of(this).namespace ?? '';
    const what = `GrpcRoute '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(GrpcRouteOptionsSchema, props, ['gateway', 'rules'], what);
    check.check(namespace !== '', 'namespace', 'the route needs a namespace (its backends)', namespace, "give the application chart the backends' namespace");
    check.check(props.rules.length > 0, 'rules', 'a route needs at least one rule', props.rules, 'route to a Service: rules: [{ backend: service }]');
    const ports = props.rules.map((rule, i) => checkBackend(check, `rules[${i}]`, namespace, rule.backend, rule.port ?? 'grpc', ['grpc']));
    // gRPC runs over HTTP/2: HTTP (h2c) and HTTPS listeners carry it.
    const parents = parentRefs(check, props.gateway, namespace, props.sectionName, ['HTTP', 'HTTPS']);
    check.throwIfInvalid();
    this.namespace = namespace;
    this.hostnames = [...props.hostnames];
    this.identity = { name: 'grpc-route', instance: this.name, component: 'routing' };
    for (const rule of props.rules) if (rule.backend instanceof Construct) recordDependency(this, rule.backend);
    new gw.GrpcRoute(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        parentRefs: parents,
        hostnames: [...this.hostnames],
        rules: props.rules.map((rule, i) => ({ backendRefs: [{ name: rule.backend.name, port: ports[i] as number }] })),
      },
    });
  }
}
