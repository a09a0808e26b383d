/**
 * Changes a reviewer must not miss, flagged at the top of a rendered diff:
 *
 * - any deleted object (stateful kinds get a data-loss warning);
 * - storage size or class of a PersistentVolumeClaim, a StatefulSet volumeClaimTemplate, a KafkaNodePool,
 *   a CloudNativePG Cluster (data and WAL storage) or a PersistentVolume;
 * - pod selectors of Deployments, StatefulSets, DaemonSets and ReplicaSets (immutable) and Service selectors;
 * - fewer replicas (Deployment, StatefulSet, KafkaNodePool, CloudNativePG instances) in a production-stage
 *   environment;
 * - partitions or replicas of a Strimzi KafkaTopic.
 */
import { describeRef, ObjectChange } from './compare';
import { at } from '../../constructs/lib/json';
import { ParsedObject } from './tree';

/** One flagged change. */
export interface Risk {
  readonly env: string;
  readonly app: string;
  readonly object: string;
  readonly message: string;
}

const STATEFUL_KINDS = new Set(['PersistentVolumeClaim', 'PersistentVolume', 'StatefulSet', 'Cluster', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'Namespace']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

function show(value: unknown): string {
  if (value === undefined) return '(unset)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** A Kubernetes quantity in base units (`10Gi` -> 10737418240), or `undefined` when not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9.]+)(?:[eE]([-+]?[0-9]+))?([a-zA-Z]*)$/.exec(value.trim());
  if (!match) return undefined;
  const unit = UNITS[match[3] ?? ''];
  if (unit === undefined) return undefined;
  return Number(match[1]) * 10 ** Number(match[2] ?? 0) * unit;
}

/** Size change text with its direction (`1Gi -> 2Gi (increase)`). */
function sizeChange(what: string, from: unknown, to: unknown, consequence: { increase: string; decrease: string }): string {
  const a = parseQuantity(from);
  const b = parseQuantity(to);
  const direction = a === undefined || b === undefined ? '' : b < a ? ` (decrease: ${consequence.decrease})` : b > a ? ` (increase: ${consequence.increase})` : '';
  return `${what} ${show(from)} -> ${show(to)}${direction}`;
}

/** What a size change of each kind of storage means. */
const CONSEQUENCES = {
  claim: { increase: 'the claim is expanded only if its StorageClass sets allowVolumeExpansion', decrease: 'volumes cannot shrink, the apply fails' },
  template: { increase: 'existing claims are not resized', decrease: 'volumes cannot shrink' },
  volume: { increase: 'the disk behind the PersistentVolume is not resized', decrease: 'the disk behind the PersistentVolume is not resized' },
  operator: { increase: 'the operator expands the volumes only if their StorageClass allows expansion', decrease: 'volumes cannot shrink, the operator refuses the change' },
} as const;

/** Size and class changes between two storage specs (PVC-style or operator-style fields). */
function storageChanges(prefix: string, before: unknown, after: unknown, fields: { size: readonly string[]; klass: readonly string[] }, consequence: { increase: string; decrease: string }): string[] {
  const out: string[] = [];
  const from = at(before, ...fields.size);
  const to = at(after, ...fields.size);
  if (!same(from, to)) out.push(sizeChange(`${prefix} size`, from, to, consequence));
  const classFrom = at(before, ...fields.klass);
  const classTo = at(after, ...fields.klass);
  if (!same(classFrom, classTo)) out.push(`${prefix} StorageClass ${show(classFrom)} -> ${show(classTo)} (existing volumes keep their class; data must be migrated)`);
  return out;
}

function byName(list: unknown, nameOf: (item: unknown) => unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(list)) {
    list.forEach((item, i) => {
      const name = nameOf(item);
      out.set(typeof name === 'string' || typeof name === 'number' ? String(name) : `#${i}`, item);
    });
  }
  return out;
}

function replicaDrop(what: string, from: unknown, to: unknown): string | undefined {
  const a = typeof from === 'number' ? from : undefined;
  const b = typeof to === 'number' ? to : undefined;
  if (a !== undefined && b !== undefined && b < a) return `${what} ${a} -> ${b} in a production environment`;
  return undefined;
}

