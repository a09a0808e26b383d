/**
 * `schema/builtin`: the API server's built-in rules (kubernetes pkg/apis/<group>/validation) for every kind the
 * platforms render; for each kind a valid object passes and a violating one is refused at the field.
 */
import { cronProblem } from '../../tools/validate/builtin';
import { deployment, findings, meta, Obj, podSpec, service, validate } from './helpers';

const RULE = 'schema/builtin';

/** [path, message] of the built-in findings for `objects`. */
function check(...objects: Obj[]): [string, string][] {
  return findings(validate({ app: objects }), RULE).map((f) => [f.path, f.message]);
}

const rbac = (kind: string, body: Obj, namespaced = true): Obj => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta('reader', namespaced ? 'shop' : null), ...body });
const job = (spec: Obj): Obj => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'), spec: { template: { spec: podSpec({ restartPolicy: 'Never' }) }, ...spec } });
const cron = (name: string, spec: Obj): Obj => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta(name), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: podSpec({ restartPolicy: 'OnFailure' }) } } }, ...spec } });
const hpa = (spec: Obj): Obj => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }], ...spec } });
const quota = (spec: Obj): Obj => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'), spec });
const limits = (items: Obj[]): Obj => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: meta('limits'), spec: { limits: items } });

describe('RBAC (pkg/apis/rbac/validation)', () => {
  test('a valid Role, ClusterRole and bindings pass', () => {
    expect(check(
      rbac('Role', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }),
      rbac('ClusterRole', { rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }] }, false),
      rbac('RoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }] }),
      rbac('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }] }, false),
    )).toEqual([]);
  });

  test('validatePolicyRule: verbs, apiGroups, non-resource URLs in a Role, resourceNames over several resources', () => {
    expect(check(rbac('Role', { rules: [{ resources: ['pods', 'secrets'], resourceNames: ['a'], verbs: [] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] })).map(([p]) => p))
      .toEqual(['rules[0].verbs', 'rules[0].apiGroups', 'rules[0].resourceNames', 'rules[1].nonResourceURLs']);
  });

  test('ValidateClusterRoleBinding: a Role cannot be bound cluster-wide; a ServiceAccount subject needs its namespace', () => {
    expect(check(rbac('ClusterRoleBinding', { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'web' }, { kind: 'User', name: 'alice' }] }, false))).toEqual([
      ['roleRef.kind', "must be 'ClusterRole' (the API server's ValidateClusterRoleBinding refuses it)"],
      ['subjects[0].namespace', "is required for a ServiceAccount subject of a ClusterRoleBinding (the API server's validateRoleBindingSubject refuses it)"],
      ['subjects[1].apiGroup', "must be 'rbac.authorization.k8s.io' for a User (the API server's validateRoleBindingSubject refuses it)"],
    ]);
  });
});

describe('ResourceQuota and LimitRange (pkg/apis/core/validation)', () => {
  test('a valid quota and limit range pass', () => {
    expect(check(
      quota({ hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: '20', 'count/deployments.apps': '10' } }),
      limits([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, max: { cpu: '2', memory: '2Gi' } }]),
    )).toEqual([]);
  });

  test('quota: unknown resources, fractional object counts, conflicting scopes and scopes that do not fit the resources', () => {
    expect(check(quota({ hard: { 'request.cpu': '4', pods: '1.5', services: '3' }, scopes: ['BestEffort', 'NotBestEffort'] })).map(([p, m]) => `${p}: ${m.replace(/ \(the API server.*/, '')}`)).toEqual([
      'spec.hard["request.cpu"]: must be a standard resource for quota',
      'spec.hard.pods: must be an integer',
      "spec.scopes[0]: unsupported scope applied to resource 'services'",
      "spec.scopes[1]: unsupported scope applied to resource 'services'",
      'spec.scopes: conflicting scopes',
    ]);
  });

  test('limit range: default above max, default request above default, Pod defaults, duplicate types', () => {
    expect(check(limits([
      { type: 'Container', default: { memory: '4Gi' }, defaultRequest: { memory: '8Gi' }, max: { memory: '2Gi' } },
      { type: 'Container', max: { cpu: '1' } },
      { type: 'Pod', default: { cpu: '1' } },
    ])).map(([p, m]) => `${p}: ${m.replace(/ \(the API server.*/, '')}`)).toEqual([
      'spec.limits[0].defaultRequest.memory: default request value 8Gi is greater than max value 2Gi',
      'spec.limits[0].defaultRequest.memory: default request value 8Gi is greater than default limit value 4Gi',
      'spec.limits[0].default.memory: default value 4Gi is greater than max value 2Gi',
      "spec.limits[1].type: duplicate value 'Container'",
      "spec.limits[2].default: may not be specified when `type` is 'Pod'",
    ]);
  });
});

