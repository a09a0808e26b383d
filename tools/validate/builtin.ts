/**
 * `schema/builtin`: what the API server's built-in validation refuses although every field fits the OpenAPI schema
 * (the schema has no cross-field rules for built-in kinds). Each check names the Go function of kubernetes
 * `pkg/apis/<group>/validation/validation.go` it is transcribed from, and keeps its message where one exists.
 * Checks work on any object of the kind, whichever construct renders it.
 *
 * ServiceAccount: `ValidateServiceAccount` checks only ObjectMeta (see `schema/metadata`).
 */
import { parseKubernetesQuantity, quantityAsNumber } from '../../constructs/lib/resources';
import { dnsSubdomainProblem } from '../../constructs/lib/names';
import { qualifiedNameProblem } from './metadata';
import type { ObjectReporter } from './findings';
import { at, child, isRecord, JsonRecord, list, num, record, str } from './json';

/** Rule id of built-in API-server rules (not exemptable: the API server rejects the object). */
export const BUILTIN_RULE = 'schema/builtin';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

type Check = (object: JsonRecord, report: ObjectReporter) => void;

function refuse(report: ObjectReporter, path: string, message: string, value: unknown, fix: string, go: string): void {
  report.error(BUILTIN_RULE, path, `${message} (the API server's ${go} refuses it)`, value, fix);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** `ValidateNonnegativeField`: "must be greater than or equal to 0". */
function nonNegative(report: ObjectReporter, spec: JsonRecord, base: string, fields: readonly string[], go: string): void {
  for (const f of fields) {
    const v = spec[f];
    if (typeof v === 'number' && v < 0) refuse(report, `${base}.${f}`, 'must be greater than or equal to 0', v, `set ${f} to 0 or more`, go);
  }
}

/** `path.IsValidPathSegmentName`: names used in URL paths may not be '.', '..' or contain '/' or '%'. */
function pathSegmentProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `may not be '${name}'`;
  if (name.includes('/')) return "may not contain '/'";
  if (name.includes('%')) return "may not contain '%'";
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// rbac.authorization.k8s.io (pkg/apis/rbac/validation/validation.go)
// ---------------------------------------------------------------------------------------------

/** `validatePolicyRule`. */
function checkRules(object: JsonRecord, report: ObjectReporter, namespaced: boolean): void {
  const go = 'validatePolicyRule';
  list(object.rules).forEach((r, i) => {
    const rule = record(r);
    const path = `rules[${i}]`;
    if (list(rule.verbs).length === 0) refuse(report, `${path}.verbs`, 'verbs must contain at least one value', rule.verbs, "list the verbs, e.g. ['get', 'list', 'watch']", go);
    if (list(rule.nonResourceURLs).length > 0) {
      if (namespaced) refuse(report, `${path}.nonResourceURLs`, 'namespaced rules cannot apply to non-resource URLs', rule.nonResourceURLs, 'move the rule to a ClusterRole', go);
      if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
        refuse(report, `${path}.nonResourceURLs`, 'rules cannot apply to both regular resources and non-resource URLs', rule.nonResourceURLs, 'split it into one rule for resources and one for non-resource URLs', go);
      }
      return;
    }
    if (list(rule.apiGroups).length === 0) refuse(report, `${path}.apiGroups`, 'resource rules must supply at least one api group', rule.apiGroups, "list the API groups ('' is the core group), e.g. apiGroups: ['']", go);
    if (list(rule.resources).length === 0) refuse(report, `${path}.resources`, 'resource rules must supply at least one resource', rule.resources, "list the resources, e.g. resources: ['configmaps']", go);
    if (list(rule.resourceNames).length > 0 && list(rule.resources).length > 1) {
      refuse(report, `${path}.resourceNames`, 'resource names cannot apply to multiple resources', rule.resourceNames, 'write one rule per resource when naming resources', go);
    }
  });
}

