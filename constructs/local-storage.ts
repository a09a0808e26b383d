import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { contextOf, recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { dnsSubdomainProblem, joinName } from './lib/names';
import { dnsLabelSchema, refuse, uniqueList, withFix, z } from './lib/options';
import { onPrepare } from './lib/prepare';
import { quantityProblem } from './lib/resources';
import { appendTo } from './lib/maps';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider, VolumeClaimRequest } from './volume-provider';

/** A node's name: the value of its `kubernetes.io/hostname` label. */
const nodeNameSchema = z.string().superRefine((node, ctx) => {
  const problem = dnsSubdomainProblem(node);
  if (problem) refuse(ctx, `${problem} (it must equal the node's kubernetes.io/hostname label)`, 'copy the node name from `kubectl get nodes`');
});

/** What an environment (or cluster) may set on `LocalStorage`. */
export const LocalStorageOptionsSchema = z.strictObject({
  /**
   * Nodes (their `kubernetes.io/hostname` labels) whose disks hold the volumes. The replicas of one workload
   * go to different nodes: replica `i` of a workload is on `nodes[i % nodes.length]`. Volumes are immutable
   * once created, so changing this list moves existing volumes to other nodes only with a data migration.
   */
  nodes: withFix(uniqueList(nodeNameSchema, 'node').refine((nodes) => nodes.length > 0, { error: 'must list at least one node holding the volumes' }),
    "copy the node names from `kubectl get nodes`, e.g. ['ip-10-1-91-144']"),
  /**
   * Name of the StorageClass.
   * @default 'local-storage'
   */
  storageClassName: dnsLabelSchema.optional(),
  /**
   * Directory on the node under which every volume gets its own directory (`<root>/<volume name>`).
   * The directories must exist on the node before the pods start (see README, "Local storage").
   * @default '/mnt/data'
   */
  root: withFix(z.string().refine((root) => root.startsWith('/') && root !== '/' && !root.split('/').includes('..'), { error: 'must be an absolute directory other than / (without ..)' }),
    "use a dedicated directory such as '/mnt/data'").optional(),
});

/** What an environment (or cluster) may set on `LocalStorage`. */
export type LocalStorageOptions = z.infer<typeof LocalStorageOptionsSchema>;

/** Props of `LocalStorage`. */
export interface LocalStorageProps extends LocalStorageOptions {}

/**
 * Local volumes on the cluster's nodes: a StorageClass without provisioner (`WaitForFirstConsumer`) and one
 * PersistentVolume per claim registered by other constructs.
 *
 * The volumes are derived from the claims, never listed by hand: every PersistentVolume is reserved for its
 * claim (`claimRef`) and pinned to a node with node affinity, the replicas of one workload on different nodes.
 * Volumes are `Retain`ed, so deleting a claim never deletes data. In production, a workload whose replicas
 * would share a node (fewer nodes than replicas) is an error: losing that node would take several down.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#local
 */
export class LocalStorage extends Construct implements IVolumeProvider {
  public readonly storageClassName: string;
  /** Nodes holding the volumes. */
  public readonly nodes: readonly string[];
  public readonly root: string;
  /** Claims registered so far, in registration order. */
  public readonly claims: VolumeClaimRequest[] = [];
  private readonly volumeNames = new Set<string>();
  /** Per owner (`<namespace>/<instance>`): its replicas' nodes. */
  private readonly replicaNodes = new Map<string, string[]>();

  public constructor(scope: Construct, id: string, props: LocalStorageProps) {
    super(scope, id);
    this.storageClassName = props.storageClassName ?? 'local-storage';
    this.nodes = Array.isArray(props.nodes) ? [...props.nodes] : [];
    this.root = (props.root ?? '/mnt/data').replace(/\/+$/, '');

    const check = new PropsValidator(this, `LocalStorage '${id}'`);
    check.props(LocalStorageOptionsSchema, props, [], 'local storage');
    const chartNamespace = Chart.of(this).namespace;
    check.check(chartNamespace === undefined, 'scope', 'renders cluster-scoped objects, so its chart must not have a namespace', chartNamespace, 'create it in an application chart without a namespace');
    check.throwIfInvalid();

    new k8s.KubeStorageClass(this, 'StorageClass', {
      metadata: {
        name: this.storageClassName,
        labels: componentLabels({ name: 'local-storage', instance: this.storageClassName, component: 'storage' }),
      },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Retain',
    });

    // Every claim is registered while the applications are built: check the placement once they all are.
    onPrepare(this, 'derive', () => this.checkPlacement());
  }

  /** In production: workloads whose replicas' volumes share a node. */
  private checkPlacement(): void {
    if (contextOf(this).stage !== 'production') return;
    const check = new PropsValidator(this, 'local storage');
    for (const [key, nodes] of this.replicaNodes) {
      const distinct = [...new Set(nodes)];
      if (nodes.length < 2 || distinct.length === nodes.length) continue;
      check.add('nodes', `the ${nodes.length} replicas of '${key}' would have their volumes on ${distinct.length} node${distinct.length === 1 ? '' : 's'} (${distinct.join(', ')}), so losing one node would take several replicas down (stage 'production')`,
        this.nodes, `list at least ${nodes.length} nodes in storage.nodes, or use a dynamic provisioner (storage: { mode: 'dynamic', storageClassName })`);
    }
    check.throwIfInvalid();
  }

  /** Render a PersistentVolume reserved for `claim` and make the requester's application depend on this one. */
  public registerClaim(requester: IConstruct, claim: VolumeClaimRequest): void {
    const check = new PropsValidator(requester, `LocalStorage claim '${claim.namespace}/${claim.claimName}'`);
    const sizeProblem = quantityProblem(claim.size, 'storage');
    if (sizeProblem) check.add('size', `'size' ${sizeProblem}`, claim.size, "request a size such as '1Gi'");
    check.dnsLabel('namespace', claim.namespace);
    let name = '';
    try {
      name = joinName(claim.namespace, claim.claimName);
    } catch (e) {
      check.add('claimName', (e as Error).message, claim.claimName, 'shorten the claim or namespace name');
    }
    if (claim.replica !== undefined) check.integer('replica', claim.replica, 0);
    if (name && this.volumeNames.has(name)) {
      check.add('claimName', `claim '${claim.namespace}/${claim.claimName}' is registered twice`, claim.claimName, 'register each claim once');
    }
    check.throwIfInvalid();

    this.volumeNames.add(name);
    this.claims.push(claim);
    recordDependency(requester, this);
    const replica = claim.replica ?? 0;
    const node = this.nodes[replica % this.nodes.length] as string;
    const ownerKey = `${claim.namespace}/${claim.owner.instance}`;
    appendTo(this.replicaNodes, ownerKey, node);
    const volume = new k8s.KubePersistentVolume(this, `Volume-${name}`, {
      metadata: {
        name,
        labels: componentLabels({ name: 'local-volume', instance: name, component: 'storage', version: claim.owner.version }),
      },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(claim.size) },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: this.storageClassName,
        volumeMode: 'Filesystem',
        local: { path: `${this.root}/${name}` },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.namespace, name: claim.claimName },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }],
          },
        },
      },
    });
    requireConfirmedDeletion(volume);
  }
}
