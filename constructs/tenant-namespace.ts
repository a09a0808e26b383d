import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { dnsLabelProblem, joinName } from './lib/names';
import { NAMESPACE_NAME_LABEL, NetworkEndpoint } from './lib/network-endpoints';
import { intSchema, refuse, resourcesOverrideSchema, withFix, z } from './lib/options';
import { parseQuantity } from './lib/resources';
import { PropsValidator } from './lib/validation';
import { PlatformNamespace, PodSecurityLevel } from './platform-namespace';

/** CPU and memory quantities, either optional (the shape of a resources block's requests). */
const cpuMemory = resourcesOverrideSchema.shape.requests.unwrap();

/** What a tenant may consume in its namespace, all of it together (a ResourceQuota). */
export const TenantQuotaSchema = z.strictObject({
  /**
   * Sum of the CPU and memory requests of the namespace's pods.
   * @default { cpu: '4', memory: '8Gi' }
   */
  requests: cpuMemory.optional(),
  /**
   * Sum of the CPU and memory limits of the namespace's pods.
   * @default { cpu: '8', memory: '16Gi' }
   */
  limits: cpuMemory.optional(),
  /**
   * PersistentVolumeClaims.
   * @default 10
   */
  persistentVolumeClaims: intSchema(0, 1000, 'set a count between 0 and 1000').optional(),
  /**
   * Services.
   * @default 10
   */
  services: intSchema(0, 1000, 'set a count between 0 and 1000').optional(),
  /**
   * Pods.
   * @default 20
   */
  pods: intSchema(0, 10000, 'set a count between 0 and 10000').optional(),
});

/** Container defaults and bounds in a tenant's namespace (a LimitRange). */
export const TenantLimitsSchema = z.strictObject({
  /**
   * Requests of a container that sets none.
   * @default { cpu: '100m', memory: '128Mi' }
   */
  defaultRequest: cpuMemory.optional(),
  /**
   * Limits of a container that sets none.
   * @default { cpu: '500m', memory: '512Mi' }
   */
  default: cpuMemory.optional(),
  /**
   * Largest limits one container may set.
   * @default { cpu: '2', memory: '4Gi' }
   */
  max: cpuMemory.optional(),
});

/** What an environment (or the catalog) may set on one tenant. */
export const TenantNamespaceOptionsSchema = z.strictObject({
  /**
   * The tenant's quota, merged over requests 4 CPU / 8Gi, limits 8 CPU / 16Gi, 10 PVCs, 10 Services, 20 pods.
   * @default - the values above
   */
  quota: TenantQuotaSchema.optional(),
  /**
   * Container defaults and maximums, merged over requests 100m / 128Mi, limits 500m / 512Mi, max 2 / 4Gi.
   * @default - the values above
   */
  limits: TenantLimitsSchema.optional(),
  /**
   * Pod Security Standards level enforced in the namespace.
   * @default 'restricted'
   */
  podSecurity: withFix(z.enum(['restricted', 'baseline']), "use 'restricted' (or 'baseline' for a tenant whose pods need it)").optional(),
});

/** What an environment (or the catalog) may set on one tenant. */
export type TenantNamespaceOptions = z.infer<typeof TenantNamespaceOptionsSchema>;

/** A tenant's name: `user-<name>` must be a DNS label. */
export const tenantNameSchema = z.string().superRefine((name, ctx) => {
  const problem = dnsLabelProblem(`user-${name}`);
  if (problem) refuse(ctx, `'user-${name}' ${problem}`, "use a short lower-case user name such as 'alice'");
});

/** A namespace whose pods may connect to tenants (a platform namespace: Backstage's, an operator's). */
export interface INamespaced extends IConstruct {
  readonly namespace: string;
}

