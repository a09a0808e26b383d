/**
 * What Gateway API routes (`HTTPRoute`, `GRPCRoute`) share: the typed Gateway they attach to, the typed Service
 * backends they send traffic to, and the cross-checks (the Service exposes the port; the Gateway's listener
 * admits routes from the route's namespace).
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
import type { ProblemCollector } from './validation';

/** Which namespaces' routes a Gateway listener admits (`spec.listeners[].allowedRoutes.namespaces`). */
export type AllowedRoutes = { readonly from: 'All' } | { readonly from: 'Same' } | { readonly from: 'Selector'; readonly namespaces: readonly string[] };

/** A listener of a Gateway, as far as routes need it. */
export interface GatewayListener {
  /** Listener name (a route's `sectionName`). */
  readonly name: string;
  readonly protocol: 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP';
  /**
   * Routes of which namespaces it admits.
   * @default { from: 'Same' } (the Gateway API default)
   */
  readonly allowedRoutes?: AllowedRoutes;
}

/** A Gateway routes attach to (`parentRefs`). */
export interface IGateway {
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /**
   * Its listeners, when known (routes are then checked against them).
   * @default - unknown: not checked
   */
  readonly listeners?: readonly GatewayListener[];
}

/**
 * A Gateway installed by other means (the seed's `cilium-gateway` in `gateway`), as a typed reference; give its
 * listeners to have routes checked against them.
 */
export function existingGateway(name: string, namespace: string, listeners?: readonly GatewayListener[]): IGateway {
  return { gatewayName: name, gatewayNamespace: namespace, listeners };
}

/** A port of a Service a route sends traffic to. */
export interface BackendPort {
  readonly servicePort: number;
  readonly protocol: 'http' | 'grpc' | 'tcp';
  /** False when the port has no Service port. */
  readonly expose?: boolean;
}

/** A Service a route sends traffic to (a `Microservice`, or a developer tool built on one). */
export interface IServiceBackend {
  /** The Service name. */
  readonly name: string;
  readonly namespace: string;
  /** Its ports by name. */
  readonly ports: ReadonlyMap<string, BackendPort>;
}

/** A namespace admitted by `allowed` for a Gateway in `gatewayNamespace`. */
export function admits(allowed: AllowedRoutes | undefined, gatewayNamespace: string, routeNamespace: string): boolean {
  const rule = allowed ?? { from: 'Same' };
  if (rule.from === 'All') return true;
  if (rule.from === 'Same') return routeNamespace === gatewayNamespace;
  return rule.namespaces.includes(routeNamespace);
}

/**
 * Check one backend reference of a route in `namespace`: the Service is in the route's namespace (no
 * ReferenceGrant is rendered) and has the named port, of a protocol the route kind carries. Returns the Service
 * port.
 */
export function checkBackend(check: ProblemCollector, field: string, namespace: string, backend: IServiceBackend, portName: string, protocols: readonly BackendPort['protocol'][]): number | undefined {
  const port = backend.ports.get(portName);
  check.check(backend.namespace === namespace, `${field}.backend`, `Service '${backend.name}' is in namespace '${backend.namespace}', not the route's '${namespace}' (a cross-namespace backend needs a ReferenceGrant)`, backend.namespace,
    "put the route in the Service's namespace");
  if (port === undefined || port.expose === false) {
    check.add(`${field}.port`, `Service '${backend.name}' has no port '${portName}' (ports: ${[...backend.ports.entries()].filter(([, p]) => p.expose !== false).map(([n]) => n).join(', ') || 'none'})`, portName,
      'name one of its Service ports');
    return undefined;
  }
  check.check(protocols.includes(port.protocol), `${field}.port`, `port '${portName}' of Service '${backend.name}' speaks ${port.protocol}, which this route does not carry`, portName,
    `route a ${protocols.join(' or ')} port (an ${port.protocol === 'grpc' ? 'GRPCRoute' : 'HTTPRoute'} for this one)`);
  return port.servicePort;
}

/** Check that the Gateway (when its listeners are known) admits routes from `namespace`; returns parentRefs. */
export function parentRefs(check: ProblemCollector, gateway: IGateway, namespace: string, sectionName: string | undefined, protocols: readonly GatewayListener['protocol'][]): { name: string; namespace: string; sectionName?: string }[] {
  if (gateway.listeners !== undefined) {
    const candidates = gateway.listeners.filter((l) => (sectionName === undefined || l.name === sectionName) && protocols.includes(l.protocol));
    if (sectionName !== undefined && !gateway.listeners.some((l) => l.name === sectionName)) {
      check.add('sectionName', `Gateway '${gateway.gatewayNamespace}/${gateway.gatewayName}' has no listener '${sectionName}' (listeners: ${gateway.listeners.map((l) => l.name).join(', ')})`, sectionName, 'name one of its listeners');
    } else if (!candidates.some((l) => admits(l.allowedRoutes, gateway.gatewayNamespace, namespace))) {
      check.add('gateway', `no ${protocols.join('/')} listener of Gateway '${gateway.gatewayNamespace}/${gateway.gatewayName}' admits routes from namespace '${namespace}'`, namespace,
        "allow the namespace in the listener's allowedRoutes, or attach the route to a listener that admits it");
    }
  }
  return [{ name: gateway.gatewayName, namespace: gateway.gatewayNamespace, ...(sectionName !== undefined ? { sectionName } : {}) }];
}
