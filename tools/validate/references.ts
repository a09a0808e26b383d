/**
 * Cross-resource checks within one environment: what the cluster would only discover after sync (a Service
 * selecting nothing, an Ingress to a missing port, a claim that never binds, a Kafka client pointing at a
 * host that does not exist, an Argo CD Application whose path is missing).
 *
 * Every check is linear in the number of objects: objects are indexed once into maps, then each reference
 * is one lookup (Services find their pods through a label index, never by scanning all pods).
 */
import type { PlatformContext } from '../../constructs/lib/context';
import { apiGroupOf, isClusterScoped } from '../../constructs/lib/kinds';
import { parseQuantity } from '../../constructs/lib/resources';
import type { ObjectReporter } from './findings';
import { at, child, isRecord, JsonRecord, list, num, record, str, stringMap } from './json';
import { closest } from '../../constructs/lib/suggest';
import { ContainerRef, containersOf, DeclaredPort, podTemplateOf, PodTemplate, portsOf } from './pods';

/** Rule ids of cross-resource findings (not exemptable: the references are simply broken). */
export const REFERENCE_RULES = {
  duplicateName: 'ref/duplicate-name',
  namespace: 'ref/namespace',
  serviceSelector: 'ref/service-selector',
  servicePort: 'ref/service-port',
  ingressBackend: 'ref/ingress-backend',
  storage: 'ref/storage',
  kafkaBootstrap: 'ref/kafka-bootstrap',
  kafkaTopic: 'ref/kafka-topic',
  argocdPath: 'ref/argocd-path',
  argocdProject: 'ref/argocd-project',
} as const;

const R = REFERENCE_RULES;

/** Provisioner of StorageClasses whose volumes must be created by hand (local volumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** One rendered object with its application and reporter. */
export interface IndexedObject {
  readonly application: string;
  /**
   * The directory (environment) the object is rendered in, when several land on one cluster.
   * @default - the cluster's only directory
   */
  readonly environment?: string;
  readonly object: JsonRecord;
  readonly report: ObjectReporter;
}

/** What the checks need to know about the cluster whose objects they check together. */
export interface ReferenceContext {
  /** Name of the cluster (its only environment's name when it has one), for messages. */
  readonly environment: string;
  /** The directories of the rendered tree that land on this cluster (`dev`, `staging`, or the cluster's own). */
  readonly environments: readonly string[];
  /** Namespaces and StorageClasses the cluster provides, and where Argo CD reads each directory from. */
  readonly context: Pick<PlatformContext, 'externalNamespaces' | 'externalStorageClasses' | 'externalServices' | 'renderedSource'>;
  /**
   * Where Argo CD reads each directory's rendered tree (`context.renderedSource` applies to directories not listed).
   * @default - `context.renderedSource` for every directory
   */
  readonly renderedSources?: ReadonlyMap<string, { readonly repoURL: string; readonly branch: string }>;
  /** The application directories rendered on this cluster, `<env>/<app>`. */
  readonly applicationDirectories: readonly string[];
}

interface Entry extends IndexedObject {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly containers: readonly ContainerRef[];
}

interface TemplateEntry {
  readonly entry: Entry;
  readonly template: PodTemplate;
  readonly ports: readonly DeclaredPort[];
}

/** One field that names the StorageClass of claims (once per field, however many claims it creates). */
interface ClassUse {
  readonly entry: Entry;
  /** Field that names (or would name) the StorageClass. */
  readonly path: string;
  /** `undefined`: no class named (the cluster's default class applies); `''`: explicitly no class. */
  readonly storageClass: string | undefined;
  /** What names it, for messages: `claim 'shop/data' of PersistentVolumeClaim/data`. */
  readonly what: string;
}

interface Claim {
  readonly namespace: string;
  readonly name: string;
  /** `undefined`: no class named (the cluster's default class applies). */
  readonly storageClass: string | undefined;
  readonly size: unknown;
  readonly entry: Entry;
  /** Field that names the StorageClass. */
  readonly path: string;
}

function describe(items: Iterable<string>, max = 8): string {
  const all = [...items].sort();
  if (all.length === 0) return 'none';
  return all.length <= max ? all.join(', ') : `${all.slice(0, max).join(', ')}, ... (${all.length - max} more)`;
}

/** A map key of two or more parts (NUL cannot occur in names). */
const key = (a: string | undefined, b: string | undefined, c?: string, d?: string): string =>
  c === undefined ? `${a ?? ''}\u0000${b ?? ''}` : `${a ?? ''}\u0000${b ?? ''}\u0000${c}\u0000${d ?? ''}`;

/** Label index of the pod templates of one namespace. */
class TemplateIndex {
  private readonly byLabel = new Map<string, TemplateEntry[]>();

  public add(t: TemplateEntry): void {
    for (const [k, v] of Object.entries(t.template.labels)) {
      const bucket = this.byLabel.get(key(k, v));
      if (bucket) bucket.push(t);
      else this.byLabel.set(key(k, v), [t]);
    }
  }

  /** Templates whose labels match every pair of `selector` (non-empty). */
  public select(selector: Readonly<Record<string, string>>): TemplateEntry[] {
    let smallest: TemplateEntry[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const bucket = this.byLabel.get(key(k, v)) ?? [];
      if (smallest === undefined || bucket.length < smallest.length) smallest = bucket;
      if (bucket.length === 0) return [];
    }
    return (smallest ?? []).filter((t) => Object.entries(selector).every(([k, v]) => t.template.labels[k] === v));
  }
}

/** Parse Strimzi's `strimzi.io/next-node-ids` (`[0-2]`, `[0, 1, 5-7]`) into the first `count` ids. */
export function nodeIds(annotation: unknown, count: number): number[] | undefined {
  if (typeof annotation !== 'string') return undefined;
  const body = /^\s*\[(.*)\]\s*$/.exec(annotation)?.[1];
  if (body === undefined) return undefined;
  const ids: number[] = [];
  for (const part of body.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      for (let id = Number(range[1]); id <= Number(range[2]) && ids.length < count; id++) ids.push(id);
    } else if (/^\d+$/.test(part)) {
      ids.push(Number(part));
    } else {
      return undefined;
    }
  }
  return ids.length >= count ? ids.slice(0, count) : undefined;
}

