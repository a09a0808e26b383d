/**
 * Policy rules: for each rule a passing object and failing ones; exemptions.
 */
import { exemptionAnnotation, notSecret } from '../../constructs';
import { changed, configMap, container, deployment, findings, meta, Obj, podSpec, service, validate } from './helpers';

/** A Deployment whose pod spec (and first container) are changed by `mutate`. */
function workload(mutate: (pod: Obj, first: Obj) => void, metadata: Obj = {}): Obj {
  return changed(deployment('web', {}, metadata), (o) => {
    const pod = ((o.spec as Obj).template as Obj).spec as Obj;
    mutate(pod, (pod.containers as Obj[])[0] as Obj);
  });
}

/** Findings of `rule` for the `web` application with `objects`, as [path, message] pairs. */
function check(rule: string, objects: Obj[], stage: 'development' | 'staging' | 'production' = 'production'): [string, string][] {
  return findings(validate({ web: [...objects, service()] }, { stage }), rule).map((f) => [f.path, f.message]);
}

const C0 = 'spec.template.spec.containers[0]';

describe('policy/pod-security', () => {
  test('passes the restricted profile', () => {
    expect(check('policy/pod-security', [deployment()])).toEqual([]);
  });

  test('requires runAsNonRoot, no privilege escalation, dropped capabilities and a seccomp profile', () => {
    const d = workload((pod, c) => {
      pod.securityContext = {};
      c.securityContext = { capabilities: { add: ['SYS_ADMIN'] } };
    });
    expect(check('policy/pod-security', [d])).toEqual([
      [`${C0}.securityContext.runAsNonRoot`, "container 'app' may run as root: runAsNonRoot is not true for the pod or the container"],
      [`${C0}.securityContext.allowPrivilegeEscalation`, "container 'app' must set allowPrivilegeEscalation: false"],
      [`${C0}.securityContext.capabilities.drop`, "container 'app' must drop ALL capabilities"],
      [`${C0}.securityContext.capabilities.add[0]`, "container 'app' adds capability SYS_ADMIN; only NET_BIND_SERVICE may be added"],
      [`${C0}.securityContext.seccompProfile.type`, "container 'app' has no RuntimeDefault or Localhost seccomp profile"],
    ]);
  });

  test('allows NET_BIND_SERVICE and container-level settings instead of pod-level ones', () => {
    const d = workload((pod, c) => {
      pod.securityContext = {};
      c.securityContext = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } };
    });
    expect(check('policy/pod-security', [d])).toEqual([]);
  });

  test('refuses root, Unconfined seccomp and volume types outside the restricted list', () => {
    const d = workload((pod) => {
      pod.securityContext = { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'Unconfined' } };
      pod.volumes = [{ name: 'nfs', nfs: { server: 'nas', path: '/x' } }];
    });
    expect(check('policy/pod-security', [d]).map(([path]) => path)).toEqual([
      'spec.template.spec.securityContext.runAsUser',
      'spec.template.spec.securityContext.seccompProfile.type',
      'spec.template.spec.volumes[0].nfs',
    ]);
  });

  test('checks init containers too', () => {
    const d = workload((pod) => {
      pod.initContainers = [container('init', { securityContext: { runAsNonRoot: true } })];
    });
    expect(check('policy/pod-security', [d]).map(([path]) => path)).toEqual([
      'spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation',
      'spec.template.spec.initContainers[0].securityContext.capabilities.drop',
    ]);
  });
});

describe('policy/host-access', () => {
  test('passes without host access', () => {
    expect(check('policy/host-access', [deployment()])).toEqual([]);
  });

  test('refuses hostPath, hostNetwork, hostPID, hostIPC, hostPort and privileged', () => {
    const d = workload((pod, c) => {
      Object.assign(pod, { hostNetwork: true, hostPID: true, hostIPC: true });
      pod.volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
      c.ports = [{ name: 'http', containerPort: 8080, hostPort: 80 }];
      (c.securityContext as Obj).privileged = true;
    });
    expect(check('policy/host-access', [d])).toEqual([
      ['spec.template.spec.hostNetwork', "hostNetwork shares the node's namespaces with the pod"],
      ['spec.template.spec.hostPID', "hostPID shares the node's namespaces with the pod"],
      ['spec.template.spec.hostIPC', "hostIPC shares the node's namespaces with the pod"],
      ['spec.template.spec.volumes[0].hostPath', 'hostPath volumes give the pod access to the node file system'],
      [`${C0}.ports[0].hostPort`, "container 'app' binds a port on the node"],
      [`${C0}.securityContext.privileged`, "container 'app' is privileged (full access to the node)"],
    ]);
  });
});

