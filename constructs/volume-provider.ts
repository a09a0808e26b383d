import { IConstruct } from 'constructs';
import { ComponentIdentity } from './lib/labels';
import { dnsSubdomainSchema, z } from './lib/options';

/** A persistent volume claim a construct is about to create (directly or through an operator). */
export interface VolumeClaimRequest {
  /** Namespace of the claim. */
  readonly namespace: string;
  /** Name of the claim, exactly as the cluster will create it (e.g. `data-identity-service-postgres-0`). */
  readonly claimName: string;
  /** Requested capacity, e.g. `1Gi`. */
  readonly size: string;
  /** The component that owns the claim (for labels on the volume; its replicas are spread over nodes). */
  readonly owner: ComponentIdentity;
  /**
   * Index of the claim among the replicas of its owner (the first StatefulSet pod, CloudNativePG instance or
   * Kafka node of a pool is 0). Local storage puts replicas on different nodes where it has enough of them.
   * @default 0
   */
  readonly replica?: number;
}

/**
 * Where persistent volumes come from. Constructs that create claims register them here; local storage then
 * renders one PersistentVolume per claim, a dynamic provisioner renders nothing.
 */
export interface IVolumeProvider {
  /** StorageClass the claims must use. */
  readonly storageClassName: string;
  /** Reserve storage for `claim`, created by `requester`. */
  registerClaim(requester: IConstruct, claim: VolumeClaimRequest): void;
}

/** What an environment (or cluster) sets for volumes from a dynamic provisioner. */
export const DynamicStorageOptionsSchema = z.strictObject({
  /** StorageClass of the provisioner (it must exist in the cluster), e.g. `gp3` or `local-path`. */
  storageClassName: dnsSubdomainSchema,
});

/** What an environment (or cluster) sets for volumes from a dynamic provisioner. */
export type DynamicStorageOptions = z.infer<typeof DynamicStorageOptionsSchema>;

/**
 * Volumes from a dynamic provisioner that already exists in the cluster (cloud disks,
 * local-path-provisioner): claims need only its StorageClass name, and nothing is rendered.
 */
export class DynamicStorage implements IVolumeProvider {
  /** Claims registered so far (for inspection and tests). */
  public readonly claims: VolumeClaimRequest[] = [];

  /** @param storageClassName the provisioner's StorageClass, e.g. `gp3` or `local-path` */
  public constructor(public readonly storageClassName: string) {}

  public registerClaim(_requester: IConstruct, claim: VolumeClaimRequest): void {
    this.claims.push(claim);
  }
}