/** Run every cross-resource check over the objects of one environment. */
export function checkReferences(env: ReferenceContext, objects: readonly IndexedObject[]): void {
  const templates = new Map<string, TemplateIndex>();
  const entries: Entry[] = objects.map((o) => {
    const metadata = record(o.object.metadata);
    const namespace = str(metadata.namespace);
    const template = podTemplateOf(o.object);
    const containers = template !== undefined ? containersOf(template) : [];
    const entry: Entry = {
      application: o.application,
      environment: o.environment,
      object: o.object,
      report: o.report,
      group: apiGroupOf(str(o.object.apiVersion) ?? ''),
      kind: str(o.object.kind) ?? '',
      name: str(metadata.name) ?? '',
      namespace,
      containers,
    };
    if (template !== undefined && namespace !== undefined) {
      const ports = containers.filter((c) => c.list !== 'ephemeralContainers').flatMap((c) => portsOf(c.container));
      let index = templates.get(namespace);
      if (index === undefined) templates.set(namespace, (index = new TemplateIndex()));
      index.add({ entry, template, ports });
    }
    return entry;
  });

  // ---- Index (one pass) ----
  const identities = new Map<string, Entry>();
  const namespaces = new Set<string>();
  const services = new Map<string, Entry>();
  const servicesByNamespace = new Map<string, string[]>();
  const storageClasses = new Map<string, Entry>();
  const volumes: Entry[] = [];
  const configMaps = new Map<string, Entry>();
  const kafkas = new Map<string, { entry: Entry; ports: number[] }>();
  const topics = new Map<string, Set<string>>();
  const projects = new Set<string>();
  const claims: Claim[] = [];
  const classUses: ClassUse[] = [];
  const applications: Entry[] = [];

  for (const e of entries) {
    const id = key(e.group, e.kind, e.namespace ?? '', e.name);
    const other = identities.get(id);
    if (other !== undefined) {
      const elsewhere = other.environment !== undefined && other.environment !== e.environment;
      e.report.error(R.duplicateName, 'metadata.name', `another ${e.kind} named '${e.name}'${e.namespace ? ` in namespace '${e.namespace}'` : ''} is rendered by application '${other.application}'${elsewhere ? ` of environment '${other.environment}' on the same cluster '${env.environment}'` : ''}`, e.name,
        elsewhere
          ? "give each environment on a shared cluster its own namespaces (the environment's `namespace`, or a per-environment namespace for applications that name one); the second object would overwrite the first"
          : 'give each object its own name (names are unique per kind and namespace; the second one would overwrite the first in the cluster)');
    } else {
      identities.set(id, e);
    }
    switch (`${e.group}/${e.kind}`) {
      case '/Namespace':
        namespaces.add(e.name);
        break;
      case '/Service': {
        services.set(key(e.namespace, e.name), e);
        const names = servicesByNamespace.get(e.namespace ?? '') ?? [];
        names.push(e.name);
        servicesByNamespace.set(e.namespace ?? '', names);
        break;
      }
      case '/ConfigMap':
        configMaps.set(key(e.namespace, e.name), e);
        break;
      case 'storage.k8s.io/StorageClass':
        storageClasses.set(e.name, e);
        break;
      case '/PersistentVolume':
        volumes.push(e);
        break;
      case 'kafka.strimzi.io/Kafka':
        kafkas.set(`${e.name}.${e.namespace ?? ''}`, { entry: e, ports: list(at(e.object, 'spec', 'kafka', 'listeners')).map((l) => num(record(l).port)).filter((p): p is number => p !== undefined) });
        break;
      case 'kafka.strimzi.io/KafkaTopic': {
        const cluster = str(at(e.object, 'metadata', 'labels', 'strimzi.io/cluster'));
        if (cluster !== undefined) {
          const k = key(e.namespace, cluster);
          const set = topics.get(k) ?? new Set<string>();
          set.add(str(at(e.object, 'spec', 'topicName')) ?? e.name);
          topics.set(k, set);
        }
        break;
      }
      case 'argoproj.io/AppProject':
        projects.add(key(e.namespace, e.name));
        break;
      case 'argoproj.io/Application':
        applications.push(e);
        break;
      default:
        break;
    }
    claimsOf(e, claims, classUses);
  }

  // ---- Checks (one pass each) ----
  const renderedRepos = renderedRepositories(applications, env);
  const directories = new Set(env.applicationDirectories);
  const external = new Set(env.context.externalNamespaces ?? []);
  const kafkaClients: { e: Entry; vars: KafkaVars }[] = [];
  for (const e of entries) {
    checkNamespace(e, namespaces, external);
    switch (`${e.group}/${e.kind}`) {
      case '/Service':
        checkService(e, templates.get(e.namespace ?? ''));
        break;
      case 'networking.k8s.io/Ingress':
        checkIngress(e, services, servicesByNamespace);
        break;
      case '/ConfigMap': {
        const vars = configMapKafkaVars(e);
        if (vars.brokers !== undefined || vars.topics.length > 0) kafkaClients.push({ e, vars });
        break;
      }
      case 'argoproj.io/Application':
        checkApplication(e, env, directories, namespaces, external, projects, renderedRepos);
        break;
      case 'argoproj.io/ApplicationSet':
        checkApplicationSet(e, env, renderedRepos);
        break;
      default:
        break;
    }
    for (const c of e.containers) {
      if (!Array.isArray(c.container.env)) continue;
      const vars = containerKafkaVars(e, c.container, c.path, configMaps);
      if (vars.brokers !== undefined || vars.topics.length > 0) kafkaClients.push({ e, vars });
    }
  }
  const externalServices = env.context.externalServices ?? [];
  for (const { e, vars } of kafkaClients) checkKafkaClient(e, vars, kafkas, topics, externalServices);
  const defaultClass = checkStorageClasses(classUses, storageClasses, env.context.externalStorageClasses ?? []);
  checkStorage(claims, volumes, storageClasses, defaultClass);
}

