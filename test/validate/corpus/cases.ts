/**
 * The corpus of single mistakes in the files a platform engineer edits (environment files, the shared base, the
 * catalog), each run through the real `npm run synth` on a copy of the project: every one must fail naming the
 * file where the mistake is, the application and the field where there is one, the value received and a fix,
 * without a stack trace, leaving dist/ unchanged. (Mistakes in hand-written objects of charts, which only the
 * validator catches, are in ../corpus.test.ts.)
 */

/** One mistake: a text replacement in one file, and where the error must point. */
export interface FileCase {
  readonly title: string;
  /** The file edited. */
  readonly file: string;
  /** Text that must be in the file, and what replaces it. */
  readonly search: string;
  readonly replace: string;
  /** The file the message must name (default: the edited file). */
  readonly reported?: string;
  /** The application the message must name, if any. */
  readonly application?: string;
  /** The field the message must name. */
  readonly field: string;
  /** A part of the message. */
  readonly message: RegExp;
}

const PROD = 'environments/prod.ts';
const DEV = 'environments/dev.ts';
const STAGING = 'environments/staging.ts';
const BASE = 'environments/base.ts';
const CATALOG = 'charts/healthxcape.ts';
const PROD_APPS = "  apps: {\n    'identity-service': { resources: { limits: { memory: '768Mi' } } },";
const DEV_APPS = "  apps: {\n    'frontend': { hosts: ['dev.healthxcape.com', 'auth.dev.healthxcape.com'], tls: { clusterIssuer: 'letsencrypt-staging' } },";
const STAGING_KAFKA = "    kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 1 },";

/** Add `line` to prod's apps block. */
function prodApp(line: string): Pick<FileCase, 'file' | 'search' | 'replace'> {
  return { file: PROD, search: PROD_APPS, replace: `${PROD_APPS}\n    ${line}` };
}

const DEV_PORTS: Readonly<Record<string, number>> = { 'identity-service': 30083, 'user-service': 30084, 'blog-service': 30085 };

/** Add `setting` to a service's entry in dev's apps block (`'user-service': { nodePort: 30084, <setting> }`). */
function devApp(line: string): Pick<FileCase, 'file' | 'search' | 'replace'> {
  const match = /^'([a-z-]+)': \{ (.*) \},$/.exec(line);
  const service = match?.[1] ?? '';
  const port = DEV_PORTS[service];
  if (match === null || port === undefined) return { file: DEV, search: DEV_APPS, replace: `${DEV_APPS}\n    ${line}` };
  const search = `'${service}': { nodePort: ${port} },`;
  return { file: DEV, search, replace: `'${service}': { nodePort: ${port}, ${match[2]} },` };
}

/** Add `line` to prod's top level. */
function prodSetting(line: string): Pick<FileCase, 'file' | 'search' | 'replace'> {
  return { file: PROD, search: "  registryMirror: 'registry.healthxcape.internal:5000',", replace: `  registryMirror: 'registry.healthxcape.internal:5000',\n  ${line}` };
}

