/**
 * Kafka listeners as typed options: the Strimzi listener rules (name, port, type, TLS, per-broker advertised
 * hosts) checked where the option is defined, and the addresses clients pick a listener by.
 *
 * Rules from the Strimzi 1.2.0 `Kafka` CRD (`spec.kafka.listeners`): names match `^[a-z0-9]{1,11}$` and are
 * unique; ports are 9092 or higher, unique, and never 9404 or 9999 (Prometheus and JMX); `ingress` listeners
 * need TLS (they pass TLS through by SNI) and a host for the bootstrap and every broker.
 *
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-GenericKafkaListener-reference
 */
import * as strimzi from '../../imports/kafka.strimzi.io';
import { hostSchema, intSchema, portSchema, refuse, withFix, z } from './options';

/** Listener types Strimzi supports for clients in and out of the cluster. */
export const KAFKA_LISTENER_TYPES = ['internal', 'cluster-ip', 'nodeport', 'loadbalancer', 'ingress', 'route'] as const;

/** Per-broker overrides of an external listener (the seed's `broker0.127.0.0.1.nip.io:9094`). */
export const KafkaListenerBrokerSchema = z.strictObject({
  /** Node id of the broker. */
  broker: intSchema(0, 1_000_000),
  /**
   * Host name the broker advertises to clients.
   * @default - Strimzi's (the broker's Service or node address)
   */
  advertisedHost: hostSchema.optional(),
  /**
   * Port the broker advertises.
   * @default - the listener's
   */
  advertisedPort: portSchema.optional(),
  /**
   * Host of the broker's Ingress (`ingress` listeners).
   * @default - none
   */
  host: hostSchema.optional(),
});

/** One listener. */
export const KafkaListenerSchema = z.strictObject({
  /** Listener name (lower-case letters and digits, at most 11). */
  name: withFix(z.string().regex(/^[a-z0-9]{1,11}$/, { error: 'must be 1-11 lower-case letters and digits (Strimzi)' }), "use a name such as 'external'"),
  /** Port inside Kafka (9092 or higher, not 9404 or 9999). */
  port: withFix(intSchema(9092, 65535).refine((p) => p !== 9404 && p !== 9999, { error: 'is reserved for Prometheus (9404) or JMX (9999)' }), 'use 9092 or higher, except 9404 and 9999'),
  /** How clients reach it. */
  type: withFix(z.enum(KAFKA_LISTENER_TYPES), `use one of ${KAFKA_LISTENER_TYPES.join(', ')}`),
  /** TLS encryption. */
  tls: z.boolean(),
  /**
   * Host of the bootstrap address (`ingress`: the bootstrap Ingress host).
   * @default - Strimzi's
   */
  bootstrapHost: hostSchema.optional(),
  /**
   * Per-broker advertised addresses and hosts.
   * @default []
   */
  brokers: z.array(KafkaListenerBrokerSchema).optional(),
}).superRefine((listener, ctx) => {
  if (listener.type === 'ingress') {
    if (!listener.tls) refuse(ctx, 'an ingress listener needs TLS (the Ingress controller passes it through by SNI)', 'set tls: true', ['tls']);
    if (listener.bootstrapHost === undefined) refuse(ctx, 'an ingress listener needs the bootstrap host', "set bootstrapHost, e.g. 'kafka.127.0.0.1.nip.io'", ['bootstrapHost']);
  }
  const seen = new Set<number>();
  (listener.brokers ?? []).forEach((b, i) => {
    if (seen.has(b.broker)) refuse(ctx, `broker ${b.broker} is configured twice`, 'list each broker once', ['brokers', i, 'broker']);
    seen.add(b.broker);
    if (listener.type === 'ingress' && b.host === undefined) refuse(ctx, `broker ${b.broker} of an ingress listener needs its host`, "set host, e.g. 'broker0.127.0.0.1.nip.io'", ['brokers', i, 'host']);
  });
});

/** One listener. */
export type KafkaListener = z.infer<typeof KafkaListenerSchema>;

