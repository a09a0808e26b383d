import { App } from 'cdk8s';
import { ApplicationChart } from '../../constructs';
import { KafkaPlatform } from '../../constructs';
import { KafkaTopic } from '../../constructs';
import { LocalStorage } from '../../constructs';
import { ServiceWithPostgres, ServiceWithPostgresProps, topicEnvSuffix } from '../../constructs';
import { DynamicStorage, LinkerdControlPlane } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, Manifest, synth } from '../helpers';

const image = { repository: 'healthxcape/identity-service', tag: 'v1.0.0' };
const postgres = { repository: 'postgres', tag: '15-alpine' };

function database(storage = new DynamicStorage('standard')): ServiceWithPostgresProps['database'] {
  return { image: postgres, databaseName: 'identity', storage };
}

function kafkaIn(app: App, name = 'platform-kafka'): KafkaPlatform {
  const chart = new ApplicationChart(app, `kafka-${name}`, { context: { environment: 'test', stage: 'development', platform: 'p', imagePullPolicy: 'IfNotPresent' }, namespace: 'kafka', version: '4.3.1' });
  const kafka = new KafkaPlatform(chart, name, { storage: new DynamicStorage('standard') });
  for (const topic of ['identity.events', 'user.events']) kafka.addTopic(topic);
  return kafka;
}

function config(objects: readonly Manifest[], name = 'identity-service-config'): Record<string, string> {
  return findObject(objects, 'ConfigMap', name).data as Record<string, string>;
}

function appContainer(objects: readonly Manifest[], name = 'identity-service'): Json {
  return at(findObject(objects, 'Deployment', name), 'spec.template.spec.containers.0') as Json;
}

