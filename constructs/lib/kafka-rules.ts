/**
 * Rules of a Strimzi-managed Kafka cluster, shared by the `KafkaPlatform` construct and the environment
 * boundary so both report the same problem the same way.
 *
 * @see https://strimzi.io/docs/operators/latest/deploying (supported versions are in kafka-versions.yaml)
 */

import { closest } from './suggest';

/** The pinned Strimzi release: its CRDs are imported in `imports/kafka.strimzi.io.ts`, its Helm chart is deployed. */
export const STRIMZI_VERSION = '1.2.0';

/** Kafka versions Strimzi 1.2.0 supports (KRaft only). */
export const SUPPORTED_KAFKA_VERSIONS = ['4.2.0', '4.2.1', '4.3.0', '4.3.1'] as const;

/** A Kafka version supported by the pinned Strimzi. */
export type SupportedKafkaVersion = (typeof SUPPORTED_KAFKA_VERSIONS)[number];

/** Strimzi 1.2.0's default Kafka version. */
export const DEFAULT_KAFKA_VERSION: SupportedKafkaVersion = '4.3.1';

/** Why `version` cannot run on the pinned Strimzi, or `undefined`. */
export function kafkaVersionProblem(version: unknown): string | undefined {
  if ((SUPPORTED_KAFKA_VERSIONS as readonly unknown[]).includes(version)) return undefined;
  return `Kafka ${String(version)} is not supported by Strimzi ${STRIMZI_VERSION} (supported: ${SUPPORTED_KAFKA_VERSIONS.join(', ')})`;
}

/** Why this number of KRaft controllers cannot form a healthy quorum, or `undefined`. */
export function controllerCountProblem(controllers: unknown): string | undefined {
  if (typeof controllers !== 'number' || !Number.isInteger(controllers) || controllers < 1) {
    return 'at least one node must have the controller role';
  }
  if (controllers > 9) {
    return `${controllers} controllers: a KRaft quorum larger than 9 only slows down elections and writes; use 3 or 5`;
  }
  if (controllers % 2 === 0) {
    return `${controllers} controllers is an even number: a KRaft quorum needs a majority, so an even count tolerates no more failures than one fewer controller; use an odd number (1, 3 or 5)`;
  }
  return undefined;
}

/** Why this number of brokers is unusable, or `undefined`. */
export function brokerCountProblem(brokers: unknown): string | undefined {
  if (typeof brokers !== 'number' || !Number.isInteger(brokers) || brokers < 1) {
    return 'at least one node must have the broker role';
  }
  return undefined;
}

/** Problems with a topic's (or the cluster default) replication, given the broker count. */
export function replicationProblems(replicas: unknown, minInsyncReplicas: unknown, brokers: number): string[] {
  const problems: string[] = [];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1) {
    problems.push(`replicas must be an integer >= 1, got ${String(replicas)}`);
    return problems;
  }
  if (replicas > brokers) {
    problems.push(`replicas ${replicas} is greater than the ${brokers} broker${brokers === 1 ? '' : 's'} of the cluster`);
  }
  if (typeof minInsyncReplicas !== 'number' || !Number.isInteger(minInsyncReplicas) || minInsyncReplicas < 1) {
    problems.push(`min.insync.replicas must be an integer >= 1, got ${String(minInsyncReplicas)}`);
  } else if (replicas === 1 ? minInsyncReplicas !== 1 : minInsyncReplicas >= replicas) {
    problems.push(replicas === 1
      ? `min.insync.replicas must be 1 when replicas is 1, got ${minInsyncReplicas}`
      : `min.insync.replicas ${minInsyncReplicas} must be lower than replicas ${replicas}, or one broker down stops all writes`);
  }
  return problems;
}

/** Kafka's own topic-name rule: letters, digits, '.', '_' and '-', at most 249 characters, not '.' or '..'. */
export function kafkaTopicNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'topic name must be a non-empty string';
  if (name.length > 249) return `topic name is longer than 249 characters (${name.length})`;
  if (name === '.' || name === '..') return `topic name '${name}' is reserved`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `topic name '${name}' may only contain letters, digits, '.', '_' and '-'`;
  return undefined;
}

/**
 * Broker options Strimzi manages itself (listeners, security, node ids, log directories, KRaft roles): set in
 * `spec.kafka.config` they are ignored with only a warning in the operator log.
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaClusterSpec-reference
 */
export const STRIMZI_FORBIDDEN_CONFIG_PREFIXES: readonly string[] = [
  'advertised.', 'authorizer.', 'broker.', 'controller', 'cruise.control.metrics.reporter.bootstrap.',
  'cruise.control.metrics.topic', 'host.name', 'inter.broker.listener.name', 'listener.', 'listeners.', 'log.dir',
  'password.', 'port', 'process.roles', 'sasl.', 'security.', 'servers', 'node.id', 'ssl.', 'super.user', 'zookeeper.',
];

