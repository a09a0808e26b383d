import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../imports/gateway.networking.k8s.io';
import { ITlsSecret } from './certificate';
import { AllowedRoutes, GatewayListener, IGateway } from './lib/gateway-routes';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { PropsValidator } from './lib/validation';
import { ICertificateIssuer, issuerAnnotations } from './self-signed-ca';

/** One listener of a rendered Gateway. */
export interface GatewayListenerProps extends GatewayListener {
  readonly port: number;
  /**
   * Host name (wildcards allowed, `*.127.0.0.1.nip.io`).
   * @default - every host
   */
  readonly hostname?: string;
  /**
   * The TLS Secret an HTTPS or TLS listener terminates with (with `issuer`, cert-manager creates it).
   * @default - none (required for HTTPS unless `issuer` is given)
   */
  readonly tlsSecret?: ITlsSecret | string;
}

/** Props of `Gateway`. */
export interface GatewayProps {
  /** GatewayClass (`cilium`). */
  readonly gatewayClassName: string;
  /** Listeners, names and ports unique. */
  readonly listeners: readonly GatewayListenerProps[];
  /**
   * Name of the Gateway.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * cert-manager issuer of the HTTPS listeners' certificates (gateway-shim: cert-manager reads the annotation and
   * creates a Certificate per listener with a host name and a `tlsSecret`).
   * @default - certificates are provided by other means
   */
  readonly issuer?: ICertificateIssuer;
}

/**
 * A Gateway API `Gateway` (`gateway.networking.k8s.io/v1`). It is an `IGateway`: routes attached to it are checked
 * against its listeners (a namespace no listener admits is an error). HTTPS listeners terminate TLS with a
 * typed Secret, or with a certificate cert-manager issues from a typed issuer.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/gateway/
 * @see https://cert-manager.io/docs/usage/gateway/
 */
export class Gateway extends Construct implements IGateway {
  public readonly gatewayName: string;
  public readonly gatewayNamespace: string;
  public readonly listeners: readonly GatewayListener[];
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    this.gatewayName = props.name ?? id;
    const namespace = Chart.of(this).namespace;
    const check = new PropsValidator(this, `Gateway '${this.gatewayName}'`);
    check.dnsLabel('name', this.gatewayName, 'cilium-gateway');
    check.check(namespace !== undefined, 'namespace', 'the Gateway needs a namespace', namespace, 'give the application chart a namespace');
    check.check(props.listeners.length > 0, 'listeners', 'a Gateway needs at least one listener', props.listeners, "add one: { name: 'http', protocol: 'HTTP', port: 80 }");
    const names = new Set<string>();
    const ports = new Map<string, string>();
    props.listeners.forEach((l, i) => {
      check.dnsLabel(`listeners[${i}].name`, l.name, 'https');
      check.port(`listeners[${i}].port`, l.port);
      check.check(!names.has(l.name), `listeners[${i}].name`, `listener name '${l.name}' is used twice`, l.name, 'give each listener its own name');
      names.add(l.name);
      // Two listeners may share a port only with different host names (Gateway API listener distinctness).
      const key = `${l.port}/${l.hostname ?? '*'}`;
      check.check(!ports.has(key), `listeners[${i}].port`, `listeners '${ports.get(key)}' and '${l.name}' both take port ${l.port} for ${l.hostname ?? 'every host'}`, l.port, 'give one of them another port or host name');
      ports.set(key, l.name);
      if (l.protocol === 'HTTPS' || l.protocol === 'TLS') {
        check.check(l.tlsSecret !== undefined, `listeners[${i}].tlsSecret`, `${l.protocol} listener '${l.name}' has no certificate Secret`, undefined, "name its Secret (a Certificate, or a Secret name cert-manager fills in with 'issuer')");
      }
      if (typeof l.tlsSecret === 'object') {
        check.check(l.tlsSecret.namespace === namespace, `listeners[${i}].tlsSecret`, `the Secret '${l.tlsSecret.secretName}' is in namespace '${l.tlsSecret.namespace}', not the Gateway's`, l.tlsSecret.namespace, "issue the certificate in the Gateway's namespace (a ReferenceGrant is not rendered)");
      }
    });
    check.throwIfInvalid();
    this.gatewayNamespace = namespace as string;
    this.listeners = props.listeners.map((l) => ({ name: l.name, protocol: l.protocol, allowedRoutes: l.allowedRoutes }));
    this.identity = { name: 'gateway', instance: this.gatewayName, component: 'routing' };

    const allowed = (rule: AllowedRoutes | undefined): gw.GatewaySpecListenersAllowedRoutes | undefined => {
      if (rule === undefined) return undefined;
      if (rule.from === 'All') return { namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL } };
      if (rule.from === 'Same') return { namespaces: { from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } };
      return {
        namespaces: {
          from: gw.GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
          selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...rule.namespaces].sort() }] },
        },
      };
    };
    new gw.Gateway(this, 'Resource', {
      metadata: { name: this.gatewayName, labels: componentLabels(this.identity), ...(props.issuer !== undefined ? { annotations: issuerAnnotations(props.issuer) } : {}) },
      spec: {
        gatewayClassName: props.gatewayClassName,
        listeners: props.listeners.map((l) => {
          const rule = allowed(l.allowedRoutes);
          const secret = typeof l.tlsSecret === 'string' ? l.tlsSecret : l.tlsSecret?.secretName;
          return {
            name: l.name,
            protocol: l.protocol,
            port: l.port,
            ...(l.hostname !== undefined ? { hostname: l.hostname } : {}),
            ...(secret !== undefined ? { tls: { mode: gw.GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', name: secret }] } } : {}),
            ...(rule !== undefined ? { allowedRoutes: rule } : {}),
          };
        }),
      },
    });
  }
}
