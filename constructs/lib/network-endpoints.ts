/**
 * Network endpoints: the pods of a component and the ports its clients use, as the constructs that create them
 * know them (operator-created pods carry the operator's labels, not ours). Network policies of other workloads
 * (tenant egress, for one) are derived from these typed references, never from hand-typed labels and ports.
 */

/** Pods clients connect to, and on which ports. */
export interface NetworkEndpoint {
  /** For messages: `Kafka cluster 'event-cluster'`. */
  readonly description: string;
  /** Namespace of the pods. */
  readonly namespace: string;
  /** Labels every one of the pods carries (a NetworkPolicy `podSelector.matchLabels`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** TCP ports clients use. */
  readonly ports: readonly number[];
}

/** The label Kubernetes sets on every namespace: its name (for `namespaceSelector`). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The broker pods of a Strimzi Kafka cluster and its internal listeners (plain 9092, tls 9093). Strimzi 1.2.0 labels
 * every broker pod `strimzi.io/cluster`, `strimzi.io/kind: Kafka` and `strimzi.io/broker-role: "true"`, and its
 * bootstrap Service selects exactly these (KafkaCluster.java, `getSelectorLabels().withStrimziBrokerRole(true)`).
 *
 * @see https://github.com/strimzi/strimzi-kafka-operator/blob/1.2.0/cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaCluster.java
 */
export function kafkaClientEndpoint(cluster: { readonly clusterName: string; readonly namespace: string }): NetworkEndpoint {
  return {
    description: `Kafka cluster '${cluster.clusterName}'`,
    namespace: cluster.namespace,
    podLabels: { 'strimzi.io/cluster': cluster.clusterName, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
    ports: [9092, 9093],
  };
}
