/**
 * Rules of a Strimzi-managed Kafka cluster, shared by the `KafkaPlatform` construct and the environment
 * boundary so both report the same problem the same way.
 *
 * @see https://strimzi.io/docs/operators/latest/deploying (supported versions are in kafka-versions.yaml)
 */

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
