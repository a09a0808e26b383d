/**
 * Prometheus metrics of a Strimzi Kafka cluster: the Strimzi metrics reporter (`metrics: true`), or the JMX Prometheus
 * exporter with typed rules rendered into a ConfigMap the `Kafka` resource references (`metricsConfig.valueFrom`),
 * the way Strimzi's packaging/examples/metrics/kafka-metrics.yaml (1.2.0) wires it.
 *
 * @see https://strimzi.io/docs/operators/latest/deploying#assembly-metrics-str
 * @see https://github.com/prometheus/jmx_exporter (rule syntax: pattern, name, type, labels, help, valueFactor)
 */
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import * as strimzi from '../../imports/kafka.strimzi.io';
import * as k8s from './k8s';
import { componentLabels } from './labels';
import { joinName } from './names';
import { refuse, withFix, z } from './options';

/** One JMX exporter rule: MBean attributes matching `pattern` become metric `name`. */
export const JmxExporterRuleSchema = z.strictObject({
  /** Regular expression over `domain<beanProperties><attribute>` (Java regex syntax). */
  pattern: z.string().min(1).superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern.replace(/\(\?<[a-zA-Z]+>/g, '('));
    } catch {
      refuse(ctx, 'is not a valid regular expression', 'check the brackets and escapes of the pattern');
    }
  }),
  /** Metric name, with `$1`... for the pattern's groups (`kafka_server_$1_$2`). */
  name: z.string().regex(/^[a-zA-Z_:$][a-zA-Z0-9_:$]*$/, { error: 'must be a Prometheus metric name (letters, digits, _ and :, groups as $1)' }),
  /**
   * Metric type.
   * @default 'UNTYPED'
   */
  type: withFix(z.enum(['GAUGE', 'COUNTER', 'UNTYPED']), "use 'GAUGE', 'COUNTER' or 'UNTYPED'").optional(),
  /**
   * Labels, with `$1`... for the pattern's groups.
   * @default {}
   */
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must be a Prometheus label name' }), z.string()).optional(),
  /**
   * Help text.
   * @default - the exporter's
   */
  help: z.string().optional(),
});

/** One JMX exporter rule. */
export type JmxExporterRule = z.infer<typeof JmxExporterRuleSchema>;

/** How a Kafka cluster exposes Prometheus metrics. */
export const KafkaMetricsSchema = withFix(z.union([
  z.boolean(),
  z.strictObject({
    /** The JMX Prometheus exporter on each Kafka node (port 9404 of the pods). */
    exporter: z.literal('jmx-prometheus'),
    /**
     * Rules, replacing the defaults (broker, request, replica manager, controller and log metrics).
     * @default - DEFAULT_KAFKA_JMX_RULES
     */
    rules: z.array(JmxExporterRuleSchema).min(1, { error: 'must list at least one rule (leave it out for the defaults)' }).optional(),
  }),
], { error: "must be true or false, or { exporter: 'jmx-prometheus' }" }), "use true (the Strimzi metrics reporter), false, or { exporter: 'jmx-prometheus', rules? }");

/** How a Kafka cluster exposes Prometheus metrics: `true` (Strimzi metrics reporter) or the JMX exporter with rules. */
export type KafkaMetrics = z.infer<typeof KafkaMetricsSchema>;

/**
 * Default JMX exporter rules: the broker's per-topic rates, request latencies, under-replicated and offline
 * partitions, the active controller, ISR changes and log sizes (the families Strimzi's Grafana dashboards read).
 */
export const DEFAULT_KAFKA_JMX_RULES: readonly JmxExporterRule[] = [
  { pattern: 'kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value', name: 'kafka_server_$1_$2', type: 'GAUGE', labels: { clientId: '$3', topic: '$4', partition: '$5' } },
  { pattern: 'kafka.server<type=(.+), name=(.+)PerSec\\w*, topic=(.+)><>Count', name: 'kafka_server_$1_$2_total', type: 'COUNTER', labels: { topic: '$3' } },
  { pattern: 'kafka.server<type=(.+), name=(.+)PerSec\\w*><>Count', name: 'kafka_server_$1_$2_total', type: 'COUNTER' },
  { pattern: 'kafka.server<type=ReplicaManager, name=(UnderReplicatedPartitions|OfflineReplicaCount|PartitionCount|LeaderCount)><>Value', name: 'kafka_server_replicamanager_$1', type: 'GAUGE' },
  { pattern: 'kafka.controller<type=KafkaController, name=(ActiveControllerCount|OfflinePartitionsCount|GlobalPartitionCount|GlobalTopicCount)><>Value', name: 'kafka_controller_kafkacontroller_$1', type: 'GAUGE' },
  { pattern: 'kafka.network<type=RequestMetrics, name=(TotalTimeMs|RequestQueueTimeMs|LocalTimeMs), request=(Produce|FetchConsumer|FetchFollower)><>(\\d+)thPercentile', name: 'kafka_network_requestmetrics_$1', type: 'GAUGE', labels: { request: '$2', quantile: '0.$3' } },
  { pattern: 'kafka.log<type=Log, name=Size, topic=(.+), partition=(.*)><>Value', name: 'kafka_log_log_size', type: 'GAUGE', labels: { topic: '$1', partition: '$2' } },
];

/** Key of the exporter configuration in the metrics ConfigMap (the key Strimzi's example uses). */
export const KAFKA_METRICS_CONFIG_KEY = 'kafka-metrics-config.yml';

/** The JMX exporter configuration for `rules` (YAML). */
export function jmxExporterConfig(rules: readonly JmxExporterRule[]): string {
  return stringify({ lowercaseOutputName: true, rules: rules.map((r) => ({ ...r })) });
}

/**
 * The `metricsConfig` of a Kafka resource for `metrics`, rendering the exporter's rules ConfigMap
 * (`<cluster>-kafka-metrics`) in `scope` when the JMX exporter is chosen; `undefined` when metrics are off.
 */
export function kafkaMetricsConfig(scope: Construct, cluster: { readonly name: string; readonly namespace: string; readonly version: string }, metrics: KafkaMetrics | undefined): strimzi.KafkaSpecKafkaMetricsConfig | undefined {
  if (metrics === undefined || metrics === false) return undefined;
  if (metrics === true) return { type: strimzi.KafkaSpecKafkaMetricsConfigType.STRIMZI_METRICS_REPORTER };
  const name = joinName(cluster.name, 'kafka-metrics');
  new k8s.KubeConfigMap(scope, 'MetricsConfig', {
    metadata: { name, namespace: cluster.namespace, labels: componentLabels({ name: 'kafka', instance: name, component: 'metrics', version: cluster.version }) },
    data: { [KAFKA_METRICS_CONFIG_KEY]: jmxExporterConfig(metrics.rules ?? DEFAULT_KAFKA_JMX_RULES) },
  });
  return {
    type: strimzi.KafkaSpecKafkaMetricsConfigType.JMX_PROMETHEUS_EXPORTER,
    valueFrom: { configMapKeyRef: { name, key: KAFKA_METRICS_CONFIG_KEY } },
  };
}