/** Props of `TenantNamespace`. */
export interface TenantNamespaceProps extends TenantNamespaceOptions {
  /** The tenant (user) name: the namespace is `user-<name>`. */
  readonly user: string;
  /**
   * Endpoints the tenant's pods may connect to (typed references: `kafkaClientEndpoint(kafka)`,
   * `rabbit.clientEndpoint`), each on its ports. The application is synced after each endpoint's.
   * @default []
   */
  readonly egressTo?: readonly (NetworkEndpoint & { readonly owner?: IConstruct })[];
  /**
   * Platform namespaces whose pods may connect to the tenant's pods (typed references: Backstage, ...).
   * @default []
   */
  readonly ingressFrom?: readonly INamespaced[];
  /**
   * CIDRs that are not "outside the cluster": HTTPS egress (443) goes to every address but these (the pod and
   * service networks, and the private ranges they usually come from).
   * @default ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']
   */
  readonly clusterCidrs?: readonly string[];
  /**
   * Namespace and pod labels of the cluster DNS.
   * @default - kube-system, `k8s-app: kube-dns` (CoreDNS keeps the label), port 53 UDP and TCP
   */
  readonly dns?: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
}

/** The verbs of create, read, update and delete. */
export const CRUD_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

interface Quantities { readonly cpu: string; readonly memory: string }

