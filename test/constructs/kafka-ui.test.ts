import { ApplicationChart, DynamicStorage, KafkaPlatform, KafkaUi } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('KafkaUi', () => {
  test('connected to the cluster by reference through a listener, synced after it', () => {
    // GIVEN
    const { app, chart } = applicationChart('kafka-ui', { namespace: 'kafka-ui' });
    const kafkaChart = new ApplicationChart(app, 'kafka', { context: chart.context, namespace: 'kafka', version: '1' });
    const kafka = new KafkaPlatform(kafkaChart, 'kafka-cluster', { storage: new DynamicStorage('standard') });
    // WHEN
    new KafkaUi(chart, 'kafka-ui', { image: { repository: 'ghcr.io/kafbat/kafka-ui', tag: 'v1.5.0' }, kafka, readOnly: true });
    // THEN
    const env = at(findObject(synth(chart), 'Deployment', 'kafka-ui'), 'spec.template.spec.containers.0.env') as { name: string; value?: string }[];
    expect(env).toEqual(expect.arrayContaining([
      { name: 'KAFKA_CLUSTERS_0_NAME', value: 'kafka-cluster' },
      { name: 'KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS', value: 'kafka-cluster-kafka-bootstrap.kafka:9092' },
      { name: 'KAFKA_CLUSTERS_0_READONLY', value: 'true' },
    ]));
    expect(chart.dependencies.map((d) => d.appName)).toEqual(['kafka']);
  });

  test('a listener the cluster does not have is an error', () => {
    const { chart } = applicationChart('kafka', { namespace: 'kafka' });
    const kafka = new KafkaPlatform(chart, 'k', { storage: new DynamicStorage('standard') });
    expect(() => new KafkaUi(chart, 'ui', { image: { repository: 'ghcr.io/kafbat/kafka-ui', tag: 'v1.5.0' }, kafka, listener: 'external' })).toThrow(/listener 'external' is not defined on this cluster/);
  });
});