/** `ValidateRoleBinding` / `ValidateClusterRoleBinding` and `validateRoleBindingSubject`. */
function checkBinding(object: JsonRecord, report: ObjectReporter, namespaced: boolean): void {
  const go = namespaced ? 'ValidateRoleBinding' : 'ValidateClusterRoleBinding';
  const ref = record(object.roleRef);
  if (ref.apiGroup !== RBAC_GROUP) refuse(report, 'roleRef.apiGroup', `must be '${RBAC_GROUP}'`, ref.apiGroup, `set roleRef.apiGroup: ${RBAC_GROUP}`, go);
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(String(ref.kind))) refuse(report, 'roleRef.kind', `must be ${kinds.map((k) => `'${k}'`).join(' or ')}`, ref.kind, namespaced ? 'bind a Role or a ClusterRole' : 'a ClusterRoleBinding binds a ClusterRole (use a RoleBinding for a Role)', go);
  const name = str(ref.name);
  if (name === undefined || name === '') refuse(report, 'roleRef.name', 'is required', ref.name, 'name the role to bind', go);
  else if (pathSegmentProblem(name)) refuse(report, 'roleRef.name', pathSegmentProblem(name) as string, name, 'use the role\'s metadata.name', go);
  list(object.subjects).forEach((s, i) => {
    const subject = record(s);
    const path = `subjects[${i}]`;
    const subjectName = str(subject.name) ?? '';
    const sgo = 'validateRoleBindingSubject';
    if (subjectName === '') refuse(report, `${path}.name`, 'is required', subject.name, 'name the subject', sgo);
    switch (subject.kind) {
      case 'ServiceAccount': {
        const problem = subjectName !== '' ? dnsSubdomainProblem(subjectName) : undefined;
        if (problem) refuse(report, `${path}.name`, `ServiceAccount name ${problem}`, subjectName, 'use the ServiceAccount\'s metadata.name', sgo);
        if (str(subject.apiGroup)) refuse(report, `${path}.apiGroup`, "must be '' for a ServiceAccount", subject.apiGroup, 'remove apiGroup from the ServiceAccount subject', sgo);
        if (!namespaced && !str(subject.namespace)) refuse(report, `${path}.namespace`, 'is required for a ServiceAccount subject of a ClusterRoleBinding', subject.namespace, 'set the ServiceAccount\'s namespace', sgo);
        break;
      }
      case 'User':
      case 'Group':
        if (subject.apiGroup !== RBAC_GROUP) refuse(report, `${path}.apiGroup`, `must be '${RBAC_GROUP}' for a ${String(subject.kind)}`, subject.apiGroup, `set apiGroup: ${RBAC_GROUP}`, sgo);
        break;
      default:
        refuse(report, `${path}.kind`, "must be 'ServiceAccount', 'User' or 'Group'", subject.kind, 'use one of the subject kinds', sgo);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// core: ResourceQuota, LimitRange, Service (pkg/apis/core/validation/validation.go)
// ---------------------------------------------------------------------------------------------

/** `standardQuotaResources` (with the hugepages prefixes) and `integerResources` of pkg/apis/core/helper. */
const QUOTA_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers']);
const INTEGER_RESOURCES = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);
const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

/** `IsResourceQuotaScopeValidForResource`. */
function scopeFits(scope: string, resource: string): boolean {
  if (['Terminating', 'NotTerminating', 'NotBestEffort', 'PriorityClass'].includes(scope)) return resource === 'pods' || POD_COMPUTE.has(resource);
  if (scope === 'BestEffort') return resource === 'pods';
  return true;
}

function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const q = parseKubernetesQuantity(value);
  return typeof q === 'string' ? undefined : quantityAsNumber(q);
}

/** `ValidateResourceQuotaSpec`, `ValidateResourceQuotaResourceName`, `ValidateResourceQuantityValue`, `validateResourceQuotaScopes`. */
function checkResourceQuota(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  const hard = record(spec.hard);
  for (const [name, value] of Object.entries(hard)) {
    const path = child('spec.hard', name);
    const keyProblem = qualifiedNameProblem(name);
    if (keyProblem) refuse(report, path, `resource name ${keyProblem}`, name, 'use a resource such as requests.cpu, limits.memory, pods or count/deployments.apps', 'ValidateResourceQuotaResourceName');
    else if (!name.includes('/') && !QUOTA_RESOURCES.has(name) && !name.startsWith('hugepages-') && !name.startsWith('requests.hugepages-')) {
      refuse(report, path, 'must be a standard resource for quota', name, `use one of ${[...QUOTA_RESOURCES].join(', ')} or count/<resource>.<group>`, 'ValidateResourceQuotaResourceName');
    }
    const amount = quantity(value);
    if (amount !== undefined && amount < 0) refuse(report, path, 'must be greater than or equal to 0', value, 'use a non-negative quantity', 'ValidateNonnegativeQuantity');
    if (amount !== undefined && (INTEGER_RESOURCES.has(name) || name.startsWith('count/')) && !Number.isInteger(amount)) {
      refuse(report, path, 'must be an integer', value, 'object counts are whole numbers', 'ValidateResourceQuantityValue');
    }
  }
  const scopes = list(spec.scopes).filter((s): s is string => typeof s === 'string');
  scopes.forEach((scope, i) => {
    if (!QUOTA_SCOPES.includes(scope)) refuse(report, `spec.scopes[${i}]`, 'unsupported scope', scope, `use one of ${QUOTA_SCOPES.join(', ')}`, 'validateResourceQuotaScopes');
    for (const resource of Object.keys(hard)) {
      if (QUOTA_RESOURCES.has(resource) && !scopeFits(scope, resource)) refuse(report, `spec.scopes[${i}]`, `unsupported scope applied to resource '${resource}'`, scope, `scope ${scope} only limits ${scope === 'BestEffort' ? 'pods' : 'pods, cpu and memory'}; move '${resource}' to another ResourceQuota`, 'validateResourceQuotaScopes');
    }
  });
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']] as const) {
    if (scopes.includes(a) && scopes.includes(b)) refuse(report, 'spec.scopes', 'conflicting scopes', scopes, `use ${a} or ${b}, not both`, 'validateResourceQuotaScopes');
  }
}