// ---------------------------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------------------------

function checkNamespace(e: Entry, namespaces: ReadonlySet<string>, external: ReadonlySet<string>): void {
  const apiVersion = str(e.object.apiVersion) ?? '';
  if (isClusterScoped(apiVersion, e.kind)) {
    if (e.namespace !== undefined) {
      e.report.error(R.namespace, 'metadata.namespace', `${e.kind} is cluster-scoped and cannot have a namespace`, e.namespace, 'remove metadata.namespace (render it from an application chart without a namespace)');
    }
    return;
  }
  if (e.namespace === undefined) {
    e.report.error(R.namespace, 'metadata.namespace', `namespaced ${e.kind} has no namespace, so it lands wherever Argo CD's destination points`, undefined, "set the chart's namespace (ApplicationChart props.namespace)");
    return;
  }
  checkNamespaceExists(e, 'metadata.namespace', e.namespace, namespaces, external);
}

function checkNamespaceExists(e: Entry, path: string, namespace: string, namespaces: ReadonlySet<string>, external: ReadonlySet<string>): void {
  if (namespaces.has(namespace) || external.has(namespace)) return;
  e.report.error(R.namespace, path, `namespace '${namespace}' is neither rendered in this environment (rendered: ${describe(namespaces)}) nor declared external (${describe(external)})`, namespace,
    `render it (the namespaces application derives Namespaces from applications' namespaces) or add '${namespace}' to externalNamespaces in the environment file`);
}

// ---------------------------------------------------------------------------------------------
// Services and Ingresses
// ---------------------------------------------------------------------------------------------

function checkService(e: Entry, index: TemplateIndex | undefined): void {
  const spec = record(e.object.spec);
  if (spec.type === 'ExternalName') return;
  const selector = stringMap(spec.selector);
  if (Object.keys(selector).length === 0) {
    e.report.warning(R.serviceSelector, 'spec.selector', 'Service has no selector, so it routes only to Endpoints managed elsewhere', spec.selector,
      'add a selector matching the pod labels of one workload, unless its EndpointSlices are managed by another controller');
    return;
  }
  const selected = index?.select(selector) ?? [];
  if (selected.length === 0) {
    e.report.error(R.serviceSelector, 'spec.selector', `selects no pod template in namespace '${e.namespace ?? ''}' (no Deployment, StatefulSet, DaemonSet, Job or Pod has these pod labels)`, selector,
      "use the workload's selector labels (app.kubernetes.io/name and app.kubernetes.io/instance) in spec.selector");
    return;
  }
  list(spec.ports).forEach((p, i) => {
    const port = record(p);
    const target = port.targetPort ?? port.port;
    const path = port.targetPort !== undefined ? `spec.ports[${i}].targetPort` : `spec.ports[${i}].port`;
    const missing = selected.filter((t) => !t.ports.some((d) => (typeof target === 'number' ? d.containerPort === target : d.name === target)));
    if (missing.length > 0) {
      const names = missing.map((t) => `${t.entry.kind}/${t.entry.name}`);
      const declared = [...new Set(missing.flatMap((t) => t.ports.map((d) => (d.name !== undefined ? `${d.name} (${d.containerPort ?? '?'})` : String(d.containerPort)))))];
      e.report.error(R.servicePort, path, `target port ${JSON.stringify(target)} is not a container port of the selected pods of ${describe(names)} (they declare: ${describe(declared)})`, target,
        'set targetPort to the name (or number) of a port the containers declare');
    }
  });
}

interface Backend {
  readonly path: string;
  readonly service: unknown;
  readonly portName: unknown;
  readonly portNumber: unknown;
}

function backendsOf(spec: JsonRecord): Backend[] {
  const out: Backend[] = [];
  const add = (backend: unknown, path: string): void => {
    const service = record(backend).service;
    if (!isRecord(service)) return; // resource backends are not Services
    const port = record(service.port);
    out.push({ path: `${path}.service`, service: service.name, portName: port.name, portNumber: port.number });
  };
  if (spec.defaultBackend !== undefined) add(spec.defaultBackend, 'spec.defaultBackend');
  list(spec.rules).forEach((rule, i) => {
    list(at(rule, 'http', 'paths')).forEach((p, j) => add(record(p).backend, `spec.rules[${i}].http.paths[${j}].backend`));
  });
  return out;
}

