/**
 * A service mesh a workload joins: the pod annotations that mesh it, and the Pod Security level its injected
 * containers need (a namespace enforcing a stricter level refuses the pods).
 */
import type { IConstruct } from 'constructs';

/** Pod Security Standards levels, least to most permissive. */
export type PodSecurityRequirement = 'restricted' | 'baseline' | 'privileged';

const ORDER: readonly PodSecurityRequirement[] = ['restricted', 'baseline', 'privileged'];

/** True when a namespace enforcing `enforced` admits pods that need `needed`. */
export function podSecurityAdmits(enforced: PodSecurityRequirement, needed: PodSecurityRequirement): boolean {
  return ORDER.indexOf(needed) <= ORDER.indexOf(enforced);
}

/** A service mesh (its control plane is an application: meshed workloads are synced after it). */
export interface IServiceMesh extends IConstruct {
  /** The mesh (`linkerd`), for messages. */
  readonly meshName: string;
  /** The Pod Security level a meshed pod needs once the mesh has injected its containers. */
  readonly meshedPodSecurity: PodSecurityRequirement;
  /** Why meshed pods need that level, and how to need less (for the error a stricter namespace gives). */
  readonly podSecurityReason: string;
  /** Pod annotations meshing a workload whose connections to `skipOutboundPorts` bypass the proxy. */
  podAnnotations(skipOutboundPorts: readonly number[]): Record<string, string>;
}

/**
 * Something a workload connects to over a protocol of its own (PostgreSQL, Redis, Kafka): its traffic bypasses the
 * mesh proxy (the engine speaks its own TLS; Kafka clients connect to every broker directly). `PostgresDatabase`
 * and `Redis` (by their `port`) and `KafkaPlatform` (by its listeners' bootstrap addresses) are such dependencies.
 */
export type OpaqueDependency =
  | (IConstruct & { readonly port: number })
  | (IConstruct & { readonly bootstrap: { readonly plain: string; readonly tls: string } });

/** The ports a workload's mesh proxy skips for `dependency`. */
export function outboundPortsOf(dependency: OpaqueDependency): number[] {
  if ('port' in dependency) return [dependency.port];
  return [dependency.bootstrap.plain, dependency.bootstrap.tls].map((address) => Number(address.slice(address.lastIndexOf(':') + 1)));
}