/** Listeners of a cluster, names and ports unique. */
export const KafkaListenersSchema = z.array(KafkaListenerSchema).min(1, { error: 'must list at least one listener' }).superRefine((listeners, ctx) => {
  const names = new Map<string, number>();
  const ports = new Map<number, string>();
  listeners.forEach((l, i) => {
    const other = names.get(l.name);
    if (other !== undefined) refuse(ctx, `listener name '${l.name}' is used by listeners[${other}] too`, 'give each listener its own name', [i, 'name']);
    else names.set(l.name, i);
    const clash = ports.get(l.port);
    if (clash !== undefined && clash !== l.name) refuse(ctx, `port ${l.port} is used by listener '${clash}' too`, 'give each listener its own port', [i, 'port']);
    else ports.set(l.port, l.name);
  });
});

/** The two in-cluster listeners every cluster has unless it says otherwise: `plain` (9092) and `tls` (9093). */
export const DEFAULT_KAFKA_LISTENERS: readonly KafkaListener[] = [
  { name: 'plain', port: 9092, type: 'internal', tls: false },
  { name: 'tls', port: 9093, type: 'internal', tls: true },
];

const TYPES: Readonly<Record<KafkaListener['type'], strimzi.KafkaSpecKafkaListenersType>> = {
  'internal': strimzi.KafkaSpecKafkaListenersType.INTERNAL,
  'cluster-ip': strimzi.KafkaSpecKafkaListenersType.CLUSTER_HYPHEN_IP,
  'nodeport': strimzi.KafkaSpecKafkaListenersType.NODEPORT,
  'loadbalancer': strimzi.KafkaSpecKafkaListenersType.LOADBALANCER,
  'ingress': strimzi.KafkaSpecKafkaListenersType.INGRESS,
  'route': strimzi.KafkaSpecKafkaListenersType.ROUTE,
};

/** The Strimzi `spec.kafka.listeners` of `listeners`. */
export function renderKafkaListeners(listeners: readonly KafkaListener[]): strimzi.KafkaSpecKafkaListeners[] {
  return listeners.map((l) => {
    const brokers = (l.brokers ?? []).map((b) => ({
      broker: b.broker,
      ...(b.advertisedHost !== undefined ? { advertisedHost: b.advertisedHost } : {}),
      ...(b.advertisedPort !== undefined ? { advertisedPort: b.advertisedPort } : {}),
      ...(b.host !== undefined ? { host: b.host } : {}),
    }));
    const configuration = {
      ...(l.bootstrapHost !== undefined ? { bootstrap: { host: l.bootstrapHost } } : {}),
      ...(brokers.length > 0 ? { brokers } : {}),
    };
    return { name: l.name, port: l.port, type: TYPES[l.type], tls: l.tls, ...(Object.keys(configuration).length > 0 ? { configuration } : {}) };
  });
}

/** Problems of per-broker settings that name brokers the node pools do not have. */
export function listenerBrokerProblems(listeners: readonly KafkaListener[], brokerIds: readonly number[]): { field: string; message: string; value: number; fix: string }[] {
  const out: { field: string; message: string; value: number; fix: string }[] = [];
  listeners.forEach((l, i) => (l.brokers ?? []).forEach((b, j) => {
    if (!brokerIds.includes(b.broker)) {
      out.push({ field: `listeners[${i}].brokers[${j}].broker`, message: `listener '${l.name}' configures broker ${b.broker}, which the node pools do not have (brokers: ${brokerIds.join(', ')})`, value: b.broker, fix: 'use the node id of a broker' });
    }
  }));
  return out;
}

/** A listener clients connect through, by reference (`kafka.listener('external')`). */
export interface KafkaListenerRef {
  readonly name: string;
  /** Bootstrap address inside the cluster (`<cluster>-kafka-bootstrap.<namespace>:<port>`). */
  readonly bootstrap: string;
  readonly tls: boolean;
  readonly type: KafkaListener['type'];
}
