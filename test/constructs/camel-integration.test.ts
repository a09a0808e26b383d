import * as path from 'node:path';
import { ApplicationChart, CamelIntegration, CamelIntegrationPlatform, CamelIntegrationProps, DynamicStorage, KafkaPlatform, KafkaUser, RabbitmqCluster } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const storage = new DynamicStorage('standard');
const route = path.join(__dirname, '../fixtures/camel/bridge.yaml');

function setup(): { chart: ApplicationChart; platform: CamelIntegrationPlatform; kafka: KafkaPlatform; other: KafkaPlatform; rabbit: RabbitmqCluster; kafkaChart: ApplicationChart; rabbitChart: ApplicationChart } {
  const { app, chart } = applicationChart('integrations', { namespace: 'user-alice' });
  const kafkaChart = new ApplicationChart(app, 'kafka', { context: chart.context, namespace: 'kafka', version: '1' });
  const kafka = new KafkaPlatform(kafkaChart, 'event-cluster', { storage, nodePools: { mode: 'dual-role', nodes: 3 } });
  kafka.addTopic('events');
  kafka.addTopic('commands');
  const other = new KafkaPlatform(kafkaChart, 'other-cluster', { storage });
  other.addTopic('events');
  const rabbitChart = new ApplicationChart(app, 'rabbitmq', { context: chart.context, namespace: 'rabbitmq', version: '1' });
  const rabbit = new RabbitmqCluster(rabbitChart, 'rabbitmq-cluster', { image: { repository: 'rabbitmq', tag: '4.2.6-management' }, storage });
  const platform = new CamelIntegrationPlatform(chart, 'platform');
  return { chart, platform, kafka, other, rabbit, kafkaChart, rabbitChart };
}

