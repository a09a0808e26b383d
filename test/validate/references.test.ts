/**
 * Cross-resource checks: each reference kind with a passing and failing case, and the index at scale.
 */
import { nodeIds } from '../../tools/validate/references';
import { changed, configMap, container, deployment, findings, meta, Obj, podSpec, service, validate } from './helpers';

const ingress = (backend: Obj): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: meta('web'),
  spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
});

const localClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: meta('local', null), provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };

const volume = (name: string, claim: string | undefined, capacity = '1Gi'): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: meta(name, null),
  spec: {
    capacity: { storage: capacity },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'local',
    local: { path: `/mnt/${name}` },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    ...(claim !== undefined ? { claimRef: { namespace: 'shop', name: claim } } : {}),
  },
});

const claim = (name: string, storageClassName: string, size = '1Gi'): Obj => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(name), spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: size } } },
});

const kafka = { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: meta('events'), spec: { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } } };
const topic = { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: meta('orders', 'shop', { labels: { 'strimzi.io/cluster': 'events' } }), spec: { topicName: 'orders.v1', partitions: 1, replicas: 1 } };

const application = (path: string, extra: Obj = {}): Obj => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: meta('test-web', 'argocd'),
  spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' }, source: { repoURL: 'https://git.example.com/rendered.git', targetRevision: 'rendered', path }, ...extra },
});

describe('ref/service-selector and ref/service-port', () => {
  test('a Service selecting a workload by label, to a declared named or numeric port, passes', () => {
    const svc = service('web', 'web', [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'alt', port: 81, targetPort: 8080 }]);
    expect(validate({ web: [deployment(), svc] }).findings).toEqual([]);
  });

  test('a Service selecting nothing is an error', () => {
    expect(findings(validate({ web: [deployment(), service('web', 'wbe')] }), 'ref/service-selector').map((f) => [f.path, f.value])).toEqual([['spec.selector', { app: 'wbe' }]]);
  });

  test('pods in another namespace are not selected', () => {
    const elsewhere = changed(deployment(), (o) => {
      (o.metadata as Obj).namespace = 'other';
    });
    expect(findings(validate({ web: [elsewhere, service()] }, { externalNamespaces: ['other'] }), 'ref/service-selector')).toHaveLength(1);
  });

  test('a targetPort the pods do not declare is an error', () => {
    const svc = service('web', 'web', [{ name: 'http', port: 80, targetPort: 'https' }]);
    expect(findings(validate({ web: [deployment(), svc] }), 'ref/service-port').map((f) => [f.path, f.message])).toEqual([
      ['spec.ports[0].targetPort', 'target port "https" is not a container port of the selected pods of Deployment/web (they declare: http (8080))'],
    ]);
  });
});

describe('ref/ingress-backend', () => {
  test('a backend naming an existing Service and port passes (by name or number)', () => {
    expect(findings(validate({ web: [deployment(), service(), ingress({ name: 'web', port: { name: 'http' } })] }), 'ref/ingress-backend')).toEqual([]);
    expect(findings(validate({ web: [deployment(), service(), ingress({ name: 'web', port: { number: 80 } })] }), 'ref/ingress-backend')).toEqual([]);
  });

  test('a missing Service is an error', () => {
    expect(findings(validate({ web: [deployment(), service(), ingress({ name: 'frontend', port: { name: 'http' } })] }), 'ref/ingress-backend').map((f) => [f.path, f.message])).toEqual([
      ['spec.rules[0].http.paths[0].backend.service.name', "backend Service 'frontend' is not rendered in namespace 'shop' (Services there: web)"],
    ]);
  });

  test('a missing port is an error (the container port is not a Service port)', () => {
    expect(findings(validate({ web: [deployment(), service(), ingress({ name: 'web', port: { number: 8080 } })] }), 'ref/ingress-backend').map((f) => [f.path, f.message])).toEqual([
      ['spec.rules[0].http.paths[0].backend.service.port.number', "Service 'web' has no port 8080 (its ports: http (80))"],
    ]);
  });
});