/** `ValidateLimitRange`. */
function checkLimitRange(object: JsonRecord, report: ObjectReporter): void {
  const go = 'ValidateLimitRange';
  const types = new Set<string>();
  list(at(object, 'spec', 'limits')).forEach((l, i) => {
    const limit = record(l);
    const path = `spec.limits[${i}]`;
    const type = str(limit.type) ?? '';
    if (!['Pod', 'Container', 'PersistentVolumeClaim'].includes(type) && !type.includes('/')) {
      refuse(report, `${path}.type`, 'must be a standard limit type or fully qualified', limit.type, "use 'Container', 'Pod' or 'PersistentVolumeClaim'", 'validateLimitRangeTypeName');
    }
    if (types.has(type)) refuse(report, `${path}.type`, `duplicate value '${type}'`, type, 'merge the limits of one type into one entry', go);
    types.add(type);
    if (type === 'Pod') {
      for (const f of ['default', 'defaultRequest'] as const) {
        if (Object.keys(record(limit[f])).length > 0) refuse(report, `${path}.${f}`, "may not be specified when `type` is 'Pod'", limit[f], `move ${f} to a limit of type 'Container'`, go);
      }
    }
    if (type === 'PersistentVolumeClaim' && at(limit, 'min', 'storage') === undefined && at(limit, 'max', 'storage') === undefined) {
      refuse(report, `${path}.limits`, 'either minimum or maximum storage value is required, but neither was provided', undefined, 'set min.storage or max.storage', go);
    }
    const values = (f: string): Record<string, number> => Object.fromEntries(Object.entries(record(limit[f])).flatMap(([k, v]) => { const n = quantity(v); return n === undefined ? [] : [[k, n] as const]; }));
    const min = values('min');
    const max = values('max');
    const defaults = values('default');
    const requests = values('defaultRequest');
    const ratios = values('maxLimitRequestRatio');
    const text = (f: string, k: string): string => String(record(limit[f])[k]);
    const keys = new Set([...Object.keys(min), ...Object.keys(max), ...Object.keys(defaults), ...Object.keys(requests), ...Object.keys(ratios)]);
    for (const k of keys) {
      const pair = (a: string, aw: string, b: string, bw: string, at_: string): void => {
        const x = values(a)[k];
        const y = values(b)[k];
        if (x !== undefined && y !== undefined && x > y) refuse(report, child(`${path}.${at_}`, k), `${aw} value ${text(a, k)} is greater than ${bw} value ${text(b, k)}`, record(limit[at_])[k], `make ${a} ≤ ${b} for ${k}`, go);
      };
      pair('min', 'min', 'max', 'max', 'min');
      pair('min', 'min', 'defaultRequest', 'default request', 'defaultRequest');
      pair('defaultRequest', 'default request', 'max', 'max', 'defaultRequest');
      pair('defaultRequest', 'default request', 'default', 'default limit', 'defaultRequest');
      pair('min', 'min', 'default', 'default', 'default');
      pair('default', 'default', 'max', 'max', 'default');
      const ratio = ratios[k];
      if (ratio !== undefined && ratio < 1) refuse(report, child(`${path}.maxLimitRequestRatio`, k), `ratio ${text('maxLimitRequestRatio', k)} is less than 1`, record(limit.maxLimitRequestRatio)[k], 'a limit is never below its request: use a ratio of 1 or more', go);
    }
  });
}

/** `ValidateService` (`validateServicePort`, headless and node-port rules). */
function checkService(object: JsonRecord, report: ObjectReporter): void {
  const go = 'ValidateService';
  const spec = record(object.spec);
  const type = str(spec.type) ?? 'ClusterIP';
  const ports = list(spec.ports).map(record);
  if (type === 'ExternalName') {
    if (!str(spec.externalName)) refuse(report, 'spec.externalName', 'is required for an ExternalName Service', spec.externalName, 'set the DNS name the Service points at', go);
    return;
  }
  if (ports.length === 0 && spec.clusterIP !== 'None') refuse(report, 'spec.ports', 'is required (a Service that is not headless needs at least one port)', spec.ports, 'declare the ports the Service exposes', go);
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && !name) refuse(report, `${path}.name`, 'is required when a Service has more than one port', p.name, 'name every port (http, metrics, ...)', 'validateServicePort');
    if (name) {
      if (names.has(name)) refuse(report, `${path}.name`, `duplicate port name '${name}'`, name, 'give each port its own name', 'validateServicePort');
      names.add(name);
    }
    const id = `${String(p.port)}/${str(p.protocol) ?? 'TCP'}`;
    if (portProtocols.has(id)) refuse(report, `${path}.port`, `duplicate port ${id}`, p.port, 'each port and protocol may appear once', go);
    portProtocols.add(id);
    if (p.nodePort !== undefined && type === 'ClusterIP') refuse(report, `${path}.nodePort`, "may not be used when `type` is 'ClusterIP'", p.nodePort, "remove nodePort or set type: NodePort", go);
  });
  if (spec.clusterIP === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) {
    refuse(report, 'spec.clusterIP', `may not be set to 'None' for ${type} services`, 'None', 'a headless Service is of type ClusterIP', go);
  }
}

