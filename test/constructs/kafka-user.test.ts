import { ApplicationChart, DynamicStorage, KafkaPlatform, KafkaPlatformProps, KafkaUser } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const storage = new DynamicStorage('standard');

function cluster(props: Partial<KafkaPlatformProps> = { authentication: 'scram-sha-512' }): { chart: ApplicationChart; kafka: KafkaPlatform } {
  const { chart } = applicationChart('kafka', { namespace: 'kafka' });
  const kafka = new KafkaPlatform(chart, 'event-cluster', { storage, nodePools: { mode: 'dual-role', nodes: 3 }, ...props });
  kafka.addTopic('events');
  kafka.addTopic('commands');
  return { chart, kafka };
}

describe('SCRAM-SHA-512 on KafkaPlatform', () => {
  test('both listeners authenticate with SCRAM-SHA-512, simple authorization and the User Operator are on', () => {
    const { chart } = cluster();
    const kafka = findObject(synth(chart), 'Kafka');
    expect(at(kafka, 'spec.kafka.listeners')).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false, authentication: { type: 'scram-sha-512' } },
      { name: 'tls', port: 9093, type: 'internal', tls: true, authentication: { type: 'scram-sha-512' } },
    ]);
    expect(at(kafka, 'spec.kafka.authorization')).toEqual({ type: 'simple' });
    expect(at(kafka, 'spec.entityOperator.userOperator.resources.limits')).toEqual({ cpu: '500m', memory: '512Mi' });
  });

  test('without authentication the listeners admit anyone and there is no User Operator', () => {
    const { chart } = cluster({});
    const kafka = findObject(synth(chart), 'Kafka');
    expect(at(kafka, 'spec.kafka.listeners.0.authentication')).toBeUndefined();
    expect(at(kafka, 'spec.kafka.authorization')).toBeUndefined();
    expect(at(kafka, 'spec.entityOperator.userOperator')).toBeUndefined();
  });

  test('an unknown mechanism is refused', () => {
    expect(() => cluster({ authentication: 'plain' as never })).toThrow(/'authentication' must be 'scram-sha-512'/);
  });
});

describe('KafkaUser', () => {
  test('SCRAM-SHA-512 credentials and ACLs derived from the topics it consumes and produces', () => {
    // GIVEN
    const { chart, kafka } = cluster();
    // WHEN
    const user = new KafkaUser(chart, 'bridge', { cluster: kafka, userName: 'kafka-rabbitmq-bridge', consumes: [kafka.topic('events')], produces: [kafka.topic('commands')] });
    // THEN
    const cr = findObject(synth(chart), 'KafkaUser', 'kafka-rabbitmq-bridge');
    expect(cr.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(cr.metadata.namespace).toBe('kafka');
    expect(cr.metadata.labels?.['strimzi.io/cluster']).toBe('event-cluster');
    expect(cr.spec).toEqual({
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [
          { resource: { type: 'topic', name: 'events', patternType: 'literal' }, operations: ['Read', 'Describe'] },
          { resource: { type: 'topic', name: 'commands', patternType: 'literal' }, operations: ['Write', 'Describe'] },
          { resource: { type: 'group', name: 'kafka-rabbitmq-bridge', patternType: 'literal' }, operations: ['Read'] },
        ],
      },
    });
    expect(JSON.stringify(cr)).not.toMatch(/password/);
    expect(user.credentials).toEqual({ namespace: 'kafka', secretName: 'kafka-rabbitmq-bridge', passwordKey: 'password', jaasConfigKey: 'sasl.jaas.config' });
  });

  test('reflectTo annotates the Secret template so Reflector copies the credentials next to the client', () => {
    const { chart, kafka } = cluster();
    const user = new KafkaUser(chart, 'bridge', { cluster: kafka, userName: 'bridge', produces: [kafka.topic('events')], reflectTo: ['camelk', 'kafka'] });
    expect(at(findObject(synth(chart), 'KafkaUser'), 'spec.template.secret.metadata.annotations')).toEqual({
      'reflector.v1.k8s.emberstack.com/reflection-allowed': 'true',
      'reflector.v1.k8s.emberstack.com/reflection-allowed-namespaces': 'camelk',
      'reflector.v1.k8s.emberstack.com/reflection-auto-enabled': 'true',
      'reflector.v1.k8s.emberstack.com/reflection-auto-namespaces': 'camelk',
    });
    expect([user.credentialsIn('camelk'), user.credentialsIn('kafka'), user.credentialsIn('user-bob')]).toEqual([true, true, false]);
  });

  test('describesAll grants Describe on every topic and group (a monitoring client)', () => {
    const { chart, kafka } = cluster();
    new KafkaUser(chart, 'portal', { cluster: kafka, userName: 'portal', describesAll: true });
    expect(at(findObject(synth(chart), 'KafkaUser'), 'spec.authorization.acls')).toEqual([
      { resource: { type: 'topic', name: '*', patternType: 'literal' }, operations: ['Describe'] },
      { resource: { type: 'group', name: '*', patternType: 'literal' }, operations: ['Describe'] },
    ]);
  });

  test('a producer-only user gets no group ACL', () => {
    const { chart, kafka } = cluster();
    new KafkaUser(chart, 'webhook', { cluster: kafka, userName: 'http-webhook', produces: [kafka.topic('events')] });
    expect(at(findObject(synth(chart), 'KafkaUser'), 'spec.authorization.acls')).toEqual([
      { resource: { type: 'topic', name: 'events', patternType: 'literal' }, operations: ['Write', 'Describe'] },
    ]);
  });

  describe('validation', () => {
    test('a cluster without authentication', () => {
      const { chart, kafka } = cluster({});
      expect(() => new KafkaUser(chart, 'u', { cluster: kafka, userName: 'u', consumes: [kafka.topic('events')] })).toThrow(/Kafka cluster 'event-cluster' has no authentication, so a KafkaUser would grant nothing/);
    });
    test('a topic of another cluster', () => {
      const { chart, kafka } = cluster();
      const other = new KafkaPlatform(chart, 'other', { storage });
      const foreign = other.addTopic('audit');
      expect(() => new KafkaUser(chart, 'u', { cluster: kafka, userName: 'u', consumes: [foreign] })).toThrow(/topic 'audit' is not a topic of Kafka cluster 'event-cluster'/);
    });
    test('no topic at all', () => {
      const { chart, kafka } = cluster();
      expect(() => new KafkaUser(chart, 'u', { cluster: kafka, userName: 'u' })).toThrow(/the user is granted no topic/);
    });
    test('an invalid user name', () => {
      const { chart, kafka } = cluster();
      expect(() => new KafkaUser(chart, 'u', { cluster: kafka, userName: 'Bridge', produces: [kafka.topic('events')] })).toThrow(/'userName' must be a DNS-1123 label/);
    });
  });
});
