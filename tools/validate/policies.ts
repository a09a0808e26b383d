/**
 * Policy rules over single objects. Each finding carries a rule id from `constructs/lib/policy.ts`; an object
 * annotated `policy.platform-synth.io/exempt-<rule>: "<reason>"` is exempted from that rule (the finding is
 * kept aside, with its reason, and does not fail validation).
 */
import { IMAGES_ANNOTATION } from '../../constructs/app-of-apps';
import type { Stage } from '../../constructs/lib/context';
import { floatingTagReason, parseImageReference } from '../../constructs/lib/images';
import { apiGroupOf } from '../../constructs/lib/kinds';
import { exemptionAnnotation, PolicyRuleId } from '../../constructs/lib/policy';
import { resourceProblems } from '../../constructs/lib/resources';
import { findSecret, isSecretLikeKey, notSecretReason, redactSecret, REPO_CREDENTIALS_FIX, SECRET_FIX, secretShape, urlCredentials } from '../../constructs/lib/secrets';
import type { ObjectReporter } from './findings';
import { at, child, isRecord, JsonRecord, list, record, str } from './json';
import { ContainerRef, containersOf, declaresPort, describePorts, podSecurityContext, PodTemplate, podTemplateOf, portsOf } from './pods';

/** What policy rules need to know about the environment. */
export interface PolicyContext {
  readonly stage: Stage;
}

/** Argo CD's sync-wave annotation. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Volume types the restricted Pod Security Standard allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** The only capability the restricted profile lets containers add. */
const ALLOWED_CAPABILITY = 'NET_BIND_SERVICE';

/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function exemptFix(rule: PolicyRuleId, fix: string): string {
  return `${fix} (or, if the workload truly needs it, annotate the object ${exemptionAnnotation(rule)}: "<reason>")`;
}