describe('workloads (pkg/apis/apps/validation, pkg/apis/batch/validation)', () => {
  test('a valid Deployment, Job and CronJob pass', () => {
    expect(check(deployment(), service(), job({ backoffLimit: 3 }), cron('backup', { timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' }))).toEqual([]);
  });

  test('Deployment: maxUnavailable and maxSurge both 0, progress deadline not above minReadySeconds, rollingUpdate with Recreate', () => {
    expect(check(deployment('a', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } }, minReadySeconds: 60, progressDeadlineSeconds: 30 }), deployment('b', { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } })).map(([p]) => p))
      .toEqual(['spec.strategy.rollingUpdate.maxUnavailable', 'spec.progressDeadlineSeconds', 'spec.strategy.rollingUpdate']);
  });

  test('Job: restartPolicy Always (the default) is refused; negative backoff; per-index limits without Indexed', () => {
    expect(check(job({ template: { spec: podSpec() }, backoffLimit: -1, backoffLimitPerIndex: 1 }))).toEqual([
      ['spec.backoffLimit', "must be greater than or equal to 0 (the API server's validateJobSpec refuses it)"],
      ['spec.backoffLimitPerIndex', "requires indexed completion mode (the API server's validateJobSpec refuses it)"],
      ['spec.template.spec.restartPolicy', 'is required: valid values: "OnFailure", "Never" (the API server\'s validateJobSpec refuses it)'],
    ]);
  });

  test('CronJob: a schedule that does not parse, TZ in the schedule, a name over 52 characters, an unknown policy', () => {
    expect(check(cron('a'.repeat(53), { schedule: 'CRON_TZ=UTC 0 25 * * *', concurrencyPolicy: 'Sometimes' })).map(([p]) => p))
      .toEqual(['metadata.name', 'spec.schedule', 'spec.schedule', 'spec.concurrencyPolicy']);
  });

  test.each([['*/15 * * * *'], ['0 3 * * mon-fri'], ['@daily'], ['0 0 1 jan,jul ?'], ['@every 1h30m']])('schedule %s parses', (s) => {
    expect(cronProblem(s)).toBeUndefined();
  });
  test.each([['0 24 * * *', /above maximum \(23\)/], ['* * *', /expected exactly 5 fields/], ['0 0 0 * *', /below minimum \(1\)/], ['@weekdays', /unrecognized descriptor/], ['5-1 * * * *', /beyond end of range/]])('schedule %s is refused', (s, message) => {
    expect(cronProblem(s)).toMatch(message);
  });
});

describe('HorizontalPodAutoscaler (pkg/apis/autoscaling/validation)', () => {
  test('a valid HPA passes', () => {
    expect(check(hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } } }))).toEqual([]);
  });

  test('maxReplicas below minReplicas, a metric without its source, both utilization and value, a policy period over 1800', () => {
    expect(check(hpa({
      minReplicas: 4, maxReplicas: 2,
      metrics: [{ type: 'Pods' }, { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80, averageValue: '1Gi' } } }],
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 3600 }] } },
    })).map(([p]) => p)).toEqual(['spec.maxReplicas', 'spec.metrics[0].pods', 'spec.metrics[1].resource.target.averageValue', 'spec.behavior.scaleUp.policies[0].periodSeconds']);
  });
});

describe('Service, Ingress and NetworkPolicy', () => {
  test('valid objects pass', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'), spec: { rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }] } };
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('web'), spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 8000, endPort: 8080 }] }] } };
    expect(check(deployment(), service(), ingress, policy)).toEqual([]);
  });

  test('Service: unnamed ports among several, a nodePort on a ClusterIP Service, a headless NodePort', () => {
    const s = service('web', 'web', [{ port: 80, targetPort: 'http', nodePort: 30080 }, { port: 81, targetPort: 'http' }]);
    const headless = { ...service('db'), spec: { type: 'NodePort', clusterIP: 'None', selector: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] } };
    expect(check(s, headless).map(([p]) => p)).toEqual(['spec.ports[0].name', 'spec.ports[0].nodePort', 'spec.ports[1].name', 'spec.clusterIP']);
  });

  test('Ingress: a wildcard in the middle, a relative Prefix path, no backend', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'), spec: { rules: [{ host: 'app.*.example.com', http: { paths: [{ path: 'api', pathType: 'Prefix', backend: {} }] } }] } };
    expect(check(ingress).map(([p]) => p)).toEqual(['spec.rules[0].host', 'spec.rules[0].http.paths[0].path', 'spec.rules[0].http.paths[0].backend']);
  });

  test('NetworkPolicy: endPort below port, an except outside the cidr, an unknown policy type', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('web'), spec: { podSelector: {}, policyTypes: ['Ingres'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['192.168.0.0/24'] } }], ports: [{ port: 9000, endPort: 8000 }] }] } };
    expect(check(policy).map(([p]) => p)).toEqual(['spec.policyTypes[0]', 'spec.egress[0].ports[0].endPort', 'spec.egress[0].to[0].ipBlock.except[0]']);
  });
});
