/**
 * `schema/structure`: rules the API server enforces on workloads beyond their schema, which the schema
 * check cannot see because they relate two fields of one object.
 *
 * - A workload's `spec.selector` must select its own pod template (the API server refuses the object:
 *   "selector does not match template labels"); apps/v1 workloads refuse an empty selector; a Job's selector is
 *   generated unless `manualSelector: true`.
 * - Container names are unique within a pod (init, app and ephemeral containers share one name space).
 * - Every `volumeMount` and `volumeDevice` names a volume the pod declares (StatefulSet claim templates count).
 */
import type { ObjectReporter } from './findings';
import { at, child, isRecord, JsonRecord, list, str, stringMap } from './json';
import { containersOf, podTemplateOf, PodTemplate } from './pods';

/** Rule id of structural findings (not exemptable: the API server rejects the object). */
export const STRUCTURE_RULE = 'schema/structure';

/** Workloads whose `spec.selector` (a LabelSelector) must select their pod template, and where it lives. */
const SELECTORS: Readonly<Record<string, { readonly spec: readonly string[]; readonly generated: boolean }>> = {
  'apps/Deployment': { spec: ['spec'], generated: false },
  'apps/StatefulSet': { spec: ['spec'], generated: false },
  'apps/DaemonSet': { spec: ['spec'], generated: false },
  'apps/ReplicaSet': { spec: ['spec'], generated: false },
  // Jobs generate their selector (controller-uid) unless manualSelector is true.
  'batch/Job': { spec: ['spec'], generated: true },
  'batch/CronJob': { spec: ['spec', 'jobTemplate', 'spec'], generated: true },
};

function groupKind(object: JsonRecord): string {
  const apiVersion = str(object.apiVersion) ?? '';
  const slash = apiVersion.indexOf('/');
  return `${slash >= 0 ? apiVersion.slice(0, slash) : ''}/${str(object.kind) ?? ''}`;
}

/** Describe what a template carries for one label key: `template has "web"` / `template has no such label`. */
function templateHas(labels: Readonly<Record<string, string>>, key: string): string {
  return labels[key] === undefined ? 'template has no such label' : `template has ${JSON.stringify(labels[key])}`;
}

/** The requirements of a LabelSelector the labels do not meet, described for a message. */
function unmetRequirements(selector: JsonRecord, labels: Readonly<Record<string, string>>): { readonly matchLabels: string[]; readonly matchExpressions: string[] } {
  const unmet: string[] = [];
  const unmetExpressions: string[] = [];
  for (const [k, v] of Object.entries(stringMap(selector.matchLabels))) {
    if (labels[k] !== v) unmet.push(`${k}=${v}: ${templateHas(labels, k)}`);
  }
  for (const expression of list(selector.matchExpressions)) {
    if (!isRecord(expression)) continue;
    const k = str(expression.key);
    const operator = str(expression.operator);
    if (k === undefined || operator === undefined) continue; // the schema check reports missing fields
    const values = list(expression.values).filter((x): x is string => typeof x === 'string');
    const value = labels[k];
    const met = operator === 'In' ? value !== undefined && values.includes(value)
      : operator === 'NotIn' ? value === undefined || !values.includes(value)
        : operator === 'Exists' ? value !== undefined
          : operator === 'DoesNotExist' ? value === undefined
            : true; // an unknown operator is the schema's (or the API server's) to report
    if (!met) unmetExpressions.push(`${k} ${operator}${values.length > 0 ? ` (${values.join(', ')})` : ''}: ${templateHas(labels, k)}`);
  }
  return { matchLabels: unmet, matchExpressions: unmetExpressions };
}

function checkSelector(object: JsonRecord, template: PodTemplate, report: ObjectReporter): void {
  const where = SELECTORS[groupKind(object)];
  if (where === undefined) return;
  const spec = at(object, ...where.spec);
  if (!isRecord(spec) || spec.selector === undefined) return; // a missing required selector is a schema finding
  const kind = str(object.kind) ?? 'workload';
  const path = `${where.spec.join('.')}.selector`;
  const selector = isRecord(spec.selector) ? spec.selector : {};
  if (where.generated && spec.manualSelector !== true) {
    report.error(STRUCTURE_RULE, path, `${kind} sets a selector without manualSelector: true; the API server generates the selector of Jobs (controller-uid) and refuses one written by hand`, spec.selector,
      `remove ${path} (or set ${where.spec.join('.')}.manualSelector: true, with labels unique to this Job)`);
    return;
  }
  if (Object.keys(stringMap(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0) {
    if (!where.generated) {
      report.error(STRUCTURE_RULE, path, `empty selector is invalid for a ${kind}: it would select every pod of the namespace, so the API server refuses it`, spec.selector,
        "select the pod template's identity labels (app.kubernetes.io/name and app.kubernetes.io/instance) in matchLabels");
    }
    return;
  }
  const requirements = unmetRequirements(selector, template.labels);
  const unmet = [...requirements.matchLabels, ...requirements.matchExpressions];
  if (unmet.length > 0) {
    const field = requirements.matchLabels.length > 0 ? 'matchLabels' : 'matchExpressions';
    report.error(STRUCTURE_RULE, `${path}.${field}`, `selector does not match template labels (${unmet.join('; ')}), so the API server refuses the ${kind}`, selector[field],
      `use the same labels in ${path}.matchLabels and the pod template's metadata.labels (renderDeployment and the StatefulSet constructs derive both from one identity)`);
  }
}

/** Check the structural rules of one object. */
export function checkStructure(object: JsonRecord, report: ObjectReporter): void {
  const template = podTemplateOf(object);
  if (template === undefined) return;
  checkSelector(object, template, report);

  const volumes = new Set<string>();
  for (const v of list(template.spec.volumes)) {
    const name = isRecord(v) ? str(v.name) : undefined;
    if (name !== undefined) volumes.add(name);
  }
  // StatefulSet claim templates provide volumes too.
  for (const t of list(at(object, 'spec', 'volumeClaimTemplates'))) {
    const name = str(at(t, 'metadata', 'name'));
    if (name !== undefined) volumes.add(name);
  }
  const seen = new Map<string, string>();
  for (const c of containersOf(template)) {
    const name = str(c.container.name);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        report.error(STRUCTURE_RULE, child(c.path, 'name'), `container name '${name}' is used twice in the pod (also ${first}); the API server refuses the pod template`, name,
          'give every container, init container and ephemeral container of the pod its own name');
      } else {
        seen.set(name, c.path);
      }
    }
    for (const field of ['volumeMounts', 'volumeDevices'] as const) {
      list(c.container[field]).forEach((m, i) => {
        const volume = isRecord(m) ? str(m.name) : undefined;
        if (volume === undefined || volumes.has(volume)) return;
        report.error(STRUCTURE_RULE, `${child(child(c.path, field), i)}.name`, `container '${c.name}' ${field === 'volumeMounts' ? 'mounts' : 'attaches'} volume '${volume}', which the pod does not declare (volumes: ${[...volumes].sort().join(', ') || 'none'})`, volume,
          'declare the volume in the pod spec (spec.volumes or a StatefulSet volumeClaimTemplate) or fix the mount name');
      });
    }
  }
}