describe('ServiceWithPostgres', () => {
  test('every prop reaches the manifest', () => {
    // GIVEN
    const { app, chart } = applicationChart('identity');
    const kafka = kafkaIn(app);
    // The service's own props and the workload options it sets defaults for (the others: microservice.test.ts).
    type Own = 'image' | 'healthCheck' | 'database' | 'name' | 'runtime' | 'port' | 'probes' | 'replicas' | 'resources' | 'env' | 'writablePaths' | 'runAsUser' | 'nodePort' | 'redis' | 'kafka';
    const all: Required<Pick<ServiceWithPostgresProps, Own>> = {
      image: { repository: 'org/identity', tag: 'v9.9.9' },
      healthCheck: { path: '/h', livenessPath: '/live', readinessPath: '/ready', startupPath: '/start', port: 8081 },
      database: { ...database(), databaseName: 'ident', username: 'ident_app', size: '3Gi' },
      name: 'ident',
      runtime: 'python',
      port: 4000,
      probes: { liveness: { periodSeconds: 20 } },
      replicas: 3,
      resources: { limits: { memory: '1Gi' } },
      env: { LOG_LEVEL: 'debug' },
      writablePaths: ['/var/tmp'],
      runAsUser: { uid: 2000, gid: 2001, fsGroup: 2002 },
      nodePort: 30083,
      redis: { image: { repository: 'redis', tag: '7-alpine' } },
      kafka: { cluster: kafka, topics: { identityEvents: kafka.topic('identity.events') }, clientId: 'ident-client', consumerGroupId: 'ident-group', listener: 'tls' },
    };
    // WHEN
    new ServiceWithPostgres(chart, 'identity', all);
    const objects = synth(chart);
    // THEN
    const deployment = findObject(objects, 'Deployment', 'ident');
    const container = at(deployment, 'spec.template.spec.containers.0') as Json;
    expect(container.image).toBe('org/identity:v9.9.9');
    expect(at(deployment, 'spec.replicas')).toBe(3);
    expect(at(container, 'ports.0.containerPort')).toBe(4000);
    expect(at(container, 'livenessProbe.httpGet.path')).toBe('/live');
    expect(at(container, 'readinessProbe.httpGet.path')).toBe('/ready');
    expect(at(container, 'startupProbe.httpGet.path')).toBe('/start');
    // A separate management port: declared on the container, called by every probe, not exposed by the Service.
    expect(at(container, 'ports')).toEqual([{ name: 'http', containerPort: 4000, protocol: 'TCP' }, { name: 'health', containerPort: 8081, protocol: 'TCP' }]);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(at(container, `${probe}.httpGet.port`)).toBe('health');
    expect(at(container, 'livenessProbe.periodSeconds')).toBe(20);
    expect(at(container, 'resources.limits.memory')).toBe('1Gi');
    expect(at(container, 'resources.requests.cpu')).toBe('100m'); // python preset, not overridden
    expect(at(container, 'volumeMounts')).toEqual([{ name: 'var-tmp', mountPath: '/var/tmp' }]);
    expect(at(deployment, 'spec.template.spec.securityContext.runAsUser')).toBe(2000);
    const service = findObject(objects, 'Service', 'ident');
    expect(at(service, 'spec.type')).toBe('NodePort');
    expect(at(service, 'spec.ports.0')).toEqual({ name: 'http', port: 4000, targetPort: 'http', protocol: 'TCP', nodePort: 30083 });
    const data = config(objects, 'ident-config');
    expect(data).toEqual({
      DATABASE_HOST: 'ident-postgres.apps.svc',
      DATABASE_NAME: 'ident',
      DATABASE_PORT: '5432',
      KAFKA_BROKERS: 'platform-kafka-kafka-bootstrap.kafka:9093',
      KAFKA_CLIENT_ID: 'ident-client',
      KAFKA_CONSUMER_GROUP_ID: 'ident-group',
      KAFKA_ENABLED: 'true',
      KAFKA_TOPIC_IDENTITY_EVENTS: 'identity.events',
      LOG_LEVEL: 'debug',
      PORT: '4000',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
      REDIS_HOST: 'ident-redis.apps.svc',
      REDIS_PORT: '6379',
    });
    const statefulSet = findObject(objects, 'StatefulSet', 'ident-postgres');
    expect(at(statefulSet, 'spec.volumeClaimTemplates.0.spec.resources.requests.storage')).toBe('3Gi');
    expect(at(findObject(objects, 'ExternalSecret', 'ident-postgres-credentials'), 'spec.target.template.data.username')).toBe('ident_app');
    expect(findObjects(objects, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('the application gets connection settings from typed references, and credentials only from the Secret', () => {
    const { chart } = applicationChart('identity');
    const service = new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/identity/health' }, database: database() });
    const objects = synth(chart);
    const container = appContainer(objects);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'identity-service-config' } }]);
    expect(container.env).toEqual([
      { name: 'DATABASE_USER', valueFrom: { secretKeyRef: { name: 'identity-service-postgres-credentials', key: 'username' } } },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'identity-service-postgres-credentials', key: 'password' } } },
    ]);
    expect(config(objects).DATABASE_HOST).toBe(service.database.host);
    expect(service.url).toBe('http://identity-service.apps.svc:3000');
    expect(findObjects(objects, 'Secret')).toHaveLength(0);
  });

  test('defaults: node runtime on port 3000, 2 replicas, ClusterIP, Kafka off', () => {
    const { chart } = applicationChart('identity');
    new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/identity/health' }, database: database() });
    const objects = synth(chart);
    expect(at(findObject(objects, 'Deployment', 'identity-service'), 'spec.replicas')).toBe(2);
    expect(at(findObject(objects, 'Service', 'identity-service'), 'spec.type')).toBe('ClusterIP');
    const data = config(objects);
    expect(data.NODE_ENV).toBe('production');
    expect(data.PORT).toBe('3000');
    // Kafka off: KAFKA_ENABLED "false" and nothing else.
    expect(Object.keys(data).filter((k) => k.startsWith('KAFKA_'))).toEqual(['KAFKA_ENABLED']);
    expect(data.KAFKA_ENABLED).toBe('false');
  });

  test.each([
    ['node', 3000, 'NODE_ENV', 'production', 24],
    ['java', 8080, 'JAVA_OPTS', '-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError', 60],
    ['python', 8000, 'PYTHONUNBUFFERED', '1', 24],
  ] as const)('runtime preset %s sets port %d, %s and probe timings', (runtime, port, key, value, startupFailures) => {
    const { chart } = applicationChart('svc');
    new ServiceWithPostgres(chart, 'svc', { image, runtime, healthCheck: { path: '/health' }, database: database() });
    const objects = synth(chart);
    const container = appContainer(objects, 'svc');
    expect(at(container, 'ports.0.containerPort')).toBe(port);
    expect(config(objects, 'svc-config')[key]).toBe(value);
    expect(at(container, 'startupProbe.failureThreshold')).toBe(startupFailures);
  });

  test('overrides win over the preset, field by field', () => {
    const { chart } = applicationChart('svc');
    new ServiceWithPostgres(chart, 'svc', {
      image, runtime: 'java', port: 9090, healthCheck: { path: '/actuator/health' }, database: database(),
      env: { JAVA_OPTS: '-Xmx256m' }, probes: { startup: { failureThreshold: 90 } }, resources: { requests: { cpu: '1' }, limits: { cpu: '2' } },
    });
    const objects = synth(chart);
    const container = appContainer(objects, 'svc');
    expect(config(objects, 'svc-config').JAVA_OPTS).toBe('-Xmx256m');
    expect(at(container, 'startupProbe')).toEqual({ httpGet: { path: '/actuator/health', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 90 });
    expect(at(container, 'resources')).toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('Kafka on: brokers from the cluster bootstrap, topics from the typed map', () => {
    const { app, chart } = applicationChart('users');
    const kafka = kafkaIn(app);
    new ServiceWithPostgres(chart, 'user-service', {
      image, healthCheck: { path: '/profiles/health' }, database: database(),
      kafka: { cluster: kafka, consumerGroupId: 'user-service-group', topics: { identityEvents: kafka.topic('identity.events'), userEvents: kafka.topic('user.events') } },
    });
    const data = config(synth(chart), 'user-service-config');
    expect(data.KAFKA_ENABLED).toBe('true');
    expect(data.KAFKA_BROKERS).toBe(kafka.bootstrap.plain);
    expect(data.KAFKA_BROKERS).toBe('platform-kafka-kafka-bootstrap.kafka:9092');
    expect(data.KAFKA_CLIENT_ID).toBe('user-service');
    expect(data.KAFKA_CONSUMER_GROUP_ID).toBe('user-service-group');
    expect(data.KAFKA_TOPIC_IDENTITY_EVENTS).toBe('identity.events');
    expect(data.KAFKA_TOPIC_USER_EVENTS).toBe('user.events');
    // The service's application is synced after the Kafka application.
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['kafka-platform-kafka']);
  });

  test('meshed: its database, Redis and Kafka bypass the proxy, ports derived from those constructs', () => {
    // GIVEN the Linkerd control plane and Kafka in applications of their own
    const { app, chart } = applicationChart('users');
    const kafka = kafkaIn(app);
    const linkerd = new LinkerdControlPlane(app, 'linkerd-control-plane', { context: chart.context });
    // WHEN
    new ServiceWithPostgres(chart, 'user-service', {
      image, healthCheck: { path: '/profiles/health' }, database: database(), redis: { image: { repository: 'redis', tag: '7.4.1' } }, mesh: linkerd,
      kafka: { cluster: kafka, topics: { userEvents: kafka.topic('user.events') } },
    });
    // THEN
    expect(at(findObject(synth(chart), 'Deployment', 'user-service'), 'spec.template.metadata.annotations')).toEqual(expect.objectContaining({
      'linkerd.io/inject': 'enabled', 'config.linkerd.io/skip-outbound-ports': '5432,6379,9092,9093',
    }));
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['kafka-platform-kafka', 'linkerd-control-plane']);
  });

  test('more than one replica: pods spread over nodes as a preference, per revision', () => {
    const { chart } = applicationChart('identity');
    new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/h' }, database: database(), replicas: 3 });
    new ServiceWithPostgres(chart, 'single', { image, healthCheck: { path: '/h' }, database: database(), replicas: 1 });
    const objects = synth(chart);
    expect(at(findObject(objects, 'Deployment', 'identity-service'), 'spec.template.spec.topologySpreadConstraints')).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'identity-service', 'app.kubernetes.io/instance': 'identity-service' } },
      matchLabelKeys: ['pod-template-hash'],
    }]);
    expect(at(findObject(objects, 'Deployment', 'single'), 'spec.template.spec.topologySpreadConstraints')).toBeUndefined();
  });

  test('a settings change rolls the pods (config checksum on the pod template)', () => {
    const checksum = (env: Record<string, string>): unknown => {
      const { chart } = applicationChart('svc');
      new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), env });
      return at(findObject(synth(chart), 'Deployment', 'svc'), 'spec.template.metadata.annotations.checksum/config');
    };
    expect(checksum({ LOG_LEVEL: 'info' })).toMatch(/^[0-9a-f]{16}$/);
    expect(checksum({ LOG_LEVEL: 'info' })).toBe(checksum({ LOG_LEVEL: 'info' }));
    expect(checksum({ LOG_LEVEL: 'debug' })).not.toBe(checksum({ LOG_LEVEL: 'info' }));
  });

  describe('its PostgreSQL', () => {
    test('statefulset engine: StatefulSet, headless Service, retained claim, PV from local storage, NetworkPolicy for the app only', () => {
      // GIVEN local storage in its own application
      const { app, chart } = applicationChart('identity');
      const storageChart = new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' });
      const storage = new LocalStorage(storageChart, 'storage', { nodes: ['node-1'] });
      // WHEN
      new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/identity/health' }, database: database(storage) });
      const objects = synth(chart);
      // THEN
      const sts = findObject(objects, 'StatefulSet', 'identity-service-postgres');
      expect(at(sts, 'spec.serviceName')).toBe('identity-service-postgres');
      expect(at(sts, 'spec.replicas')).toBe(1);
      expect(at(sts, 'spec.persistentVolumeClaimRetentionPolicy')).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
      expect(at(sts, 'spec.volumeClaimTemplates.0.spec.storageClassName')).toBe('local-storage');
      const pg = at(sts, 'spec.template.spec.containers.0') as Json;
      expect(pg.image).toBe('postgres:15-alpine');
      expect(pg.env).toEqual([
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
        { name: 'POSTGRES_DB', value: 'identity' },
        { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'identity-service-postgres-credentials', key: 'username' } } },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'identity-service-postgres-credentials', key: 'password' } } },
      ]);
      expect(at(sts, 'spec.template.spec.securityContext.runAsUser')).toBe(70);
      expect(at(findObject(objects, 'Service', 'identity-service-postgres'), 'spec.clusterIP')).toBe('None');
      const policy = findObject(objects, 'NetworkPolicy', 'identity-service-postgres');
      expect(at(policy, 'spec.ingress.0.from')).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'identity-service', 'app.kubernetes.io/name': 'identity-service' } } }]);
      // The PersistentVolume is derived from the claim, in the storage application.
      const pv = findObject(synth(storageChart), 'PersistentVolume');
      expect(at(pv, 'spec.claimRef')).toEqual({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'apps', name: 'data-identity-service-postgres-0' });
      expect(chart.dependencies.map((d) => d.appName)).toEqual(['local-storage']);
    });

    test('generated credentials: a Password generator and an ExternalSecret created once, never pruned', () => {
      const { chart } = applicationChart('identity');
      new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/h' }, database: { ...database(), credentials: { mode: 'generated' } } });
      const objects = synth(chart);
      const es = findObject(objects, 'ExternalSecret', 'identity-service-postgres-credentials');
      expect(at(es, 'spec.refreshPolicy')).toBe('CreatedOnce');
      expect(at(es, 'spec.dataFrom.0.sourceRef.generatorRef')).toEqual({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'identity-service-postgres-password' });
      expect(at(es, 'spec.target.template.data')).toEqual({ username: 'identity', password: '{{ .password }}' });
      expect(at(es, 'metadata.annotations')).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
      expect(findObject(objects, 'Password', 'identity-service-postgres-password').spec).toEqual(expect.objectContaining({ length: 32, symbols: 0 }));
    });

    test('existing-secret credentials: only references, nothing generated', () => {
      const { chart } = applicationChart('identity');
      new ServiceWithPostgres(chart, 'identity-service', {
        image, healthCheck: { path: '/h' }, database: { ...database(), credentials: { mode: 'existing-secret', secretName: 'identity-db' } },
      });
      const objects = synth(chart);
      expect(findObjects(objects, 'ExternalSecret')).toHaveLength(0);
      expect(at(appContainer(objects), 'env.1.valueFrom.secretKeyRef')).toEqual({ name: 'identity-db', key: 'password' });
    });

    test('cloudnative-pg engine: a Cluster, the operator-generated app secret, one claim per instance', () => {
      const { app, chart } = applicationChart('identity');
      const storageChart = new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' });
      const storage = new LocalStorage(storageChart, 'storage', { nodes: ['node-1'] });
      const service = new ServiceWithPostgres(chart, 'identity-service', {
        image, healthCheck: { path: '/h' },
        database: { image: { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' }, databaseName: 'identity', storage, engine: 'cloudnative-pg', instances: 3, size: '10Gi' },
      });
      const objects = synth(chart);
      const cluster = findObject(objects, 'Cluster', 'identity-service-postgres');
      expect(at(cluster, 'spec.instances')).toBe(3);
      expect(at(cluster, 'spec.imageName')).toBe('ghcr.io/cloudnative-pg/postgresql:15.17-standard-trixie');
      expect(at(cluster, 'spec.storage')).toEqual({ size: '10Gi', storageClass: 'local-storage' });
      expect(at(cluster, 'spec.bootstrap.initdb')).toEqual({ database: 'identity', owner: 'identity' });
      expect(findObjects(objects, 'StatefulSet')).toHaveLength(0);
      expect(service.database.host).toBe('identity-service-postgres-rw.apps.svc');
      expect(service.database.credentials.secretName).toBe('identity-service-postgres-app');
      expect(findObjects(synth(storageChart), 'PersistentVolume').map((pv) => at(pv, 'spec.claimRef.name'))).toEqual([
        'identity-service-postgres-1', 'identity-service-postgres-2', 'identity-service-postgres-3',
      ]);
    });

    test('Redis: its own Deployment and Service, reachable only from the service', () => {
      const { chart } = applicationChart('identity');
      new ServiceWithPostgres(chart, 'identity-service', { image, healthCheck: { path: '/h' }, database: database(), redis: { image: { repository: 'redis', tag: '7-alpine' } } });
      const objects = synth(chart);
      const redis = at(findObject(objects, 'Deployment', 'identity-service-redis'), 'spec.template.spec.containers.0') as Json;
      expect(redis.args).toEqual(['--save', '', '--appendonly', 'no', '--maxmemory', '96mb', '--maxmemory-policy', 'allkeys-lru']);
      expect(at(findObject(objects, 'NetworkPolicy', 'identity-service-redis'), 'spec.ingress.0.from')).toEqual([
        { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'identity-service', 'app.kubernetes.io/name': 'identity-service' } } },
      ]);
    });
  });

  describe('fails with a clear message', () => {
    const build = (override: Partial<ServiceWithPostgresProps>, withKafka = false): void => {
      const { app, chart } = applicationChart('svc');
      const kafka = withKafka ? kafkaIn(app) : undefined;
      new ServiceWithPostgres(chart, 'svc', {
        image, healthCheck: { path: '/h' }, database: database(),
        ...(kafka ? { kafka: { cluster: kafka, topics: { identityEvents: kafka.topic('identity.events') } } } : {}),
        ...override,
      } as ServiceWithPostgresProps);
    };

    test.each([
      ['replicas < 1', { replicas: 0 }, /'replicas' must be an integer between 1 and 1000 \(got 0\)/],
      ['a port clash between app and database', { port: 5432 }, /port 5432 clashes with the database port 5432/],
      ['a port clash between app and Redis', { port: 6379, redis: { image: { repository: 'redis', tag: '7' } } }, /port 6379 clashes with the Redis port 6379/],
      ['a health-check port out of range', { healthCheck: { path: '/h', port: 70000 } }, /'healthCheck.port' must be an integer between 1 and 65535 \(got 70000\)/],
      ['a node port outside the range', { nodePort: 8080 }, /'nodePort' must be an integer between 30000 and 32767 \(got 8080\)/],
      ['a health path without /', { healthCheck: { path: 'health' } }, /'healthCheck.path' must start with '\/'/],
      ['a generated variable set by hand', { env: { DATABASE_HOST: 'db.example.com' } }, /'DATABASE_HOST' is set by the construct from typed references/],
      ['a secret in env', { env: { DB_PASSWORD: 'hunter2' } }, /'DB_PASSWORD' looks like a secret but carries a literal value/],
      ['credentials in a URL', { env: { UPSTREAM: 'https://user:pw@example.com' } }, /'UPSTREAM' embeds credentials in a URL/],
    ])('%s', (_what, override, message) => {
      expect(() => build(override as Partial<ServiceWithPostgresProps>)).toThrow(message);
    });

    test('a topic name instead of the topic (typed references only)', () => {
      const { app, chart } = applicationChart('svc');
      const kafka = kafkaIn(app);
      const topics = { identityEvents: 'identity.events' } as unknown as Record<string, KafkaTopic>;
      expect(() => new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), kafka: { cluster: kafka, topics } }))
        .toThrow(/topic 'identityEvents' must be a KafkaTopic \(the object addTopic\(\) returns\), not a name/);
    });

    test.each(['identity-events', 'IdentityEvents', '1events', 'identity.events'])('a topic key that is not a valid env suffix: %s', (key) => {
      const { app, chart } = applicationChart('svc');
      const kafka = kafkaIn(app);
      expect(() => new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), kafka: { cluster: kafka, topics: { [key]: kafka.topic('identity.events') } } }))
        .toThrow(new RegExp(`topic key '${key.replace('.', '\\.')}' is not a valid env suffix`));
    });

    test('topics written as a list instead of a map (the reference platform\'s schema error)', () => {
      const { app, chart } = applicationChart('svc');
      const kafka = kafkaIn(app);
      const topics = [kafka.topic('identity.events')] as unknown as Record<string, KafkaTopic>;
      expect(() => new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), kafka: { cluster: kafka, topics } }))
        .toThrow(/'kafka.topics' must be a map of camelCase keys to topics, not a list/);
    });

    test('a topic the platform does not define', () => {
      const { app, chart } = applicationChart('svc');
      const kafka = kafkaIn(app);
      expect(() => new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), kafka: { cluster: kafka, topics: { orderEvents: kafka.topic('order.events') } } }))
        .toThrow(/topic 'order.events' is not defined on this cluster \(defined: identity.events, user.events\)/);
    });

    test('a topic of another cluster', () => {
      const { app, chart } = applicationChart('svc');
      const kafka = kafkaIn(app);
      const other = kafkaIn(app, 'other-kafka');
      expect(() => new ServiceWithPostgres(chart, 'svc', { image, healthCheck: { path: '/h' }, database: database(), kafka: { cluster: kafka, topics: { identityEvents: other.topic('identity.events') } } }))
        .toThrow(/topic 'identity.events' belongs to cluster 'other-kafka', not to 'platform-kafka'/);
    });

    test('cnpg credentials with the statefulset engine', () => {
      expect(() => build({ database: { ...database(), credentials: { mode: 'cnpg' } } }))
        .toThrow(/'cnpg' credentials are generated by CloudNativePG and need the 'cloudnative-pg' engine/);
    });
  });
});

test('topicEnvSuffix turns camelCase keys into env suffixes', () => {
  expect(topicEnvSuffix('identityEvents')).toBe('IDENTITY_EVENTS');
  expect(topicEnvSuffix('dlq')).toBe('DLQ');
  expect(topicEnvSuffix('platformDlq2')).toBe('PLATFORM_DLQ2');
  expect(topicEnvSuffix('Identity')).toBeUndefined();
  expect(topicEnvSuffix('a_b')).toBeUndefined();
});