describe('ref/storage', () => {
  test('a no-provisioner claim with a reserved volume of enough capacity passes', () => {
    expect(findings(validate({ db: [claim('data', 'local')], storage: [localClass, volume('shop-data', 'data', '2Gi')] }), 'ref/storage')).toEqual([]);
  });

  test('a no-provisioner claim without a reserved volume is an error', () => {
    expect(findings(validate({ db: [claim('data', 'local')], storage: [localClass] }), 'ref/storage').map((f) => [f.kind, f.path, f.message])).toEqual([
      ['PersistentVolumeClaim', 'spec.storageClassName', expect.stringMatching(/^claim 'shop\/data' \(of PersistentVolumeClaim\/data\) uses the no-provisioner StorageClass 'local', but no PersistentVolume is reserved for it/)],
    ]);
  });

  test('a reserved volume that is too small is an error', () => {
    expect(findings(validate({ db: [claim('data', 'local', '10Gi')], storage: [localClass, volume('shop-data', 'data', '1Gi')] }), 'ref/storage').map((f) => [f.name, f.path])).toEqual([
      ['shop-data', 'spec.capacity.storage'],
    ]);
  });

  test('volumes that nothing claims, or that are not reserved, are errors', () => {
    expect(findings(validate({ storage: [localClass, volume('orphan', 'gone'), volume('loose', undefined)] }), 'ref/storage').map((f) => [f.name, f.message])).toEqual([
      ['loose', "PersistentVolume of the no-provisioner class 'local' is not reserved for a claim"],
      ['orphan', expect.stringMatching(/^is reserved for claim 'shop\/gone', which nothing in this environment creates/)],
    ]);
  });

  test('StatefulSet claim templates, KafkaNodePools and CloudNativePG Clusters claim volumes by their operator naming', () => {
    const sts = {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('pg'),
      spec: {
        replicas: 2, serviceName: 'pg', selector: { matchLabels: { app: 'pg' } },
        template: { metadata: { labels: { app: 'pg' } }, spec: podSpec({ containers: [container('pg')] }) },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1Gi' } } } }],
      },
    };
    const pool = {
      apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: meta('broker', 'shop', { labels: { 'strimzi.io/cluster': 'events' }, annotations: { 'strimzi.io/next-node-ids': '[3-4]' } }),
      spec: { replicas: 2, roles: ['broker'], storage: { type: 'persistent-claim', size: '1Gi', class: 'local' }, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
    };
    const cluster = {
      apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('db'),
      spec: { instances: 1, storage: { size: '1Gi', storageClass: 'local' }, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
    };
    const reserved = ['data-pg-0', 'data-pg-1', 'data-events-broker-3', 'data-events-broker-4', 'db-1'].map((c) => volume(`shop-${c}`, c));
    expect(findings(validate({ db: [sts, cluster], kafka: [pool], storage: [localClass, ...reserved] }), 'ref/storage')).toEqual([]);
    expect(findings(validate({ db: [sts, cluster], kafka: [pool], storage: [localClass, ...reserved.slice(1)] }), 'ref/storage').map((f) => f.message)).toEqual([
      expect.stringMatching(/^claim 'shop\/data-pg-0' \(of StatefulSet\/pg\)/),
    ]);
  });

  describe('every claim names a StorageClass that exists', () => {
    const declared = { externalStorageClasses: ['gp3'] };
    const resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    const pool = (storage: Obj): Obj => ({
      apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: meta('broker', 'shop', { labels: { 'strimzi.io/cluster': 'events' }, annotations: { 'strimzi.io/next-node-ids': '[0-0]' } }),
      spec: { replicas: 1, roles: ['broker'], storage, resources },
    });
    const statefulSet = (replicas: number, storageClassName: string): Obj => ({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('pg'),
      spec: {
        replicas, serviceName: 'pg', selector: { matchLabels: { app: 'pg' } },
        template: { metadata: { labels: { app: 'pg' } }, spec: podSpec({ containers: [container('pg')] }) },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName, resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const noClass = changed(claim('data', 'gp3'), (c) => { delete (c.spec as Obj).storageClassName; });

    test("rendered classes and the cluster's declared classes pass", () => {
      expect(findings(validate({ db: [claim('data', 'gp3'), claim('cache', 'local')], storage: [localClass, volume('shop-cache', 'cache')] }, declared), 'ref/storage')).toEqual([]);
    });

    test('a misspelt class is an error naming the existing classes and the closest one', () => {
      // GIVEN a production environment that renders 'local-storage' and declares no cluster classes
      const [finding, ...rest] = findings(validate({ db: [claim('data', 'local-storge')], storage: [{ ...localClass, metadata: meta('local-storage', null) }] }), 'ref/storage');
      // THEN exactly one finding, with the closest class as the fix
      expect(rest).toEqual([]);
      expect([finding?.kind, finding?.path, finding?.value, finding?.fix]).toEqual(['PersistentVolumeClaim', 'spec.storageClassName', 'local-storge', "use 'local-storage'"]);
      expect(finding?.message).toBe("claim 'shop/data' of PersistentVolumeClaim/data uses StorageClass 'local-storge', which is neither rendered in this environment nor provided by the cluster (rendered: local-storage; provided by the cluster: none), so it would stay Pending");
    });

    test('a class neither rendered nor declared is an error even when the environment declares no classes', () => {
      expect(findings(validate({ db: [claim('data', 'gp3')] }), 'ref/storage').map((f) => [f.path, f.fix])).toEqual([
        ['spec.storageClassName', "render the StorageClass 'gp3', or, if the cluster provides it, declare it (environment storage { mode: 'dynamic', storageClassName: 'gp3' } sets externalStorageClasses)"],
      ]);
    });

    test('claim templates, JBOD volumes and CloudNativePG WAL storage are checked once per field, whatever the replicas', () => {
      const jbod = pool({ type: 'jbod', volumes: [{ id: 0, type: 'persistent-claim', size: '1Gi', class: 'gp3' }, { id: 1, type: 'persistent-claim', size: '1Gi', class: 'gp2' }] });
      const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: meta('db'), spec: { instances: 3, storage: { size: '1Gi', storageClass: 'gp3' }, walStorage: { size: '1Gi', storageClass: 'gp-3' }, resources } };
      expect(findings(validate({ db: [statefulSet(3, 'gp4'), cluster], pg: [changed(statefulSet(0, 'fast'), (s) => { (s.metadata as Obj).name = 'idle'; })], kafka: [jbod] }, declared), 'ref/storage').map((f) => [f.name, f.path, f.message.replace(/,? which is neither.*$/, ''), f.fix])).toEqual([
        ['pg', 'spec.volumeClaimTemplates[0].spec.storageClassName', "claim template 'data' of StatefulSet/pg uses StorageClass 'gp4'", "use 'gp3'"],
        ['db', 'spec.walStorage.storageClass', "walStorage of Cluster/db uses StorageClass 'gp-3'", "use 'gp3'"],
        ['idle', 'spec.volumeClaimTemplates[0].spec.storageClassName', "claim template 'data' of StatefulSet/idle uses StorageClass 'fast'", expect.stringMatching(/^use one of gp3, or/)],
        ['broker', 'spec.storage.volumes[1].class', "JBOD volume 1 of KafkaNodePool/broker uses StorageClass 'gp2'", "use 'gp3'"],
      ]);
    });

    test("a claim without class gets the cluster's default class, which the environment does not declare", () => {
      expect(findings(validate({ db: [noClass], kafka: [pool({ type: 'persistent-claim', size: '1Gi' })] }, declared), 'ref/storage').map((f) => [f.kind, f.path, f.message, f.fix])).toEqual([
        ['PersistentVolumeClaim', 'spec.storageClassName', "claim 'shop/data' of PersistentVolumeClaim/data names no StorageClass, so it gets the cluster's default class, which this environment does not declare (rendered: none; provided by the cluster: gp3; none is marked default): whatever class is the default would provision it, or it stays Pending if there is none", "set the StorageClass to 'gp3'"],
        ['KafkaNodePool', 'spec.storage.class', expect.stringMatching(/^storage of KafkaNodePool\/broker names no StorageClass, so it gets the cluster's default class/), "set the StorageClass to 'gp3'"],
      ]);
      // a rendered no-provisioner class declares the environment's classes too
      expect(findings(validate({ db: [noClass], storage: [localClass] }), 'ref/storage').map((f) => f.path)).toEqual(['spec.storageClassName']);
    });

    test('a claim without class passes when the environment declares no classes or renders the default class; "" asks for no class', () => {
      expect(findings(validate({ db: [noClass] }), 'ref/storage')).toEqual([]);
      expect(findings(validate({ db: [claim('data', '')] }, declared), 'ref/storage')).toEqual([]);
      // the rendered default class applies: a no-provisioner default needs its reserved volume
      const defaultLocal = changed(localClass, (c) => { (c.metadata as Obj).annotations = { 'storageclass.kubernetes.io/is-default-class': 'true' }; });
      expect(findings(validate({ db: [noClass], storage: [defaultLocal, volume('shop-data', 'data')] }, declared), 'ref/storage')).toEqual([]);
      expect(findings(validate({ db: [noClass], storage: [defaultLocal] }, declared), 'ref/storage').map((f) => f.message)).toEqual([
        expect.stringMatching(/^claim 'shop\/data' \(of PersistentVolumeClaim\/data\) uses the no-provisioner StorageClass 'local', but no PersistentVolume is reserved for it/),
      ]);
    });

    test('a local PersistentVolume without node affinity is an error (the API server refuses it)', () => {
      const loose = changed(volume('shop-data', 'data'), (v) => { delete (v.spec as Obj).nodeAffinity; });
      expect(findings(validate({ db: [claim('data', 'local')], storage: [localClass, loose] }, declared), 'ref/storage').map((f) => [f.name, f.path, f.message])).toEqual([
        ['shop-data', 'spec.nodeAffinity', "local PersistentVolume of the no-provisioner class 'local' has no required node affinity, so the API server refuses it (a local volume lives on one node)"],
      ]);
    });
  });

  test('node ids of Strimzi pools are read from strimzi.io/next-node-ids', () => {
    expect(nodeIds('[0-2]', 3)).toEqual([0, 1, 2]);
    expect(nodeIds('[3, 7-8]', 3)).toEqual([3, 7, 8]);
    expect(nodeIds('[0-1]', 3)).toBeUndefined();
  });
});

describe('ref/kafka-bootstrap and ref/kafka-topic', () => {
  test('a client pointing at the rendered bootstrap Service and a defined topic passes', () => {
    const cfg = configMap('web-config', { KAFKA_BROKERS: 'events-kafka-bootstrap.shop:9092', KAFKA_TOPIC_ORDERS: 'orders.v1' });
    expect(validate({ kafka: [kafka, topic], web: [cfg] }).findings).toEqual([]);
  });

  test('a client pointing at a cluster that is not rendered is an error', () => {
    const cfg = configMap('web-config', { KAFKA_BROKERS: 'platform-kafka-kafka-bootstrap.kafka:9092', KAFKA_TOPIC_ORDERS: 'orders.v1' });
    expect(findings(validate({ kafka: [kafka, topic], web: [cfg] }), 'ref/kafka-bootstrap').map((f) => [f.path, f.message])).toEqual([
      ['data.KAFKA_BROKERS', "'platform-kafka-kafka-bootstrap.kafka:9092' is not the bootstrap address of a Kafka cluster rendered in this environment (rendered: events-kafka-bootstrap.shop:<listener port>)"],
    ]);
  });

  test('a port without listener is an error', () => {
    const cfg = configMap('web-config', { KAFKA_BROKERS: 'events-kafka-bootstrap.shop.svc.cluster.local:9093' });
    expect(findings(validate({ kafka: [kafka, topic], web: [cfg] }), 'ref/kafka-bootstrap').map((f) => f.message)).toEqual([
      "Kafka 'events' in namespace 'shop' has no listener on port 9093 (listeners: 9092)",
    ]);
  });

  test('an undefined topic is an error, also in container env with brokers from envFrom', () => {
    const cfg = configMap('web-config', { KAFKA_BROKERS: 'events-kafka-bootstrap.shop:9092' });
    const d = changed(deployment(), (o) => {
      const c = ((((o.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0] as Obj;
      c.envFrom = [{ configMapRef: { name: 'web-config' } }];
      c.env = [{ name: 'KAFKA_TOPIC_PAYMENTS', value: 'payments' }];
    });
    expect(findings(validate({ kafka: [kafka, topic], web: [cfg, d, service()] }), 'ref/kafka-topic').map((f) => [f.path, f.message])).toEqual([
      ['spec.template.spec.containers[0].env[0].value', "KAFKA_TOPIC_PAYMENTS names topic 'payments', which no KafkaTopic of the cluster in KAFKA_BROKERS defines (topics: orders.v1)"],
    ]);
  });
});

describe('ref/argocd-path and ref/argocd-project', () => {
  test('an Application pointing at a rendered application directory passes', () => {
    expect(validate({ web: [deployment(), service()], argocd: [application('test/web')] }).findings).toEqual([]);
  });

  test('a path that is not a rendered directory of this environment is an error', () => {
    expect(findings(validate({ web: [deployment(), service()], argocd: [application('test/webshop')] }), 'ref/argocd-path').map((f) => [f.path, f.value])).toEqual([
      ['spec.source.path', 'test/webshop'],
    ]);
  });

  test('a path into another repository is not checked; a Helm chart source has no path', () => {
    const other = application('deploy/web', { source: { repoURL: 'https://git.example.com/other.git', targetRevision: 'main', path: 'deploy/web' } });
    const helm = application('', { source: { repoURL: 'https://charts.example.com', chart: 'thing', targetRevision: '1.0.0' } });
    expect(findings(validate({ web: [deployment(), service()], argocd: [other] }), 'ref/argocd-path')).toEqual([]);
    expect(findings(validate({ web: [deployment(), service()], argocd: [helm] }), 'ref/argocd-path')).toEqual([]);
  });

  test('a rendered directory must be read from the rendered repository and branch', () => {
    const renderedSource = { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' };
    const typo = application('test/web', { source: { repoURL: 'https://git.example.com/renderd.git', targetRevision: 'main', path: 'test/web' } });
    expect(findings(validate({ web: [deployment(), service()], argocd: [application('test/web')] }, { renderedSource }), 'ref/argocd-path')).toEqual([]);
    expect(findings(validate({ web: [deployment(), service()], argocd: [typo] }, { renderedSource }), 'ref/argocd-path').map((f) => [f.path, f.value, f.fix])).toEqual([
      ['spec.source.repoURL', 'https://git.example.com/renderd.git', "use repoURL 'https://git.example.com/rendered.git' (the Argo CD constructs take it from the environment's gitops settings)"],
      ['spec.source.targetRevision', 'main', "use targetRevision 'rendered'"],
    ]);
  });

  test('ApplicationSet git directories must match rendered application directories', () => {
    const appSet = (pattern: string): Obj => ({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: meta('test', 'argocd'),
      spec: {
        generators: [{ git: { repoURL: 'https://git.example.com/rendered.git', revision: 'rendered', directories: [{ path: pattern }, { path: 'test/argocd', exclude: true }] } }],
        template: { metadata: { name: 'test-{{.path.basename}}' }, spec: { project: 'default', source: { repoURL: 'https://git.example.com/rendered.git', targetRevision: 'rendered', path: '{{.path.path}}' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } },
      },
    });
    expect(findings(validate({ web: [deployment(), service()], argocd: [appSet('test/*')] }), 'ref/argocd-path')).toEqual([]);
    expect(findings(validate({ web: [deployment(), service()], argocd: [appSet('prod/*')] }), 'ref/argocd-path').map((f) => [f.path, f.message])).toEqual([
      ['spec.generators[0].git.directories[0].path', "'prod/*' matches no rendered application directory of environment 'test'"],
    ]);
  });

  test('a rendered directory without targetRevision reads HEAD, not the rendered branch', () => {
    const renderedSource = { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' };
    const head = application('test/web', { source: { repoURL: 'https://git.example.com/rendered.git', path: 'test/web' } });
    expect(findings(validate({ web: [deployment(), service()], argocd: [head] }, { renderedSource }), 'ref/argocd-path').map((f) => [f.path, f.message])).toEqual([
      ['spec.source.targetRevision', "has no targetRevision, so Argo CD reads HEAD (the repository's default branch), but the rendered tree of 'test' is published to branch 'rendered' (gitops.branch)"],
    ]);
  });

  test('ApplicationSet git generators (also inside matrix generators) and their template read the rendered repository and branch', () => {
    // GIVEN an ApplicationSet whose nested git generator reads the rendered tree at 'main' from a misspelt repository
    const renderedSource = { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' };
    const appSet = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: meta('test', 'argocd'),
      spec: {
        generators: [{ matrix: { generators: [{ clusters: {} }, { git: { repoURL: 'https://git.example.com/renderd.git', revision: 'main', directories: [{ path: 'test/*' }] } }] } }],
        template: { metadata: { name: 'test-{{.path.basename}}' }, spec: { project: 'default', source: { repoURL: 'https://git.example.com/rendered.git', targetRevision: 'HEAD', path: '{{.path.path}}' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } },
      },
    };
    // WHEN / THEN every wrong field is reported
    expect(findings(validate({ web: [deployment(), service()], argocd: [appSet] }, { renderedSource }), 'ref/argocd-path').map((f) => [f.path, f.message])).toEqual([
      ['spec.generators[0].matrix.generators[1].git.repoURL', "reads the rendered tree of 'test' from \"https://git.example.com/renderd.git\", but it is published to https://git.example.com/rendered.git (gitops.repoURL)"],
      ['spec.generators[0].matrix.generators[1].git.revision', "reads the rendered tree of 'test' at \"main\", but the rendered tree of 'test' is published to branch 'rendered' (gitops.branch)"],
      ['spec.template.spec.source.targetRevision', "reads the rendered tree of 'test' at \"HEAD\", but the rendered tree of 'test' is published to branch 'rendered' (gitops.branch)"],
    ]);
  });

  test('ApplicationSets over other repositories and Helm chart sources are not checked against the rendered source', () => {
    const renderedSource = { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' };
    const appSet = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: meta('addons', 'argocd'),
      spec: {
        generators: [{ git: { repoURL: 'https://git.example.com/config.git', revision: 'main', files: [{ path: 'addons/*.json' }] } }],
        template: { metadata: { name: 'addon-{{.name}}' }, spec: { project: 'default', source: { repoURL: 'https://git.example.com/config.git', targetRevision: 'main', path: 'addons/{{.name}}' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } } },
      },
    };
    const helm = application('', { source: { repoURL: 'https://charts.example.com', chart: 'thing', targetRevision: '1.0.0' } });
    expect(findings(validate({ web: [deployment(), service()], argocd: [appSet, helm] }, { renderedSource }), 'ref/argocd-path')).toEqual([]);
  });

  test('a project that is not rendered is an error when the environment renders AppProjects', () => {
    const project = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: meta('shop-test', 'argocd'), spec: { sourceRepos: ['*'], destinations: [{ namespace: 'shop', server: 'https://kubernetes.default.svc' }] } };
    const app = application('test/web', { project: 'shop-prod' });
    expect(findings(validate({ web: [deployment(), service()], argocd: [project, app] }), 'ref/argocd-project').map((f) => f.message)).toEqual([
      "AppProject 'shop-prod' is not rendered in namespace 'argocd'",
    ]);
  });
});

describe('ref/duplicate-name and ref/namespace', () => {
  test('two objects of one kind and namespace with the same name are an error naming the other application', () => {
    expect(findings(validate({ web: [deployment(), service()], api: [configMap('settings', {})], other: [configMap('settings', {})] }), 'ref/duplicate-name').map((f) => [f.application, f.message])).toEqual([
      ['other', "another ConfigMap named 'settings' in namespace 'shop' is rendered by application 'api'"],
    ]);
  });

  test('same name, different kind or namespace, is fine', () => {
    expect(findings(validate({ web: [deployment(), service()], api: [configMap('web', {})] }), 'ref/duplicate-name')).toEqual([]);
  });

  test('namespaces must be rendered or declared external', () => {
    const cfg = changed(configMap('cfg', {}), (o) => {
      (o.metadata as Obj).namespace = 'payments';
    });
    expect(findings(validate({ web: [cfg] }), 'ref/namespace').map((f) => [f.path, f.message])).toEqual([
      ['metadata.namespace', "namespace 'payments' is neither rendered in this environment (rendered: shop) nor declared external (argocd)"],
    ]);
    expect(findings(validate({ web: [cfg] }, { externalNamespaces: ['payments'] }), 'ref/namespace')).toEqual([]);
  });

  test('Application destination namespaces are checked too', () => {
    const app = application('test/web', { destination: { server: 'https://kubernetes.default.svc', namespace: 'shop-api' } });
    expect(findings(validate({ web: [deployment(), service()], argocd: [app] }), 'ref/namespace').map((f) => f.path)).toEqual(['spec.destination.namespace']);
  });

  test('cluster-scoped kinds carry no namespace; namespaced kinds need one', () => {
    const sc = changed(localClass, (o) => {
      (o.metadata as Obj).namespace = 'shop';
    });
    const cfg = changed(configMap('cfg', {}), (o) => {
      delete (o.metadata as Obj).namespace;
    });
    expect(findings(validate({ storage: [sc], web: [cfg] }), 'ref/namespace').map((f) => [f.kind, f.message])).toEqual([
      ['StorageClass', 'StorageClass is cluster-scoped and cannot have a namespace'],
      ['ConfigMap', "namespaced ConfigMap has no namespace, so it lands wherever Argo CD's destination points"],
    ]);
  });
});

describe('scale', () => {
  test('1,000 services each select their own workload through the label index', () => {
    // GIVEN 1,000 Deployments and Services, one of which selects a missing label
    const objects: Obj[] = [];
    for (let i = 0; i < 1000; i++) objects.push(deployment(`svc-${i}`), service(`svc-${i}`, i === 500 ? 'nothing' : `svc-${i}`));
    // WHEN
    const report = validate({ web: objects });
    // THEN exactly that one is reported
    expect(report.checked.get('test')).toBe(2001);
    expect(report.findings.map((f) => `${f.rule} ${f.name}`)).toEqual(['ref/service-selector svc-500']);
  });
});
