/**
 * Cross-object rules the cluster or Argo CD would only reveal after sync: two routes claiming one host, a staging
 * environment claiming production's hosts, production certificates from a staging issuer, a `PORT` variable the
 * container does not listen on, a URL to a Service that is not rendered, and Applications their AppProject refuses.
 *
 * Dependencies outside the platform are declared once per environment (`externalServices`) and then allowed.
 * Like the other reference checks, every rule is linear in the number of objects (one index pass, one lookup each).
 */
import type { Stage } from '../../constructs/lib/context';
import { globMatch, permitted as allowedBy } from '../../constructs/lib/argo-projects';
import { apiGroupOf, isClusterScoped } from '../../constructs/lib/kinds';
import type { IndexedObject } from './references';
import { at, child, isRecord, JsonRecord, list, num, record, str, stringMap } from './json';
import { containersOf, podTemplateOf, portsOf } from './pods';

/** Rule ids of the cross-object checks (not exemptable). */
export const CROSS_RULES = {
  hostConflict: 'ref/host-conflict',
  productionHost: 'ref/production-host',
  stagingIssuer: 'ref/staging-issuer',
  portEnv: 'ref/port-env',
  serviceUrl: 'ref/service-url',
  argocdProject: 'ref/argocd-project',
} as const;

const R = CROSS_RULES;

/** What the cross-object checks need to know about each rendered directory (environment). */
export interface DirectoryInfo {
  readonly stage: Stage;
  /** Declared external services (`host`, `host:port`, URLs). */
  readonly externalServices: readonly string[];
  /** Namespaces the cluster has without rendering them. */
  readonly externalNamespaces: readonly string[];
}

interface Route {
  readonly entry: IndexedObject;
  readonly host: string;
  readonly path: string;
  /** The routing layer (`ingress`, or `gateway:<ns>/<name>`, `traefik:<entrypoints>`): routes conflict within one. */
  readonly layer: string;
  readonly field: string;
}

const where = (e: IndexedObject): string => `${String(e.object.kind)} '${str(at(e.object, 'metadata', 'namespace')) ?? ''}/${str(at(e.object, 'metadata', 'name')) ?? ''}' of application '${e.application}'${e.environment !== undefined ? ` (environment '${e.environment}')` : ''}`;