describe('policy/resources', () => {
  test('passes with cpu and memory requests and limits', () => {
    expect(check('policy/resources', [deployment()])).toEqual([]);
  });

  test('reports missing limits and requests above limits', () => {
    const d = workload((_pod, c) => {
      c.resources = { requests: { cpu: '2', memory: '128Mi' } };
    });
    const e = workload((_pod, c) => {
      c.resources = { requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } };
    });
    expect(check('policy/resources', [d])).toEqual([[`${C0}.resources.limits`, "container 'app': limits must set cpu and memory"]]);
    expect(check('policy/resources', [e])).toEqual([[`${C0}.resources.requests.cpu`, "container 'app': requests.cpu request 2 is larger than the limit 1"]]);
  });

  test('parses quantities as the API server does: bare memory numbers, trailing spaces and implausible values are refused', () => {
    // GIVEN a rendered container with memory as a bare number, a quantity with a trailing space and 500 cores
    const d = workload((_pod, c) => {
      c.resources = { requests: { cpu: '100m', memory: 134217728 }, limits: { cpu: '500', memory: '256Mi ' } };
    });
    // WHEN validated THEN each is refused with its own message
    expect(check('policy/resources', [d])).toEqual([
      [`${C0}.resources.requests.memory`, "container 'app': requests.memory a bare number is 134217728 bytes (Kubernetes reads a memory quantity without a suffix as bytes)"],
      [`${C0}.resources.limits.cpu`, "container 'app': limits.cpu '500' means 500 cores, above the plausible maximum of 128 cores for one container"],
      [`${C0}.resources.limits.memory`, "container 'app': limits.memory has leading or trailing white space, which the API server refuses"],
    ]);
  });

  test('applies to operator-managed pods: KafkaNodePool and CloudNativePG Cluster resources', () => {
    const pool = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: meta('pool', 'shop', { labels: { 'strimzi.io/cluster': 'events' } }), spec: { replicas: 1, roles: ['broker'], storage: { type: 'ephemeral' }, resources: { requests: { cpu: '1', memory: '1Gi' } } } };
    expect(findings(validate({ kafka: [pool] }), 'policy/resources').map((f) => f.path)).toEqual(['spec.resources.limits']);
  });
});

describe('policy/probes', () => {
  test('passes with liveness and readiness probes on declared ports', () => {
    expect(check('policy/probes', [deployment()])).toEqual([]);
  });

  test('requires liveness and readiness probes on long-running containers', () => {
    const d = workload((_pod, c) => {
      delete c.livenessProbe;
      delete c.readinessProbe;
    });
    expect(check('policy/probes', [d])).toEqual([
      [`${C0}.livenessProbe`, "long-running container 'app' has no livenessProbe"],
      [`${C0}.readinessProbe`, "long-running container 'app' has no readinessProbe"],
    ]);
  });

  test('probe ports must exist on the container, by name or number', () => {
    const d = workload((_pod, c) => {
      c.livenessProbe = { httpGet: { path: '/health', port: 'metrics' } };
      c.readinessProbe = { tcpSocket: { port: 9090 } };
      c.startupProbe = { httpGet: { path: '/health', port: 8080 } };
    });
    expect(check('policy/probes', [d])).toEqual([
      [`${C0}.livenessProbe.httpGet.port`, "livenessProbe of container 'app' targets port \"metrics\", which the container does not declare (declared: http (8080))"],
      [`${C0}.readinessProbe.tcpSocket.port`, "readinessProbe of container 'app' targets port 9090, which the container does not declare (declared: http (8080))"],
    ]);
  });

  test('native sidecars (init containers that keep running) need probes; plain init containers do not', () => {
    const d = workload((pod) => {
      pod.initContainers = [
        container('proxy', { restartPolicy: 'Always', livenessProbe: undefined, readinessProbe: undefined }),
        container('migrate', { livenessProbe: undefined, readinessProbe: undefined }),
      ];
    });
    expect(check('policy/probes', [d])).toEqual([
      ['spec.template.spec.initContainers[0].livenessProbe', "long-running sidecar 'proxy' has no livenessProbe"],
      ['spec.template.spec.initContainers[0].readinessProbe', "long-running sidecar 'proxy' has no readinessProbe"],
    ]);
  });

  test("a native sidecar's probes must target ports it declares", () => {
    const d = workload((pod) => {
      pod.initContainers = [container('proxy', { restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 15000 }] })];
    });
    expect(check('policy/probes', [d])).toEqual([
      ['spec.template.spec.initContainers[0].livenessProbe.httpGet.port', "livenessProbe of container 'proxy' targets port \"http\", which the container does not declare (declared: admin (15000))"],
      ['spec.template.spec.initContainers[0].readinessProbe.httpGet.port', "readinessProbe of container 'proxy' targets port \"http\", which the container does not declare (declared: admin (15000))"],
    ]);
  });

  test('Jobs need no probes', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate'), spec: { template: { spec: podSpec({ restartPolicy: 'Never', containers: [container('migrate', { livenessProbe: undefined, readinessProbe: undefined, ports: [] })] }) } } };
    expect(findings(validate({ web: [job] }), 'policy/probes')).toEqual([]);
  });
});

