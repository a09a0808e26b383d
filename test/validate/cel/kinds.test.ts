/**
 * Every kind of the committed schemas that carries CEL rules has them evaluated: a valid object of each passes,
 * and an object breaking one rule is refused with the upstream rule's message, through the whole validation
 * (`validateEnvironments`). A kind that gains rules (a CRD upgrade or a new import) must be added here: the
 * last test compares this table with the kinds that have rules.
 */
import { loadSchemaSources } from '../../../tools/validate/schema';
import { CelValidator } from '../../../tools/validate/cel';
import { changed, findings, meta, validate, type Obj } from '../helpers';

interface KindCase {
  /** `<apiVersion>/<Kind>`. */
  readonly kind: string;
  readonly valid: Obj;
  /** Breaks exactly one rule. */
  readonly breakIt: (o: Obj) => void;
  readonly path: string;
  /** The upstream message (the rule's `message` in the CRD). */
  readonly message: string;
}

function object(kind: string, spec: Obj, namespaced = true): Obj {
  const slash = kind.lastIndexOf('/');
  return { apiVersion: kind.slice(0, slash), kind: kind.slice(slash + 1), metadata: meta('one', namespaced ? 'shop' : null), spec };
}

const spec = (o: Obj): Obj => o.spec as Obj;

const CASES: readonly KindCase[] = [
  {
    kind: 'gateway.networking.k8s.io/v1/HTTPRoute',
    valid: object('gateway.networking.k8s.io/v1/HTTPRoute', { parentRefs: [{ name: 'public' }], hostnames: ['shop.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] }] }),
    // A Service backend without port: the rule reads kind and group from their schema defaults ('Service', '').
    breakIt: (o) => { delete ((spec(o).rules as Obj[])[0]!.backendRefs as Obj[])[0]!.port; },
    path: 'spec.rules[0].backendRefs[0]',
    message: 'Must have port for Service reference',
  },
  {
    kind: 'gateway.networking.k8s.io/v1/GRPCRoute',
    valid: object('gateway.networking.k8s.io/v1/GRPCRoute', { parentRefs: [{ name: 'public', sectionName: 'grpc' }], rules: [{ matches: [{ method: { service: 'shop.Orders', method: 'Get' } }], backendRefs: [{ name: 'orders', port: 9090 }] }] }),
    breakIt: (o) => { (((spec(o).rules as Obj[])[0]!.matches as Obj[])[0]!.method as Obj).service = 'shop orders'; },
    path: 'spec.rules[0].matches[0].method',
    message: 'service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)',
  },
  {
    kind: 'gateway.networking.k8s.io/v1/Gateway',
    valid: object('gateway.networking.k8s.io/v1/Gateway', { gatewayClassName: 'traefik', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { certificateRefs: [{ name: 'shop-tls' }] } }] }),
    breakIt: (o) => { (spec(o).listeners as Obj[])[1]!.name = 'http'; },
    path: 'spec.listeners',
    message: 'Listener name must be unique within the Gateway',
  },
  {
    kind: 'cert-manager.io/v1/ClusterIssuer',
    valid: object('cert-manager.io/v1/ClusterIssuer', { venafi: { zone: 'shop', cloud: { apiTokenSecretRef: { name: 'venafi', key: 'token' } } } }, false),
    breakIt: (o) => { delete (spec(o).venafi as Obj).cloud; },
    path: 'spec.venafi',
    message: 'exactly one of tpp, cloud, or ngts must be configured',
  },
  {
    kind: 'cert-manager.io/v1/Issuer',
    valid: object('cert-manager.io/v1/Issuer', { venafi: { zone: 'shop', tpp: { url: 'https://tpp.example.com/vedsdk', credentialsRef: { name: 'tpp' } } } }),
    breakIt: (o) => { (spec(o).venafi as Obj).cloud = { apiTokenSecretRef: { name: 'venafi', key: 'token' } }; },
    path: 'spec.venafi',
    message: 'exactly one of tpp, cloud, or ngts must be configured',
  },
  {
    kind: 'generators.external-secrets.io/v1alpha1/ClusterGenerator',
    valid: object('generators.external-secrets.io/v1alpha1/ClusterGenerator', { kind: 'GitlabDeployToken', generator: { gitlabDeployTokenSpec: { name: 'ci', projectID: '42', scopes: ['read_registry'], auth: { token: { secretRef: { name: 'gitlab', key: 'token' } } } } } }, false),
    breakIt: (o) => { ((spec(o).generator as Obj).gitlabDeployTokenSpec as Obj).groupID = '7'; },
    path: 'spec.generator.gitlabDeployTokenSpec',
    message: 'exactly one of projectID or groupID must be set',
  },
  {
    kind: 'kafka.strimzi.io/v1/Kafka',
    valid: object('kafka.strimzi.io/v1/Kafka', { kafka: { listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }], metricsConfig: { type: 'jmxPrometheusExporter', valueFrom: { configMapKeyRef: { name: 'kafka-metrics', key: 'kafka.yaml' } } } } }),
    breakIt: (o) => { delete ((spec(o).kafka as Obj).metricsConfig as Obj).valueFrom; },
    path: 'spec.kafka.metricsConfig',
    message: 'valueFrom property is required',
  },
  {
    kind: 'kafka.strimzi.io/v1/KafkaUser',
    valid: object('kafka.strimzi.io/v1/KafkaUser', { authentication: { type: 'tls', validityDays: 30, renewalDays: 10 } }),
    breakIt: (o) => { (spec(o).authentication as Obj).renewalDays = 40; },
    path: 'spec.authentication',
    message: "'renewalDays' must be less than 'validityDays'.",
  },
  {
    kind: 'postgresql.cnpg.io/v1/Cluster',
    valid: object('postgresql.cnpg.io/v1/Cluster', { instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.5', storage: { size: '10Gi' } }),
    breakIt: (o) => { spec(o).imageCatalogRef = { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'postgresql', major: 17 }; },
    path: 'spec',
    message: 'imageName and imageCatalogRef are mutually exclusive',
  },
  {
    kind: 'postgresql.cnpg.io/v1/Database',
    valid: object('postgresql.cnpg.io/v1/Database', { name: 'orders', owner: 'orders', cluster: { name: 'orders-db' } }),
    breakIt: (o) => { spec(o).name = 'postgres'; },
    path: 'spec.name',
    message: 'the name postgres is reserved',
  },
  {
    kind: 'rabbitmq.com/v1beta1/RabbitmqCluster',
    valid: object('rabbitmq.com/v1beta1/RabbitmqCluster', { replicas: 3, rabbitmq: { envConfig: 'RABBITMQ_LOGS=-' } }),
    breakIt: (o) => { (spec(o).rabbitmq as Obj).envConfig = 'RABBITMQ_NODENAME=$(hostname)'; },
    path: 'spec.rabbitmq.envConfig',
    message: "envConfig must not contain shell command substitution ('$(...)' or backticks)",
  },
  {
    kind: 'traefik.io/v1alpha1/Middleware',
    valid: object('traefik.io/v1alpha1/Middleware', { addPrefix: { prefix: '/api' } }),
    breakIt: (o) => { (spec(o).addPrefix as Obj).prefix = 'api'; },
    path: 'spec.addPrefix.prefix',
    message: "must start with a '/'",
  },
];

/** Schema and CEL findings of one object (other rules, such as policies, do not concern these kinds). */
function schemaFindings(o: Obj): { rule: string; path: string; message: string }[] {
  return validate({ app: [o] }).findings.filter((f) => f.rule.startsWith('schema/')).map((f) => ({ rule: f.rule, path: f.path, message: f.message }));
}

describe.each(CASES)('$kind', (c) => {
  test('a valid object passes its schema and its CEL rules', () => {
    expect(schemaFindings(c.valid)).toEqual([]);
  });

  test('an object breaking one rule is refused with the upstream message', () => {
    // GIVEN the valid object with one rule broken
    const broken = changed(c.valid, c.breakIt);
    // WHEN
    const report = validate({ app: [broken] });
    // THEN exactly one error, at the rule's node, carrying the CRD's message
    expect(schemaFindings(broken)).toEqual([{ rule: 'schema/cel', path: c.path, message: c.message }]);
    expect(findings(report, 'schema/cel')[0]).toMatchObject({ severity: 'error', fix: expect.stringMatching(/^change the value so that the rule of .* holds: /) });
  });
});

test('an absent field a rule reads without has() refuses the object as the API server does: no such key', () => {
  // GIVEN Strimzi's rack rule reads self.topologyKey, which has no default (CEL's || absorbs an error only when
  // the other side is true, and here it is false)
  const kafka = changed(CASES.find((c) => c.kind === 'kafka.strimzi.io/v1/Kafka')!.valid, (o) => {
    (spec(o).kafka as Obj).rack = { type: 'topology-label' };
  });
  // WHEN / THEN the API server's wording: '<error> evaluating rule: <message>'
  expect(schemaFindings(kafka)).toEqual([{
    rule: 'schema/cel',
    path: 'spec.kafka.rack',
    message: expect.stringMatching(/^no such key: topologyKey evaluating rule: topologyKey property is required \(Kafka kafka\.strimzi\.io\/v1 /),
  }]);
});

test('an error on one side of || is absorbed when the other side is true, as in cel-go', () => {
  // GIVEN CloudNativePG's rule `self.dataDurability != 'preferred' || (...)` with dataDurability absent
  const cluster = changed(CASES.find((c) => c.kind === 'postgresql.cnpg.io/v1/Cluster')!.valid, (o) => {
    spec(o).postgresql = { synchronous: { method: 'any', number: 1 } };
  });
  // THEN the right side holds, so the rule passes despite the missing key
  expect(schemaFindings(cluster)).toEqual([]);
});

test('every kind with CEL rules in imports/schemas/ has a case above', () => {
  // GIVEN the kinds whose committed schemas carry rules
  const withRules = [...new Set(new CelValidator(loadSchemaSources()).allRules().map((r) => r.kind))].sort();
  // THEN the table covers exactly those
  expect(CASES.map((c) => c.kind).sort()).toEqual(withRules);
});
