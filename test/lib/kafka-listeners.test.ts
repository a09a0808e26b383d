import { DynamicStorage, KafkaListener, KafkaPlatform } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const storage = new DynamicStorage('standard');
const seedListeners: KafkaListener[] = [
  { name: 'plain', port: 9092, type: 'internal', tls: false },
  { name: 'external', port: 9094, type: 'cluster-ip', tls: true, brokers: [{ broker: 0, advertisedHost: 'broker0.127.0.0.1.nip.io', advertisedPort: 9094 }] },
];

describe('Kafka listeners', () => {
  test('the seed\'s plain and external TLS listener with a per-broker advertised host; clients pick one by reference', () => {
    // GIVEN
    const { chart } = applicationChart('kafka', { namespace: 'kafka' });
    // WHEN
    const kafka = new KafkaPlatform(chart, 'kafka-cluster', { storage, listeners: seedListeners });
    // THEN
    expect(at(findObject(synth(chart), 'Kafka', 'kafka-cluster'), 'spec.kafka.listeners')).toEqual([
      { name: 'plain', port: 9092, type: 'internal', tls: false },
      { name: 'external', port: 9094, type: 'cluster-ip', tls: true, configuration: { brokers: [{ broker: 0, advertisedHost: 'broker0.127.0.0.1.nip.io', advertisedPort: 9094 }] } },
    ]);
    expect(kafka.listener('external')).toEqual({ name: 'external', bootstrap: 'kafka-cluster-kafka-bootstrap.kafka:9094', tls: true, type: 'cluster-ip' });
    expect(kafka.listener('plain').bootstrap).toBe(kafka.bootstrap.plain);
  });

  test('an ingress listener renders its bootstrap and broker hosts', () => {
    const { chart } = applicationChart('kafka', { namespace: 'kafka' });
    new KafkaPlatform(chart, 'k', { storage, listeners: [{ name: 'ingress', port: 9095, type: 'ingress', tls: true, bootstrapHost: 'kafka.example.com', brokers: [{ broker: 0, host: 'broker0.example.com' }] }] });
    expect(at(findObject(synth(chart), 'Kafka'), 'spec.kafka.listeners.0.configuration')).toEqual({ bootstrap: { host: 'kafka.example.com' }, brokers: [{ broker: 0, host: 'broker0.example.com' }] });
  });

  test('a listener name clash and a port clash are clear errors', () => {
    const { chart } = applicationChart('kafka', { namespace: 'kafka' });
    expect(() => new KafkaPlatform(chart, 'k', { storage, listeners: [...seedListeners, { name: 'external', port: 9095, type: 'nodeport', tls: true }] }))
      .toThrow(/field 'listeners\[2\]\.name'.*listener name 'external' is used by listeners\[1\] too.*Fix: give each listener its own name/);
    expect(() => new KafkaPlatform(chart, 'k2', { storage, listeners: [...seedListeners, { name: 'other', port: 9094, type: 'nodeport', tls: true }] }))
      .toThrow(/port 9094 is used by listener 'external' too/);
  });

  test('Strimzi\'s rules: name pattern, reserved ports, ingress needs TLS and hosts, brokers that exist', () => {
    const { chart } = applicationChart('kafka', { namespace: 'kafka' });
    expect(() => new KafkaPlatform(chart, 'a', { storage, listeners: [{ name: 'External_1', port: 9404, type: 'internal', tls: false }] }))
      .toThrow(/listeners\[0\]\.name.*1-11 lower-case letters[\s\S]*listeners\[0\]\.port.*reserved for Prometheus/);
    expect(() => new KafkaPlatform(chart, 'b', { storage, listeners: [{ name: 'ing', port: 9095, type: 'ingress', tls: false, brokers: [{ broker: 0 }] }] }))
      .toThrow(/needs TLS[\s\S]*needs the bootstrap host[\s\S]*broker 0 of an ingress listener needs its host/);
    expect(() => new KafkaPlatform(chart, 'c', { storage, listeners: [{ name: 'ext', port: 9094, type: 'cluster-ip', tls: true, brokers: [{ broker: 3 }] }] }))
      .toThrow(/listener 'ext' configures broker 3, which the node pools do not have \(brokers: 0\)/);
    const kafka = new KafkaPlatform(chart, 'd', { storage });
    expect(() => kafka.listener('external')).toThrow(/listener 'external' is not defined on this cluster \(listeners: plain, tls\)/);
  });
});