/** Check every policy rule that applies to `object`. */
export function checkPolicies(object: JsonRecord, report: ObjectReporter, context: PolicyContext): void {
  checkSyncWave(object, report);
  checkAnnotations(object, report);
  const template = podTemplateOf(object);
  if (template !== undefined) {
    const containers = containersOf(template);
    checkPodSecurity(template, containers, report);
    checkHostAccess(template, containers, report);
    checkResources(containers, report);
    if (template.longRunning) checkProbes(containers, report);
    for (const c of containers) {
      checkImage(c.container.image, `${c.path}.image`, report, context);
      checkEnv(c, report);
    }
  }
  const group = apiGroupOf(str(object.apiVersion) ?? '');
  switch (`${group}/${String(object.kind)}`) {
    case '/Secret':
      checkSecret(object, report);
      break;
    case '/ConfigMap':
      checkConfigMap(object, report);
      break;
    case 'kafka.strimzi.io/KafkaNodePool':
      checkOperandResources(at(object, 'spec', 'resources'), 'spec.resources', 'Kafka node', report);
      break;
    case 'kafka.strimzi.io/Kafka':
      for (const operator of ['topicOperator', 'userOperator'] as const) {
        const spec = at(object, 'spec', 'entityOperator', operator);
        if (spec !== undefined) checkOperandResources(record(spec).resources, `spec.entityOperator.${operator}.resources`, `Strimzi ${operator}`, report);
      }
      if (at(object, 'spec', 'kafka', 'image') !== undefined) checkImage(at(object, 'spec', 'kafka', 'image'), 'spec.kafka.image', report, context);
      break;
    case 'postgresql.cnpg.io/Cluster':
      checkOperandResources(at(object, 'spec', 'resources'), 'spec.resources', 'PostgreSQL instance', report);
      if (at(object, 'spec', 'imageName') !== undefined) checkImage(at(object, 'spec', 'imageName'), 'spec.imageName', report, context);
      break;
    case 'argoproj.io/ApplicationSet':
    case 'argoproj.io/AppProject':
      checkArgoSecrets(object, report);
      break;
    case 'argoproj.io/Application': {
      checkArgoSecrets(object, report);
      const images = at(object, 'metadata', 'annotations', IMAGES_ANNOTATION);
      if (typeof images === 'string' && images.trim() !== '') {
        for (const image of images.split(',')) checkImage(image.trim(), child('metadata.annotations', IMAGES_ANNOTATION), report, context);
      }
      break;
    }
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// policy/sync-wave
// ---------------------------------------------------------------------------------------------

function checkSyncWave(object: JsonRecord, report: ObjectReporter): void {
  const wave = at(object, 'metadata', 'annotations', SYNC_WAVE_ANNOTATION);
  // A non-string value is reported by the schema check (annotations are a string map).
  if (typeof wave === 'string' && !/^[-+]?\d+$/.test(wave)) {
    report.error('policy/sync-wave', child('metadata.annotations', SYNC_WAVE_ANNOTATION), 'Argo CD sync waves must be integer strings', wave,
      exemptFix('policy/sync-wave', 'use a quoted integer such as "2" (lower waves sync first)'));
  }
}

// ---------------------------------------------------------------------------------------------
// policy/pod-security: Pod Security Standards "restricted" (baseline items except host access)
// ---------------------------------------------------------------------------------------------

function checkPodSecurity(template: PodTemplate, containers: readonly ContainerRef[], report: ObjectReporter): void {
  const rule = 'policy/pod-security';
  const pod = podSecurityContext(template.spec);
  const podPath = `${template.specPath}.securityContext`;
  const fix = (what: string): string => exemptFix(rule, what);

  if (pod.runAsUser === 0) report.error(rule, `${podPath}.runAsUser`, 'pods must not run as root (uid 0)', 0, fix('run as a non-zero uid'));
  const podSeccomp = str(at(pod, 'seccompProfile', 'type'));
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') {
    report.error(rule, `${podPath}.seccompProfile.type`, 'seccomp profile must be RuntimeDefault or Localhost', podSeccomp, fix('set seccompProfile.type: RuntimeDefault'));
  }
  checkSeLinux(pod.seLinuxOptions, `${podPath}.seLinuxOptions`, report);
  if (at(pod, 'windowsOptions', 'hostProcess') === true) report.error(rule, `${podPath}.windowsOptions.hostProcess`, 'Windows host process pods are not allowed', true, fix('remove hostProcess'));
  list(pod.sysctls).forEach((s, i) => {
    const name = str(record(s).name);
    if (name === undefined || !SAFE_SYSCTLS.has(name)) report.error(rule, `${podPath}.sysctls[${i}].name`, 'only safe sysctls are allowed', name, fix(`use one of ${[...SAFE_SYSCTLS].join(', ')}`));
  });
  if (str(at(pod, 'appArmorProfile', 'type')) === 'Unconfined') report.error(rule, `${podPath}.appArmorProfile.type`, 'AppArmor must not be Unconfined', 'Unconfined', fix('use RuntimeDefault'));

  list(template.spec.volumes).forEach((volume, i) => {
    if (!isRecord(volume)) return;
    const types = Object.keys(volume).filter((k) => k !== 'name');
    for (const type of types) {
      // hostPath is reported by policy/host-access.
      if (type === 'hostPath' || RESTRICTED_VOLUME_TYPES.includes(type)) continue;
      report.error(rule, `${template.specPath}.volumes[${i}].${type}`, `volume type '${type}' is not allowed by the restricted profile`, str(volume.name),
        fix(`use one of ${RESTRICTED_VOLUME_TYPES.join(', ')} (a PersistentVolumeClaim for storage)`));
    }
  });

  for (const c of containers) {
    const sc = record(c.container.securityContext);
    const scPath = `${c.path}.securityContext`;
    if (sc.runAsNonRoot !== true && !(pod.runAsNonRoot === true && sc.runAsNonRoot === undefined)) {
      report.error(rule, `${scPath}.runAsNonRoot`, `container '${c.name}' may run as root: runAsNonRoot is not true for the pod or the container`, sc.runAsNonRoot ?? pod.runAsNonRoot,
        fix('set securityContext.runAsNonRoot: true on the pod (and a non-root runAsUser)'));
    }
    if (sc.runAsUser === 0) report.error(rule, `${scPath}.runAsUser`, `container '${c.name}' runs as root (uid 0)`, 0, fix('run as a non-zero uid'));
    if (sc.allowPrivilegeEscalation !== false) {
      report.error(rule, `${scPath}.allowPrivilegeEscalation`, `container '${c.name}' must set allowPrivilegeEscalation: false`, sc.allowPrivilegeEscalation,
        fix('set securityContext.allowPrivilegeEscalation: false'));
    }
    const drop = list(at(sc, 'capabilities', 'drop'));
    if (!drop.includes('ALL')) {
      report.error(rule, `${scPath}.capabilities.drop`, `container '${c.name}' must drop ALL capabilities`, at(sc, 'capabilities', 'drop'), fix('set securityContext.capabilities.drop: [ALL]'));
    }
    list(at(sc, 'capabilities', 'add')).forEach((cap, i) => {
      if (cap !== ALLOWED_CAPABILITY) {
        report.error(rule, `${scPath}.capabilities.add[${i}]`, `container '${c.name}' adds capability ${String(cap)}; only ${ALLOWED_CAPABILITY} may be added`, cap, fix(`remove it (add only ${ALLOWED_CAPABILITY})`));
      }
    });
    const seccomp = str(at(sc, 'seccompProfile', 'type'));
    if (seccomp !== undefined ? seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' : podSeccomp === undefined) {
      report.error(rule, `${scPath}.seccompProfile.type`, `container '${c.name}' has no RuntimeDefault or Localhost seccomp profile`, seccomp,
        fix('set securityContext.seccompProfile.type: RuntimeDefault on the pod'));
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') report.error(rule, `${scPath}.procMount`, `container '${c.name}' must use the Default /proc mount`, sc.procMount, fix('remove procMount'));
    if (at(sc, 'windowsOptions', 'hostProcess') === true) report.error(rule, `${scPath}.windowsOptions.hostProcess`, 'Windows host process containers are not allowed', true, fix('remove hostProcess'));
    if (str(at(sc, 'appArmorProfile', 'type')) === 'Unconfined') report.error(rule, `${scPath}.appArmorProfile.type`, 'AppArmor must not be Unconfined', 'Unconfined', fix('use RuntimeDefault'));
    checkSeLinux(sc.seLinuxOptions, `${scPath}.seLinuxOptions`, report);
  }
}

function checkSeLinux(options: unknown, path: string, report: ObjectReporter): void {
  if (!isRecord(options)) return;
  const rule = 'policy/pod-security';
  if (options.type !== undefined && !SELINUX_TYPES.has(String(options.type))) {
    report.error(rule, `${path}.type`, 'SELinux type is not one the baseline profile allows', options.type, exemptFix(rule, `use one of ${[...SELINUX_TYPES].join(', ')}`));
  }
  for (const key of ['user', 'role'] as const) {
    if (options[key] !== undefined) report.error(rule, `${path}.${key}`, `SELinux ${key} must not be set`, options[key], exemptFix(rule, `remove seLinuxOptions.${key}`));
  }
}

// ---------------------------------------------------------------------------------------------
// policy/host-access
// ---------------------------------------------------------------------------------------------

function checkHostAccess(template: PodTemplate, containers: readonly ContainerRef[], report: ObjectReporter): void {
  const rule = 'policy/host-access';
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (template.spec[field] === true) {
      report.error(rule, `${template.specPath}.${field}`, `${field} shares the node's namespaces with the pod`, true, exemptFix(rule, `remove ${field}`));
    }
  }
  list(template.spec.volumes).forEach((volume, i) => {
    const hostPath = record(volume).hostPath;
    if (hostPath !== undefined) {
      report.error(rule, `${template.specPath}.volumes[${i}].hostPath`, 'hostPath volumes give the pod access to the node file system', at(hostPath, 'path'),
        exemptFix(rule, 'use a PersistentVolumeClaim (local volumes: the LocalStorage construct) or an emptyDir'));
    }
  });
  for (const c of containers) {
    list(c.container.ports).forEach((port, j) => {
      const hostPort = record(port).hostPort;
      if (hostPort !== undefined && hostPort !== 0) {
        report.error(rule, `${c.path}.ports[${j}].hostPort`, `container '${c.name}' binds a port on the node`, hostPort, exemptFix(rule, 'remove hostPort and expose the port with a Service'));
      }
    });
    if (at(c.container, 'securityContext', 'privileged') === true) {
      report.error(rule, `${c.path}.securityContext.privileged`, `container '${c.name}' is privileged (full access to the node)`, true, exemptFix(rule, 'set privileged: false'));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// policy/resources
// ---------------------------------------------------------------------------------------------

const RESOURCES_EXAMPLE = '{ requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 500m, memory: 256Mi } }';

function checkResources(containers: readonly ContainerRef[], report: ObjectReporter): void {
  for (const c of containers) {
    if (c.list === 'ephemeralContainers') continue; // debug containers cannot set resources
    checkOperandResources(c.container.resources, `${c.path}.resources`, `container '${c.name}'`, report);
  }
}

function checkOperandResources(resources: unknown, path: string, what: string, report: ObjectReporter): void {
  const rule = 'policy/resources';
  for (const p of resourceProblems(resources)) {
    report.error(rule, p.field ? `${path}.${p.field}` : path, `${what}: ${p.field ? `${p.field} ` : 'resources '}${p.message}`, p.value,
      exemptFix(rule, p.fix ?? `set cpu and memory requests and limits, e.g. ${RESOURCES_EXAMPLE}`));
  }
}

// ---------------------------------------------------------------------------------------------
// policy/probes
// ---------------------------------------------------------------------------------------------

function probePort(probe: JsonRecord): { field: string; port: unknown } | undefined {
  for (const type of ['httpGet', 'tcpSocket', 'grpc'] as const) {
    const handler = probe[type];
    if (isRecord(handler)) return { field: `${type}.port`, port: handler.port };
  }
  return undefined;
}

function checkProbes(containers: readonly ContainerRef[], report: ObjectReporter): void {
  const rule = 'policy/probes';
  for (const c of containers) {
    // Native sidecars (init containers with restartPolicy Always) run as long as the pod: they need probes too.
    const sidecar = c.list === 'initContainers' && c.container.restartPolicy === 'Always';
    if (c.list !== 'containers' && !sidecar) continue;
    const ports = portsOf(c.container);
    for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = c.container[probeName];
      if (probe === undefined) {
        if (probeName !== 'startupProbe') {
          report.error(rule, `${c.path}.${probeName}`, `long-running ${sidecar ? 'sidecar' : 'container'} '${c.name}' has no ${probeName}`, undefined,
            exemptFix(rule, `add a ${probeName} (httpGet on the health path, tcpSocket or exec)`));
        }
        continue;
      }
      if (!isRecord(probe)) continue;
      const target = probePort(probe);
      if (target !== undefined && !declaresPort(ports, target.port)) {
        report.error(rule, `${c.path}.${probeName}.${target.field}`, `${probeName} of container '${c.name}' targets port ${JSON.stringify(target.port)}, which the container does not declare (declared: ${describePorts(ports)})`,
          target.port, exemptFix(rule, 'probe a declared port by name (e.g. http) or declare the port in ports[]'));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// policy/image-tag
// ---------------------------------------------------------------------------------------------

function checkImage(image: unknown, path: string, report: ObjectReporter, context: PolicyContext): void {
  const rule = 'policy/image-tag';
  if (typeof image !== 'string') return; // missing or wrong type: the schema check reports it
  const parsed = parseImageReference(image);
  if (parsed === undefined) {
    report.error(rule, path, 'is not a valid image reference', image, exemptFix(rule, 'write it as registry/repository:tag or repository@sha256:<digest>'));
    return;
  }
  const reason = parsed.digest === undefined ? floatingTagReason(parsed.tag) : undefined;
  if (reason === undefined) return;
  const message = parsed.tag === undefined
    ? 'image has no tag, so it runs whatever `latest` is when the node pulls it'
    : `image tag ${reason}`;
  const pinned = context.stage !== 'development';
  report.add(pinned ? 'error' : 'warning', rule, path, pinned ? `${message}; ${context.stage} requires pinned images` : message, image,
    exemptFix(rule, 'pin a full version tag (e.g. v1.0.1, 15.17-alpine) or a digest in the environment file'));
}

// ---------------------------------------------------------------------------------------------
// policy/secret-data and policy/secret-env
// ---------------------------------------------------------------------------------------------

/** A value for a finding, with credentials removed: secrets never reach logs either. */
export function redact(name: string, value: string, keyStyle = false): string {
  return redactSecret(name, value, keyStyle);
}

/** Rule id of credentials in repository URLs (not exemptable: Argo CD reads credentials from a repository Secret). */
export const REPO_CREDENTIALS_RULE = 'secret/repo-credentials';

/**
 * Report the secret `value` (under `name`) carries, if any. A reviewable match marked with `notSecret(value, reason)`
 * is set aside as exempted with its reason.
 */
function reportSecret(report: ObjectReporter, rule: PolicyRuleId, path: string, name: string, value: string, describe: (problem: string) => string, fix: string, keyStyle = false): void {
  const match = findSecret(name, value, keyStyle);
  if (match === undefined) return;
  const problem = match.message.startsWith("'") ? match.message : `'${name}' ${match.message}`;
  const reason = match.reviewable ? notSecretReason(value) : undefined;
  const shown = redact(name, value, keyStyle);
  if (reason !== undefined) report.reviewed(rule, path, describe(problem), shown, fix, `notSecret: ${reason}`);
  else report.error(rule, path, describe(problem), shown, exemptFix(rule, fix));
}

/** Every string leaf of a value tree, with its key and JSON path. */
function leaves(value: unknown, path: string, key: string, out: { path: string; key: string; value: string }[] = []): { path: string; key: string; value: string }[] {
  if (typeof value === 'string') out.push({ path, key, value });
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, child(path, i), key, out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) leaves(v, child(path, k), k, out);
  return out;
}

/** Annotations of every object: no secret by shape, nor a literal under a secret-like key (`example.com/api-token`). */
function checkAnnotations(object: JsonRecord, report: ObjectReporter): void {
  const annotations = at(object, 'metadata', 'annotations');
  if (!isRecord(annotations)) return;
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value !== 'string' || key.startsWith('policy.platform-synth.io/')) continue;
    reportSecret(report, 'policy/secret-value', child('metadata.annotations', key), key, value, (p) => `annotation ${p}; annotations are committed to git with the object`,
      'keep secrets out of annotations: reference a Secret created in the cluster', true);
  }
}

/** Sources of an Application spec (or an ApplicationSet template spec), with their paths. */
function sourcesOf(spec: unknown, path: string): { source: JsonRecord; path: string }[] {
  if (!isRecord(spec)) return [];
  if (isRecord(spec.source)) return [{ source: spec.source, path: `${path}.source` }];
  return list(spec.sources).flatMap((s, i) => (isRecord(s) ? [{ source: s, path: `${path}.sources[${i}]` }] : []));
}

const HELM_FIX = "pass the secret through a Secret created in the cluster and the chart's existingSecret-style value, or Argo CD's helm.valueFiles from a private source";

/** Argo CD Applications and ApplicationSets: repository URLs without credentials, Helm values without secrets. */
function checkArgoSecrets(object: JsonRecord, report: ObjectReporter): void {
  const specs: { spec: unknown; path: string }[] = object.kind === 'ApplicationSet'
    ? [{ spec: at(object, 'spec', 'template', 'spec'), path: 'spec.template.spec' }]
    : [{ spec: object.spec, path: 'spec' }];
  const repoURLs: { url: unknown; path: string }[] = [];
  if (object.kind === 'ApplicationSet') {
    const generators = (g: unknown, path: string): void => list(g).forEach((gen, i) => {
      const p = `${path}[${i}]`;
      if (isRecord(gen) && isRecord(gen.git)) repoURLs.push({ url: gen.git.repoURL, path: `${p}.git.repoURL` });
      for (const combining of ['matrix', 'merge'] as const) if (isRecord(at(gen, combining))) generators(at(gen, combining, 'generators'), `${p}.${combining}.generators`);
    });
    generators(at(object, 'spec', 'generators'), 'spec.generators');
  }
  if (object.kind === 'AppProject') list(at(object, 'spec', 'sourceRepos')).forEach((url, i) => repoURLs.push({ url, path: `spec.sourceRepos[${i}]` }));
  for (const { spec, path } of specs) {
    for (const { source, path: sourcePath } of sourcesOf(spec, path)) {
      repoURLs.push({ url: source.repoURL, path: `${sourcePath}.repoURL` });
      const helm = record(source.helm);
      for (const leaf of leaves(helm.valuesObject, `${sourcePath}.helm.valuesObject`, '')) {
        reportSecret(report, 'policy/secret-value', leaf.path, leaf.key, leaf.value, (p) => `Helm value ${p}; Helm values are committed to git in the Application`, HELM_FIX, true);
      }
      if (typeof helm.values === 'string') {
        reportSecret(report, 'policy/secret-value', `${sourcePath}.helm.values`, 'values', helm.values, (p) => `Helm values ${p.replace(/^'values' /, '')}; they are committed to git in the Application`, HELM_FIX, true);
        // Name-based matches inside a values string: `password: hunter2` lines.
        for (const line of helm.values.split('\n')) {
          const m = /^\s*([A-Za-z0-9_.-]+):\s*["']?([^"'#\s][^"'#]*)["']?\s*$/.exec(line);
          if (m && isSecretLikeKey(m[1] ?? '') && secretShape(m[2] ?? '') === undefined) {
            reportSecret(report, 'policy/secret-value', `${sourcePath}.helm.values`, m[1] ?? '', (m[2] ?? '').trim(), (p) => `Helm values ${p}; they are committed to git in the Application`, HELM_FIX, true);
          }
        }
      }
      list(helm.parameters).forEach((param, i) => {
        const name = str(record(param).name);
        const value = str(record(param).value);
        if (name !== undefined && value !== undefined) {
          reportSecret(report, 'policy/secret-value', `${sourcePath}.helm.parameters[${i}].value`, name.slice(name.lastIndexOf('.') + 1), value, (p) => `Helm parameter '${name}': ${p}`, HELM_FIX, true);
        }
      });
    }
  }
  for (const { url, path } of repoURLs) {
    if (typeof url !== 'string') continue;
    const where = urlCredentials(url);
    if (where !== undefined) {
      report.error(REPO_CREDENTIALS_RULE, path, `repository URL embeds credentials (${where}); they would be committed to git and shown in the Argo CD UI`, redact('', url), REPO_CREDENTIALS_FIX);
    }
  }
}

function checkSecret(object: JsonRecord, report: ObjectReporter): void {
  const rule = 'policy/secret-data';
  for (const field of ['data', 'stringData'] as const) {
    const value = object[field];
    if (isRecord(value) && Object.keys(value).length > 0) {
      report.error(rule, field, `Secret carries values in ${field}; they would be committed to git`, Object.keys(value).sort(),
        exemptFix(rule, 'create the Secret in the cluster (External Secrets, an operator, or out of band) and reference it'));
    }
  }
}

function checkConfigMap(object: JsonRecord, report: ObjectReporter): void {
  const data = object.data;
  if (!isRecord(data)) return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    reportSecret(report, 'policy/secret-env', child('data', key), key, value, (p) => `${p} in a ConfigMap`, SECRET_FIX);
  }
}

function checkEnv(c: ContainerRef, report: ObjectReporter): void {
  list(c.container.env).forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const name = str(entry.name);
    const value = entry.value;
    if (name === undefined || typeof value !== 'string') return;
    reportSecret(report, 'policy/secret-env', `${c.path}.env[${i}].value`, name, value, (p) => `container '${c.name}': ${p}`, SECRET_FIX);
  });
  // Credentials in command-line URLs leak the same way.
  for (const key of ['command', 'args'] as const) {
    list(c.container[key]).forEach((arg, i) => {
      if (typeof arg !== 'string') return;
      const shape = secretShape(arg);
      if (shape !== undefined && !shape.reviewable) {
        report.error('policy/secret-env', `${c.path}.${key}[${i}]`, `container '${c.name}' passes a secret on its command line: it ${shape.message}`, redact('', arg), exemptFix('policy/secret-env', SECRET_FIX));
      }
    });
  }
}