// ---------------------------------------------------------------------------------------------
// apps: Deployment, StatefulSet (pkg/apis/apps/validation/validation.go)
// ---------------------------------------------------------------------------------------------

function intOrPercent(value: unknown): { n: number; percent: boolean } | undefined {
  if (isInt(value)) return { n: value, percent: false };
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return m ? { n: Number(m[1]), percent: true } : undefined;
}

function checkPodRestartAlways(object: JsonRecord, report: ObjectReporter, go: string): void {
  const policy = at(object, 'spec', 'template', 'spec', 'restartPolicy');
  if (policy !== undefined && policy !== 'Always') refuse(report, 'spec.template.spec.restartPolicy', "must be 'Always' for a long-running workload", policy, 'remove restartPolicy (Always is the default)', go);
}

/** `ValidateDeploymentSpec`, `ValidateDeploymentStrategy`, `ValidateRollingUpdateDeployment`. */
function checkDeployment(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  nonNegative(report, spec, 'spec', ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'], 'ValidateDeploymentSpec');
  const strategy = record(spec.strategy);
  if (strategy.type === 'Recreate' && strategy.rollingUpdate !== undefined) {
    refuse(report, 'spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'", strategy.rollingUpdate, 'remove rollingUpdate or use type RollingUpdate', 'ValidateDeploymentStrategy');
  }
  const rolling = record(strategy.rollingUpdate);
  const unavailable = intOrPercent(rolling.maxUnavailable);
  const surge = intOrPercent(rolling.maxSurge);
  if (unavailable?.n === 0 && surge?.n === 0) refuse(report, 'spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0 when `maxSurge` is 0', 0, 'allow one extra pod (maxSurge: 1) or one unavailable pod (maxUnavailable: 1)', 'ValidateRollingUpdateDeployment');
  if (unavailable?.percent === true && unavailable.n > 100) refuse(report, 'spec.strategy.rollingUpdate.maxUnavailable', 'must not be greater than 100%', rolling.maxUnavailable, 'use a percentage up to 100%', 'ValidateRollingUpdateDeployment');
  const deadline = num(spec.progressDeadlineSeconds);
  if (deadline !== undefined && deadline <= (num(spec.minReadySeconds) ?? 0)) refuse(report, 'spec.progressDeadlineSeconds', 'must be greater than minReadySeconds', deadline, 'make progressDeadlineSeconds larger than minReadySeconds', 'ValidateDeploymentSpec');
  checkPodRestartAlways(object, report, 'ValidatePodTemplateSpecForReplicaSet');
}

/** `ValidateStatefulSetSpec`. */
function checkStatefulSet(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  nonNegative(report, spec, 'spec', ['replicas', 'minReadySeconds', 'revisionHistoryLimit'], 'ValidateStatefulSetSpec');
  const strategy = record(spec.updateStrategy);
  if (strategy.type === 'OnDelete' && strategy.rollingUpdate !== undefined) {
    refuse(report, 'spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'", strategy.rollingUpdate, 'remove rollingUpdate or use type RollingUpdate', 'ValidateStatefulSetSpec');
  }
  checkPodRestartAlways(object, report, 'ValidateStatefulSetSpec');
}

// ---------------------------------------------------------------------------------------------
// batch: Job, CronJob (pkg/apis/batch/validation/validation.go)
// ---------------------------------------------------------------------------------------------

/** `validateJobSpec` (also for the job template of a CronJob). */
function checkJobSpec(spec: JsonRecord, base: string, report: ObjectReporter): void {
  const go = 'validateJobSpec';
  nonNegative(report, spec, base, ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'], go);
  const mode = str(spec.completionMode) ?? 'NonIndexed';
  if (mode === 'Indexed' && spec.completions === undefined) refuse(report, `${base}.completions`, 'is required when completion mode is Indexed', undefined, 'set completions to the number of indexes', go);
  if (mode !== 'Indexed') {
    for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
      if (spec[f] !== undefined) refuse(report, `${base}.${f}`, 'requires indexed completion mode', spec[f], "set completionMode: Indexed or remove it", go);
    }
  }
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) refuse(report, `${base}.backoffLimitPerIndex`, 'is required when maxFailedIndexes is specified', undefined, 'set backoffLimitPerIndex', go);
  const restart = at(spec, 'template', 'spec', 'restartPolicy');
  const restartPath = `${base}.template.spec.restartPolicy`;
  if (restart === undefined || restart === 'Always' || restart === '') {
    refuse(report, restartPath, 'is required: valid values: "OnFailure", "Never"', restart, "set restartPolicy: OnFailure (or Never) on the Job's pod template", go);
  } else if (restart !== 'OnFailure' && restart !== 'Never') {
    refuse(report, restartPath, 'unsupported value: valid values: "OnFailure", "Never"', restart, 'use OnFailure or Never', go);
  } else if (spec.podFailurePolicy !== undefined && restart !== 'Never') {
    refuse(report, restartPath, 'only "Never" is supported when podFailurePolicy is specified', restart, 'set restartPolicy: Never', go);
  }
}

/** robfig/cron `ParseStandard` (used by `validateScheduleFormat`): five fields or a descriptor. */
export function cronProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(text)) return undefined;
    if (text.startsWith('@every ')) return /^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text) ? undefined : `failed to parse duration ${text}`;
    return `unrecognized descriptor: ${text}`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  const bounds: readonly (readonly [number, number, readonly string[]])[] = [
    [0, 59, []], [0, 23, []], [1, 31, []],
    [1, 12, ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']],
    [0, 6, ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']],
  ];
  for (let i = 0; i < 5; i++) {
    const [lo, hi, names] = bounds[i] as readonly [number, number, readonly string[]];
    for (const part of (fields[i] as string).split(',')) {
      const [range = '', step] = part.split('/');
      if (step !== undefined && !/^\d+$/.test(step)) return `failed to parse int from ${step}`;
      if (range === '*' || (range === '?' && (i === 2 || i === 4))) continue;
      const value = (t: string): number | undefined => {
        const named = names.indexOf(t.toLowerCase());
        if (named >= 0) return named + (i === 3 ? 1 : 0);
        return /^\d+$/.test(t) ? Number(t) : undefined;
      };
      const [a = '', b] = range.split('-');
      const start = value(a);
      const end = b !== undefined ? value(b) : start;
      if (start === undefined || end === undefined) return `failed to parse int from ${b !== undefined && end === undefined ? b : a}`;
      if (start < lo) return `beginning of range (${start}) below minimum (${lo}): ${part}`;
      if (end > hi) return `end of range (${end}) above maximum (${hi}): ${part}`;
      if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${part}`;
    }
  }
  return undefined;
}

/** `validateCronJobSpec`, `validateScheduleFormat`, `validateTimeZone`, `validateConcurrencyPolicy`, `ValidateJobTemplateSpec`, `ValidateCronJobCreate`. */
function checkCronJob(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  const name = str(at(object, 'metadata', 'name'));
  if (name !== undefined && name.length > 52) refuse(report, 'metadata.name', `must be no more than 52 characters (has ${name.length}): the CronJob controller appends an 11-character suffix to the Jobs it creates`, name, 'shorten the name', 'ValidateCronJobCreate');
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') {
    refuse(report, 'spec.schedule', 'is required', schedule, "set a cron schedule such as '0 3 * * *'", 'validateCronJobSpec');
  } else {
    const problem = cronProblem(schedule);
    if (problem) refuse(report, 'spec.schedule', problem, schedule, "write five fields (minute hour day-of-month month day-of-week), e.g. '*/15 * * * *', or @hourly/@daily", 'validateScheduleFormat');
    if (schedule.includes('TZ')) refuse(report, 'spec.schedule', 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead', schedule, 'move the zone to spec.timeZone', 'validateScheduleFormat');
  }
  const zone = spec.timeZone;
  if (typeof zone === 'string') {
    const bad = zone === '' || zone.split('/').some((p) => p === '.' || p === '..' || p.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(p));
    if (bad) refuse(report, 'spec.timeZone', zone === '' ? 'timeZone must be nil or non-empty string' : `unknown time zone ${zone}`, zone, "use an IANA zone such as 'Europe/Berlin' or 'Etc/UTC'", 'validateTimeZone');
    else if (zone.toLowerCase() === 'local') refuse(report, 'spec.timeZone', 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones', zone, "use an IANA zone such as 'Etc/UTC'", 'validateTimeZone');
  }
  if (spec.concurrencyPolicy !== undefined && !['Allow', 'Forbid', 'Replace'].includes(String(spec.concurrencyPolicy))) {
    refuse(report, 'spec.concurrencyPolicy', 'unsupported value: supported values: "Allow", "Forbid", "Replace"', spec.concurrencyPolicy, 'use Allow, Forbid or Replace', 'validateConcurrencyPolicy');
  }
  nonNegative(report, spec, 'spec', ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'], 'validateCronJobSpec');
  const jobSpec = record(at(spec, 'jobTemplate', 'spec'));
  if (jobSpec.manualSelector === true) refuse(report, 'spec.jobTemplate.spec.manualSelector', 'unsupported value: supported values: "nil", "false"', true, 'remove manualSelector: the selector of a CronJob\'s Jobs is always generated', 'ValidateJobTemplateSpec');
  checkJobSpec(jobSpec, 'spec.jobTemplate.spec', report);
}

// ---------------------------------------------------------------------------------------------
// autoscaling: HorizontalPodAutoscaler (pkg/apis/autoscaling/validation/validation.go)
// ---------------------------------------------------------------------------------------------

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const METRIC_FIELDS: Readonly<Record<string, string>> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

/** `validateMetricTarget`. */
function checkMetricTarget(target: JsonRecord, path: string, report: ObjectReporter): void {
  const go = 'validateMetricTarget';
  if (!['Utilization', 'Value', 'AverageValue'].includes(String(target.type))) refuse(report, `${path}.type`, 'must be either Utilization, Value, or AverageValue', target.type, 'set the target type', go);
  for (const f of ['value', 'averageValue'] as const) {
    const v = quantity(target[f]);
    if (target[f] !== undefined && (v === undefined || v <= 0)) refuse(report, `${path}.${f}`, 'must be positive', target[f], 'use a positive quantity', go);
  }
  const u = target.averageUtilization;
  if (typeof u === 'number' && u < 1) refuse(report, `${path}.averageUtilization`, 'must be greater than 0', u, 'use a percentage such as 70', go);
}

/** `validateHorizontalPodAutoscalerSpec`, `validateMetricSpec`, `validateBehavior`, `validateScalingRules`, `validateScalingPolicy`. */
function checkHpa(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) {
    const hasObjectOrExternal = list(spec.metrics).some((m) => ['Object', 'External'].includes(String(record(m).type)));
    // Scale to zero needs the HPAScaleToZero feature gate (alpha, off by default) and an Object or External metric.
    refuse(report, 'spec.minReplicas', `must be greater than or equal to 1${hasObjectOrExternal ? '' : ' (scaling to zero needs an Object or External metric and the HPAScaleToZero feature gate)'}`, min, 'set minReplicas to 1 or more', 'validateHorizontalPodAutoscalerSpec');
  }
  if (typeof max === 'number' && max < 1) refuse(report, 'spec.maxReplicas', 'must be greater than 0', max, 'set maxReplicas to 1 or more', 'validateHorizontalPodAutoscalerSpec');
  if (typeof min === 'number' && typeof max === 'number' && max < min) refuse(report, 'spec.maxReplicas', 'must be greater than or equal to `minReplicas`', max, `raise maxReplicas to at least ${min}`, 'validateHorizontalPodAutoscalerSpec');
  const ref = record(spec.scaleTargetRef);
  for (const f of ['kind', 'name'] as const) {
    const v = str(ref[f]);
    if (!v) refuse(report, `spec.scaleTargetRef.${f}`, 'is required', ref[f], `set scaleTargetRef.${f}`, 'ValidateCrossVersionObjectReference');
    else if (pathSegmentProblem(v)) refuse(report, `spec.scaleTargetRef.${f}`, pathSegmentProblem(v) as string, v, `use the workload's ${f}`, 'ValidateCrossVersionObjectReference');
  }
  list(spec.metrics).forEach((m, i) => {
    const metric = record(m);
    const path = `spec.metrics[${i}]`;
    const type = str(metric.type) ?? '';
    if (!METRIC_TYPES.includes(type)) {
      refuse(report, `${path}.type`, `unsupported value: supported values: ${METRIC_TYPES.map((t) => `"${t}"`).join(', ')}`, metric.type, 'set the metric source type', 'validateMetricSpec');
      return;
    }
    const expected = METRIC_FIELDS[type] as string;
    const source = metric[expected];
    if (!isRecord(source)) {
      refuse(report, `${path}.${expected}`, 'must populate information for the given metric source', source, `add ${expected}: {...} for a ${type} metric`, 'validateMetricSpec');
      return;
    }
    for (const other of Object.values(METRIC_FIELDS)) {
      if (other !== expected && metric[other] !== undefined) refuse(report, `${path}.${other}`, 'must populate the given metric source only', metric[other], `remove ${other} (the metric is of type ${type})`, 'validateMetricSpec');
    }
    const target = record(source.target);
    checkMetricTarget(target, `${path}.${expected}.target`, report);
    if ((type === 'Resource' || type === 'ContainerResource')) {
      if (target.averageUtilization === undefined && target.averageValue === undefined) refuse(report, `${path}.${expected}.target.averageUtilization`, 'must set either a target raw value or a target utilization', undefined, 'set averageUtilization (e.g. 70) or averageValue', type === 'Resource' ? 'validateResourceSource' : 'validateContainerResourceSource');
      if (target.averageUtilization !== undefined && target.averageValue !== undefined) refuse(report, `${path}.${expected}.target.averageValue`, 'may not set both a target raw value and a target utilization', target.averageValue, 'keep one of averageUtilization and averageValue', type === 'Resource' ? 'validateResourceSource' : 'validateContainerResourceSource');
    }
    if (type === 'Pods' && target.averageValue === undefined) refuse(report, `${path}.pods.target.averageValue`, 'must specify a positive target averageValue', undefined, 'set target.averageValue', 'validatePodsSource');
    if ((type === 'Object' || type === 'External') && target.value === undefined && target.averageValue === undefined) {
      refuse(report, `${path}.${expected}.target.averageValue`, 'must set either a target value or averageValue', undefined, 'set target.value or target.averageValue', type === 'Object' ? 'validateObjectSource' : 'validateExternalSource');
    }
  });
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = at(spec, 'behavior', direction);
    if (!isRecord(rules)) continue;
    const path = `spec.behavior.${direction}`;
    const window = rules.stabilizationWindowSeconds;
    if (typeof window === 'number' && (window < 0 || window > 3600)) refuse(report, `${path}.stabilizationWindowSeconds`, window < 0 ? 'must be greater than or equal to zero' : 'must be less than or equal to 3600', window, 'use 0 to 3600 seconds', 'validateScalingRules');
    if (rules.selectPolicy !== undefined && !['Max', 'Min', 'Disabled'].includes(String(rules.selectPolicy))) refuse(report, `${path}.selectPolicy`, 'unsupported value: supported values: "Disabled", "Max", "Min"', rules.selectPolicy, 'use Max, Min or Disabled', 'validateScalingRules');
    const policies = list(rules.policies);
    if (policies.length === 0) refuse(report, `${path}.policies`, 'must specify at least one Policy', rules.policies, "add a policy such as { type: 'Percent', value: 100, periodSeconds: 15 }", 'validateScalingRules');
    policies.forEach((p, j) => {
      const policy = record(p);
      const pp = `${path}.policies[${j}]`;
      if (policy.type !== 'Pods' && policy.type !== 'Percent') refuse(report, `${pp}.type`, 'unsupported value: supported values: "Percent", "Pods"', policy.type, 'use Pods or Percent', 'validateScalingPolicy');
      if (!(typeof policy.value === 'number' && policy.value > 0)) refuse(report, `${pp}.value`, 'must be greater than zero', policy.value, 'use a positive value', 'validateScalingPolicy');
      const period = policy.periodSeconds;
      if (!(typeof period === 'number' && period > 0 && period <= 1800)) refuse(report, `${pp}.periodSeconds`, typeof period === 'number' && period > 1800 ? 'must be less than or equal to 1800' : 'must be greater than zero', period, 'use 1 to 1800 seconds', 'validateScalingPolicy');
    });
  }
}

// ---------------------------------------------------------------------------------------------
// networking.k8s.io: Ingress, NetworkPolicy (pkg/apis/networking/validation/validation.go)
// ---------------------------------------------------------------------------------------------

/** `validateIngressRules` (`ValidateIngressSpec`), `validateHTTPIngressPath`, `validateIngressBackend`. */
function checkIngress(object: JsonRecord, report: ObjectReporter): void {
  list(at(object, 'spec', 'rules')).forEach((r, i) => {
    const rule = record(r);
    const host = str(rule.host);
    if (host !== undefined && host !== '') {
      const bare = host.startsWith('*.') ? host.slice(2) : host;
      const problem = /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'must be a DNS name, not an IP address' : host.includes('*') && !host.startsWith('*.') ? "a wildcard is only allowed as the first label ('*.example.com')" : dnsSubdomainProblem(bare);
      if (problem) refuse(report, `spec.rules[${i}].host`, problem, host, 'use a lower-case DNS name such as app.example.com', 'validateIngressRules');
    }
    list(at(rule, 'http', 'paths')).forEach((p, j) => {
      const path = record(p);
      const at_ = `spec.rules[${i}].http.paths[${j}]`;
      const type = path.pathType;
      if (type === undefined) refuse(report, `${at_}.pathType`, 'pathType must be specified', undefined, 'set pathType: Prefix (or Exact)', 'validateHTTPIngressPath');
      const text = str(path.path);
      if ((type === 'Prefix' || type === 'Exact') && (text === undefined || !text.startsWith('/'))) refuse(report, `${at_}.path`, 'must be an absolute path', path.path, "start the path with '/'", 'validateHTTPIngressPath');
      if ((type === 'Prefix' || type === 'Exact') && text !== undefined && /\/\/|\/\.\.?(\/|$)|%2f|%2F/.test(text)) refuse(report, `${at_}.path`, "must not contain '//', '/./', '/../' or '%2f'", text, 'normalise the path', 'validateHTTPIngressPath');
      const backend = record(path.backend);
      if (backend.service !== undefined && backend.resource !== undefined) refuse(report, `${at_}.backend`, 'cannot set both resource and service backends', backend, 'keep one of service and resource', 'validateIngressBackend');
      if (backend.service === undefined && backend.resource === undefined) refuse(report, `${at_}.backend`, 'must specify a service or a resource backend', backend, 'set backend.service { name, port }', 'validateIngressBackend');
    });
  });
}

/** `ValidateNetworkPolicyPort`, `ValidateIPBlock`, `ValidateNetworkPolicySpec` (policyTypes). */
function checkNetworkPolicy(object: JsonRecord, report: ObjectReporter): void {
  const spec = record(object.spec);
  const types = list(spec.policyTypes);
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') refuse(report, `spec.policyTypes[${i}]`, 'unsupported value: supported values: "Ingress", "Egress"', t, 'use Ingress and/or Egress', 'ValidateNetworkPolicySpec');
  });
  if (types.length > 2) refuse(report, 'spec.policyTypes', 'must have at most 2 items', types, 'list Ingress and Egress at most once', 'ValidateNetworkPolicySpec');
  for (const direction of ['ingress', 'egress'] as const) {
    list(spec[direction]).forEach((r, i) => {
      const rule = record(r);
      list(rule.ports).forEach((p, j) => {
        const port = record(p);
        const path = `spec.${direction}[${i}].ports[${j}]`;
        if (port.endPort !== undefined) {
          if (typeof port.port !== 'number') refuse(report, `${path}.endPort`, 'may not be specified when `port` is non-numeric or missing', port.endPort, 'use a numeric port with endPort', 'ValidateNetworkPolicyPort');
          else if (typeof port.endPort === 'number' && port.endPort < port.port) refuse(report, `${path}.endPort`, 'must be greater than or equal to `port`', port.endPort, `use an endPort of at least ${port.port}`, 'ValidateNetworkPolicyPort');
        }
      });
      list(rule[direction === 'ingress' ? 'from' : 'to']).forEach((peer, j) => {
        const block = record(record(peer).ipBlock);
        if (Object.keys(block).length === 0) return;
        const path = `spec.${direction}[${i}].${direction === 'ingress' ? 'from' : 'to'}[${j}].ipBlock`;
        const cidr = str(block.cidr);
        if (cidr === undefined || parseCidr(cidr) === undefined) {
          refuse(report, `${path}.cidr`, 'must be a valid CIDR (e.g. 10.0.0.0/16)', block.cidr, 'write an address and prefix length', 'ValidateIPBlock');
          return;
        }
        list(block.except).forEach((e, k) => {
          const inner = typeof e === 'string' ? parseCidr(e) : undefined;
          const outer = parseCidr(cidr);
          if (inner === undefined) refuse(report, `${path}.except[${k}]`, 'must be a valid CIDR', e, 'write an address and prefix length', 'ValidateIPBlock');
          else if (outer !== undefined && !(inner.bits > outer.bits && inner.family === outer.family && inner.network >> BigInt(inner.size - outer.bits) === outer.network >> BigInt(inner.size - outer.bits))) {
            refuse(report, `${path}.except[${k}]`, `must be a strict subset of \`cidr\` ${cidr}`, e, 'list only ranges inside cidr', 'ValidateIPBlock');
          }
        });
      });
    });
  }
}