describe('policy/image-tag', () => {
  const tagged = (image: string): Obj => workload((_pod, c) => {
    c.image = image;
  });

  test('pinned tags and digests pass in production', () => {
    expect(check('policy/image-tag', [tagged('registry.example.com:5000/shop/web:v1.2.3')])).toEqual([]);
    expect(check('policy/image-tag', [tagged(`shop/web@sha256:${'a'.repeat(64)}`)])).toEqual([]);
  });

  test('floating and missing tags are errors in staging and production', () => {
    expect(check('policy/image-tag', [tagged('shop/web:latest')], 'production')).toEqual([
      [`${C0}.image`, "image tag 'latest' is a floating tag and may run a different build tomorrow; production requires pinned images"],
    ]);
    expect(check('policy/image-tag', [tagged('shop/web')], 'staging')).toEqual([
      [`${C0}.image`, 'image has no tag, so it runs whatever `latest` is when the node pulls it; staging requires pinned images'],
    ]);
  });

  test('a major-only version moves too: an error in production, a full version passes', () => {
    expect(check('policy/image-tag', [tagged('redis:7-alpine')], 'production')).toEqual([
      [`${C0}.image`, "image tag '7-alpine' names only a major version, so it moves to every new minor and patch release; production requires pinned images"],
    ]);
    expect(check('policy/image-tag', [tagged('redis:7.4.6-alpine'), tagged('postgres:15.17')], 'production')).toEqual([]);
  });

  test('floating tags are warnings in development', () => {
    const [finding] = findings(validate({ web: [tagged('shop/web:latest'), service()] }, { stage: 'development' }), 'policy/image-tag');
    expect(finding?.severity).toBe('warning');
  });

  test('malformed references are errors', () => {
    expect(check('policy/image-tag', [tagged('Shop/Web:v1')])).toEqual([[`${C0}.image`, 'is not a valid image reference']]);
  });
});

describe('policy/secret-data and policy/secret-env', () => {
  test('a Secret with data is an error naming only the keys', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), stringData: { password: 'hunter2' } };
    const [finding] = findings(validate({ web: [secret] }), 'policy/secret-data');
    expect(finding).toMatchObject({ path: 'stringData', value: ['password'] });
    expect(JSON.stringify(finding)).not.toContain('hunter2');
  });

  test('a Secret without data passes', () => {
    expect(findings(validate({ web: [{ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), type: 'Opaque' }] }), 'policy/secret-data')).toEqual([]);
  });

  test('literal values in secret-like env vars and credentials in URLs are errors, redacted', () => {
    const d = workload((_pod, c) => {
      c.env = [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'API_TOKEN', value: 's3cr3t' },
        { name: 'DATABASE_URL', value: 'postgres://app:pa55@db:5432/app' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      ];
    });
    const result = findings(validate({ web: [d, service()] }), 'policy/secret-env');
    expect(result.map((f) => [f.path, f.value])).toEqual([
      [`${C0}.env[1].value`, '<redacted>'],
      [`${C0}.env[2].value`, 'postgres://app:<redacted>@db:5432/app'],
    ]);
    expect(JSON.stringify(result)).not.toMatch(/s3cr3t|pa55/);
  });

  test('ConfigMap data is checked the same way', () => {
    expect(findings(validate({ web: [configMap('cfg', { REDIS_PASSWORD: 'x', REDIS_HOST: 'redis' })] }), 'policy/secret-env').map((f) => f.path)).toEqual(['data.REDIS_PASSWORD']);
  });
});