/** Options under a forbidden prefix that Strimzi does let users set. */
export const STRIMZI_ALLOWED_CONFIG_EXCEPTIONS: readonly string[] = [
  'ssl.cipher.suites', 'ssl.protocol', 'ssl.enabled.protocols', 'ssl.secure.random.implementation',
  'cruise.control.metrics.topic.num.partitions', 'cruise.control.metrics.topic.replication.factor',
  'cruise.control.metrics.topic.retention.ms', 'cruise.control.metrics.topic.auto.create.retries',
  'cruise.control.metrics.topic.auto.create.timeout.ms', 'cruise.control.metrics.topic.min.insync.replicas',
  'controller.quorum.election.backoff.max.ms', 'controller.quorum.election.timeout.ms', 'controller.quorum.fetch.timeout.ms',
];

/** Why Strimzi would ignore broker option `key`, or `undefined` when it may be set. */
export function strimziConfigProblem(key: string): string | undefined {
  if (STRIMZI_ALLOWED_CONFIG_EXCEPTIONS.includes(key)) return undefined;
  const prefix = STRIMZI_FORBIDDEN_CONFIG_PREFIXES.find((p) => key.startsWith(p) || (p.endsWith('.') && key === p.slice(0, -1)));
  return prefix === undefined ? undefined : `'${key}' is managed by Strimzi (options starting with '${prefix}' cannot be set) and would be ignored`;
}

/**
 * Kafka 4.x topic configurations (`org.apache.kafka.common.config.TopicConfig`, plus the replication throttles of
 * `QuotaConfig`). Anything else in a topic's config is a typo Kafka refuses (`retention.msec`).
 * @see https://kafka.apache.org/documentation/#topicconfigs
 */
export const KAFKA_TOPIC_CONFIGS: readonly string[] = [
  'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level', 'delete.retention.ms',
  'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas', 'index.interval.bytes',
  'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms', 'max.compaction.lag.ms', 'max.message.bytes',
  'message.downconversion.enable', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.type',
  'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate', 'remote.log.copy.disable',
  'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.index.bytes',
  'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
];

/**
 * Kafka 4.x broker options under `log.` (`ServerLogConfigs`, `CleanerConfig`, `ServerTopicConfigSynonyms`): the
 * broker-wide defaults of topic configurations, where a misspelt key (`log.retention.hour`) is silently ignored.
 * Broker options outside `log.` are not checked (Strimzi passes them through).
 */
export const KAFKA_BROKER_LOG_CONFIGS: readonly string[] = [
  'log.cleaner.backoff.ms', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.delete.retention.ms', 'log.cleaner.enable', 'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size', 'log.cleaner.io.max.bytes.per.second', 'log.cleaner.max.compaction.lag.ms', 'log.cleaner.min.cleanable.ratio',
  'log.cleaner.min.compaction.lag.ms', 'log.cleaner.threads', 'log.cleanup.policy', 'log.dir.failure.timeout.ms', 'log.flush.interval.messages',
  'log.flush.interval.ms', 'log.flush.offset.checkpoint.interval.ms', 'log.flush.scheduler.interval.ms', 'log.flush.start.offset.checkpoint.interval.ms',
  'log.index.interval.bytes', 'log.index.size.max.bytes', 'log.initial.task.delay.ms', 'log.local.retention.bytes', 'log.local.retention.ms',
  'log.message.downconversion.enable', 'log.message.timestamp.after.max.ms', 'log.message.timestamp.before.max.ms', 'log.message.timestamp.type',
  'log.preallocate', 'log.retention.bytes', 'log.retention.check.interval.ms', 'log.retention.hours', 'log.retention.minutes', 'log.retention.ms',
  'log.roll.hours', 'log.roll.jitter.hours', 'log.roll.jitter.ms', 'log.roll.ms', 'log.segment.bytes', 'log.segment.delete.delay.ms',
];

/** Why `key` is not a Kafka topic configuration, with the closest one, or `undefined`. */
export function topicConfigProblem(key: string): string | undefined {
  if (KAFKA_TOPIC_CONFIGS.includes(key)) return undefined;
  const near = closest(key, KAFKA_TOPIC_CONFIGS);
  return `'${key}' is not a Kafka topic configuration${near !== undefined ? ` (did you mean '${near}'?)` : ''}; Kafka refuses the topic`;
}

/** Why broker option `key` is a misspelt `log.*` option, with the closest one, or `undefined` (other keys are not checked). */
export function brokerConfigProblem(key: string): string | undefined {
  if (!key.startsWith('log.') || KAFKA_BROKER_LOG_CONFIGS.includes(key) || strimziConfigProblem(key) !== undefined) return undefined;
  const near = closest(key, KAFKA_BROKER_LOG_CONFIGS);
  return `'${key}' is not a Kafka broker option${near !== undefined ? ` (did you mean '${near}'?)` : ''}; Kafka ignores unknown options, so the default would apply`;
}
