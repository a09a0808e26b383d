/**
 * A small evaluator of rendered NetworkPolicies (networking.k8s.io/v1), for tests that check which flows a set of
 * policies admits: a connection is allowed when the source's egress and the destination's ingress both admit it.
 * A pod no policy of a direction selects is unrestricted in that direction. Named ports are not resolved (such a
 * rule does not match); `ipBlock` peers match endpoints given by address (external hosts, and pods given an `ip`).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { Json, Manifest } from '../helpers';

/** A pod (or an external address) taking part in a flow. */
export interface FlowEnd {
  /** Namespace of the pod; `undefined` for an address outside the cluster. */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** IP address (matched by `ipBlock` peers). */
  readonly ip?: string;
}

/** A connection attempt. */
export interface Flow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

function selects(selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(value as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = Number(bits ?? 32);
  const block = 2 ** (32 - size);
  return Math.floor(ipToNumber(ip) / block) === Math.floor(ipToNumber(base as string) / block);
}

/** The evaluator over one rendered environment. */
export class NetworkPolicies {
  private readonly policies: Manifest[];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();

  public constructor(objects: readonly Manifest[]) {
    this.policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) this.namespaceLabels.set(ns.metadata.name, { ...(ns.metadata.labels ?? {}) });
  }

  /** Labels of `namespace` (Kubernetes always sets kubernetes.io/metadata.name). */
  private labelsOf(namespace: string): Record<string, string> {
    return { ...this.namespaceLabels.get(namespace), 'kubernetes.io/metadata.name': namespace };
  }

  /** Policies of `direction` selecting the pod `end`. */
  private selecting(end: FlowEnd, direction: 'Ingress' | 'Egress'): Manifest[] {
    if (end.namespace === undefined) return [];
    return this.policies.filter((p) => {
      if (p.metadata.namespace !== end.namespace) return false;
      const spec = p.spec as Json;
      const types = (spec.policyTypes as string[] | undefined) ?? (spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);
      return types.includes(direction) && selects(spec.podSelector as Selector, end.labels ?? {});
    });
  }

  private peerMatches(peer: Json, policyNamespace: string, other: FlowEnd): boolean {
    const ipBlock = peer.ipBlock as { cidr: string; except?: string[] } | undefined;
    if (ipBlock !== undefined) {
      return other.ip !== undefined && inCidr(other.ip, ipBlock.cidr) && !(ipBlock.except ?? []).some((c) => inCidr(other.ip as string, c));
    }
    if (other.namespace === undefined) return false;
    const namespaceSelector = peer.namespaceSelector as Selector | undefined;
    const podSelector = peer.podSelector as Selector | undefined;
    const namespaceOk = namespaceSelector !== undefined ? selects(namespaceSelector, this.labelsOf(other.namespace)) : other.namespace === policyNamespace;
    return namespaceOk && selects(podSelector, other.labels ?? {});
  }

  private portMatches(ports: Json[] | undefined, flow: Flow): boolean {
    if (ports === undefined || ports.length === 0) return true;
    return ports.some((p) => {
      const protocol = (p.protocol as string | undefined) ?? 'TCP';
      if (protocol !== (flow.protocol ?? 'TCP')) return false;
      if (p.port === undefined) return true;
      if (typeof p.port !== 'number') return false;
      const end = (p.endPort as number | undefined) ?? p.port;
      return flow.port >= p.port && flow.port <= end;
    });
  }

  private admits(end: FlowEnd, other: FlowEnd, direction: 'Ingress' | 'Egress', flow: Flow): boolean {
    const policies = this.selecting(end, direction);
    if (policies.length === 0) return true;
    return policies.some((p) => {
      const rules = ((p.spec as Json)[direction === 'Ingress' ? 'ingress' : 'egress'] ?? []) as Json[];
      return rules.some((rule) => {
        const peers = rule[direction === 'Ingress' ? 'from' : 'to'] as Json[] | undefined;
        const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => this.peerMatches(peer, p.metadata.namespace as string, other));
        return peerOk && this.portMatches(rule.ports as Json[] | undefined, flow);
      });
    });
  }

  /** True when the source's egress and the destination's ingress both admit `flow`. */
  public allows(flow: Flow): boolean {
    return this.admits(flow.from, flow.to, 'Egress', flow) && this.admits(flow.to, flow.from, 'Ingress', flow);
  }
}
