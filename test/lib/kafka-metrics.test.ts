import { parse } from 'yaml';
import { DEFAULT_KAFKA_JMX_RULES, DynamicStorage, jmxExporterConfig, KafkaPlatform, KafkaPlatformProps } from '../../constructs';
import { applicationChart, at, findObject, findObjects, Json, synth } from '../helpers';

const storage = new DynamicStorage('standard');

function render(props: Partial<KafkaPlatformProps>): ReturnType<typeof synth> {
  const { chart } = applicationChart('kafka', { namespace: 'kafka' });
  new KafkaPlatform(chart, 'event-cluster', { storage, nodePools: { mode: 'dual-role', nodes: 3 }, ...props });
  return synth(chart);
}

describe('Kafka metrics', () => {
  test('the JMX Prometheus exporter: the Kafka resource references the rules ConfigMap it renders', () => {
    // GIVEN / WHEN
    const objects = render({ metrics: { exporter: 'jmx-prometheus' } });
    // THEN
    expect(at(findObject(objects, 'Kafka'), 'spec.kafka.metricsConfig')).toEqual({
      type: 'jmxPrometheusExporter',
      valueFrom: { configMapKeyRef: { name: 'event-cluster-kafka-metrics', key: 'kafka-metrics-config.yml' } },
    });
    const configMap = findObject(objects, 'ConfigMap', 'event-cluster-kafka-metrics');
    expect(configMap.metadata.namespace).toBe('kafka');
    const config = parse((configMap.data as Record<string, string>)['kafka-metrics-config.yml'] as string) as Json;
    expect(config.lowercaseOutputName).toBe(true);
    expect((config.rules as unknown[]).length).toBe(DEFAULT_KAFKA_JMX_RULES.length);
  });

  test('typed rules replace the defaults', () => {
    const rules = [{ pattern: 'kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count', name: 'kafka_messages_in_total', type: 'COUNTER' as const }];
    const configMap = findObject(render({ metrics: { exporter: 'jmx-prometheus', rules } }), 'ConfigMap');
    expect(parse((configMap.data as Record<string, string>)['kafka-metrics-config.yml'] as string)).toEqual({ lowercaseOutputName: true, rules });
    expect(jmxExporterConfig(rules)).toBe((configMap.data as Record<string, string>)['kafka-metrics-config.yml']);
  });

  test('true keeps the Strimzi metrics reporter and renders no ConfigMap; false renders no metrics', () => {
    const reporter = render({ metrics: true });
    expect(at(findObject(reporter, 'Kafka'), 'spec.kafka.metricsConfig')).toEqual({ type: 'strimziMetricsReporter' });
    expect(findObjects(reporter, 'ConfigMap')).toEqual([]);
    expect(at(findObject(render({ metrics: false }), 'Kafka'), 'spec.kafka.metricsConfig')).toBeUndefined();
  });

  test.each([
    ['an unknown exporter', { exporter: 'prometheus' }, /'metrics.exporter' must be 'jmx-prometheus'/],
    ['a string', 'yes', /'metrics' must be true or false, or { exporter: 'jmx-prometheus' }/],
    ['a rule with an invalid metric name', { exporter: 'jmx-prometheus', rules: [{ pattern: 'kafka.server<>Value', name: 'kafka-messages' }] }, /'metrics.rules\[0\].name' must be a Prometheus metric name/],
    ['a rule with an invalid pattern', { exporter: 'jmx-prometheus', rules: [{ pattern: 'kafka.server<(>Value', name: 'x' }] }, /'metrics.rules\[0\].pattern' is not a valid regular expression/],
    ['an empty rule list', { exporter: 'jmx-prometheus', rules: [] }, /'metrics.rules' must list at least one rule/],
  ])('fails on %s', (_what, metrics, message) => {
    expect(() => render({ metrics: metrics as KafkaPlatformProps['metrics'] })).toThrow(message);
  });
});