/** An IPv4 or IPv6 CIDR as its network bits, or `undefined`. */
function parseCidr(text: string): { family: 4 | 6; network: bigint; bits: number; size: number } | undefined {
  const [address = '', prefix] = text.split('/');
  if (prefix === undefined || !/^\d+$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) {
    const parts = address.split('.').map(Number);
    if (parts.some((p) => p > 255) || bits > 32) return undefined;
    const value = parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
    return { family: 4, network: value, bits, size: 32 };
  }
  if (address.includes(':') && bits <= 128) {
    const [head = '', tail] = address.split('::');
    const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
    const h = groups(head);
    const t = tail !== undefined ? groups(tail) : [];
    const all = tail !== undefined ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return { family: 6, network: all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n), bits, size: 128 };
  }
  return undefined;
}

/** Checks per `<group>/<kind>`. */
const CHECKS: Readonly<Record<string, Check>> = {
  [`${RBAC_GROUP}/Role`]: (o, r) => checkRules(o, r, true),
  [`${RBAC_GROUP}/ClusterRole`]: (o, r) => checkRules(o, r, false),
  [`${RBAC_GROUP}/RoleBinding`]: (o, r) => checkBinding(o, r, true),
  [`${RBAC_GROUP}/ClusterRoleBinding`]: (o, r) => checkBinding(o, r, false),
  '/ResourceQuota': checkResourceQuota,
  '/LimitRange': checkLimitRange,
  '/Service': checkService,
  'apps/Deployment': checkDeployment,
  'apps/StatefulSet': checkStatefulSet,
  'batch/Job': (o, r) => checkJobSpec(record(o.spec), 'spec', r),
  'batch/CronJob': checkCronJob,
  'autoscaling/HorizontalPodAutoscaler': checkHpa,
  'networking.k8s.io/Ingress': checkIngress,
  'networking.k8s.io/NetworkPolicy': checkNetworkPolicy,
};

/** The kinds with built-in rules, for the README and tests. */
export const BUILTIN_KINDS: readonly string[] = Object.keys(CHECKS).sort();

/** Check the built-in API-server rules of `object`'s kind, if it has any. */
export function checkBuiltin(object: JsonRecord, report: ObjectReporter): void {
  const apiVersion = str(object.apiVersion) ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  CHECKS[`${group}/${str(object.kind) ?? ''}`]?.(object, report);
}
