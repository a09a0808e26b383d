/**
 * `schema/structure`: rules the API server enforces on workloads beyond their schema, which the schema
 * check cannot see because they relate two fields of one object.
 *
 * - A workload's `spec.selector.matchLabels` must match its pod template's labels (the API server refuses the
 *   object: "selector does not match template labels").
 * - Container names are unique within a pod (init, app and ephemeral containers share one name space).
 * - Every `volumeMount` names a volume the pod declares.
 */
import type { ObjectReporter } from './findings';
import { at, child, isRecord, JsonRecord, list, str, stringMap } from './json';
import { containersOf, podTemplateOf } from './pods';

/** Rule id of structural findings (not exemptable: the API server rejects the object). */
export const STRUCTURE_RULE = 'schema/structure';

/** Workloads whose selector must match their pod template (`spec.selector` is a LabelSelector). */
const SELECTOR_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'apps/ReplicaSet']);

function groupKind(object: JsonRecord): string {
  const apiVersion = str(object.apiVersion) ?? '';
  const slash = apiVersion.indexOf('/');
  return `${slash >= 0 ? apiVersion.slice(0, slash) : ''}/${str(object.kind) ?? ''}`;
}

/** Check the structural rules of one object. */
export function checkStructure(object: JsonRecord, report: ObjectReporter): void {
  const template = podTemplateOf(object);
  if (template === undefined) return;

  if (SELECTOR_KINDS.has(groupKind(object))) {
    const selector = stringMap(at(object, 'spec', 'selector', 'matchLabels'));
    const mismatched = Object.entries(selector).filter(([k, v]) => template.labels[k] !== v);
    if (mismatched.length > 0) {
      report.error(STRUCTURE_RULE, 'spec.selector.matchLabels', `selector does not match the pod template's labels (${mismatched.map(([k, v]) => `${k}=${v}: template has ${template.labels[k] === undefined ? 'no such label' : JSON.stringify(template.labels[k])}`).join('; ')}), so the API server refuses the ${str(object.kind) ?? 'workload'}`,
        selector, 'use the same labels in spec.selector.matchLabels and spec.template.metadata.labels (renderDeployment and the StatefulSet constructs derive both from one identity)');
    }
  }

  const seen = new Map<string, string>();
  const volumes = new Set(list(template.spec.volumes).filter(isRecord).map((v) => str(v.name)).filter((n): n is string => n !== undefined));
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
    list(c.container.volumeMounts).forEach((m, i) => {
      const volume = isRecord(m) ? str(m.name) : undefined;
      if (volume === undefined || volumes.has(volume)) return;
      // StatefulSet claim templates provide volumes too.
      const claims = list(at(object, 'spec', 'volumeClaimTemplates')).map((t) => str(at(t, 'metadata', 'name')));
      if (claims.includes(volume)) return;
      report.error(STRUCTURE_RULE, `${child(child(c.path, 'volumeMounts'), i)}.name`, `container '${c.name}' mounts volume '${volume}', which the pod does not declare (volumes: ${[...volumes, ...claims.filter((n): n is string => n !== undefined)].sort().join(', ') || 'none'})`, volume,
        'declare the volume in the pod spec (spec.volumes or a StatefulSet volumeClaimTemplate) or fix the mount name');
    });
  }
}