export const FILE_CASES: readonly FileCase[] = [
  // ---- image tags and repositories ----
  { title: "'latest' as a production tag", file: PROD, search: "'user-service': { tag: 'v1.0.0' }", replace: "'user-service': { tag: 'latest' }", application: 'user-service', field: 'images.user-service.tag', message: /'latest' is a floating tag/ },
  { title: "a branch name as a staging tag", file: STAGING, search: "'user-service': { tag: 'v1.0.0' }", replace: "'user-service': { tag: 'main' }", application: 'user-service', field: 'images.user-service.tag', message: /'main' is a floating tag/ },
  { title: 'a major-only tag in production', file: PROD, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { tag: 'v1' }", application: 'frontend', field: 'images.frontend.tag', message: /names only a major version/ },
  { title: 'a tag forgotten in staging', file: STAGING, search: "    'blog-service': { tag: 'v1.0.0' },\n", replace: '', application: 'blog-service', field: 'images.blog-service.tag', message: /is missing \(an image without tag runs whatever `latest` is\)/ },
  { title: 'a malformed digest', file: PROD, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { tag: 'v1.0.1', digest: 'sha256:abc' }", application: 'frontend', field: 'images.frontend.digest', message: /must be 'sha256:' followed by 64 hex digits/ },
  { title: 'a tag inside the repository', file: PROD, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { repository: 'healthxcape/frontend:v1.0.1' }", application: 'frontend', field: 'images.frontend.repository', message: /must not contain a tag or digest/ },
  { title: 'an invalid tag', file: DEV, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { tag: 'v1.0.1 beta' }", application: 'frontend', field: 'images.frontend.tag', message: /must be a valid image tag/ },
  { title: 'a misspelt image name', file: PROD, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { tag: 'v1.0.1' },\n    'fronted': { tag: 'v1.0.2' }", application: 'fronted', field: 'images.fronted', message: /is not an image of platform 'healthxcape'/ },
  { title: 'a misspelt image setting', file: PROD, search: "'frontend': { tag: 'v1.0.1' }", replace: "'frontend': { tga: 'v1.0.1' }", application: 'frontend', field: 'images.frontend.tga', message: /is not a setting/ },
  { title: 'an invalid registry mirror', ...prodSetting(''), search: "registryMirror: 'registry.healthxcape.internal:5000',", replace: "registryMirror: 'https://registry.healthxcape.internal:5000',", field: 'registryMirror', message: /must be a registry host with optional port and path, without scheme/ },
  { title: 'a misspelt environment setting', ...prodSetting("registryMirorr: 'registry.healthxcape.internal:5000',"), field: 'registryMirorr', message: /is not a setting of an environment/ },
  { title: 'an unknown pull policy', ...prodSetting("imagePullPolicy: 'Sometimes',"), field: 'imagePullPolicy', message: /must be one of 'Always', 'IfNotPresent', 'Never'/ },

  // ---- workloads ----
  { title: 'replicas 0 for every workload', file: PROD, search: '    replicas: 3,', replace: '    replicas: 0,', field: 'workloadDefaults.replicas', message: /must be an integer between 1 and 1000/ },
  { title: 'replicas as a string', file: PROD, search: '    replicas: 3,', replace: "    replicas: '3',", field: 'workloadDefaults.replicas', message: /must be a number/ },
  { title: 'a misspelt workload setting', file: PROD, search: '    replicas: 3,', replace: '    replica: 3,', field: 'workloadDefaults.replica', message: /is not a setting of workloadDefaults/ },
  { title: 'replicas 0 for one application', ...prodApp("'blog-service': { replicas: 0 },"), application: 'blog-service', field: 'apps.blog-service.replicas', message: /must be an integer between 1 and 1000/ },
  { title: 'a misspelt application', ...prodApp("'identty-service': { replicas: 2 },"), application: 'identty-service', field: 'apps.identty-service', message: /is not an application of platform 'healthxcape'/ },
  { title: 'a misspelt application setting', ...prodApp("'user-service': { replica: 2 },"), application: 'user-service', field: 'apps.user-service.replica', message: /is not a setting of application 'user-service'/ },
  { title: 'memory in milli-bytes', ...prodApp("'user-service': { resources: { limits: { memory: '512m' } } },"), application: 'user-service', field: 'apps.user-service.resources.limits.memory', message: /means milli-bytes/ },
  { title: 'memory as a bare number (bytes)', ...prodApp("'user-service': { resources: { limits: { memory: '512' } } },"), application: 'user-service', field: 'apps.user-service.resources.limits.memory', message: /'512' is 512 bytes: a memory quantity without a suffix is read as bytes/ },
  { title: 'CPU in cores meant as millicores', ...prodApp("'user-service': { resources: { limits: { cpu: '500' } } },"), application: 'user-service', field: 'apps.user-service.resources.limits.cpu', message: /'500' means 500 cores, above the plausible maximum/ },
  { title: 'a quantity with a trailing space', ...prodApp("'user-service': { resources: { requests: { memory: '256Mi ' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.memory', message: /trailing white space, which the API server refuses/ },
  { title: 'an upper-case K suffix', ...prodApp("'user-service': { resources: { requests: { memory: '131072K' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.memory', message: /its suffix is not one Kubernetes knows/ },
  { title: 'megabytes written MB', ...prodApp("'user-service': { resources: { limits: { memory: '512MB' } } },"), application: 'user-service', field: 'apps.user-service.resources.limits.memory', message: /must be a Kubernetes quantity such as '256Mi'/ },
  { title: 'a CPU request below a millicore', ...prodApp("'user-service': { resources: { requests: { cpu: '0.1m' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.cpu', message: /below the plausible minimum of 1m/ },
  { title: 'memory in kibibytes meant as mebibytes', ...prodApp("'user-service': { resources: { requests: { memory: '128Ki' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.memory', message: /below the plausible minimum of 4Mi/ },
  { title: 'a memory limit in tebibytes', ...prodApp("'user-service': { resources: { limits: { memory: '2Ti' } } },"), application: 'user-service', field: 'apps.user-service.resources.limits.memory', message: /above the plausible maximum of 1Ti/ },
  { title: 'a database size without a unit', ...devApp("'user-service': { database: { size: '10' } },"), application: 'user-service', field: 'apps.user-service.database.size', message: /'10' is 10 bytes/ },
  { title: 'a CPU quantity that is not one', ...prodApp("'user-service': { resources: { requests: { cpu: 'half' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.cpu', message: /must be a Kubernetes quantity/ },
  { title: 'a memory request above the limit', ...prodApp("'user-service': { resources: { requests: { memory: '1Gi' } } },"), application: 'user-service', field: 'apps.user-service.resources.requests.memory', message: /request 1Gi is larger than the limit 512Mi/ },
  { title: 'a CPU request above the limit set by the environment', file: PROD, search: "requests: { cpu: '250m', memory: '256Mi' },", replace: "requests: { cpu: '2', memory: '256Mi' },", application: 'identity-service', field: 'workloadDefaults.resources.requests.cpu', message: /request 2 is larger than the limit 1/ },
  { title: 'a resources block of the wrong shape', ...prodApp("'user-service': { resources: { limit: { memory: '1Gi' } } },"), application: 'user-service', field: 'apps.user-service.resources.limit', message: /is not a setting of resources/ },
  { title: 'a node port out of range', file: DEV, search: "'identity-service': { nodePort: 30083 },", replace: "'identity-service': { nodePort: 8083 },", application: 'identity-service', field: 'apps.identity-service.nodePort', message: /must be an integer between 30000 and 32767/ },
  { title: 'a secret literal in env', ...devApp("'blog-service': { env: { JWT_SECRET: 'changeme-now' } },"), application: 'blog-service', field: 'apps.blog-service.env.JWT_SECRET', message: /'JWT_SECRET' looks like a secret but carries a literal value/ },
  { title: 'credentials in a URL in env', ...devApp("'user-service': { env: { UPSTREAM: 'https://bot:hunter2@api.example.com' } },"), application: 'user-service', field: 'apps.user-service.env.UPSTREAM', message: /embeds credentials in a URL/ },
  { title: 'an SMTP password in env', ...devApp("'user-service': { env: { SMTP_PASS: 'hunter2' } },"), application: 'user-service', field: 'apps.user-service.env.SMTP_PASS', message: /'SMTP_PASS' looks like a secret but carries a literal value/ },
  { title: 'a signing key in env', ...devApp("'identity-service': { env: { JWT_SIGNING_KEY: 'k3y-for-dev' } },"), application: 'identity-service', field: 'apps.identity-service.env.JWT_SIGNING_KEY', message: /'JWT_SIGNING_KEY' looks like a secret/ },
  { title: 'a PEM private key in env', ...devApp("'user-service': { env: { TLS_BUNDLE: '-----BEGIN ' + 'PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----' } },"), application: 'user-service', field: 'apps.user-service.env.TLS_BUNDLE', message: /'TLS_BUNDLE' carries a PEM private key/ },
  { title: 'a JSON Web Token under an innocent name', ...devApp("'user-service': { env: { UPSTREAM_AUTH_HEADER_VALUE: ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.') } },"), application: 'user-service', field: 'apps.user-service.env.UPSTREAM_AUTH_HEADER_VALUE', message: /carries what looks like a JSON Web Token/ },
  { title: 'a credential in a URL query string', ...devApp("'user-service': { env: { AVATARS_URL: 'https://cdn.example.com/avatars?access_token=abc123' } },"), application: 'user-service', field: 'apps.user-service.env.AVATARS_URL', message: /'access_token' credential in its query string/ },
  { title: 'an AWS access key id in env', ...devApp("'blog-service': { env: { S3_USER: 'AKIA' + 'IOSFODNN7EXAMPLE' } },"), application: 'blog-service', field: 'apps.blog-service.env.S3_USER', message: /an AWS access key id/ },
  { title: 'a token in the rendered repository URL', file: BASE, search: "    repoURL: 'https://github.com/healthxcape/platform-config.git',", replace: "    repoURL: 'https://x-access-token:ghs_0123456789abcdef@github.com/healthxcape/platform-config.git',", field: 'gitops.repoURL', message: /the URL embeds credentials \(user:password@ credentials\)/ },
  { title: 'credentials in a chart repository URL', ...prodApp(''), search: "'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi' },", replace: "'strimzi-operator': { repoURL: 'https://mirror:s3cret@charts.healthxcape.internal/strimzi' },", application: 'strimzi-operator', field: 'apps.strimzi-operator.repoURL', message: /the URL embeds credentials/ },
  { title: 'a password in Helm values', ...prodApp(''), search: "'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi' },", replace: "'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi', values: { dashboards: { adminPassword: 'hunter2' } } },", application: 'strimzi-operator', field: 'apps.strimzi-operator.values.dashboards.adminPassword', message: /'adminPassword' looks like a secret.*Helm values are rendered into the Argo CD Application/ },
  { title: 'a webhook token in Helm values', ...prodApp(''), search: "'cnpg-operator': { repoURL: 'https://charts.healthxcape.internal/cloudnative-pg' },", replace: "'cnpg-operator': { repoURL: 'https://charts.healthxcape.internal/cloudnative-pg', values: { monitoring: { alertUrl: 'https://alerts.example.com/hook?token=abc123' } } },", application: 'cnpg-operator', field: 'apps.cnpg-operator.values.monitoring.alertUrl', message: /'token' credential in its query string/ },
  { title: 'a variable the construct sets itself', ...devApp("'user-service': { env: { DATABASE_HOST: 'db.example.com' } },"), application: 'user-service', field: 'apps.user-service.env.DATABASE_HOST', message: /'DATABASE_HOST' is set by the construct from typed references/ },
  { title: 'an env value that is not a string', ...devApp("'user-service': { env: { WORKERS: 4 } },"), application: 'user-service', field: 'apps.user-service.env.WORKERS', message: /must be a string \(Kubernetes env values are strings\)/ },
  { title: 'an invalid env variable name', ...devApp("'user-service': { env: { 'LOG-LEVEL': 'debug' } },"), application: 'user-service', field: 'apps.user-service.env.LOG-LEVEL', message: /is not a valid environment variable name/ },
  { title: 'probe timings that cannot work', ...devApp("'user-service': { probes: { liveness: { timeoutSeconds: 30 } } },"), application: 'user-service', field: 'apps.user-service.probes.liveness', message: /'timeoutSeconds' \(30\) must not exceed 'periodSeconds' \(10\)/ },
  { title: 'a probe with two handlers', ...devApp("'user-service': { probes: { liveness: { tcp: {}, exec: { command: ['true'] } } } },"), application: 'user-service', field: 'apps.user-service.probes.liveness', message: /a probe has exactly one handler/ },
  { title: 'an unknown runtime', ...devApp("'user-service': { runtime: 'ruby' },"), application: 'user-service', field: 'apps.user-service.runtime', message: /must be one of 'node', 'java', 'python'/ },
  { title: 'a writable path that is not absolute', ...devApp("'user-service': { writablePaths: ['tmp'] },"), application: 'user-service', field: 'apps.user-service.writablePaths[0]', message: /must be an absolute path/ },
  { title: 'running as root', ...devApp("'user-service': { runAsUser: { uid: 0, gid: 0, fsGroup: 0 } },"), application: 'user-service', field: 'apps.user-service.runAsUser', message: /'uid' must not be 0/ },
  { title: 'an application disabled although another one uses it', ...devApp("'blog-service': { enabled: false },"), application: 'frontend', field: 'apps.blog-service.enabled', message: /'frontend' uses application 'blog-service', which environment 'dev' does not run/ },
  { title: "'enabled' that is not a choice", ...devApp("'cnpg-operator': { enabled: 'maybe' },"), application: 'cnpg-operator', field: 'apps.cnpg-operator.enabled', message: /must be true, false or 'when-used'/ },

  // ---- frontend ----
  { title: 'an invalid host name', file: DEV, search: "'dev.healthxcape.com'", replace: "'dev_healthxcape.com'", application: 'frontend', field: 'apps.frontend.hosts[0]', message: /is not a valid host name/ },
  { title: 'a host listed twice', file: DEV, search: "'auth.dev.healthxcape.com'", replace: "'dev.healthxcape.com'", application: 'frontend', field: 'apps.frontend.hosts[1]', message: /is listed twice/ },
  { title: 'a host that is not fully qualified', file: DEV, search: "'auth.dev.healthxcape.com'", replace: "'localhost'", application: 'frontend', field: 'apps.frontend.hosts[1]', message: /must be a fully qualified name/ },
  { title: 'an invalid cluster issuer', file: DEV, search: "clusterIssuer: 'letsencrypt-staging'", replace: "clusterIssuer: 'LetsEncrypt Staging'", application: 'frontend', field: 'apps.frontend.tls.clusterIssuer', message: /must be a DNS-1123 subdomain/ },
  { title: 'no hosts at all', file: DEV, search: "hosts: ['dev.healthxcape.com', 'auth.dev.healthxcape.com']", replace: 'hosts: []', application: 'frontend', field: 'apps.frontend.hosts', message: /'hosts' must list at least one host name/ },

  // ---- databases ----
  { title: 'a database engine that does not exist', ...devApp("'user-service': { database: { engine: 'mysql' } },"), application: 'user-service', field: 'apps.user-service.database.engine', message: /must be one of 'statefulset', 'cloudnative-pg'/ },
  { title: 'CloudNativePG credentials with the StatefulSet engine', ...devApp("'user-service': { database: { credentials: { mode: 'cnpg' } } },"), application: 'user-service', field: 'apps.user-service.database.credentials', message: /'cnpg' credentials are generated by CloudNativePG and need the 'cloudnative-pg' engine/ },
  { title: 'three instances of the StatefulSet engine', ...devApp("'user-service': { database: { instances: 3 } },"), application: 'user-service', field: 'apps.user-service.database.instances', message: /the statefulset engine runs exactly one instance/ },
  { title: 'a database size that is not a quantity', ...devApp("'user-service': { database: { size: '10 GB' } },"), application: 'user-service', field: 'apps.user-service.database.size', message: /must be a Kubernetes quantity/ },
  { title: 'an unknown credentials mode', ...devApp("'user-service': { database: { credentials: { mode: 'vault' } } },"), application: 'user-service', field: 'apps.user-service.database.credentials.mode', message: /must be one of 'existing-secret', 'generated', 'cnpg'/ },
  { title: 'a misspelt kind in defaults', file: PROD, search: "    'service-with-postgres': {", replace: "    'service-with-postgre': {", field: 'defaults.service-with-postgre', message: /is not a kind of application of platform 'healthxcape'/ },
  { title: 'a misspelt database setting in defaults', file: PROD, search: '        instances: 3,', replace: '        instance: 3,', application: 'identity-service', field: 'defaults.service-with-postgres.database.instance', message: /is not a setting of database/ },

  // ---- Kafka ----
  { title: 'an unsupported Kafka version', file: STAGING, search: STAGING_KAFKA, replace: "    kafka: { version: '3.9.0', nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 1 },", application: 'kafka', field: 'apps.kafka.version', message: /Kafka 3\.9\.0 is not supported by Strimzi 1\.2\.0/ },
  { title: 'an even controller quorum', file: STAGING, search: "nodePools: { mode: 'dual-role', nodes: 3 }", replace: "nodePools: { mode: 'dual-role', nodes: 2 }", application: 'kafka', field: 'apps.kafka.nodePools.nodes', message: /2 controllers is an even number/ },
  { title: 'min.insync.replicas equal to the replicas', file: STAGING, search: 'minInsyncReplicas: 1 },', replace: 'minInsyncReplicas: 2 },', application: 'kafka', field: 'apps.kafka.minInsyncReplicas', message: /min\.insync\.replicas 2 must be lower than replicas 2/ },
  { title: 'more topic replicas than brokers', file: STAGING, search: 'defaultReplicas: 2,', replace: 'defaultReplicas: 4,', application: 'kafka', field: 'apps.kafka.defaultReplicas', message: /replicas 4 is greater than the 3 brokers/ },
  { title: 'a node-pool layout of an unknown mode', file: STAGING, search: "nodePools: { mode: 'dual-role', nodes: 3 }", replace: "nodePools: { mode: 'kraft', nodes: 3 }", application: 'kafka', field: 'apps.kafka.nodePools.mode', message: /must be one of 'dual-role', 'separate'/ },
  { title: 'a setting of the other node-pool mode', file: STAGING, search: "nodePools: { mode: 'dual-role', nodes: 3 }", replace: "nodePools: { mode: 'dual-role', nodes: 3, brokers: 3 }", application: 'kafka', field: 'apps.kafka.nodePools.brokers', message: /is not a setting of nodePools/ },
  { title: 'a broker option Strimzi manages itself', file: STAGING, search: 'minInsyncReplicas: 1 },', replace: "minInsyncReplicas: 1, config: { 'listeners': 'PLAINTEXT://:9092' } },", application: 'kafka', field: 'apps.kafka.config.listeners', message: /Strimzi/ },
  { title: 'a misspelt broker log option', file: STAGING, search: 'minInsyncReplicas: 1 },', replace: "minInsyncReplicas: 1, config: { 'log.retention.hour': 72 } },", application: 'kafka', field: 'apps.kafka.config.log.retention.hour', message: /'log\.retention\.hour' is not a Kafka broker option \(did you mean 'log\.retention\.hours'\?\)/ },
  { title: 'a replication setting that is derived', file: STAGING, search: 'minInsyncReplicas: 1 },', replace: "minInsyncReplicas: 1, config: { 'default.replication.factor': 3 } },", application: 'kafka', field: 'apps.kafka.config.default.replication.factor', message: /is derived from the broker count/ },

  // ---- storage ----
  { title: 'a relative storage root', file: DEV, search: "root: '/mnt/data' }", replace: "root: 'mnt/data' }", field: 'storage.root', message: /must be an absolute directory other than \// },
  { title: 'a node listed twice', file: PROD, search: "nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-13']", replace: "nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-11']", field: 'storage.nodes[2]', message: /node "ip-10-1-92-11" is listed twice/ },
  { title: 'a node name that is not a host name', file: DEV, search: "nodes: ['ip-10-1-91-144']", replace: "nodes: ['IP_10_1_91_144']", field: 'storage.nodes[0]', message: /kubernetes\.io\/hostname label/ },
  { title: 'too few nodes for production replicas', file: PROD, search: "nodes: ['ip-10-1-92-11', 'ip-10-1-92-12', 'ip-10-1-92-13']", replace: "nodes: ['ip-10-1-92-11', 'ip-10-1-92-12']", application: 'local-storage', field: 'storage.nodes', message: /the 3 replicas of '.*' would have their volumes on 2 nodes/ },
  { title: 'a storage mode that does not exist', file: STAGING, search: "storage: { mode: 'dynamic', storageClassName: 'local-path' }", replace: "storage: { mode: 'provisioned', storageClassName: 'local-path' }", field: 'storage.mode', message: /must be one of 'local', 'dynamic'/ },
  { title: 'a storage class that is not a name', file: STAGING, search: "storageClassName: 'local-path' }", replace: "storageClassName: 'Local Path' }", field: 'storage.storageClassName', message: /must be a DNS-1123 subdomain/ },

  // ---- environment identity and GitOps ----
  { title: 'an environment name that is not a DNS label', file: PROD, search: "  name: 'prod',", replace: "  name: 'Prod',", field: 'name', message: /must be a DNS-1123 label/ },
  { title: 'an unknown stage', file: PROD, search: "  stage: 'production',", replace: "  stage: 'prod',", field: 'stage', message: /must be one of 'development', 'staging', 'production'/ },
  { title: 'workloads in the default namespace', file: BASE, search: "  namespace: 'healthxcape',", replace: "  namespace: 'default',", field: 'namespace', message: /workloads must not run in the 'default' namespace/ },
  { title: 'an invalid branch name', file: BASE, search: "    branch: 'rendered',", replace: "    branch: 'rendered..next',", field: 'gitops.branch', message: /must be a valid git branch name/ },
  { title: 'a repository that is not a URL', file: BASE, search: "    repoURL: 'https://github.com/healthxcape/platform-config.git',", replace: "    repoURL: 'github.com/healthxcape/platform-config',", field: 'gitops.repoURL', message: /must be a URL/ },
  { title: 'an unknown Argo CD mode', file: BASE, search: "    mode: 'applications',", replace: "    mode: 'application-set',", field: 'gitops.mode', message: /must be one of 'applications', 'applicationset'/ },
  { title: 'an unknown branch layout', file: BASE, search: "    mode: 'applications',", replace: "    mode: 'applications',\n    layout: 'promotor',", field: 'gitops.layout', message: /must be one of 'shared', 'per-environment', 'promoter'/ },
  { title: 'an Argo CD server that is not https', file: BASE, search: "    destinationServer: 'https://kubernetes.default.svc',", replace: "    destinationServer: 'http://kubernetes.default.svc',", field: 'gitops.destinationServer', message: /must be a URL \(https\)/ },
  { title: 'a chart repository that is not a URL', ...prodApp(''), search: "'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi' },", replace: "'strimzi-operator': { repoURL: 'charts.healthxcape.internal/strimzi' },", application: 'strimzi-operator', field: 'apps.strimzi-operator.repoURL', message: /must be a chart repository URL/ },
  { title: 'a misspelt operator setting', ...prodApp(''), search: "'strimzi-operator': { repoURL: 'https://charts.healthxcape.internal/strimzi' },", replace: "'strimzi-operator': { repoUrl: 'https://charts.healthxcape.internal/strimzi' },", application: 'strimzi-operator', field: 'apps.strimzi-operator.repoUrl', message: /is not a setting of application 'strimzi-operator'/ },
  { title: 'an external service that is not a host', file: BASE, search: "  namespace: 'healthxcape',", replace: "  namespace: 'healthxcape',\n  externalServices: ['kafka broker 1'],", field: 'externalServices[0]', message: /must be a host name, host:port or a URL/ },
  { title: 'an external service with credentials', file: BASE, search: "  namespace: 'healthxcape',", replace: "  namespace: 'healthxcape',\n  externalServices: ['https://ci:t0ken@api.example.com'],", field: 'externalServices[0]', message: /the URL embeds credentials/ },
  { title: 'an external namespace that is not a name', file: BASE, search: "  namespace: 'healthxcape',", replace: "  namespace: 'healthxcape',\n  externalNamespaces: ['Ingress NGINX'],", field: 'externalNamespaces[0]', message: /must be a DNS-1123 label/ },

  // ---- the catalog ----
  { title: 'a health path without a leading slash', file: CATALOG, search: "healthCheck: { path: '/blog/health' },", replace: "healthCheck: { path: 'blog/health' },", application: 'blog-service', field: 'blog-service.healthCheck.path', message: /must start with '\/'/ },
  { title: 'a service on the database port', file: CATALOG, search: '  port: 3002,', replace: '  port: 5432,', application: 'blog-service', field: 'blog-service.port', message: /port 5432 clashes with the database port 5432/ },
  { title: 'a database name that is not an identifier', file: CATALOG, search: "database: { databaseName: 'blog' },", replace: "database: { databaseName: 'Blog-DB' },", application: 'blog-service', field: 'blog-service.database.databaseName', message: /must be a lower-case PostgreSQL identifier/ },
  { title: 'a misspelt option in a catalog entry', file: CATALOG, search: '  port: 3002,', replace: '  port: 3002,\n  replica: 2,', application: 'blog-service', field: 'blog-service.replica', message: /is not a setting of application 'blog-service'/ },
  { title: 'an application name that is not a DNS label', file: CATALOG, search: "    'blog-service': blog,", replace: "    'Blog_Service': blog,", application: 'Blog_Service', field: 'apps.Blog_Service', message: /application name must be a DNS-1123 label/ },
  { title: 'an application name the kit uses', file: CATALOG, search: "    'blog-service': blog,", replace: "    'blog-service': blog,\n    'namespaces': web,", application: 'namespaces', field: 'apps.namespaces', message: /'namespaces' is an application the kit renders itself/ },
  { title: 'one entry under two names', file: CATALOG, search: "    'frontend': web,", replace: "    'frontend': web,\n    'web': web,", application: 'web', field: 'apps.web', message: /is the same entry as 'frontend'/ },
  { title: 'a topic the Kafka platform does not define', file: CATALOG, search: "topics: { blogEvents: kafka.topic('blog.events')", replace: "topics: { blogEvents: kafka.topic('blog.event' as 'blog.events')", application: 'blog-service', field: 'blog-service', message: /uses topic 'blog\.event', which Kafka cluster 'platform-kafka' does not define/ },
  { title: 'a topic name that Kafka refuses', file: CATALOG, search: "'platform-dlq': {} },", replace: "'platform-dlq': {}, 'platform dlq': {} },", application: 'kafka', field: 'kafka.topics["platform dlq"].topicName', message: /topic name 'platform dlq' may only contain letters, digits/ },
  { title: 'a topic configuration that does not exist', file: CATALOG, search: "'platform-dlq': {} },", replace: "'platform-dlq': { config: { 'retention.msec': 604800000 } } },", application: 'kafka', field: 'kafka.topics.platform-dlq.config.retention.msec', message: /'retention\.msec' is not a Kafka topic configuration \(did you mean 'retention\.ms'\?\)/ },
  { title: 'a topic with more partitions than allowed', file: CATALOG, search: "'platform-dlq': {} },", replace: "'platform-dlq': { partitions: 0 } },", application: 'kafka', field: 'kafka.topics.platform-dlq.partitions', message: /must be an integer between 1 and 10000/ },
  { title: 'a platform image at a floating tag, used in production', file: CATALOG, search: "'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '15.17-standard-trixie' },", replace: "'cnpg-postgres': { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: 'latest' },", reported: CATALOG, application: 'identity-service', field: 'images.cnpg-postgres.tag', message: /'latest' is a floating tag.*stage 'production'/ },
  { title: 'a platform name that is not a DNS label', file: CATALOG, search: "  name: 'healthxcape',", replace: "  name: 'HealthXcape',", field: 'name', message: /must be a DNS-1123 label/ },
];
