import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { joinName } from './lib/names';
import { quantityProblem } from './lib/resources';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider, VolumeClaimRequest } from './volume-provider';

/** Props of `LocalStorage`. */
export interface LocalStorageProps {
  /** Node (its `kubernetes.io/hostname` label) whose disks hold the volumes. */
  readonly nodeName: string;
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
 * Local volumes on one node: a StorageClass without provisioner (`WaitForFirstConsumer`) and one
 * PersistentVolume per claim registered by other constructs.
 *
 * The volumes are derived from the claims, never listed by hand: every PersistentVolume is reserved for its
 * claim (`claimRef`) and pinned to the node with node affinity. Volumes are `Retain`ed, so deleting a claim
 * never deletes data.
 *
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#local
 */
export class LocalStorage extends Construct implements IVolumeProvider {
  public readonly storageClassName: string;
  /** Node holding the volumes. */
  public readonly nodeName: string;
  public readonly root: string;
  /** Claims registered so far, in registration order. */
  public readonly claims: VolumeClaimRequest[] = [];
  private readonly volumeNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: LocalStorageProps) {
    super(scope, id);
    this.storageClassName = props.storageClassName ?? 'local-storage';
    this.nodeName = props.nodeName;
    this.root = (props.root ?? '/mnt/data').replace(/\/+$/, '');

    const check = new PropsValidator(this, `LocalStorage '${id}'`);
    check.dnsLabel('storageClassName', this.storageClassName);
    check.check(typeof props.nodeName === 'string' && props.nodeName.length > 0, 'nodeName', "'nodeName' must name the node holding the volumes", props.nodeName, 'copy the node name from `kubectl get nodes`');
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
    if (name && this.volumeNames.has(name)) {
      check.add('claimName', `claim '${claim.namespace}/${claim.claimName}' is registered twice`, claim.claimName, 'register each claim once');
    }
    check.throwIfInvalid();

    this.volumeNames.add(name);
    this.claims.push(claim);
    recordDependency(requester, this);
    new k8s.KubePersistentVolume(this, `Volume-${name}`, {
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
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [this.nodeName] }] }],
          },
        },
      },
    });
  }
}