describe('secrets by shape and name everywhere a value is rendered', () => {
  // Assembled at run time so that no secret-shaped literal sits in the repository.
  const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
  const PEM = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEvQ\n-----END RSA PRIVATE KEY-----'].join(' ');
  const application = (source: Obj): Obj => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: meta('app', 'argocd'), spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' }, source } });

  test('env values: SMTP_PASS, JWT_SIGNING_KEY, a PEM key, a JWT and a query credential are errors, redacted', () => {
    const d = workload((_pod, c) => {
      c.env = [
        { name: 'SMTP_PASS', value: 'hunter2' },
        { name: 'JWT_SIGNING_KEY', value: 'k3y' },
        { name: 'TLS_KEY_PEM', value: PEM },
        { name: 'UPSTREAM_AUTH', value: JWT },
        { name: 'WEBHOOK', value: 'https://hooks.example.com/x?access_token=abc123' },
        { name: 'LOG_LEVEL', value: 'info' },
      ];
    });
    const result = findings(validate({ web: [d, service()] }), 'policy/secret-env');
    expect(result.map((f) => [f.path, f.value])).toEqual([
      [`${C0}.env[0].value`, '<redacted>'],
      [`${C0}.env[1].value`, '<redacted>'],
      [`${C0}.env[2].value`, '<redacted>'],
      [`${C0}.env[3].value`, '<redacted>'],
      [`${C0}.env[4].value`, 'https://hooks.example.com/x?access_token=<redacted>'],
    ]);
    expect(result[2]?.message).toMatch(/PEM private key/);
    expect(JSON.stringify(result)).not.toMatch(/hunter2|k3y|MIIEvQ|abc123|dozjg/);
  });

  test('annotations: a token under a secret-like key or by shape is an error; ordinary annotations pass', () => {
    const cm = changed(configMap('cfg', { LOG_LEVEL: 'info' }), (o) => {
      (o.metadata as Obj).annotations = { 'example.com/api-token': 'abc', 'example.com/owner': 'team-a', 'example.com/note': JWT };
    });
    expect(findings(validate({ web: [cm] }), 'policy/secret-value').map((f) => f.path)).toEqual(['metadata.annotations["example.com/api-token"]', 'metadata.annotations["example.com/note"]']);
  });

  test('Helm values of an Application: valuesObject, values and parameters are scanned; references to Secrets pass', () => {
    const app = application({
      repoURL: 'https://charts.example.com', chart: 'redis', targetRevision: '1.0.0',
      helm: {
        valuesObject: { auth: { password: 'hunter2', existingSecret: 'redis-auth', existingSecretPasswordKey: 'password' }, replicas: 2 },
        values: 'metrics:\n  apiKey: abc123\n',
        parameters: [{ name: 'admin.token', value: 'xyz' }, { name: 'image.tag', value: '1.0.0' }],
      },
    });
    const result = findings(validate({ argocd: [app] }), 'policy/secret-value');
    expect(result.map((f) => [f.path, f.value])).toEqual([
      ['spec.source.helm.valuesObject.auth.password', '<redacted>'],
      ['spec.source.helm.values', '<redacted>'],
      ['spec.source.helm.parameters[0].value', '<redacted>'],
    ]);
  });

  test('a repository URL with credentials is an error telling to use an Argo CD repository secret', () => {
    const app = application({ repoURL: 'https://x-access-token:ghs_abc@github.com/org/rendered.git', path: 'shop/web', targetRevision: 'rendered' });
    const [finding] = findings(validate({ argocd: [app] }), 'secret/repo-credentials');
    expect(finding).toMatchObject({ path: 'spec.source.repoURL', value: 'https://x-access-token:<redacted>@github.com/org/rendered.git' });
    expect(finding?.fix).toMatch(/repository Secret .*argocd\.argoproj\.io\/secret-type: repository/);
  });

  test('a repository URL without credentials passes (ssh user only)', () => {
    const app = application({ repoURL: 'ssh://git@github.com/org/rendered.git', path: 'shop/web', targetRevision: 'rendered' });
    expect(findings(validate({ argocd: [app] }), 'secret/repo-credentials')).toEqual([]);
  });

  test('a value marked notSecret is set aside as exempted with its reason', () => {
    const value = notSecret('sessions:v3', 'a Redis key prefix, reviewed by the platform team');
    const d = workload((_pod, c) => {
      c.env = [{ name: 'CACHE_KEY', value }];
    });
    const report = validate({ web: [d, service()] });
    expect(findings(report, 'policy/secret-env')).toEqual([]);
    expect(report.exempted.map((f) => [f.rule, f.exemption])).toEqual([['policy/secret-env', 'notSecret: a Redis key prefix, reviewed by the platform team']]);
  });
});

