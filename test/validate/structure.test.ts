/**
 * `schema/structure`: what the API server refuses although each field alone fits the schema.
 */
import { changed, container, deployment, findings, Obj, podSpec, service, validate } from './helpers';

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
      ['spec.selector.matchLabels', 'selector does not match the pod template\'s labels (app=webshop: template has "web"), so the API server refuses the Deployment'],
    ]);
  });

  test('two containers of one pod with the same name are an error (init containers included)', () => {
    const d = deployment('web', { template: { metadata: { labels: { app: 'web' } }, spec: podSpec({ initContainers: [container('app', { livenessProbe: undefined, readinessProbe: undefined })] }) } });
    expect(findings(validate({ web: [d, service()] }), rule).map((f) => [f.path, f.value])).toEqual([
      ['spec.template.spec.initContainers[0].name', 'app'],
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
  });

  test('structural findings cannot be exempted', () => {
    const d = changed(deployment('web', {}, { annotations: { 'policy.platform-synth.io/exempt-structure': 'we know' } }), (o) => { ((o.spec as Obj).selector as Obj).matchLabels = { app: 'other' }; });
    const report = validate({ web: [d, service('web', 'other')] });
    expect(findings(report, rule)).toHaveLength(1);
    expect(report.exempted).toEqual([]);
  });
});
