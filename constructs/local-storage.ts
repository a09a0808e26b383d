import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { contextOf, recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { dnsSubdomainProblem, joinName } from './lib/names';
import { quantityProblem } from './lib/resources';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider, VolumeClaimRequest } from './volume-provider';

/** Props of `LocalStorage`. */
export interface LocalStorageProps {
  /**
   * Nodes (their `kubernetes.io/hostname` labels) whose disks hold the volumes. The replicas of one workload
   * go to different nodes: replica `i` of a workload is on `nodes[i % nodes.length]`. Volumes are immutable
   * once created, so changing this list moves existing volumes to other nodes only with a data migration.
   */
  readonly nodes: readonly string[];
  /**
   * Name of the StorageClass.
   * @default 'local-storage'
   */
  readonly storageClassName?: string;
  /**
   * Directory on the node under which every volume gets its own directory (`<root>/<volume name>`).
   * The directories must exist on the node before the pods start (see README, "Local storage").
   * @default '/mnt/data'
   */
  readonly root?: string;
}

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
    check.dnsLabel('storageClassName', this.storageClassName);
    check.check(this.nodes.length > 0, 'nodes', "'nodes' must list at least one node holding the volumes", props.nodes, 'copy the node names from `kubectl get nodes`');
    this.nodes.forEach((node, i) => {
      const problem = dnsSubdomainProblem(node);
      if (problem) check.add(`nodes[${i}]`, `'nodes[${i}]' ${problem} (it must equal the node's kubernetes.io/hostname label)`, node, 'copy the node name from `kubectl get nodes`');
      else if (this.nodes.indexOf(node) !== i) check.add(`nodes[${i}]`, `'nodes[${i}]' lists node '${node}' twice`, node, 'list each node once');
    });
    check.check(this.root.startsWith('/') && !this.root.split('/').includes('..') && this.root.length > 1, 'root', "'root' must be an absolute directory other than /", props.root, "use a dedicated directory such as '/mnt/data'");
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

    this.node.addValidation({ validate: () => this.sharedNodeProblems() });
  }

  /** In production: workloads whose replicas' volumes share a node. */
  private sharedNodeProblems(): string[] {
    if (contextOf(this).stage !== 'production') return [];
    const problems: string[] = [];
    for (const [key, nodes] of this.replicaNodes) {
      if (nodes.length < 2 || new Set(nodes).size === nodes.length) continue;
      problems.push(`the ${nodes.length} replicas of '${key}' would have their volumes on ${new Set(nodes).size} node${new Set(nodes).size === 1 ? '' : 's'} (${[...new Set(nodes)].join(', ')}), so losing one node would take several replicas down; list at least ${nodes.length} nodes in storage.nodes of the environment file, or use a dynamic provisioner`);
    }
    return problems;
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
    this.replicaNodes.set(ownerKey, [...(this.replicaNodes.get(ownerKey) ?? []), node]);
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
