/**
 * Builders for validation tests: small synthetic environments of plain objects (no cdk8s, so they are fast),
 * each object valid unless a test breaks it on purpose.
 */
import type { PlatformContext, Stage } from '../../constructs';
import type { KubeObject, RenderedEnvironment } from '../../tools/synth/render';
import { Finding, validateEnvironments, ValidationReport } from '../../tools/validate';

/** A loosely typed object for building test inputs. */
export type Obj = Record<string, unknown>;

const LABELS = {
  'app.kubernetes.io/managed-by': 'platform-synth',
  'app.kubernetes.io/part-of': 'shop',
  environment: 'test',
};

/** Object metadata with the platform's labels. */
export function meta(name: string, namespace: string | null = 'shop', extra: Obj = {}): Obj {
  return { name, ...(namespace !== null ? { namespace } : {}), labels: { ...LABELS, 'app.kubernetes.io/name': name }, ...extra };
}

/** A container that passes every policy rule. */
export function container(name = 'app', overrides: Obj = {}): Obj {
  return {
    name,
    image: 'example/app:v1.2.3',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    ...overrides,
  };
}

/** A pod spec that passes every policy rule. */
export function podSpec(overrides: Obj = {}): Obj {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
    volumes: [{ name: 'tmp', emptyDir: {} }],
    ...overrides,
  };
}

/** A valid Deployment whose pods carry `app: <name>`. */
export function deployment(name = 'web', spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, 'shop', metadata),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec() },
      ...spec,
    },
  };
}

/** A valid Service for the pods labelled `app: <target>`. */
export function service(name = 'web', target = name, ports: Obj[] = [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { selector: { app: target }, ports } };
}

/** A Namespace. */
export function namespace(name = 'shop'): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, null) };
}

/** A ConfigMap. */
export function configMap(name: string, data: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name), data };
}

/** Options of a synthetic environment. */
export interface TestEnvironmentOptions {
  readonly name?: string;
  readonly stage?: Stage;
  readonly externalNamespaces?: readonly string[];
  /** StorageClasses the cluster provides (`undefined`: none, so only rendered classes exist and classless claims pass). */
  readonly externalStorageClasses?: readonly string[];
  /** Repository and branch of the rendered manifests. */
  readonly renderedSource?: PlatformContext['renderedSource'];
  /** Services used but not rendered. */
  readonly externalServices?: readonly string[];
}

/** A rendered environment with the given objects per application (the `shop` Namespace is added). */
export function environment(apps: Readonly<Record<string, readonly Obj[]>>, options: TestEnvironmentOptions = {}): RenderedEnvironment {
  const name = options.name ?? 'test';
  const context: PlatformContext = {
    environment: name,
    stage: options.stage ?? 'production',
    platform: 'shop',
    imagePullPolicy: 'IfNotPresent',
    externalNamespaces: options.externalNamespaces ?? ['argocd'],
    ...(options.externalStorageClasses !== undefined ? { externalStorageClasses: options.externalStorageClasses } : {}),
    ...(options.renderedSource !== undefined ? { renderedSource: options.renderedSource } : {}),
    ...(options.externalServices !== undefined ? { externalServices: options.externalServices } : {}),
  };
  const all: Record<string, readonly Obj[]> = { namespaces: [namespace()], ...apps };
  return {
    name,
    cluster: name,
    context,
    graph: [],
    applications: Object.entries(all).map(([app, objects]) => ({
      name: app,
      objects: objects.map((o, i) => ({ file: `${i}.yaml`, object: o as unknown as KubeObject })),
    })),
  };
}

/** Validate one synthetic environment. */
export function validate(apps: Readonly<Record<string, readonly Obj[]>>, options: TestEnvironmentOptions = {}): ValidationReport {
  return validateEnvironments([environment(apps, options)]);
}

/** Findings of `rule` (all findings when omitted), as `rule path: message` strings, for readable assertions. */
export function lines(report: ValidationReport, rule?: string): string[] {
  return report.findings.filter((f) => rule === undefined || f.rule === rule).map((f) => `${f.rule} ${f.kind}/${f.name} ${f.path}: ${f.message}`);
}

/** The findings of `rule`. */
export function findings(report: ValidationReport, rule: string): Finding[] {
  return report.findings.filter((f) => f.rule === rule);
}

/** Deep copy with `mutate` applied (keeps fixtures immutable between tests). */
export function changed<T>(value: T, mutate: (copy: T) => void): T {
  const copy = structuredClone(value);
  mutate(copy);
  return copy;
}