describe('CamelIntegration', () => {
  test('renders the route from a file, the seed\'s container resources and properties from typed references', () => {
    // GIVEN
    const { chart, platform, kafka, rabbit, kafkaChart, rabbitChart } = setup();
    // WHEN
    const integration = new CamelIntegration(chart, 'bridge', {
      name: 'kafka-to-rabbitmq', source: { file: route }, platform,
      kafka: { cluster: kafka, topics: { events: kafka.topic('events') } },
      rabbitmq: { cluster: rabbit, credentialsSecret: 'rabbitmq-credentials' },
    });
    // THEN
    const cr = findObject(synth(chart), 'Integration', 'kafka-to-rabbitmq');
    expect(cr.apiVersion).toBe('camel.apache.org/v1');
    expect(cr.metadata.namespace).toBe('user-alice');
    expect(at(cr, 'spec.sources.0.name')).toBe('bridge.yaml');
    expect(at(cr, 'spec.sources.0.content')).toContain('kafka:{{topic.events}}');
    expect(at(cr, 'spec.traits.container')).toEqual({ requestCPU: '200m', requestMemory: '256Mi', limitCPU: '500m', limitMemory: '512Mi' });
    expect(at(cr, 'spec.traits.camel.properties')).toEqual([
      'kafka.bootstrap=event-cluster-kafka-bootstrap.kafka:9092',
      'kafka.bootstrap.tls=event-cluster-kafka-bootstrap.kafka:9093',
      'rabbitmq.addresses=rabbitmq-cluster.rabbitmq.svc:5672',
      'rabbitmq.host=rabbitmq-cluster.rabbitmq.svc',
      'rabbitmq.port=5672',
      'topic.events=events',
    ]);
    // The credentials reach the route as RABBITMQ_USERNAME / RABBITMQ_PASSWORD from the Secret's keys (no values).
    expect(at(cr, 'spec.template.spec.containers')).toEqual([{
      name: 'integration',
      env: [
        { name: 'RABBITMQ_USERNAME', valueFrom: { secretKeyRef: { name: 'rabbitmq-credentials', key: 'username' } } },
        { name: 'RABBITMQ_PASSWORD', valueFrom: { secretKeyRef: { name: 'rabbitmq-credentials', key: 'password' } } },
      ],
    }]);
    expect(integration.namespace).toBe('user-alice');
    // Synced after the clusters it uses.
    expect(chart.dependencies).toEqual([kafkaChart, rabbitChart]);
  });

  test('an inline route; replicas and resources can be overridden', () => {
    const { chart, platform } = setup();
    new CamelIntegration(chart, 'hello', { name: 'hello', source: { inline: '- from:\n    uri: timer:tick\n', name: 'hello.yaml' }, platform, replicas: 2, resources: { limits: { memory: '1Gi' } } });
    const cr = findObject(synth(chart), 'Integration', 'hello');
    expect(at(cr, 'spec.replicas')).toBe(2);
    expect(at(cr, 'spec.traits.container.limitMemory')).toBe('1Gi');
    expect(at(cr, 'spec.traits.camel.properties')).toEqual([]);
  });

  describe('validation', () => {
    test('a route using a topic the integration does not reference (an undefined topic) is an error', () => {
      const { chart, platform, kafka } = setup();
      expect(() => new CamelIntegration(chart, 'bridge', { name: 'bridge', source: { inline: '- from:\n    uri: "kafka:{{topic.orders}}?brokers={{kafka.bootstrap}}"\n', name: 'r.yaml' }, platform, kafka: { cluster: kafka, topics: { events: kafka.topic('events') } } }))
        .toThrow(/field 'source': .*the route uses \{\{topic.orders\}\}, which no reference of the integration provides \(provided: topic.events\).*pass the topic as kafka.topics.orders/s);
    });

    test('a topic the cluster does not define is an error naming the defined ones', () => {
      const { kafka } = setup();
      expect(() => kafka.topic('orders')).toThrow(/topic 'orders' is not defined on this cluster \(defined: events, commands\)/);
    });

    test('a topic of another cluster is an error', () => {
      const { chart, platform, kafka, other } = setup();
      expect(() => new CamelIntegration(chart, 'bridge', { name: 'bridge', source: { file: route }, platform, kafka: { cluster: kafka, topics: { events: other.topic('events') } } }))
        .toThrow(/topic 'events' is not a topic of Kafka cluster 'event-cluster'/);
    });

    test('RabbitMQ credentials placeholders need a credentials Secret', () => {
      const { chart, platform, kafka, rabbit } = setup();
      expect(() => new CamelIntegration(chart, 'bridge', { name: 'bridge', source: { file: route }, platform, kafka: { cluster: kafka, topics: { events: kafka.topic('events') } }, rabbitmq: { cluster: rabbit } }))
        .toThrow(/the route uses \{\{rabbitmq.username\}\}, which no reference of the integration provides/);
    });

    test('a cluster that authenticates clients needs the integration\'s Kafka user; with it the SASL properties are set', () => {
      const { app, chart } = applicationChart('integrations', { namespace: 'user-alice' });
      const kafkaChart = new ApplicationChart(app, 'kafka', { context: chart.context, namespace: 'kafka', version: '1' });
      const kafka = new KafkaPlatform(kafkaChart, 'event-cluster', { storage, authentication: 'scram-sha-512' });
      const events = kafka.addTopic('events');
      const platform = new CamelIntegrationPlatform(chart, 'platform');
      const inline = { inline: '- from:\n    uri: "kafka:{{topic.events}}?brokers={{kafka.bootstrap}}"\n', name: 'r.yaml' };
      expect(() => new CamelIntegration(chart, 'a', { name: 'a', source: inline, platform, kafka: { cluster: kafka, topics: { events } } }))
        .toThrow(/Kafka cluster 'event-cluster' authenticates clients \(scram-sha-512\), and the integration has no Kafka user/);
      // A user whose Secret stays in the cluster's namespace cannot serve a pod elsewhere.
      const unreachable = new KafkaUser(kafkaChart, 'unreachable', { cluster: kafka, userName: 'c', consumes: [events] });
      expect(() => new CamelIntegration(chart, 'c', { name: 'c', source: inline, platform, kafka: { cluster: kafka, topics: { events } }, kafkaUser: unreachable }))
        .toThrow(/the credentials of Kafka user 'c' are in namespace 'kafka', which a pod in 'user-alice' cannot read.*reflectTo: \['user-alice'\]/s);
      const kafkaUser = new KafkaUser(kafkaChart, 'user', { cluster: kafka, userName: 'b', consumes: [events], reflectTo: ['user-alice'] });
      const integration = new CamelIntegration(chart, 'b', { name: 'b', source: inline, platform, kafka: { cluster: kafka, topics: { events } }, kafkaUser });
      expect(integration.properties).toEqual(expect.arrayContaining(['camel.component.kafka.sasl-mechanism=SCRAM-SHA-512', 'camel.component.kafka.security-protocol=SASL_PLAINTEXT', 'kafka.user=b']));
      const cr = findObject(synth(chart), 'Integration', 'b');
      expect(at(cr, 'spec.template.spec.containers.0.env')).toEqual([{ name: 'CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG', valueFrom: { secretKeyRef: { name: 'b', key: 'sasl.jaas.config' } } }]);
    });

    const cases: [string, Partial<CamelIntegrationProps>, RegExp][] = [
      ['a derived property set by hand', { properties: { 'kafka.bootstrap': 'localhost:9092' } }, /field 'properties\["kafka.bootstrap"\]': .*'kafka.bootstrap' is derived from the integration's typed references/],
      ['a secret in properties', { properties: { 'db.password': 'hunter2' } }, /secret values must never be written to git/],
      ['a missing route file', { source: { file: '/nonexistent/route.yaml' } }, /cannot read '\/nonexistent\/route.yaml'/],
      ['a route without language extension', { source: { inline: 'x', name: 'route.txt' } }, /'route.txt' has no Camel K language extension/],
      ['requests above limits', { resources: { requests: { cpu: '1' } } }, /'resources.requests.cpu' request 1 is larger than the limit 500m/],
      ['an invalid name', { name: 'Bridge' }, /'name' must be a DNS-1123 label/],
    ];
    test.each(cases)('fails on %s', (_what, override, message) => {
      const { chart, platform } = setup();
      expect(() => new CamelIntegration(chart, 'x', { name: 'x', source: { inline: '- from:\n    uri: timer:tick\n', name: 'x.yaml' }, platform, ...override })).toThrow(message);
    });

    test('an IntegrationPlatform of another namespace is refused', () => {
      const { app, chart } = applicationChart('integrations', { namespace: 'user-alice' });
      const platform = new CamelIntegrationPlatform(new ApplicationChart(app, 'bob', { context: chart.context, namespace: 'user-bob', version: '1' }), 'platform');
      expect(() => new CamelIntegration(chart, 'x', { name: 'x', source: { inline: 'x', name: 'x.yaml' }, platform })).toThrow(/the IntegrationPlatform is in namespace 'user-bob', the integration in 'user-alice'/);
    });
  });
});