describe('policy/sync-wave', () => {
  const waved = (wave: string): Obj => changed(service(), (o) => {
    (o.metadata as Obj).annotations = { 'argocd.argoproj.io/sync-wave': wave };
  });

  test('quoted integers pass', () => {
    expect(findings(validate({ web: [deployment(), waved('-1')] }), 'policy/sync-wave')).toEqual([]);
  });

  test('an unquoted number is reported by the schema check, with the fix to quote it', () => {
    const numeric = changed(service(), (o) => {
      (o.metadata as Obj).annotations = { 'argocd.argoproj.io/sync-wave': 2 };
    });
    expect(validate({ web: [deployment(), numeric] }).findings.map((f) => [f.rule, f.path, f.fix])).toEqual([
      ['schema/invalid', 'metadata.annotations["argocd.argoproj.io/sync-wave"]', 'quote it: "2"'],
    ]);
  });

  test('anything else is an error', () => {
    expect(findings(validate({ web: [deployment(), waved('first')] }), 'policy/sync-wave').map((f) => [f.path, f.value])).toEqual([
      ['metadata.annotations["argocd.argoproj.io/sync-wave"]', 'first'],
    ]);
  });
});

describe('exemptions', () => {
  test('an exempted rule is set aside with its reason and does not fail validation', () => {
    const d = workload((pod) => {
      pod.volumes = [{ name: 'data', hostPath: { path: '/mnt/data' } }];
    }, { annotations: { [exemptionAnnotation('policy/host-access')]: 'node-local cache, reviewed by platform team' } });
    const report = validate({ web: [d, service()] });
    expect(report.errors).toEqual([]);
    expect(report.exempted.map((f) => [f.rule, f.exemption])).toEqual([['policy/host-access', 'node-local cache, reviewed by platform team']]);
    expect(report.summaryLines()).toEqual(['validated test: 3 objects, 0 errors, 0 warnings, 1 exempted']);
  });

  test('an exemption covers only its own rule', () => {
    const d = workload((_pod, c) => {
      (c.securityContext as Obj).privileged = true;
      delete c.resources;
    }, { annotations: { [exemptionAnnotation('policy/host-access')]: 'needs /dev access' } });
    expect(validate({ web: [d, service()] }).errors.map((f) => f.rule)).toEqual(['policy/resources']);
  });

  test('an exemption for an unknown rule or without reason is itself an error', () => {
    const d = deployment('web', {}, { annotations: { 'policy.platform-synth.io/exempt-everything': 'because', [exemptionAnnotation('policy/probes')]: ' ' } });
    expect(findings(validate({ web: [d, service()] }), 'policy/exemption').map((f) => [f.path, f.message])).toEqual([
      ['metadata.annotations["policy.platform-synth.io/exempt-everything"]', "exemption for unknown rule 'policy/everything'"],
      ['metadata.annotations["policy.platform-synth.io/exempt-probes"]', "exemption from 'policy/probes' gives no reason"],
    ]);
  });
});
