import { Testing } from 'cdk8s';
import { ApplicationChart } from '../../constructs';
import { HelmApplication } from '../../constructs';
import { KafkaPlatform, KafkaPlatformProps } from '../../constructs';
import { LocalStorage } from '../../constructs';
import { DynamicStorage } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, synth } from '../helpers';

const storage = new DynamicStorage('standard');

function kafkaChart(): ApplicationChart {
  return applicationChart('kafka', { namespace: 'kafka' }).chart;
}

describe('KafkaPlatform', () => {
  test('renders a KRaft cluster (kafka.strimzi.io/v1) with plain and tls listeners and a dual-role pool by default', () => {
    const chart = kafkaChart();
    const kafka = new KafkaPlatform(chart, 'platform-kafka', { storage });
    const objects = synth(chart);
    const cr = findObject(objects, 'Kafka', 'platform-kafka');
    expect(cr.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(at(cr, 'spec.kafka.version')).toBe('4.3.1');
    expect(at(cr, 'spec.kafka.listeners')).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false },
      { name: 'tls', port: 9093, type: 'internal', tls: true },
    ]);
    // KRaft only: no ZooKeeper section, no legacy annotations (strimzi.io/kraft, strimzi.io/node-pools); Argo CD
    // asks before it deletes the cluster.
    expect(at(cr, 'spec.zookeeper')).toBeUndefined();
    expect(cr.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
    expect(at(cr, 'spec.entityOperator.topicOperator')).toBeDefined();
    const pool = findObject(objects, 'KafkaNodePool', 'dual-role');
    expect(pool.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(at(pool, 'spec.roles')).toEqual(['controller', 'broker']);
    expect(at(pool, 'spec.replicas')).toBe(1);
    expect(at(pool, 'spec.storage')).toEqual({ type: 'persistent-claim', size: '10Gi', class: 'standard', deleteClaim: false });
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('platform-kafka');
    expect(kafka.bootstrap).toEqual({
      host: 'platform-kafka-kafka-bootstrap.kafka',
      plain: 'platform-kafka-kafka-bootstrap.kafka:9092',
      tls: 'platform-kafka-kafka-bootstrap.kafka:9093',
    });
  });

  test('separate controller and broker pools with pinned node ids; replication settings follow the broker count', () => {
    const chart = kafkaChart();
    new KafkaPlatform(chart, 'platform-kafka', { storage, nodePools: { mode: 'separate', controllers: 3, brokers: 4 }, defaultReplicas: 3, minInsyncReplicas: 2 });
    const objects = synth(chart);
    const controller = findObject(objects, 'KafkaNodePool', 'controller');
    const broker = findObject(objects, 'KafkaNodePool', 'broker');
    expect(at(controller, 'spec.roles')).toEqual(['controller']);
    expect(at(broker, 'spec.roles')).toEqual(['broker']);
    expect(controller.metadata.annotations).toEqual({ 'strimzi.io/next-node-ids': '[0-2]', 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
    // Brokers start at a fixed id, so adding controllers never renumbers them (their claims are named by id).
    expect(broker.metadata.annotations).toEqual({ 'strimzi.io/next-node-ids': '[100-103]', 'argocd.argoproj.io/sync-options': 'Prune=confirm,Delete=confirm' });
    expect(at(findObject(objects, 'Kafka'), 'spec.kafka.config')).toEqual({
      'auto.create.topics.enable': false,
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
      'transaction.state.log.replication.factor': 3,
    });
  });

  test('scaling the controllers keeps the broker ids and claims', () => {
    const brokerClaims = (controllers: number): string[] => {
      const { app, chart } = applicationChart('kafka', { namespace: 'kafka' });
      const local = new LocalStorage(new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' }), 'storage', { nodes: ['node-1'] });
      new KafkaPlatform(chart, 'platform-kafka', { storage: local, nodePools: { mode: 'separate', controllers, brokers: 3 } });
      return local.claims.map((c) => c.claimName).filter((n) => n.includes('-broker-'));
    };
    expect(brokerClaims(5)).toEqual(brokerClaims(3));
  });

  test('a single broker gets replication factor 1 everywhere', () => {
    const chart = kafkaChart();
    new KafkaPlatform(chart, 'platform-kafka', { storage });
    expect(at(findObject(synth(chart), 'Kafka'), 'spec.kafka.config')).toEqual(expect.objectContaining({
      'default.replication.factor': 1, 'min.insync.replicas': 1, 'offsets.topic.replication.factor': 1,
      'transaction.state.log.replication.factor': 1, 'transaction.state.log.min.isr': 1,
    }));
  });

  test('registers one claim per node with local storage (data-<cluster>-<pool>-<id>)', () => {
    const { app, chart } = applicationChart('kafka', { namespace: 'kafka' });
    const storageChart = new ApplicationChart(app, 'local-storage', { context: chart.context, version: '1' });
    const local = new LocalStorage(storageChart, 'storage', { nodes: ['node-1'] });
    new KafkaPlatform(chart, 'platform-kafka', { storage: local, nodePools: { mode: 'separate', controllers: 1, brokers: 2 }, storageSize: '20Gi' });
    expect(local.claims.map((c) => `${c.namespace}/${c.claimName}=${c.size}`)).toEqual([
      'kafka/data-platform-kafka-controller-0=20Gi',
      'kafka/data-platform-kafka-broker-100=20Gi',
      'kafka/data-platform-kafka-broker-101=20Gi',
    ]);
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['local-storage']);
  });

  test('addTopic() returns a typed topic carrying the strimzi.io/cluster label', () => {
    const chart = kafkaChart();
    const kafka = new KafkaPlatform(chart, 'platform-kafka', { storage, nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 1 });
    const topic = kafka.addTopic('identity.events', { config: { 'retention.ms': 604800000 } });
    expect([topic.topicName, topic.partitions, topic.replicas, topic.minInsyncReplicas]).toEqual(['identity.events', 3, 2, 1]);
    expect(kafka.topic('identity.events')).toBe(topic);
    expect(kafka.findTopic('identity.events')).toBe(topic);
    expect(kafka.findTopic('identity.missing')).toBeUndefined();
    const cr = findObject(synth(chart), 'KafkaTopic', 'identity-events');
    expect(cr.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(cr.metadata.labels?.['strimzi.io/cluster']).toBe('platform-kafka');
    expect(cr.metadata.namespace).toBe('kafka');
    expect(cr.spec).toEqual({ topicName: 'identity.events', partitions: 3, replicas: 2, config: { 'retention.ms': 604800000, 'min.insync.replicas': 1 } });
  });

  test('metrics use the Strimzi metrics reporter when enabled', () => {
    const chart = kafkaChart();
    new KafkaPlatform(chart, 'platform-kafka', { storage, metrics: true });
    expect(at(findObject(synth(chart), 'Kafka'), 'spec.kafka.metricsConfig')).toEqual({ type: 'strimziMetricsReporter' });
  });

  test('the cluster is synced after the application delivering the Strimzi operator', () => {
    const { app, chart } = applicationChart('kafka', { namespace: 'kafka' });
    const operator = new HelmApplication(app, 'strimzi-operator', { context: chart.context, namespace: 'kafka', repoURL: 'https://strimzi.io/charts/', chart: 'strimzi-kafka-operator', version: '1.2.0' });
    new KafkaPlatform(chart, 'platform-kafka', { storage, operator });
    expect(chart.dependencies).toEqual([operator]);
  });

  describe('validation', () => {
    const cases: [string, Partial<KafkaPlatformProps>, RegExp][] = [
      ['an unsupported Kafka version (the reference named 4.0.0 on Strimzi 0.44)', { version: '4.0.0' as never }, /Kafka 4.0.0 is not supported by Strimzi 1.2.0 \(supported: 4.2.0, 4.2.1, 4.3.0, 4.3.1\)/],
      ['an even number of controllers', { nodePools: { mode: 'separate', controllers: 2, brokers: 3 } }, /2 controllers is an even number/],
      ['a dual-role pool of 2', { nodePools: { mode: 'dual-role', nodes: 2 } }, /dual-role pool: 2 controllers is an even number/],
      ['no controller', { nodePools: { mode: 'separate', controllers: 0, brokers: 3 } }, /at least one node must have the controller role/],
      ['no broker', { nodePools: { mode: 'separate', controllers: 3, brokers: 0 } }, /at least one node must have the broker role/],
      ['topic replicas above the brokers', { nodePools: { mode: 'dual-role', nodes: 1 }, defaultReplicas: 3 }, /replicas 3 is greater than the 1 broker of the cluster/],
      ['min.insync.replicas not lower than replicas', { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 3, minInsyncReplicas: 3 }, /min.insync.replicas 3 must be lower than replicas 3/],
      ['a derived setting in config', { config: { 'min.insync.replicas': 1 } }, /'min.insync.replicas' is derived from the broker count/],
      ['an invalid storage size', { storageSize: 'ten gigs' }, /'storageSize' must be a Kubernetes quantity/],
      ['an option Strimzi manages (listeners, security, node ids)', { config: { 'listeners': 'PLAINTEXT://:9092' } }, /'listeners' is managed by Strimzi \(options starting with 'listeners\.' cannot be set\)/],
      ['an ssl option Strimzi manages', { config: { 'ssl.keystore.location': '/x' } }, /'ssl\.keystore\.location' is managed by Strimzi/],
      ['more than 9 controllers', { nodePools: { mode: 'separate', controllers: 11, brokers: 3 } }, /11 controllers: a KRaft quorum larger than 9/],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      expect(() => new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage, ...override })).toThrow(message);
    });

    test('options Strimzi lets users set pass (its documented exceptions, ordinary broker options)', () => {
      expect(() => new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage, config: { 'ssl.cipher.suites': 'TLS_AES_256_GCM_SHA384', 'log.retention.hours': 168, 'controller.quorum.election.timeout.ms': 2000 } })).not.toThrow();
    });

    test('a topic with more replicas than brokers', () => {
      const kafka = new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage });
      expect(() => kafka.addTopic('identity.events', { replicas: 2 })).toThrow(/KafkaTopic 'identity.events' of cluster 'platform-kafka': replicas 2 is greater than the 1 broker of the cluster/);
    });

    test.each([
      ['', /topic name must be a non-empty string/],
      ['user events', /may only contain letters, digits, '.', '_' and '-'/],
      ['..', /topic name '..' is reserved/],
      ['x'.repeat(250), /longer than 249 characters/],
    ])('an invalid topic name %j', (name, message) => {
      const kafka = new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage });
      expect(() => kafka.addTopic(name)).toThrow(message);
    });

    test('a duplicate topic, and topics colliding on the same resource name', () => {
      const kafka = new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage });
      kafka.addTopic('user.events');
      expect(() => kafka.addTopic('user.events')).toThrow(/topic 'user.events' is defined twice/);
      expect(() => kafka.addTopic('user_events')).toThrow(/topic 'user_events' collides with 'user.events'/);
    });

    test('looking up a topic the platform does not define', () => {
      const kafka = new KafkaPlatform(kafkaChart(), 'platform-kafka', { storage });
      kafka.addTopic('user.events');
      expect(() => kafka.topic('blog.events')).toThrow(/topic 'blog.events' is not defined on this cluster \(defined: user.events\)/);
    });

    test('a namespace is required', () => {
      expect(() => new KafkaPlatform(Testing.chart(), 'platform-kafka', { storage })).toThrow(/'namespace' is required when the chart has no namespace/);
    });
  });
});

test('every Kafka object of a platform is in the cluster namespace', () => {
  const chart = kafkaChart();
  const kafka = new KafkaPlatform(chart, 'platform-kafka', { storage });
  kafka.addTopic('a.b');
  for (const o of [...findObjects(synth(chart), 'KafkaTopic'), ...findObjects(synth(chart), 'KafkaNodePool')]) {
    expect((o.metadata as Json).namespace).toBe('kafka');
  }
});
