/**
 * Network access between workloads, declared with typed references (the `connections` pattern of
 * cdk8s-plus): `database.connections.allowFrom(service)` admits the service's pods to the database's port.
 * The protected workload's NetworkPolicy is rendered when the App is rendered, from every peer allowed by then,
 * so it does not matter in which order applications are created.
 *
 * @see https://cdk8s.io/docs/latest/plus/cdk8s-plus-28/network-policy/ (the pattern this follows)
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as k8s from './k8s';
import { ComponentIdentity, componentLabels, selectorLabels } from './labels';
import { onPrepare } from './prepare';

/** Something whose pods can connect to another workload: a workload construct. */
export interface IConnectable extends IConstruct {
  /** Identity of its pods (their selector labels). */
  readonly identity: ComponentIdentity;
  /** Namespace of its pods. */
  readonly namespace: string;
}

/** Options of `Connections.allowFrom`. */
export interface AllowFromOptions {
  /**
   * The port the peer may connect to.
   * @default - every port the protected workload exposes
   */
  readonly port?: number;
}

/** What a `Connections` protects. */
export interface ConnectionsProps {
  /** Name of the NetworkPolicy. */
  readonly name: string;
  /** The protected workload's pods. */
  readonly identity: ComponentIdentity;
  /** TCP ports the protected workload accepts connections on. */
  readonly ports: readonly number[];
  /**
   * Render the NetworkPolicy. Off for workloads whose own members must reach each other in ways a client-only
   * policy would block (peers are still recorded).
   * @default true
   */
  readonly render?: boolean;
}

interface Allowed {
  readonly peer: IConnectable;
  readonly ports: readonly number[];
}

/**
 * The peers allowed to connect to one workload. Renders one NetworkPolicy that isolates the workload's pods and
 * admits only the allowed peers, each on its ports; with no peers it admits nobody (an ingress rule with an
 * empty `from` would admit every source instead).
 */
export class Connections {
  private readonly allowed: Allowed[] = [];

  /** @param owner the construct the NetworkPolicy is created in (the protected workload) */
  public constructor(private readonly owner: IConstruct, private readonly props: ConnectionsProps) {
    if (props.render !== false) onPrepare(owner, 'derive', () => this.render());
  }

  /** Admit `peer`'s pods (in any namespace) to this workload. */
  public allowFrom(peer: IConnectable, options: AllowFromOptions = {}): void {
    const ports = options.port !== undefined ? [options.port] : this.props.ports;
    for (const port of ports) {
      if (!this.props.ports.includes(port)) {
        throw new Error(`${this.props.name}: cannot allow connections on port ${port}; it accepts ${this.props.ports.join(', ')}`);
      }
    }
    if (!this.allowed.some((a) => a.peer === peer && a.ports.join() === ports.join())) this.allowed.push({ peer, ports });
  }

  /** The peers allowed so far. */
  public get peers(): readonly IConnectable[] {
    return [...new Set(this.allowed.map((a) => a.peer))];
  }

  private render(): void {
    const namespace = Chart.of(this.owner).namespace;
    // One rule per set of ports, its peers in the order they were allowed.
    const rules = new Map<string, { ports: readonly number[]; peers: IConnectable[] }>();
    for (const { peer, ports } of this.allowed) {
      const key = ports.join(',');
      const rule = rules.get(key) ?? { ports, peers: [] };
      rule.peers.push(peer);
      rules.set(key, rule);
    }
    new k8s.KubeNetworkPolicy(this.owner, 'NetworkPolicy', {
      metadata: { name: this.props.name, labels: componentLabels(this.props.identity) },
      spec: {
        podSelector: { matchLabels: selectorLabels(this.props.identity) },
        policyTypes: ['Ingress'],
        ingress: [...rules.values()].map((rule) => ({
          from: rule.peers.map((peer) => ({
            podSelector: { matchLabels: selectorLabels(peer.identity) },
            ...(peer.namespace !== namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } } : {}),
          })),
          ports: rule.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
        })),
      },
    });
  }
}