/** Flagged messages for one changed object (both sides present). */
function changedRisks(kind: string, group: string, before: ParsedObject, after: ParsedObject, production: boolean): string[] {
  const out: string[] = [];
  if (kind === 'PersistentVolumeClaim') {
    out.push(...storageChanges('claim', before, after, { size: ['spec', 'resources', 'requests', 'storage'], klass: ['spec', 'storageClassName'] }, CONSEQUENCES.claim));
  }
  if (kind === 'PersistentVolume') {
    out.push(...storageChanges('volume', before, after, { size: ['spec', 'capacity', 'storage'], klass: ['spec', 'storageClassName'] }, CONSEQUENCES.volume));
    if (!same(at(before, 'spec', 'local', 'path'), at(after, 'spec', 'local', 'path'))) {
      out.push(`local path ${show(at(before, 'spec', 'local', 'path'))} -> ${show(at(after, 'spec', 'local', 'path'))} (PersistentVolume specs are immutable; existing data stays at the old path)`);
    }
  }
  if (kind === 'StatefulSet') {
    const oldTemplates = byName(at(before, 'spec', 'volumeClaimTemplates'), (t) => at(t, 'metadata', 'name'));
    const newTemplates = byName(at(after, 'spec', 'volumeClaimTemplates'), (t) => at(t, 'metadata', 'name'));
    for (const [name, template] of newTemplates) {
      const old = oldTemplates.get(name);
      if (old === undefined) {
        out.push(`volume claim template '${name}' added (volumeClaimTemplates are immutable: the StatefulSet must be re-created)`);
        continue;
      }
      const found = storageChanges(`volume claim template '${name}'`, old, template, { size: ['spec', 'resources', 'requests', 'storage'], klass: ['spec', 'storageClassName'] }, CONSEQUENCES.template);
      out.push(...found.map((m) => `${m}; volumeClaimTemplates are immutable: the StatefulSet must be deleted with --cascade=orphan and re-created`));
    }
    for (const name of oldTemplates.keys()) {
      if (!newTemplates.has(name)) out.push(`volume claim template '${name}' removed (volumeClaimTemplates are immutable: the StatefulSet must be re-created)`);
    }
  }
  if (kind === 'KafkaNodePool' && group === 'kafka.strimzi.io') {
    const oldStorage = at(before, 'spec', 'storage');
    const newStorage = at(after, 'spec', 'storage');
    out.push(...storageChanges('volume', oldStorage, newStorage, { size: ['size'], klass: ['class'] }, CONSEQUENCES.operator));
    if (!same(at(oldStorage, 'type'), at(newStorage, 'type'))) out.push(`storage type ${show(at(oldStorage, 'type'))} -> ${show(at(newStorage, 'type'))}`);
    const oldVolumes = byName(at(oldStorage, 'volumes'), (v) => at(v, 'id'));
    const newVolumes = byName(at(newStorage, 'volumes'), (v) => at(v, 'id'));
    for (const id of new Set([...oldVolumes.keys(), ...newVolumes.keys()])) {
      out.push(...storageChanges(`JBOD volume ${id}`, oldVolumes.get(id), newVolumes.get(id), { size: ['size'], klass: ['class'] }, CONSEQUENCES.operator));
    }
    const drop = production ? replicaDrop('replicas', at(before, 'spec', 'replicas'), at(after, 'spec', 'replicas')) : undefined;
    if (drop) out.push(`${drop} (removing brokers needs their partitions moved first)`);
  }
  if (kind === 'Cluster' && group === 'postgresql.cnpg.io') {
    out.push(...storageChanges('data storage', at(before, 'spec', 'storage'), at(after, 'spec', 'storage'), { size: ['size'], klass: ['storageClass'] }, CONSEQUENCES.operator));
    out.push(...storageChanges('WAL storage', at(before, 'spec', 'walStorage'), at(after, 'spec', 'walStorage'), { size: ['size'], klass: ['storageClass'] }, CONSEQUENCES.operator));
    const drop = production ? replicaDrop('instances', at(before, 'spec', 'instances'), at(after, 'spec', 'instances')) : undefined;
    if (drop) out.push(drop);
  }
  if (WORKLOAD_KINDS.has(kind)) {
    if (!same(at(before, 'spec', 'selector'), at(after, 'spec', 'selector'))) {
      out.push(`pod selector changed from ${show(at(before, 'spec', 'selector'))} to ${show(at(after, 'spec', 'selector'))} (selectors are immutable: the apply fails until the ${kind} is re-created)`);
    }
    if (production && kind !== 'DaemonSet') {
      const drop = replicaDrop('replicas', at(before, 'spec', 'replicas') ?? 1, at(after, 'spec', 'replicas') ?? 1);
      if (drop) out.push(drop);
    }
  }
  if (kind === 'Service' && group === '' && !same(at(before, 'spec', 'selector'), at(after, 'spec', 'selector'))) {
    out.push(`selector changed from ${show(at(before, 'spec', 'selector'))} to ${show(at(after, 'spec', 'selector'))} (traffic goes to different pods)`);
  }
  if (kind === 'KafkaTopic' && group === 'kafka.strimzi.io') {
    const fromPartitions = at(before, 'spec', 'partitions');
    const toPartitions = at(after, 'spec', 'partitions');
    if (!same(fromPartitions, toPartitions)) {
      const decrease = typeof fromPartitions === 'number' && typeof toPartitions === 'number' && toPartitions < fromPartitions;
      out.push(`partitions ${show(fromPartitions)} -> ${show(toPartitions)}${decrease ? ' (partitions cannot be removed: Strimzi refuses the change)' : ' (keyed messages map to different partitions afterwards)'}`);
    }
    const fromReplicas = at(before, 'spec', 'replicas');
    const toReplicas = at(after, 'spec', 'replicas');
    if (!same(fromReplicas, toReplicas)) out.push(`replicas ${show(fromReplicas)} -> ${show(toReplicas)} (changing the replication factor of an existing topic needs Cruise Control)`);
  }
  return out;
}

/** Every risk of a list of changes. `isProduction(env)` says whether an environment is production-stage. */
export function findRisks(changes: readonly ObjectChange[], isProduction: (env: string) => boolean): Risk[] {
  const risks: Risk[] = [];
  for (const change of changes) {
    const object = describeRef(change.ref);
    const push = (message: string): void => {
      risks.push({ env: change.env, app: change.app, object, message });
    };
    if (change.type === 'deleted') {
      push(STATEFUL_KINDS.has(change.ref.kind)
        ? 'deleted; Argo CD prunes it, and the data it holds (volumes, databases, topics) may be lost with it'
        : 'deleted; Argo CD prunes it from the cluster');
    } else if (change.type === 'changed' && change.before && change.after) {
      for (const message of changedRisks(change.ref.kind, change.ref.group, change.before, change.after, isProduction(change.env))) push(message);
    }
  }
  return risks;
}