/** The host and path claims of an Ingress, an HTTPRoute or a Traefik IngressRoute. */
export function routesOf(entry: IndexedObject): Route[] {
  const o = entry.object;
  const group = apiGroupOf(str(o.apiVersion) ?? '');
  const routes: Route[] = [];
  if (group === 'networking.k8s.io' && o.kind === 'Ingress') {
    list(at(o, 'spec', 'rules')).forEach((r, i) => {
      const host = str(record(r).host);
      if (host === undefined || host === '') return;
      const paths = list(at(r, 'http', 'paths'));
      if (paths.length === 0) routes.push({ entry, host, path: '/', layer: 'ingress', field: `spec.rules[${i}].host` });
      for (const p of paths) routes.push({ entry, host, path: `${str(record(p).pathType) ?? 'Prefix'} ${str(record(p).path) ?? '/'}`, layer: 'ingress', field: `spec.rules[${i}].host` });
    });
  } else if (group === 'gateway.networking.k8s.io' && (o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute' || o.kind === 'TLSRoute')) {
    const namespace = str(at(o, 'metadata', 'namespace')) ?? '';
    const parents = list(at(o, 'spec', 'parentRefs')).map((p) => `gateway:${str(record(p).namespace) ?? namespace}/${str(record(p).name) ?? ''}${str(record(p).sectionName) ? `/${str(record(p).sectionName) ?? ''}` : ''}`);
    const matches = list(at(o, 'spec', 'rules')).flatMap((r) => list(record(r).matches)).map((m) => {
      const p = record(record(m).path);
      return `${str(p.type) ?? 'PathPrefix'} ${str(p.value) ?? '/'}${record(m).headers !== undefined || record(m).method !== undefined || record(m).queryParams !== undefined ? ' (conditional)' : ''}`;
    });
    list(at(o, 'spec', 'hostnames')).forEach((h, i) => {
      if (typeof h !== 'string') return;
      for (const layer of parents) for (const path of matches.length > 0 ? matches : ['PathPrefix /']) if (!path.endsWith('(conditional)')) routes.push({ entry, host: h, path: `${String(o.kind)} ${path}`, layer, field: `spec.hostnames[${i}]` });
    });
  } else if ((group === 'traefik.io' || group === 'traefik.containo.us') && o.kind === 'IngressRoute') {
    const entryPoints = list(at(o, 'spec', 'entryPoints')).map(String).sort().join(',') || 'default';
    list(at(o, 'spec', 'routes')).forEach((r, i) => {
      const match = str(record(r).match) ?? '';
      const hosts = [...match.matchAll(/Host\(([^)]*)\)/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((h) => h[1] ?? ''));
      const path = /Path(Prefix)?\(`([^`]+)`\)/.exec(match);
      for (const host of hosts) routes.push({ entry, host, path: path ? `${path[1] ?? ''} ${path[2] ?? ''}` : 'Prefix /', layer: `traefik:${entryPoints}`, field: `spec.routes[${i}].match` });
    });
  }
  return routes;
}

/** Two routes of one cluster claiming the same host and path on the same routing layer. */
function checkHostConflicts(routes: readonly Route[]): void {
  const claims = new Map<string, Route>();
  for (const r of routes) {
    const k = `${r.layer}\u0000${r.host.toLowerCase()}\u0000${r.path}`;
    const first = claims.get(k);
    if (first === undefined) {
      claims.set(k, r);
    } else if (first.entry !== r.entry) {
      r.entry.report.error(R.hostConflict, r.field, `host '${r.host}' (path ${r.path.replace(/^\S+ /, '')}) is also claimed by ${where(first.entry)}; the controller serves only one of them`, r.host,
        'give each route its own host or path (two environments on one cluster need hosts of their own, e.g. staging.example.com)');
    }
  }
}

/**
 * Host names that never reach public DNS: reserved names (RFC 6761/2606: `localhost`, `.test`, `.invalid`, `.local`)
 * and wildcard-DNS names of a loopback or private address (`auth.127.0.0.1.nip.io`, `x.10-0-0-5.sslip.io`). Each
 * environment resolves them on its own machine or network, so sharing one is not a production claim.
 */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || /\.(localhost|test|invalid|local|example)$/.test(h)) return true;
  const ip = /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})\.(?:nip\.io|sslip\.io|xip\.io)$/.exec(h);
  if (ip === null) return false;
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/** A non-production environment claiming a (public) host that a production environment serves. */
function checkProductionHosts(routes: readonly Route[], dirs: ReadonlyMap<string, DirectoryInfo>): void {
  const production = new Map<string, Route>();
  for (const r of routes) {
    if (r.entry.environment !== undefined && dirs.get(r.entry.environment)?.stage === 'production' && !isLocalHost(r.host)) production.set(r.host.toLowerCase(), r);
  }
  if (production.size === 0) return;
  for (const r of routes) {
    const stage = r.entry.environment !== undefined ? dirs.get(r.entry.environment)?.stage : undefined;
    if (stage === undefined || stage === 'production') continue;
    const prod = production.get(r.host.toLowerCase());
    if (prod === undefined) continue;
    r.entry.report.error(R.productionHost, r.field, `${stage} environment '${r.entry.environment ?? ''}' claims host '${r.host}', which production environment '${prod.entry.environment ?? ''}' serves; users would be sent to ${stage} or certificates issued twice`, r.host,
      `give the ${stage} environment hosts of its own in its environment file (e.g. ${stage === 'staging' ? 'staging' : 'dev'}.${r.host.replace(/^www\./, '')})`);
  }
}

/** Production objects whose certificates come from a staging issuer (Let's Encrypt staging: not trusted by browsers). */
function checkIssuers(entries: readonly IndexedObject[], dirs: ReadonlyMap<string, DirectoryInfo>): void {
  const issuers = new Map<string, boolean>();
  for (const e of entries) {
    if (apiGroupOf(str(e.object.apiVersion) ?? '') !== 'cert-manager.io' || (e.object.kind !== 'ClusterIssuer' && e.object.kind !== 'Issuer')) continue;
    const server = str(at(e.object, 'spec', 'acme', 'server'));
    const ns = e.object.kind === 'Issuer' ? str(at(e.object, 'metadata', 'namespace')) ?? '' : '';
    issuers.set(`${String(e.object.kind)}/${ns}/${str(at(e.object, 'metadata', 'name')) ?? ''}`, server !== undefined && /acme-staging/.test(server));
  }
  const isStaging = (kind: 'ClusterIssuer' | 'Issuer', namespace: string, name: string): boolean => {
    const rendered = issuers.get(`${kind}/${kind === 'Issuer' ? namespace : ''}/${name}`);
    return rendered ?? /(^|[-.])(staging|stage|stg)([-.]|$)/.test(name);
  };
  for (const e of entries) {
    if (e.environment === undefined || dirs.get(e.environment)?.stage !== 'production') continue;
    const namespace = str(at(e.object, 'metadata', 'namespace')) ?? '';
    const annotations = stringMap(at(e.object, 'metadata', 'annotations'));
    for (const [key, kind] of [['cert-manager.io/cluster-issuer', 'ClusterIssuer'], ['cert-manager.io/issuer', 'Issuer']] as const) {
      const name = annotations[key];
      if (name !== undefined && isStaging(kind, namespace, name)) {
        e.report.error(R.stagingIssuer, child('metadata.annotations', key), `production ${String(e.object.kind)} takes its certificate from ${kind} '${name}', a staging issuer whose certificates browsers do not trust`, name,
          "use the production issuer in the production environment file (e.g. tls: { clusterIssuer: 'letsencrypt-prod' })");
      }
    }
    if (apiGroupOf(str(e.object.apiVersion) ?? '') === 'cert-manager.io' && e.object.kind === 'Certificate') {
      const ref = record(at(e.object, 'spec', 'issuerRef'));
      const kind = ref.kind === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer';
      const name = str(ref.name);
      if (name !== undefined && isStaging(kind, namespace, name)) {
        e.report.error(R.stagingIssuer, 'spec.issuerRef.name', `production Certificate is issued by ${kind} '${name}', a staging issuer whose certificates browsers do not trust`, name, 'use the production issuer');
      }
    }
  }
}

/** Environment variables that tell a server which port to listen on. */
const PORT_VARS = new Set(['PORT', 'HTTP_PORT', 'SERVER_PORT', 'APP_PORT', 'LISTEN_PORT']);

/** A `PORT` variable whose value the container does not declare (the probes and the Service then miss the server). */
function checkPortEnv(entry: IndexedObject): void {
  const template = podTemplateOf(entry.object);
  if (template === undefined) return;
  for (const c of containersOf(template)) {
    const ports = portsOf(c.container);
    if (ports.length === 0) continue;
    list(c.container.env).forEach((v, i) => {
      const name = str(record(v).name);
      const value = str(record(v).value);
      if (name === undefined || value === undefined || !PORT_VARS.has(name) || !/^\d+$/.test(value)) return;
      if (ports.some((p) => p.containerPort === Number(value))) return;
      const probed = ['readinessProbe', 'livenessProbe'].map((p) => at(c.container, p, 'httpGet', 'port') ?? at(c.container, p, 'tcpSocket', 'port')).find((p) => p !== undefined);
      const declared = ports.map((p) => `${p.name ?? '?'} (${p.containerPort ?? '?'})`).join(', ');
      entry.report.error(R.portEnv, `${c.path}.env[${i}].value`, `container '${c.name}' is told to listen on ${name}=${value}, but declares port ${declared}${probed !== undefined ? ` and is probed on ${JSON.stringify(probed)}` : ''}; the probes and the Service would miss the server`, value,
        `make ${name} and the container port the same (the construct's port setting sets both)`);
    });
  }
}

const URL_SCHEMES = /^(https?|grpcs?|wss?|postgres(ql)?|redis|rediss|amqps?|nats|mongodb|mysql):\/\/([^/?#\s@]+@)?([^/?#\s:]+)(:(\d+))?/i;

/** The in-cluster Service a URL names (`http://billing:8080`, `http://billing.shop.svc:8080`), or `undefined`. */
function serviceOfUrl(value: string, clientNamespace: string, namespaces: ReadonlySet<string>): { name: string; namespace: string; port?: number; host: string } | undefined {
  const m = URL_SCHEMES.exec(value);
  if (m === null) return undefined;
  const host = (m[4] ?? '').toLowerCase();
  const port = m[6] !== undefined ? Number(m[6]) : undefined;
  const trimmed = host.replace(/\.svc(\.cluster\.local)?\.?$/, '');
  const labels = trimmed.split('.');
  // `svc`, `svc.ns.svc[.cluster.local]`, or `svc.ns` where `ns` is a namespace of the cluster (not a domain such as example.com).
  const inCluster = trimmed !== host || labels.length === 1 || (labels.length === 2 && namespaces.has(labels[1] ?? ''));
  if (!inCluster || labels.length > 2 || host === 'localhost' || /^\d+(\.\d+){3}$/.test(host)) return undefined;
  return { name: labels[0] ?? '', namespace: labels[1] ?? clientNamespace, host, ...(port !== undefined ? { port } : {}) };
}

/** True when `value` (or its host, host:port) is declared in `externalServices`. */
function declaredExternal(value: string, host: string, port: number | undefined, external: readonly string[]): boolean {
  return external.some((d) => {
    const x = d.toLowerCase().replace(/\/+$/, '');
    return value.toLowerCase().startsWith(x) || x === host || (port !== undefined && x === `${host}:${port}`);
  });
}

interface ServiceIndex {
  readonly ports: ReadonlyMap<string, readonly number[]>;
}

/** URL env values and ConfigMap data naming an in-cluster Service that is not rendered (or a port it lacks). */
function checkServiceUrls(entry: IndexedObject, services: ServiceIndex, dirs: ReadonlyMap<string, DirectoryInfo>, namespaces: ReadonlySet<string>): void {
  const namespace = str(at(entry.object, 'metadata', 'namespace')) ?? '';
  const external = entry.environment !== undefined ? dirs.get(entry.environment)?.externalServices ?? [] : [];
  const check = (value: string, path: string, what: string): void => {
    const target = serviceOfUrl(value, namespace, namespaces);
    if (target === undefined || declaredExternal(value, target.host, target.port, external)) return;
    const ports = services.ports.get(`${target.namespace}/${target.name}`);
    if (ports === undefined) {
      entry.report.error(R.serviceUrl, path, `${what} points at Service '${target.namespace}/${target.name}', which is not rendered on this cluster`, value,
        `render the service, fix the host, or declare it in the environment file: externalServices: ['${target.host}${target.port !== undefined ? `:${target.port}` : ''}']`);
    } else if (target.port !== undefined && ports.length > 0 && !ports.includes(target.port)) {
      entry.report.error(R.serviceUrl, path, `${what} uses port ${target.port} of Service '${target.namespace}/${target.name}', which exposes ${ports.join(', ')}`, value,
        'use one of the Service\'s ports (its port, not the container\'s targetPort)');
    }
  };
  const template = podTemplateOf(entry.object);
  if (template !== undefined) {
    for (const c of containersOf(template)) {
      list(c.container.env).forEach((v, i) => {
        const value = str(record(v).value);
        if (value !== undefined) check(value, `${c.path}.env[${i}].value`, `container '${c.name}': ${str(record(v).name) ?? 'env'}`);
      });
    }
  }
  if (entry.object.kind === 'ConfigMap' && str(entry.object.apiVersion) === 'v1') {
    for (const [k, v] of Object.entries(stringMap(entry.object.data))) check(v, child('data', k), `ConfigMap key ${k}`);
  }
}

/** `filepath.Match` on group and kind (AppProject resource lists). */
function inResourceList(items: readonly unknown[], group: string, kind: string): boolean {
  return items.some((i) => globMatch(str(record(i).group) ?? '', group) && globMatch(str(record(i).kind) ?? '', kind));
}

/**
 * Applications against their AppProject, as Argo CD checks them: the destination is one of the project's
 * destinations, every source repository is in `sourceRepos`, and each object of the application's directory is a
 * permitted group/kind (`IsGroupKindPermitted`: cluster-scoped kinds need `clusterResourceWhitelist`).
 */
function checkProjects(entries: readonly IndexedObject[], byDirectory: ReadonlyMap<string, readonly IndexedObject[]>): void {
  const projects = new Map<string, JsonRecord>();
  for (const e of entries) {
    if (apiGroupOf(str(e.object.apiVersion) ?? '') === 'argoproj.io' && e.object.kind === 'AppProject') projects.set(`${str(at(e.object, 'metadata', 'namespace')) ?? ''}/${str(at(e.object, 'metadata', 'name')) ?? ''}`, record(e.object.spec));
  }
  if (projects.size === 0) return;
  for (const e of entries) {
    if (apiGroupOf(str(e.object.apiVersion) ?? '') !== 'argoproj.io') continue;
    const isSet = e.object.kind === 'ApplicationSet';
    if (e.object.kind !== 'Application' && !isSet) continue;
    const base = isSet ? 'spec.template.spec' : 'spec';
    const spec = record(isSet ? at(e.object, 'spec', 'template', 'spec') : e.object.spec);
    const projectName = str(spec.project) ?? 'default';
    if (projectName.includes('{{')) continue;
    const project = projects.get(`${str(at(e.object, 'metadata', 'namespace')) ?? ''}/${projectName}`);
    if (project === undefined) continue; // a missing project is ref/argocd-project's other check
    const label = `AppProject '${projectName}'`;
    const destination = record(spec.destination);
    const namespace = str(destination.namespace) ?? '';
    const server = str(destination.server);
    const name = str(destination.name);
    const destinations = list(project.destinations).map(record);
    const templated = (v: string | undefined): boolean => v !== undefined && v.includes('{{');
    if (!templated(namespace) && !templated(server) && !templated(name)) {
      const permitted = destinations.some((d) => {
        const dn = str(d.namespace) ?? '';
        const serverOk = server !== undefined ? str(d.server) !== undefined && globMatch(str(d.server) ?? '', server) : name !== undefined && str(d.name) !== undefined && globMatch(str(d.name) ?? '', name);
        return serverOk && allowedBy([dn], namespace);
      }) && !destinations.some((d) => (str(d.namespace) ?? '').startsWith('!') && globMatch((str(d.namespace) ?? '').slice(1), namespace));
      if (!permitted) {
        e.report.error(R.argocdProject, `${base}.destination`, `${label} does not permit destination ${server ?? name ?? '?'} namespace '${namespace}' (its destinations: ${destinations.map((d) => `${str(d.server) ?? str(d.name) ?? '?'}/${str(d.namespace) ?? ''}`).join(', ') || 'none'}); Argo CD refuses to sync the Application`, { server: server ?? name, namespace },
          `add the destination to the AppProject, or move the application into a project that allows namespace '${namespace}'`);
      }
    }
    const repos = list(project.sourceRepos).map(String);
    const sources = isRecord(spec.source) ? [{ s: spec.source, p: `${base}.source` }] : list(spec.sources).map((s, i) => ({ s: record(s), p: `${base}.sources[${i}]` }));
    for (const { s, p } of sources) {
      const repo = str(record(s).repoURL);
      if (repo === undefined || templated(repo) || allowedBy(repos, repo)) continue;
      e.report.error(R.argocdProject, `${p}.repoURL`, `${label} does not permit source repository '${repo}' (sourceRepos: ${repos.join(', ') || 'none'}); Argo CD refuses the Application`, repo,
        'add the repository to the AppProject\'s sourceRepos (the kit derives them from gitops.repoURL and the chart repositories)');
    }
    if (isSet) continue;
    // The objects the Application syncs: the rendered directory it reads.
    for (const { s } of sources) {
      const dir = (str(record(s).path) ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
      const objects = byDirectory.get(dir) ?? [];
      const reported = new Set<string>();
      for (const o of objects) {
        const group = apiGroupOf(str(o.object.apiVersion) ?? '');
        const kind = str(o.object.kind) ?? '';
        const clusterScoped = isClusterScoped(str(o.object.apiVersion) ?? '', kind);
        const whitelist = clusterScoped ? project.clusterResourceWhitelist : project.namespaceResourceWhitelist;
        const blacklist = list(clusterScoped ? project.clusterResourceBlacklist : project.namespaceResourceBlacklist);
        // IsGroupKindPermitted: a namespaced whitelist that is absent allows all; a cluster whitelist must list the kind.
        const whitelisted = !clusterScoped && whitelist === undefined ? true : list(whitelist).length > 0 && inResourceList(list(whitelist), group, kind);
        if (whitelisted && !inResourceList(blacklist, group, kind)) continue;
        const id = `${group}/${kind}`;
        if (reported.has(id)) continue;
        reported.add(id);
        o.report.error(R.argocdProject, 'kind', `${label} (of the Application '${str(at(e.object, 'metadata', 'name')) ?? ''}' that syncs it) does not permit ${clusterScoped ? 'cluster-scoped' : 'namespaced'} ${group === '' ? 'core' : group}/${kind}; Argo CD refuses to sync it`, id,
          `add { group: '${group}', kind: '${kind}' } to the project's ${clusterScoped ? 'clusterResourceWhitelist' : 'namespaceResourceWhitelist'} (or render the object from an application of a project that permits it)`);
      }
    }
  }
}

/** Every cross-object check over the objects that land on one cluster. */
export function checkCrossObjects(entries: readonly IndexedObject[], dirs: ReadonlyMap<string, DirectoryInfo>): Route[] {
  const routes = entries.flatMap(routesOf);
  checkHostConflicts(routes);
  checkIssuers(entries, dirs);
  const ports = new Map<string, number[]>();
  const byDirectory = new Map<string, IndexedObject[]>();
  for (const e of entries) {
    if (str(e.object.apiVersion) === 'v1' && e.object.kind === 'Service') {
      ports.set(`${str(at(e.object, 'metadata', 'namespace')) ?? ''}/${str(at(e.object, 'metadata', 'name')) ?? ''}`, list(at(e.object, 'spec', 'ports')).map((p) => num(record(p).port)).filter((p): p is number => p !== undefined));
    }
    const dir = `${e.environment ?? ''}/${e.application}`;
    const bucket = byDirectory.get(dir);
    if (bucket) bucket.push(e);
    else byDirectory.set(dir, [e]);
  }
  const namespaces = new Set<string>([...dirs.values()].flatMap((d) => d.externalNamespaces));
  for (const e of entries) {
    const ns = str(at(e.object, 'metadata', 'namespace'));
    if (ns !== undefined) namespaces.add(ns);
    if (str(e.object.apiVersion) === 'v1' && e.object.kind === 'Namespace') namespaces.add(str(at(e.object, 'metadata', 'name')) ?? '');
  }
  for (const e of entries) {
    checkPortEnv(e);
    checkServiceUrls(e, { ports }, dirs, namespaces);
  }
  checkProjects(entries, byDirectory);
  return routes;
}

/** Checks across every rendered environment (all clusters): staging claiming production hosts. */
export function checkAcrossEnvironments(routes: readonly Route[], dirs: ReadonlyMap<string, DirectoryInfo>): void {
  checkProductionHosts(routes, dirs);
}
