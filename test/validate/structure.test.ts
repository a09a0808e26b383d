/**
 * `schema/structure`: what the API server refuses although each field alone fits the schema.
 */
import { changed, container, deployment, findings, meta, Obj, podSpec, service, validate } from './helpers';

const rule = 'schema/structure';

describe('schema/structure', () => {
  test('a valid Deployment has no structural findings', () => {
    expect(findings(validate({ web: [deployment(), service()] }), rule)).toEqual([]);
  });

  test("a selector that does not match the pod template's labels is an error", () => {
    // GIVEN a Deployment whose selector names another label value than its pods carry
    const d = changed(deployment(), (o) => { ((o.spec as Obj).selector as Obj).matchLabels = { app: 'webshop' }; });
    // WHEN / THEN
    expect(findings(validate({ web: [d, service('web', 'webshop')] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.selector.matchLabels', 'selector does not match template labels (app=webshop: template has "web"), so the API server refuses the Deployment'],
    ]);
  });

  test('matchExpressions must select the template too; an empty selector is refused', () => {
    const expressions = changed(deployment(), (o) => { ((o.spec as Obj).selector as Obj).matchExpressions = [{ key: 'tier', operator: 'In', values: ['db'] }, { key: 'app', operator: 'Exists' }]; });
    const empty = changed(deployment(), (o) => { (o.spec as Obj).selector = {}; });
    expect(findings(validate({ web: [expressions, service()] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.selector.matchExpressions', 'selector does not match template labels (tier In (db): template has no such label), so the API server refuses the Deployment'],
    ]);
    expect(findings(validate({ web: [empty, service()] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.selector', 'empty selector is invalid for a Deployment: it would select every pod of the namespace, so the API server refuses it'],
    ]);
  });

  test('a Job selector must match its template, and needs manualSelector: true at all', () => {
    const job = (spec: Obj): Obj => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'),
      spec: { template: { metadata: { labels: { job: 'migrate' } }, spec: podSpec({ restartPolicy: 'Never', containers: [container('migrate', { ports: [] })] }) }, ...spec },
    });
    expect(findings(validate({ web: [job({})] }), rule)).toEqual([]);
    expect(findings(validate({ web: [job({ manualSelector: true, selector: { matchLabels: { job: 'migrate' } } })] }), rule)).toEqual([]);
    expect(findings(validate({ web: [job({ manualSelector: true, selector: { matchLabels: { job: 'seed' } } })] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.selector.matchLabels', 'selector does not match template labels (job=seed: template has "migrate"), so the API server refuses the Job'],
    ]);
    expect(findings(validate({ web: [job({ selector: { matchLabels: { job: 'migrate' } } })] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.selector', 'Job sets a selector without manualSelector: true; the API server generates the selector of Jobs (controller-uid) and refuses one written by hand'],
    ]);
  });

  test('two containers of one pod with the same name are an error (init containers included)', () => {
    const d = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ initContainers: [container('app', { livenessProbe: undefined, readinessProbe: undefined })] }) } });
    expect(findings(validate({ web: [d, service()] }), rule).map((f) => [f.path, f.value, f.message])).toEqual([
      ['spec.template.spec.initContainers[0].name', 'app', "container name 'app' is used twice in the pod (also spec.template.spec.containers[0]); the API server refuses the pod template"],
    ]);
  });

  test('a volumeMount naming a volume the pod does not declare is an error; claim templates count as volumes', () => {
    const mount = (name: string): Obj => container('app', { volumeMounts: [{ name, mountPath: '/data' }] });
    const d = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ containers: [mount('data')] }) } });
    expect(findings(validate({ web: [d, service()] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.template.spec.containers[0].volumeMounts[0].name', "container 'app' mounts volume 'data', which the pod does not declare (volumes: tmp)"],
    ]);
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: deployment('db').metadata,
      spec: {
        replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: podSpec({ containers: [mount('data')] }) },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    expect(findings(validate({ db: [sts, service('db')] }), rule)).toEqual([]);
    // raw block devices name pod volumes the same way
    const device = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ containers: [container('app', { volumeDevices: [{ name: 'disk', devicePath: '/dev/xvda' }] })] }) } });
    expect(findings(validate({ web: [device, service()] }), rule).map((f) => [f.path, f.message])).toEqual([
      ['spec.template.spec.containers[0].volumeDevices[0].name', "container 'app' attaches volume 'disk', which the pod does not declare (volumes: tmp)"],
    ]);
  });

  test('structural findings cannot be exempted', () => {
    const d = changed(deployment('web', {}, { annotations: { 'policy.platform-synth.io/exempt-structure': 'we know' } }), (o) => { ((o.spec as Obj).selector as Obj).matchLabels = { app: 'other' }; });
    const report = validate({ web: [d, service('web', 'other')] });
    expect(findings(report, rule)).toHaveLength(1);
    expect(report.exempted).toEqual([]);
    // ... and the attempt itself is reported: there is no policy rule of that name to exempt from.
    expect(findings(report, 'policy/exemption').map((f) => f.path)).toEqual(['metadata.annotations["policy.platform-synth.io/exempt-structure"]']);
  });
});