function checkIngress(e: Entry, services: ReadonlyMap<string, Entry>, servicesByNamespace: ReadonlyMap<string, readonly string[]>): void {
  for (const b of backendsOf(record(e.object.spec))) {
    if (typeof b.service !== 'string') continue; // the schema check reports a missing name
    const service = services.get(key(e.namespace, b.service));
    if (service === undefined) {
      e.report.error(R.ingressBackend, `${b.path}.name`, `backend Service '${b.service}' is not rendered in namespace '${e.namespace ?? ''}' (Services there: ${describe(servicesByNamespace.get(e.namespace ?? '') ?? [])})`, b.service,
        'point the backend at a Service of the same namespace (Ingress backends cannot cross namespaces)');
      continue;
    }
    const ports = list(at(service.object, 'spec', 'ports')).map(record);
    const byName = b.portName !== undefined;
    const found = ports.some((p) => (byName ? p.name === b.portName : p.port === b.portNumber));
    if (!found) {
      const declared = ports.map((p) => (typeof p.name === 'string' ? `${p.name} (${String(p.port)})` : String(p.port)));
      e.report.error(R.ingressBackend, `${b.path}.port.${byName ? 'name' : 'number'}`, `Service '${b.service}' has no port ${JSON.stringify(byName ? b.portName : b.portNumber)} (its ports: ${describe(declared)})`, byName ? b.portName : b.portNumber,
        "use one of the Service's port names (or its port number, not the container's targetPort)");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Storage: claims, StorageClasses, local PersistentVolumes
// ---------------------------------------------------------------------------------------------

/** Collect the claims `e` creates (one per claim name) and the fields naming their StorageClass (one per field). */
function claimsOf(e: Entry, out: Claim[], uses: ClassUse[]): void {
  const ns = e.namespace ?? '';
  const spec = record(e.object.spec);
  const owner = `${e.kind}/${e.name}`;
  switch (`${e.group}/${e.kind}`) {
    case '/PersistentVolumeClaim': {
      const cls = str(spec.storageClassName);
      uses.push({ entry: e, path: 'spec.storageClassName', storageClass: cls, what: `claim '${ns}/${e.name}' of ${owner}` });
      out.push({ namespace: ns, name: e.name, storageClass: cls, size: at(spec, 'resources', 'requests', 'storage'), entry: e, path: 'spec.storageClassName' });
      break;
    }
    case 'apps/StatefulSet': {
      const replicas = num(spec.replicas) ?? 1;
      list(spec.volumeClaimTemplates).forEach((t, i) => {
        const cls = str(at(t, 'spec', 'storageClassName'));
        const name = str(at(t, 'metadata', 'name'));
        if (name === undefined) return;
        const path = `spec.volumeClaimTemplates[${i}].spec.storageClassName`;
        uses.push({ entry: e, path, storageClass: cls, what: `claim template '${name}' of ${owner}` });
        for (let ordinal = 0; ordinal < replicas; ordinal++) {
          out.push({ namespace: ns, name: `${name}-${e.name}-${ordinal}`, storageClass: cls, size: at(t, 'spec', 'resources', 'requests', 'storage'), entry: e, path });
        }
      });
      break;
    }
    case 'kafka.strimzi.io/KafkaNodePool': {
      // Strimzi names claims data-<cluster>-<pool>-<node id> (JBOD: data-<volume id>-<cluster>-<pool>-<node id>).
      const cluster = str(at(e.object, 'metadata', 'labels', 'strimzi.io/cluster')) ?? '';
      const storage = record(spec.storage);
      const volumes = storage.type === 'jbod'
        ? list(storage.volumes).map(record).map((v, i) => ({ v, prefix: `data-${String(v.id ?? i)}`, path: `spec.storage.volumes[${i}].class`, what: `JBOD volume ${String(v.id ?? i)} of ${owner}` }))
        : [{ v: storage, prefix: 'data', path: 'spec.storage.class', what: `storage of ${owner}` }];
      const replicas = num(spec.replicas) ?? 0;
      const ids = nodeIds(at(e.object, 'metadata', 'annotations', 'strimzi.io/next-node-ids'), replicas);
      for (const { v, prefix, path, what } of volumes) {
        const cls = str(v.class);
        if (v.type !== 'persistent-claim') continue;
        uses.push({ entry: e, path, storageClass: cls, what });
        if (ids === undefined) {
          // Claim names depend on node ids Strimzi assigns; only a no-provisioner class needs them (checked later).
          out.push({ namespace: ns, name: '', storageClass: cls, size: v.size, entry: e, path });
          continue;
        }
        for (const id of ids) out.push({ namespace: ns, name: `${prefix}-${cluster}-${e.name}-${id}`, storageClass: cls, size: v.size, entry: e, path });
      }
      break;
    }
    case 'postgresql.cnpg.io/Cluster': {
      // CloudNativePG names claims <cluster>-<serial> (serials from 1) and <cluster>-<serial>-wal.
      const instances = num(spec.instances) ?? 1;
      for (const [field, suffix] of [['storage', ''], ['walStorage', '-wal']] as const) {
        const storage = record(spec[field]);
        if (Object.keys(storage).length === 0) continue; // no walStorage
        const cls = str(storage.storageClass) ?? str(at(storage, 'pvcTemplate', 'storageClassName'));
        const size = storage.size ?? at(storage, 'pvcTemplate', 'resources', 'requests', 'storage');
        const path = storage.storageClass !== undefined || storage.pvcTemplate === undefined ? `spec.${field}.storageClass` : `spec.${field}.pvcTemplate.storageClassName`;
        uses.push({ entry: e, path, storageClass: cls, what: `${field} of ${owner}` });
        for (let serial = 1; serial <= instances; serial++) out.push({ namespace: ns, name: `${e.name}-${serial}${suffix}`, storageClass: cls, size, entry: e, path });
      }
      break;
    }
    case 'mongodbcommunity.mongodb.com/MongoDBCommunity': {
      // The operator's StatefulSet is named like the resource: claims <template>-<name>-<member> (data-volume, logs-volume).
      const members = num(spec.members) ?? 1;
      list(at(spec, 'statefulSet', 'spec', 'volumeClaimTemplates')).forEach((t, i) => {
        const name = str(at(t, 'metadata', 'name'));
        if (name === undefined) return;
        const path = `spec.statefulSet.spec.volumeClaimTemplates[${i}].spec.storageClassName`;
        const cls = str(at(t, 'spec', 'storageClassName'));
        uses.push({ entry: e, path, storageClass: cls, what: `claim template '${name}' of ${owner}` });
        for (let member = 0; member < members; member++) out.push({ namespace: ns, name: `${name}-${e.name}-${member}`, storageClass: cls, size: at(t, 'spec', 'resources', 'requests', 'storage'), entry: e, path });
      });
      break;
    }
    case 'elasticsearch.k8s.elastic.co/Elasticsearch': {
      // ECK names each node set's StatefulSet <name>-es-<node set>: claims <template>-<name>-es-<node set>-<ordinal>.
      list(spec.nodeSets).map(record).forEach((set, s) => {
        const count = num(set.count) ?? 1;
        list(set.volumeClaimTemplates).forEach((t, i) => {
          const name = str(at(t, 'metadata', 'name'));
          if (name === undefined) return;
          const path = `spec.nodeSets[${s}].volumeClaimTemplates[${i}].spec.storageClassName`;
          const cls = str(at(t, 'spec', 'storageClassName'));
          uses.push({ entry: e, path, storageClass: cls, what: `claim template '${name}' of node set '${String(set.name)}' of ${owner}` });
          for (let ordinal = 0; ordinal < count; ordinal++) out.push({ namespace: ns, name: `${name}-${e.name}-es-${String(set.name)}-${ordinal}`, storageClass: cls, size: at(t, 'spec', 'resources', 'requests', 'storage'), entry: e, path });
        });
      });
      break;
    }
    case 'rabbitmq.com/RabbitmqCluster': {
      // The RabbitMQ Cluster Operator names claims persistence-<cluster>-server-<i> (PVCName, api/v1beta1 v2.22.3).
      const persistence = record(spec.persistence);
      const cls = str(persistence.storageClassName);
      uses.push({ entry: e, path: 'spec.persistence.storageClassName', storageClass: cls, what: `persistence of ${owner}` });
      const replicas = num(spec.replicas) ?? 1;
      for (let i = 0; i < replicas; i++) out.push({ namespace: ns, name: `persistence-${e.name}-server-${i}`, storageClass: cls, size: persistence.storage ?? '10Gi', entry: e, path: 'spec.persistence.storageClassName' });
      break;
    }
    default:
      break;
  }
}

/** Annotations that make a StorageClass the cluster's default (GA and the older beta one). */
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/**
 * Every field naming a StorageClass names one that exists: rendered here or provided by the cluster
 * (`externalStorageClasses`). A claim without class gets the cluster's default class: fine when a rendered
 * class is the default, or when the environment declares no classes at all (dynamic storage the platform
 * knows nothing about); an error when the environment renders a no-provisioner class or declares external
 * classes, since the claim would silently land on a class the environment does not declare. `''` asks for no
 * class (only pre-created volumes without class bind) and is left alone. Returns the rendered default class.
 */
function checkStorageClasses(uses: readonly ClassUse[], storageClasses: ReadonlyMap<string, Entry>, external: readonly string[]): string | undefined {
  const externalSet = new Set(external);
  const rendered = [...storageClasses.keys()];
  const defaultClass = rendered.find((name) => DEFAULT_CLASS_ANNOTATIONS.some((a) => str(at(storageClasses.get(name)?.object, 'metadata', 'annotations', a)) === 'true'));
  const declaresClasses = external.length > 0 || [...storageClasses.values()].some((c) => str(c.object.provisioner) === NO_PROVISIONER);
  const classes = `rendered: ${describe(rendered)}; provided by the cluster: ${describe(external)}`;
  const known = [...rendered, ...external];
  for (const u of uses) {
    if (u.storageClass === '') continue;
    if (u.storageClass === undefined) {
      if (defaultClass !== undefined || !declaresClasses) continue;
      u.entry.report.error(R.storage, u.path, `${u.what} names no StorageClass, so it gets the cluster's default class, which this environment does not declare (${classes}; none is marked default): whatever class is the default would provision it, or it stays Pending if there is none`, undefined,
        known.length === 1 ? `set the StorageClass to '${known[0] ?? ''}'` : `set the StorageClass explicitly to one of ${describe(known)}`);
    } else if (!storageClasses.has(u.storageClass) && !externalSet.has(u.storageClass)) {
      const similar = closest(u.storageClass, known);
      u.entry.report.error(R.storage, u.path, `${u.what} uses StorageClass '${u.storageClass}', which is neither rendered in this environment nor provided by the cluster (${classes}), so ${u.entry.kind === 'PersistentVolumeClaim' ? 'it' : 'its claims'} would stay Pending`, u.storageClass,
        similar !== undefined ? `use '${similar}'`
          : `${known.length > 0 ? `use one of ${describe(known)}` : `render the StorageClass '${u.storageClass}'`}, or, if the cluster provides it, declare it (environment storage { mode: 'dynamic', storageClassName: '${u.storageClass}' } sets externalStorageClasses)`);
    }
  }
  return defaultClass;
}

function checkStorage(claims: readonly Claim[], volumes: readonly Entry[], storageClasses: ReadonlyMap<string, Entry>, defaultClass: string | undefined): void {
  const isLocal = (cls: unknown): boolean => typeof cls === 'string' && str(storageClasses.get(cls)?.object.provisioner) === NO_PROVISIONER;
  const volumesByClaim = new Map<string, Entry[]>();
  for (const v of volumes) {
    const ref = record(at(v.object, 'spec', 'claimRef'));
    const name = str(ref.name);
    if (isLocal(at(v.object, 'spec', 'storageClassName')) && !isRecord(at(v.object, 'spec', 'nodeAffinity', 'required'))) {
      v.report.error(R.storage, 'spec.nodeAffinity', `local PersistentVolume of the no-provisioner class '${String(at(v.object, 'spec', 'storageClassName'))}' has no required node affinity, so the API server refuses it (a local volume lives on one node)`, undefined,
        "pin it to its node with spec.nodeAffinity.required on kubernetes.io/hostname (the LocalStorage construct does)");
    }
    if (name === undefined) {
      if (isLocal(at(v.object, 'spec', 'storageClassName'))) {
        v.report.error(R.storage, 'spec.claimRef', `PersistentVolume of the no-provisioner class '${String(at(v.object, 'spec', 'storageClassName'))}' is not reserved for a claim`, undefined,
          'set spec.claimRef (namespace and name of the claim), or let the LocalStorage construct derive the volume from the claim');
      }
      continue;
    }
    const k = key(str(ref.namespace), name);
    const bucket = volumesByClaim.get(k);
    if (bucket) bucket.push(v);
    else volumesByClaim.set(k, [v]);
  }

  const claimed = new Set<string>();
  for (const claim of claims) {
    // A claim without class gets the rendered default class (the API server's admission fills it in).
    const c = claim.storageClass === undefined && defaultClass !== undefined ? { ...claim, storageClass: defaultClass } : claim;
    if (!isLocal(c.storageClass)) continue; // dynamic provisioning, or a class provided by the cluster
    const owner = `${c.entry.kind}/${c.entry.name}`;
    if (c.name === '') {
      c.entry.report.error(R.storage, 'metadata.annotations["strimzi.io/next-node-ids"]', `volumes of the no-provisioner class '${c.storageClass}' need known claim names, but the node ids are not pinned`, undefined,
        'pin node ids with the strimzi.io/next-node-ids annotation (e.g. "[0-2]") so a PersistentVolume can be reserved per claim');
      continue;
    }
    const k = key(c.namespace, c.name);
    claimed.add(k);
    const reserved = volumesByClaim.get(k) ?? [];
    if (reserved.length === 0) {
      c.entry.report.error(R.storage, c.path, `claim '${c.namespace}/${c.name}' (of ${owner}) uses the no-provisioner StorageClass '${c.storageClass}', but no PersistentVolume is reserved for it (spec.claimRef), so it would stay Pending forever`, c.storageClass,
        `register the claim with the LocalStorage construct (storage.registerClaim) so a PersistentVolume with claimRef ${c.namespace}/${c.name} is rendered`);
      continue;
    }
    if (reserved.length > 1) {
      c.entry.report.error(R.storage, c.path, `${reserved.length} PersistentVolumes are reserved for claim '${c.namespace}/${c.name}' (${describe(reserved.map((v) => v.name))})`, c.storageClass, 'reserve exactly one volume per claim');
    }
    const volume = reserved[0] as Entry;
    const volumeClass = at(volume.object, 'spec', 'storageClassName');
    if (volumeClass !== c.storageClass) {
      volume.report.error(R.storage, 'spec.storageClassName', `is reserved for claim '${c.namespace}/${c.name}' of class '${c.storageClass}' but has class ${JSON.stringify(volumeClass)}, so the claim cannot bind`, volumeClass, `set spec.storageClassName to '${c.storageClass}'`);
    }
    const capacity = at(volume.object, 'spec', 'capacity', 'storage');
    const have = parseQuantity(capacity);
    const want = parseQuantity(c.size);
    if (have === undefined) {
      volume.report.error(R.storage, 'spec.capacity.storage', `is reserved for claim '${c.namespace}/${c.name}' but has no storage capacity`, capacity, `set spec.capacity.storage to at least ${String(c.size)}`);
    } else if (want !== undefined && have < want) {
      volume.report.error(R.storage, 'spec.capacity.storage', `capacity ${String(capacity)} is smaller than the ${String(c.size)} claim '${c.namespace}/${c.name}' (of ${owner}) requests`, capacity, `give the volume at least ${String(c.size)}`);
    }
  }

  for (const [k, reserved] of volumesByClaim) {
    if (claimed.has(k)) continue;
    for (const v of reserved) {
      if (!isLocal(at(v.object, 'spec', 'storageClassName'))) continue;
      const ref = record(at(v.object, 'spec', 'claimRef'));
      v.report.error(R.storage, 'spec.claimRef', `is reserved for claim '${String(ref.namespace)}/${String(ref.name)}', which nothing in this environment creates (no PersistentVolumeClaim, StatefulSet, KafkaNodePool or CloudNativePG Cluster claims it)`, `${String(ref.namespace)}/${String(ref.name)}`,
        'remove the volume, or fix claimRef to the claim that should bind it');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka clients: KAFKA_BROKERS and KAFKA_TOPIC_*
// ---------------------------------------------------------------------------------------------

interface KafkaVar {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

interface KafkaVars {
  readonly namespace: string;
  readonly brokers?: KafkaVar;
  /** KAFKA_BROKERS inherited through envFrom (not reported again here). */
  readonly inheritedBrokers?: string;
  readonly topics: readonly KafkaVar[];
}

const BROKERS_VAR = /^KAFKA_(BROKERS|BOOTSTRAP_SERVERS)$/;
const TOPIC_VAR = /^KAFKA_TOPIC_[A-Z0-9_]+$/;

function configMapKafkaVars(e: Entry): KafkaVars {
  let brokers: KafkaVar | undefined;
  const topicVars: KafkaVar[] = [];
  for (const [name, value] of Object.entries(stringMap(e.object.data))) {
    if (BROKERS_VAR.test(name)) brokers = { name, value, path: child('data', name) };
    else if (TOPIC_VAR.test(name)) topicVars.push({ name, value, path: child('data', name) });
  }
  return { namespace: e.namespace ?? '', ...(brokers ? { brokers } : {}), topics: topicVars };
}

function containerKafkaVars(e: Entry, container: JsonRecord, path: string, configMaps: ReadonlyMap<string, Entry>): KafkaVars {
  let brokers: KafkaVar | undefined;
  const topicVars: KafkaVar[] = [];
  list(container.env).forEach((v, i) => {
    const name = str(record(v).name);
    const value = str(record(v).value);
    if (name === undefined || value === undefined) return;
    if (BROKERS_VAR.test(name)) brokers = { name, value, path: `${path}.env[${i}].value` };
    else if (TOPIC_VAR.test(name)) topicVars.push({ name, value, path: `${path}.env[${i}].value` });
  });
  let inheritedBrokers: string | undefined;
  if (brokers === undefined && topicVars.length > 0) {
    for (const source of list(container.envFrom)) {
      const ref = str(at(source, 'configMapRef', 'name'));
      const data = ref !== undefined ? stringMap(configMaps.get(key(e.namespace, ref))?.object.data) : {};
      const found = Object.entries(data).find(([k]) => BROKERS_VAR.test(k));
      if (found) inheritedBrokers = found[1];
    }
  }
  return { namespace: e.namespace ?? '', ...(brokers ? { brokers } : {}), ...(inheritedBrokers !== undefined ? { inheritedBrokers } : {}), topics: topicVars };
}

const BOOTSTRAP_SUFFIX = '-kafka-bootstrap';

/** The Kafka clusters (`<name>.<namespace>`) a broker list points at; reports the addresses that match none. */
function resolveBrokers(e: Entry | undefined, list_: string, clientNamespace: string, path: string, kafkas: ReadonlyMap<string, { ports: readonly number[] }>): string[] {
  const clusters: string[] = [];
  const rendered = [...kafkas.keys()].map((k) => `${k.slice(0, k.indexOf('.'))}${BOOTSTRAP_SUFFIX}${k.slice(k.indexOf('.'))}`);
  for (const address of list_.split(',').map((a) => a.trim()).filter((a) => a !== '')) {
    const match = /^([^:]+):(\d+)$/.exec(address);
    const host = match?.[1] ?? address;
    const labels = host.replace(/\.svc(\.cluster\.local)?\.?$/, '').split('.');
    const service = labels[0] ?? '';
    const namespace = labels.length >= 2 ? labels[1] ?? '' : clientNamespace;
    const cluster = service.endsWith(BOOTSTRAP_SUFFIX) && labels.length <= 2 ? service.slice(0, -BOOTSTRAP_SUFFIX.length) : undefined;
    const kafka = cluster !== undefined ? kafkas.get(`${cluster}.${namespace}`) : undefined;
    if (kafka === undefined || match === null) {
      e?.report.error(R.kafkaBootstrap, path, `'${address}' is not the bootstrap address of a Kafka cluster rendered in this environment (rendered: ${describe(rendered.map((r) => `${r}:<listener port>`))})`, address,
        `take the address from the KafkaPlatform construct (cluster.bootstrap.plain), render the Kafka cluster it names, or, for a Kafka outside the platform, declare it in the environment file: externalServices: ['${address}']`);
      continue;
    }
    const port = Number(match[2]);
    if (!kafka.ports.includes(port)) {
      e?.report.error(R.kafkaBootstrap, path, `Kafka '${cluster ?? ''}' in namespace '${namespace}' has no listener on port ${port} (listeners: ${describe(kafka.ports.map(String))})`, address,
        'use the port of one of its listeners (plain 9092, tls 9093)');
      continue;
    }
    clusters.push(key(namespace, cluster));
  }
  return clusters;
}

function checkKafkaClient(e: Entry, vars: KafkaVars, kafkas: ReadonlyMap<string, { ports: readonly number[] }>, topics: ReadonlyMap<string, ReadonlySet<string>>, externalServices: readonly string[]): void {
  let clusters: string[] | undefined;
  // A Kafka outside the platform, declared once in the environment file (externalServices): its topics are its own.
  const brokers = vars.brokers?.value ?? vars.inheritedBrokers;
  if (brokers !== undefined && brokers.split(',').map((a) => a.trim()).filter((a) => a !== '').every((a) => externalServices.some((d) => d === a || d === a.replace(/:\d+$/, '')))) return;
  if (vars.brokers !== undefined) {
    clusters = resolveBrokers(e, vars.brokers.value, vars.namespace, vars.brokers.path, kafkas);
    if (clusters.length === 0) return; // already reported; topics cannot be checked against an unknown cluster
  } else if (vars.inheritedBrokers !== undefined) {
    clusters = resolveBrokers(undefined, vars.inheritedBrokers, vars.namespace, '', kafkas);
    if (clusters.length === 0) return;
  }
  if (vars.topics.length === 0) return;
  const candidates = clusters ?? [...topics.keys()];
  for (const t of vars.topics) {
    if (candidates.some((c) => topics.get(c)?.has(t.value))) continue;
    const known = candidates.flatMap((c) => [...(topics.get(c) ?? [])]);
    e.report.error(R.kafkaTopic, t.path, `${t.name} names topic '${t.value}', which no KafkaTopic of ${clusters ? 'the cluster in KAFKA_BROKERS' : 'any rendered Kafka cluster'} defines (topics: ${describe(known)})`, t.value,
      `add the topic to the KafkaPlatform (addTopic('${t.value}')) or use one of the defined topics`);
  }
}

// ---------------------------------------------------------------------------------------------
// Argo CD
// ---------------------------------------------------------------------------------------------

function sourcesOf(spec: JsonRecord): { source: JsonRecord; path: string }[] {
  if (isRecord(spec.source)) return [{ source: spec.source, path: 'spec.source' }];
  return list(spec.sources).map((s, i) => ({ source: record(s), path: `spec.sources[${i}]` }));
}

function checkApplication(e: Entry, env: ReferenceContext, directories: ReadonlySet<string>, namespaces: ReadonlySet<string>, external: ReadonlySet<string>, projects: ReadonlySet<string>, renderedRepos: ReadonlySet<string>): void {
  const spec = record(e.object.spec);
  const destination = str(at(spec, 'destination', 'namespace'));
  if (destination !== undefined) checkNamespaceExists(e, 'spec.destination.namespace', destination, namespaces, external);
  const project = str(spec.project);
  if (project !== undefined && project !== 'default' && projects.size > 0 && !projects.has(key(e.namespace, project))) {
    e.report.error(R.argocdProject, 'spec.project', `AppProject '${project}' is not rendered in namespace '${e.namespace ?? ''}'`, project, 'use the environment\'s AppProject (rendered by the argocd application)');
  }
  for (const { source, path } of directorySources(spec)) {
    const dir = str(source.path) ?? '';
    const normalized = normalizePath(dir);
    // Paths into another repository are not ours to check; the rendered repository holds only <env>/<app>.
    const inRenderedTree = env.environments.includes(normalized.split('/')[0] ?? '') || renderedRepos.has(str(source.repoURL) ?? '');
    if (inRenderedTree) checkRenderedSource(e, path, source.repoURL, source.targetRevision, env, 'targetRevision', normalized.split('/')[0]);
    if (!inRenderedTree || directories.has(normalized)) continue;
    e.report.error(R.argocdPath, `${path}.path`, `'${dir}' is not a rendered application directory of ${env.environments.length === 1 ? `environment '${env.environment}'` : `cluster '${env.environment}'`} (directories: ${describe(directories)})`, dir,
      `point the Application at <env>/<application> of an application that renders objects`);
  }
}

/** A source inside the rendered tree must read the environment's rendered repository and branch (`renderedSource`). */
function checkRenderedSource(e: Entry, path: string, repoURL: unknown, revision: unknown, env: ReferenceContext, revisionField = 'targetRevision', directory?: string): void {
  const expected = (directory !== undefined ? env.renderedSources?.get(directory) : undefined) ?? env.context.renderedSource;
  if (expected === undefined) return;
  if (repoURL !== expected.repoURL && !isTemplated(repoURL)) {
    e.report.error(R.argocdPath, `${path}.repoURL`, `reads the rendered tree of '${env.environment}' from ${JSON.stringify(repoURL)}, but it is published to ${expected.repoURL} (gitops.repoURL)`, repoURL,
      `use repoURL '${expected.repoURL}' (the Argo CD constructs take it from the environment's gitops settings)`);
  }
  if (revision !== expected.branch && !isTemplated(revision)) {
    const found = revision === undefined || revision === '' ? `has no ${revisionField}, so Argo CD reads HEAD (the repository's default branch)` : `reads the rendered tree of '${env.environment}' at ${JSON.stringify(revision)}`;
    e.report.error(R.argocdPath, `${path}.${revisionField}`, `${found}, but the rendered tree of '${env.environment}' is published to branch '${expected.branch}' (gitops.branch)`, revision,
      `use ${revisionField} '${expected.branch}'`);
  }
}

/** An ApplicationSet template value filled in by a generator (`{{.path.path}}`). */
function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

function normalizePath(dir: string): string {
  return dir.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Directory (not Helm chart) sources of an Application spec, with their paths. */
function directorySources(spec: JsonRecord): { source: JsonRecord; path: string }[] {
  return sourcesOf(spec).filter(({ source }) => typeof source.path === 'string' && source.chart === undefined);
}

/** Repositories Applications of this environment read its rendered tree from (and the declared `renderedSource`). */
function renderedRepositories(applications: readonly Entry[], env: ReferenceContext): Set<string> {
  const repos = new Set<string>();
  if (env.context.renderedSource !== undefined) repos.add(env.context.renderedSource.repoURL);
  for (const a of applications) {
    for (const { source } of directorySources(record(a.object.spec))) {
      const repo = str(source.repoURL);
      if (repo !== undefined && env.environments.includes(normalizePath(str(source.path) ?? '').split('/')[0] ?? '')) repos.add(repo);
    }
  }
  return repos;
}

/** The git generators of an ApplicationSet, also inside matrix and merge generators, with their paths. */
function gitGenerators(generators: unknown, path: string, out: { git: JsonRecord; path: string }[] = []): { git: JsonRecord; path: string }[] {
  list(generators).forEach((g, i) => {
    const at_ = `${path}[${i}]`;
    const generator = record(g);
    if (isRecord(generator.git)) out.push({ git: generator.git, path: `${at_}.git` });
    for (const combining of ['matrix', 'merge'] as const) {
      if (isRecord(generator[combining])) gitGenerators(record(generator[combining]).generators, `${at_}.${combining}.generators`, out);
    }
  });
  return out;
}

function checkApplicationSet(e: Entry, env: ReferenceContext, renderedRepos: ReadonlySet<string>): void {
  const directoryOf = (p: unknown): string | undefined => (typeof p === 'string' ? normalizePath(p).split('/')[0] : undefined);
  const inEnvironment = (p: unknown): boolean => env.environments.includes(directoryOf(p) ?? '');
  let readsRenderedTree = false;
  for (const { git, path } of gitGenerators(at(e.object, 'spec', 'generators'), 'spec.generators')) {
    const directories = list(git.directories);
    const patterns = [...directories, ...list(git.files)].map((d) => record(d).path);
    // Generators over other repositories are not ours to check; the rendered tree holds only <env>/<app>.
    const inRenderedTree = renderedRepos.has(str(git.repoURL) ?? '') || patterns.some(inEnvironment);
    if (inRenderedTree) {
      readsRenderedTree = true;
      checkRenderedSource(e, path, git.repoURL, git.revision, env, 'revision', patterns.map(directoryOf).find((d) => d !== undefined && env.environments.includes(d)));
    }
    directories.forEach((d, j) => {
      const pattern = str(record(d).path);
      if (pattern === undefined || record(d).exclude === true || pattern.includes('{{')) return;
      const regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      const matches = env.applicationDirectories.some((a) => regex.test(a));
      if (!matches) {
        e.report.error(R.argocdPath, `${path}.directories[${j}].path`, `'${pattern}' matches no rendered application directory of ${env.environments.length === 1 ? `environment '${env.environment}'` : `cluster '${env.environment}'`}`, pattern,
          `use ${directoryOf(pattern) ?? '<env>'}/* (the rendered applications of that environment)`);
      }
    });
  }
  // The template's directory sources read what the generators found: in the rendered tree, the same repository and branch.
  const template = record(at(e.object, 'spec', 'template', 'spec'));
  for (const { source, path } of directorySources(template)) {
    const inRenderedTree = inEnvironment(source.path) || renderedRepos.has(str(source.repoURL) ?? '') || (readsRenderedTree && isTemplated(source.path));
    if (inRenderedTree) checkRenderedSource(e, `spec.template.${path}`, source.repoURL, source.targetRevision, env, 'targetRevision', directoryOf(source.path));
  }
}
