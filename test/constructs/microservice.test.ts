import { App } from 'cdk8s';
import { ApplicationChart, IHttpBackend, Microservice, MicroserviceProps } from '../../constructs';
import { DynamicStorage, LocalStorage } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, Manifest, synth } from '../helpers';

const image = { repository: 'ghcr.io/acme/api', tag: '1.2.3' };

function container(objects: readonly Manifest[], name = 'api'): Json {
  return at(findObject(objects, 'Deployment', name), 'spec.template.spec.containers.0') as Json;
}

describe('Microservice', () => {
  test('every option reaches the manifest', () => {
    // GIVEN every option but the alternatives (`port` vs `ports`, Deployment vs StatefulSet: tested below)
    const { app, chart } = applicationChart('api');
    const other = new ApplicationChart(app, 'other', { context: chart.context, namespace: 'apps', version: '1' });
    const backend = new Microservice(other, 'billing', { image, port: 8080, healthCheck: { path: '/h' } });
    const all: Required<Omit<MicroserviceProps, 'port' | 'servicePort' | 'nodePort' | 'storage' | 'volumes' | 'workload' | 'runtime' | 'autoscaling' | 'cloudSecrets' | 'metrics' | 'ingressRoute' | 'reloader' | 'meshed' | 'mesh' | 'connectsTo'>> = {
      image,
      name: 'api',
      component: 'gateway',
      replicas: 3,
      command: ['/app/server'],
      args: ['--listen', ':8080'],
      ports: {
        http: { port: 8080, servicePort: 80 },
        grpc: { port: 9090, protocol: 'grpc', nodePort: 30090 },
        admin: { port: 9901, expose: false },
      },
      healthCheck: { path: '/healthz', readinessPath: '/ready', port: 'admin' },
      probes: { startup: false, liveness: { grpc: { port: 'grpc', service: 'api.v1' }, periodSeconds: 20 }, readiness: { initialDelaySeconds: 2 } },
      resources: { limits: { memory: '1Gi' } },
      env: { LOG_LEVEL: 'debug' },
      secretEnv: { API_TOKEN: { secret: 'api-token', key: 'token' } },
      envFrom: { configMaps: ['shared-settings'], secrets: ['shared-credentials'] },
      envConfigMap: false,
      files: { '/etc/api/config.yaml': 'listen: 8080\n' },
      writablePaths: ['/var/cache/api'],
      runAsUser: { uid: 2000, gid: 2001, fsGroup: 2002 },
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/api' }, automountToken: true },
      spread: false,
      disruptionBudget: { maxUnavailable: 2 },
      podAnnotations: { 'example.com/team': 'payments' },
      terminationGracePeriodSeconds: 45,
      backends: { BILLING_URL: backend },
      envRefs: [{ name: 'EXTRA', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    };
    // WHEN
    new Microservice(chart, 'api', all);
    const objects = synth(chart);
    // THEN
    const deployment = findObject(objects, 'Deployment', 'api');
    const pod = at(deployment, 'spec.template.spec') as Json;
    const c = container(objects);
    expect(at(deployment, 'spec.replicas')).toBe(3);
    expect(deployment.metadata.labels?.['app.kubernetes.io/component']).toBe('gateway');
    expect([c.command, c.args]).toEqual([['/app/server'], ['--listen', ':8080']]);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'grpc', containerPort: 9090, protocol: 'TCP' },
      { name: 'admin', containerPort: 9901, protocol: 'TCP' },
    ]);
    // The Service exposes http and grpc (grpc also on a node port), not the admin port.
    const service = findObject(objects, 'Service', 'api');
    expect(at(service, 'spec.type')).toBe('NodePort');
    expect(at(service, 'spec.ports')).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'grpc', port: 9090, targetPort: 'grpc', protocol: 'TCP', nodePort: 30090 },
    ]);
    expect(c.startupProbe).toBeUndefined();
    expect(c.livenessProbe).toEqual({ grpc: { port: 9090, service: 'api.v1' }, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'admin' }, initialDelaySeconds: 2, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    expect(at(c, 'resources.limits.memory')).toBe('1Gi');
    expect(at(c, 'resources.requests.cpu')).toBe('100m');
    expect(c.env).toEqual([
      { name: 'BILLING_URL', value: 'http://billing.apps.svc:8080' },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } },
      { name: 'EXTRA', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'shared-settings' } }, { secretRef: { name: 'shared-credentials' } }]);
    expect(c.volumeMounts).toEqual([
      { name: 'var-cache-api', mountPath: '/var/cache/api' },
      { name: 'files', mountPath: '/etc/api/config.yaml', subPath: 'etc_api_config.yaml', readOnly: true },
    ]);
    expect(findObject(objects, 'ConfigMap', 'api-files').data).toEqual({ 'etc_api_config.yaml': 'listen: 8080\n' });
    expect(pod.securityContext).toEqual(expect.objectContaining({ runAsUser: 2000, runAsGroup: 2001, fsGroup: 2002 }));
    expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toEqual(['api', true]);
    const account = findObject(objects, 'ServiceAccount', 'api');
    expect([account.metadata.annotations, account.automountServiceAccountToken]).toEqual([{ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/api' }, true]);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(at(findObject(objects, 'PodDisruptionBudget', 'api'), 'spec.maxUnavailable')).toBe(2);
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual({ 'example.com/team': 'payments', 'checksum/files': expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    // The application of the backend is synced first.
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['other']);
  });

  test('without a runtime preset nothing is assumed: no port, no env, no writable path', () => {
    const { chart } = applicationChart('worker');
    new Microservice(chart, 'worker', { image, ports: { jobs: { port: 9000, protocol: 'tcp' } }, probes: { liveness: { tcp: {} }, readiness: { tcp: {} } } });
    const c = container(synth(chart), 'worker');
    expect(c.env).toBeUndefined();
    expect(c.volumeMounts).toEqual([]);
    expect(c.livenessProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 'jobs' } }));
    expect(c.startupProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 'jobs' } }));
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  test.each([
    ['node', 3000, '256Mi', { NODE_ENV: 'production' }],
    ['java', 8080, '1Gi', { JAVA_OPTS: '-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError' }],
    ['python', 8000, '512Mi', { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }],
  ] as const)('the %s preset gives port %d, a %s memory limit and its env unless overridden', (runtime, port, memory, env) => {
    const { chart } = applicationChart('svc');
    const workload = new Microservice(chart, 'svc', { image, runtime, healthCheck: { path: '/h' } });
    const c = container(synth(chart), 'svc');
    expect(at(c, 'ports.0.containerPort')).toBe(port);
    expect(at(c, 'resources.limits.memory')).toBe(memory);
    expect(workload.env).toEqual(env);
  });

  test('literal env in a ConfigMap: envFrom and a checksum that rolls the pods when it changes', () => {
    const checksum = (level: string): unknown => {
      const { chart } = applicationChart('svc');
      new Microservice(chart, 'svc', { image, runtime: 'node', healthCheck: { path: '/h' }, env: { LEVEL: level }, envConfigMap: true });
      const objects = synth(chart);
      expect(container(objects, 'svc').envFrom).toEqual([{ configMapRef: { name: 'svc-config' } }]);
      expect(findObject(objects, 'ConfigMap', 'svc-config').data).toEqual({ LEVEL: level, NODE_ENV: 'production' });
      return at(findObject(objects, 'Deployment', 'svc'), 'spec.template.metadata.annotations.checksum/config');
    };
    expect(checksum('info')).toBe(checksum('info'));
    expect(checksum('debug')).not.toBe(checksum('info'));
  });

  test('a StatefulSet with data volumes: headless Service, one claim per replica from the storage, retained', () => {
    const { app, chart } = applicationChart('store');
    const storageChart = new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' });
    const storage = new LocalStorage(storageChart, 'storage', { nodes: ['n1', 'n2'] });
    new Microservice(chart, 'minio', { image, workload: 'StatefulSet', replicas: 2, port: 9000, healthCheck: { path: '/minio/health/live' }, volumes: { data: { mountPath: '/data', size: '20Gi' } }, storage });
    const objects = synth(chart);
    const sts = findObject(objects, 'StatefulSet', 'minio');
    expect(at(sts, 'spec.volumeClaimTemplates.0.spec')).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', resources: { requests: { storage: '20Gi' } } });
    expect(at(sts, 'spec.persistentVolumeClaimRetentionPolicy')).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(at(findObject(objects, 'Service', 'minio'), 'spec.clusterIP')).toBe('None');
    expect(findObjects(synth(storageChart), 'PersistentVolume').map((pv) => at(pv, 'spec.claimRef.name'))).toEqual(['data-minio-0', 'data-minio-1']);
  });

  test('connections: peers allowed render a NetworkPolicy on the exposed ports', () => {
    const { app, chart } = applicationChart('api');
    const api = new Microservice(chart, 'api', { image, port: 8080, healthCheck: { path: '/h' } });
    const web = new Microservice(new ApplicationChart(app, 'web', { context: chart.context, namespace: 'web', version: '1' }), 'web', { image, port: 3000, healthCheck: { path: '/' } });
    api.connections.allowFrom(web);
    expect(at(findObject(synth(chart), 'NetworkPolicy', 'api'), 'spec.ingress')).toEqual([{
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('url and endpoints of the Service; an Ingress backend by port name', () => {
    const { chart } = applicationChart('api');
    const api = new Microservice(chart, 'api', { image, ports: { http: { port: 8080, servicePort: 80 }, grpc: { port: 9090, protocol: 'grpc' } }, healthCheck: { path: '/h' } });
    const backend: IHttpBackend = api;
    expect(backend.url).toBe('http://api.apps.svc:80');
    expect(api.endpoint('grpc')).toBe('grpc://api.apps.svc:9090');
    expect(api.ingressBackend('http')).toEqual({ service: { name: 'api', port: { name: 'http' } } });
    expect(() => api.ingressBackend('https')).toThrow(/its Service has no port 'https' \(ports: http, grpc\)/);
  });

  describe('fails with a clear message', () => {
    test.each<[string, Partial<MicroserviceProps>, RegExp]>([
      ['no probe at all', { runtime: 'node' }, /field 'healthCheck': Microservice 'api': has no liveness probe \(there is no default/],
      ['two handlers in one probe', { runtime: 'node', healthCheck: { path: '/h' }, probes: { liveness: { tcp: {}, exec: { command: ['true'] } } } }, /'probes.liveness' sets tcp and exec; a probe has exactly one handler/],
      ['a probe on a port the container lacks', { runtime: 'node', probes: { liveness: { tcp: { port: 'admin' } }, readiness: { tcp: {} } } }, /probe port 'admin' is not a port of the container \(ports: http\)/],
      ['port and ports together', { port: 8080, ports: { http: { port: 8080 } }, healthCheck: { path: '/h' } }, /'port' and 'ports' are both set/],
      ['a port name that is not an IANA service name', { ports: { 'http-management-port': { port: 8081 } }, probes: { liveness: { tcp: {} }, readiness: { tcp: {} } } }, /port name 'http-management-port' must be at most 15 lower-case letters/],
      ['one container port twice', { ports: { a: { port: 8080 }, b: { port: 8080 } }, probes: { liveness: { tcp: {} }, readiness: { tcp: {} } } }, /container port 8080 is declared twice \(a and b\)/],
      ['a node port outside the range', { runtime: 'node', healthCheck: { path: '/h' }, nodePort: 8080 }, /'nodePort' must be an integer between 30000 and 32767 \(got 8080\)/],
      ['volumes on a Deployment', { runtime: 'node', healthCheck: { path: '/h' }, volumes: { data: { mountPath: '/data', size: '1Gi' } }, storage: new DynamicStorage('gp3') }, /data volumes need workload 'StatefulSet'/],
      ['a relative writable path', { runtime: 'node', healthCheck: { path: '/h' }, writablePaths: ['tmp'] }, /'writablePaths\[0\]' must be an absolute path/],
      ['a secret literal in env', { runtime: 'node', healthCheck: { path: '/h' }, env: { SMTP_PASSWORD: 'hunter2' } }, /'SMTP_PASSWORD' looks like a secret but carries a literal value/],
      ['an unknown option (tsx does not type-check)', { runtime: 'node', healthCheck: { path: '/h' }, replica: 2 } as Partial<MicroserviceProps>, /'replica' is not a setting of Microservice 'api'[^]*rename it to 'replicas'/],
      ['running as root', { runtime: 'node', healthCheck: { path: '/h' }, runAsUser: { uid: 0, gid: 0, fsGroup: 0 } }, /'uid' must not be 0/],
    ])('%s', (_what, props, message) => {
      const { chart } = applicationChart('api');
      expect(() => new Microservice(chart, 'api', { image, ...props })).toThrow(message);
    });

    test('errors name the environment file, the application and the field', () => {
      const { chart } = applicationChart('api', { context: { environment: 'prod', source: 'environments/prod.ts' } });
      expect(() => new Microservice(chart, 'api', { image, runtime: 'node', healthCheck: { path: '/h' }, replicas: 0 }))
        .toThrow("environments/prod.ts (environment 'prod'), application 'api', field 'replicas': Microservice 'api': 'replicas' must be an integer between 1 and 1000 (got 0). Fix: set replicas to 1 or more");
    });
  });

  test('works in a plain cdk8s chart with default context', () => {
    const app = new App();
    const chart = new ApplicationChart(app, 'plain', { context: { environment: 'test', stage: 'development', platform: 'p', imagePullPolicy: 'Always' }, version: '1' });
    new Microservice(chart, 'api', { image, runtime: 'node', healthCheck: { path: '/h' } });
    expect(at(container(synth(chart)), 'imagePullPolicy')).toBe('Always');
  });
});

describe('Microservice: identity, autoscaling, cloud secrets and Reloader', () => {
  const base = { image, port: 8080, healthCheck: { path: '/healthz' } } as const;
  const role = 'arn:aws:iam::123456789012:role/api';

  test('an IRSA role: the ServiceAccount carries the annotation, no token is mounted unless asked for', () => {
    const { chart } = applicationChart('api');
    new Microservice(chart, 'api', { ...base, serviceAccount: { awsRoleArn: role } });
    new Microservice(chart, 'operator', { ...base, serviceAccount: { awsRoleArn: 'arn:aws-cn:iam::123456789012:role/team/operator', automountToken: true } });
    const objects = synth(chart);
    expect(findObject(objects, 'ServiceAccount', 'api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': role });
    expect(findObject(objects, 'ServiceAccount', 'api').automountServiceAccountToken).toBe(false);
    expect(at(findObject(objects, 'Deployment', 'api'), 'spec.template.spec.automountServiceAccountToken')).toBe(false);
    expect(at(findObject(objects, 'Deployment', 'operator'), 'spec.template.spec.automountServiceAccountToken')).toBe(true);
  });

  test.each([
    [{ awsRoleArn: 'arn:aws:iam::ACCOUNT_ID:role/api' }, 'has no 12-digit AWS account id'],
    [{ awsRoleArn: 'arn:aws:iam::123456789012:user/api' }, "is not an IAM role ARN of the form 'arn:aws:iam::<12-digit account>:role/<name>'"],
    [{ awsRoleArn: `arn:aws:iam::123456789012:role/${'x'.repeat(65)}` }, 'is longer than 64 characters'],
    [{ annotations: { 'eks.amazonaws.com/role-arn': 'my-role' } }, 'the role ARN is not an IAM role ARN'],
    [{ awsRoleArn: role, annotations: { 'eks.amazonaws.com/role-arn': role } }, "'awsRoleArn' and the annotation 'eks.amazonaws.com/role-arn' are both set"],
  ])('refuses the ServiceAccount %j', (serviceAccount, message) => {
    const { chart } = applicationChart('api');
    expect(() => new Microservice(chart, 'api', { ...base, serviceAccount })).toThrow(message);
  });

  test('autoscaling: an HPA, no spec.replicas, spread kept, the disruption budget follows minReplicas', () => {
    const { chart } = applicationChart('api');
    new Microservice(chart, 'api', { ...base, autoscaling: { minReplicas: 3, maxReplicas: 6 } });
    new Microservice(chart, 'single', { ...base, autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    const objects = synth(chart);
    const deployment = findObject(objects, 'Deployment', 'api');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(at(deployment, 'spec.template.spec.topologySpreadConstraints.0.topologyKey')).toBe('kubernetes.io/hostname');
    expect([at(findObject(objects, 'HorizontalPodAutoscaler', 'api'), 'spec.minReplicas'), at(findObject(objects, 'HorizontalPodAutoscaler', 'api'), 'spec.maxReplicas')]).toEqual([3, 6]);
    expect(findObjects(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual(['api']);
    // One replica at the floor: no budget (it would block node drains), still spread once scaled out.
    expect(at(findObject(objects, 'Deployment', 'single'), 'spec.template.spec.topologySpreadConstraints.0.maxSkew')).toBe(1);
  });

  test.each([
    [{ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }, "'replicas' (3) is set together with 'autoscaling'"],
    [{ workload: 'StatefulSet' as const, autoscaling: { minReplicas: 2, maxReplicas: 4 } }, "'autoscaling' needs workload 'Deployment'"],
    [{ autoscaling: { minReplicas: 5, maxReplicas: 4 } }, 'minReplicas 5 is more than maxReplicas 4'],
  ])('refuses %j', (props, message) => {
    const { chart } = applicationChart('api');
    expect(() => new Microservice(chart, 'api', { ...base, ...props })).toThrow(message);
  });

  const cloudSecrets = { region: 'us-east-1', objects: { db: { fields: { 'db-password': 'password' } } }, env: { DB_PASSWORD: 'db-password' } };

  test('cloud secrets need the pod\'s IAM role, and an env name set twice is refused', () => {
    const { chart } = applicationChart('api');
    expect(() => new Microservice(chart, 'a', { ...base, cloudSecrets })).toThrow("'cloudSecrets' are read with the pod's AWS identity, and the workload has no IAM role (IRSA)");
    expect(() => new Microservice(chart, 'b', { ...base, cloudSecrets, serviceAccount: { awsRoleArn: role }, secretEnv: { DB_PASSWORD: { secret: 'other', key: 'password' } } }))
      .toThrow("environment variable 'DB_PASSWORD' is set both by secretEnv and by 'cloudSecrets'");
  });

  test('Reloader names exactly the Secrets and ConfigMaps read from outside git; rendered ConfigMaps roll by checksum', () => {
    const { chart } = applicationChart('api');
    new Microservice(chart, 'api', {
      ...base,
      reloader: true,
      envConfigMap: true,
      env: { LOG_LEVEL: 'info' },
      envFrom: { configMaps: ['shared-settings'], secrets: ['shared-credentials'] },
      secretEnv: { API_TOKEN: { secret: 'api-token', key: 'token' } },
      envRefs: [{ name: 'APP_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } }],
      serviceAccount: { awsRoleArn: role },
      cloudSecrets,
    });
    new Microservice(chart, 'plain', { ...base, reloader: true });
    const objects = synth(chart);
    expect(findObject(objects, 'Deployment', 'api').metadata.annotations).toEqual({
      'configmap.reloader.stakater.com/reload': 'shared-settings',
      'secret.reloader.stakater.com/reload': 'api-secrets,api-token,db-app,shared-credentials',
    });
    expect(at(findObject(objects, 'Deployment', 'api'), 'spec.template.metadata.annotations')).toHaveProperty('checksum/config');
    expect(findObject(objects, 'Deployment', 'plain').metadata.annotations).toBeUndefined();
  });
});