const QUOTA_DEFAULTS = { requests: { cpu: '4', memory: '8Gi' }, limits: { cpu: '8', memory: '16Gi' }, persistentVolumeClaims: 10, services: 10, pods: 20 };
const LIMIT_DEFAULTS = { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' }, max: { cpu: '2', memory: '4Gi' } };

/** Name of the tenant's ServiceAccount (the seed's `user-sa`). */
export const TENANT_SERVICE_ACCOUNT = 'user-sa';

/**
 * One tenant (user) of the platform: the namespace `user-<name>` with Pod Security labels, a ResourceQuota, a
 * LimitRange, NetworkPolicies and RBAC.
 *
 * Network policies: everything is denied by default (ingress and egress); pods accept connections from their own
 * namespace and from the platform namespaces given as typed references; they connect to their own namespace, to
 * the endpoints given as typed references (Kafka brokers on 9092/9093, RabbitMQ on 5672/15672: selectors and
 * ports come from those constructs, never typed by hand), to the cluster DNS and to HTTPS outside the cluster.
 * Another tenant's namespace is never admitted, in either direction.
 *
 * RBAC: the ServiceAccount `user-sa`, a Role with create/read/update/delete on pods, services, configmaps, secrets
 * and Camel K integrations in the namespace only, and a RoleBinding.
 *
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class TenantNamespace extends Construct {
  public readonly user: string;
  /** `user-<name>` */
  public readonly namespace: string;
  public readonly quota: { readonly requests: Quantities; readonly limits: Quantities; readonly persistentVolumeClaims: number; readonly services: number; readonly pods: number };
  public readonly limits: { readonly defaultRequest: Quantities; readonly default: Quantities; readonly max: Quantities };
  public readonly podSecurity: PodSecurityLevel;
  /** The tenant's ServiceAccount. */
  public readonly serviceAccountName = TENANT_SERVICE_ACCOUNT;

  public constructor(scope: Construct, id: string, props: TenantNamespaceProps) {
    super(scope, id);
    this.user = props.user;
    this.namespace = `user-${props.user}`;
    const q = props.quota ?? {};
    this.quota = {
      requests: { ...QUOTA_DEFAULTS.requests, ...stripUndefined(q.requests) },
      limits: { ...QUOTA_DEFAULTS.limits, ...stripUndefined(q.limits) },
      persistentVolumeClaims: q.persistentVolumeClaims ?? QUOTA_DEFAULTS.persistentVolumeClaims,
      services: q.services ?? QUOTA_DEFAULTS.services,
      pods: q.pods ?? QUOTA_DEFAULTS.pods,
    };
    const l = props.limits ?? {};
    this.limits = {
      defaultRequest: { ...LIMIT_DEFAULTS.defaultRequest, ...stripUndefined(l.defaultRequest) },
      default: { ...LIMIT_DEFAULTS.default, ...stripUndefined(l.default) },
      max: { ...LIMIT_DEFAULTS.max, ...stripUndefined(l.max) },
    };
    this.podSecurity = props.podSecurity ?? 'restricted';
    const egressTo = props.egressTo ?? [];
    const ingressFrom = props.ingressFrom ?? [];
    const clusterCidrs = props.clusterCidrs ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
    const dns = props.dns ?? { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

    const what = `TenantNamespace '${this.user}'`;
    const check = new PropsValidator(this, what);
    check.props(TenantNamespaceOptionsSchema, props, ['user', 'egressTo', 'ingressFrom', 'clusterCidrs', 'dns'], what);
    const nameProblem = dnsLabelProblem(this.namespace);
    if (nameProblem) check.add('user', `namespace '${this.namespace}' ${nameProblem}`, this.user, "use a short lower-case user name such as 'alice'");
    check.check(Chart.of(this).namespace === undefined, 'scope', 'renders its own namespace, so its chart must not have a namespace', Chart.of(this).namespace, 'create it in an application chart without a namespace');
    this.checkBudget(check);
    for (const [i, endpoint] of egressTo.entries()) {
      check.check(!endpoint.namespace.startsWith('user-'), `egressTo[${i}]`, `${endpoint.description} is in tenant namespace '${endpoint.namespace}': tenants never reach each other`, endpoint.namespace, 'connect tenants through Kafka or RabbitMQ instead');
      check.check(endpoint.ports.length > 0 && Object.keys(endpoint.podLabels).length > 0, `egressTo[${i}]`, `${endpoint.description} names no pods or no ports, so the rule would admit more than intended`, endpoint, 'pass an endpoint from a construct (kafkaClientEndpoint(kafka), rabbit.clientEndpoint)');
    }
    for (const [i, peer] of ingressFrom.entries()) {
      check.check(!peer.namespace.startsWith('user-'), `ingressFrom[${i}]`, `namespace '${peer.namespace}' is a tenant's: tenants never reach each other`, peer.namespace, 'admit platform namespaces only');
    }
    check.throwIfInvalid();

    for (const endpoint of egressTo) if (endpoint.owner !== undefined) recordDependency(this, endpoint.owner);
    for (const peer of ingressFrom) recordDependency(this, peer);

    const labels = (component: string, instance = this.namespace): Record<string, string> => componentLabels({ name: 'tenant', instance, component });
    const metadata = (name: string, component: string): { name: string; namespace: string; labels: Record<string, string> } => ({ name, namespace: this.namespace, labels: labels(component) });

    new PlatformNamespace(this, 'Namespace', { name: this.namespace, podSecurity: this.podSecurity });

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: metadata('tenant-quota', 'quota'),
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(this.quota.requests.cpu),
          'requests.memory': k8s.Quantity.fromString(this.quota.requests.memory),
          'limits.cpu': k8s.Quantity.fromString(this.quota.limits.cpu),
          'limits.memory': k8s.Quantity.fromString(this.quota.limits.memory),
          'persistentvolumeclaims': k8s.Quantity.fromNumber(this.quota.persistentVolumeClaims),
          'services': k8s.Quantity.fromNumber(this.quota.services),
          'pods': k8s.Quantity.fromNumber(this.quota.pods),
        },
      },
    });

    const quantities = (v: Quantities): Record<string, k8s.Quantity> => ({ cpu: k8s.Quantity.fromString(v.cpu), memory: k8s.Quantity.fromString(v.memory) });
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: metadata('tenant-limits', 'limits'),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: quantities(this.limits.defaultRequest),
          default: quantities(this.limits.default),
          max: quantities(this.limits.max),
        }],
      },
    });

    this.renderNetworkPolicies(metadata, egressTo, ingressFrom, clusterCidrs, dns);
    this.renderRbac(metadata);
  }

  /** The quota must admit at least one container at the LimitRange's defaults and one at its maximum. */
  private checkBudget(check: PropsValidator): void {
    for (const resource of ['cpu', 'memory'] as const) {
      const defaultRequest = parseQuantity(this.limits.defaultRequest[resource]);
      const defaultLimit = parseQuantity(this.limits.default[resource]);
      const max = parseQuantity(this.limits.max[resource]);
      const quotaRequests = parseQuantity(this.quota.requests[resource]);
      const quotaLimits = parseQuantity(this.quota.limits[resource]);
      if ([defaultRequest, defaultLimit, max, quotaRequests, quotaLimits].some((v) => v === undefined)) continue; // the schema reported it
      const d = { defaultRequest: defaultRequest as number, defaultLimit: defaultLimit as number, max: max as number, quotaRequests: quotaRequests as number, quotaLimits: quotaLimits as number };
      if (d.defaultRequest > d.defaultLimit) {
        check.add(`limits.defaultRequest.${resource}`, `the default ${resource} request ${this.limits.defaultRequest[resource]} is larger than the default limit ${this.limits.default[resource]}`, this.limits.defaultRequest[resource], `lower limits.defaultRequest.${resource} or raise limits.default.${resource}`);
      }
      if (d.defaultLimit > d.max) {
        check.add(`limits.default.${resource}`, `the default ${resource} limit ${this.limits.default[resource]} is larger than the maximum ${this.limits.max[resource]}`, this.limits.default[resource], `lower limits.default.${resource} or raise limits.max.${resource}`);
      }
      if (d.quotaRequests < d.defaultRequest) {
        check.add(`quota.requests.${resource}`, `the quota's ${resource} requests ${this.quota.requests[resource]} are below the LimitRange's default request ${this.limits.defaultRequest[resource]}, so not even one container with default settings could start`, this.quota.requests[resource], `raise quota.requests.${resource} to at least ${this.limits.defaultRequest[resource]} or lower limits.defaultRequest.${resource}`);
      }
      if (d.quotaLimits < d.defaultLimit) {
        check.add(`quota.limits.${resource}`, `the quota's ${resource} limits ${this.quota.limits[resource]} are below the LimitRange's default limit ${this.limits.default[resource]}, so not even one container with default settings could start`, this.quota.limits[resource], `raise quota.limits.${resource} to at least ${this.limits.default[resource]} or lower limits.default.${resource}`);
      } else if (d.quotaLimits < d.max) {
        check.add(`limits.max.${resource}`, `the LimitRange allows a container ${resource} limit of ${this.limits.max[resource]}, more than the whole quota (${this.quota.limits[resource]})`, this.limits.max[resource], `lower limits.max.${resource} to at most ${this.quota.limits[resource]}`);
      }
      if (d.quotaRequests > d.quotaLimits) {
        check.add(`quota.requests.${resource}`, `the quota's ${resource} requests ${this.quota.requests[resource]} exceed its limits ${this.quota.limits[resource]}`, this.quota.requests[resource], `keep quota.requests.${resource} at or below quota.limits.${resource}`);
      }
    }
  }

  private renderNetworkPolicies(
    metadata: (name: string, component: string) => { name: string; namespace: string; labels: Record<string, string> },
    egressTo: readonly NetworkEndpoint[],
    ingressFrom: readonly INamespaced[],
    clusterCidrs: readonly string[],
    dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> },
  ): void {
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' });
    const inNamespace = (namespace: string): k8s.LabelSelector => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } });
    // Every pod of the namespace: nothing in or out unless a policy below admits it.
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: metadata('default-deny', 'network-policy'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const platformNamespaces = [...new Set(ingressFrom.map((p) => p.namespace))].sort();
    new k8s.KubeNetworkPolicy(this, 'Ingress', {
      metadata: metadata('allow-ingress', 'network-policy'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{
          from: [
            { podSelector: {} },
            ...platformNamespaces.map((namespace) => ({ namespaceSelector: inNamespace(namespace) })),
          ],
        }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: metadata('allow-egress', 'network-policy'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: {} }] },
          { to: [{ namespaceSelector: inNamespace(dns.namespace), podSelector: { matchLabels: { ...dns.podLabels } } }], ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, tcp(53)] },
          ...egressTo.map((endpoint) => ({
            to: [{ namespaceSelector: inNamespace(endpoint.namespace), podSelector: { matchLabels: { ...endpoint.podLabels } } }],
            ports: endpoint.ports.map(tcp),
          })),
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...clusterCidrs] } }], ports: [tcp(443)] },
        ],
      },
    });
  }

  private renderRbac(metadata: (name: string, component: string) => { name: string; namespace: string; labels: Record<string, string> }): void {
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(TENANT_SERVICE_ACCOUNT, 'rbac'),
      automountServiceAccountToken: false,
    });
    const role = joinName('tenant', 'user');
    new k8s.KubeRole(this, 'Role', {
      metadata: metadata(role, 'rbac'),
      rules: [
        { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: [...CRUD_VERBS] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['camel.apache.org'], resources: ['integrations'], verbs: [...CRUD_VERBS] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: metadata(role, 'rbac'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
      subjects: [{ kind: 'ServiceAccount', name: TENANT_SERVICE_ACCOUNT, namespace: this.namespace }],
    });
  }
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
