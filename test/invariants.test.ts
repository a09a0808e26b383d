/**
 * Platform rules checked across every rendered object of every directory (environment, or a shared cluster's
 * add-ons) of every platform in the repository: the reference platform and each of examples/.
 */
import { CONFIRM_DELETION, dnsLabelProblem, isClusterScoped, literalSecretProblem, REQUIRED_LABELS, SYNC_OPTIONS_ANNOTATION, WRITABLE_ROOT_ANNOTATION } from '../constructs';
import { Json, Manifest, objectsOf, platforms, renderPlatform } from './helpers';

const DIRECTORIES = platforms().flatMap((platform) => renderPlatform(platform).map((env) => [`${platform.name}/${env.name}`, env] as const));

test('every platform and every one of its environments is rendered (the invariants below cannot pass on nothing)', () => {
  for (const platform of platforms()) {
    const rendered = renderPlatform(platform).map((e) => e.name);
    for (const env of platform.environments) expect({ platform: platform.name, env: env.name, rendered: rendered.includes(env.name) }).toEqual({ platform: platform.name, env: env.name, rendered: true });
  }
  expect(platforms().map((p) => p.name)).toEqual(expect.arrayContaining(['reference', 'starter']));
});

interface PodTemplate {
  readonly owner: Manifest;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: Json;
}

function podTemplates(objects: readonly Manifest[]): PodTemplate[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind))
    .map((o) => {
      const template = (o.spec as Json).template as Json;
      const metadata = template.metadata as Json;
      return { owner: o, labels: (metadata.labels ?? {}) as Record<string, string>, annotations: (metadata.annotations ?? {}) as Record<string, string>, spec: template.spec as Json };
    });
}

function containersOf(t: PodTemplate): Json[] {
  return [...((t.spec.initContainers ?? []) as Json[]), ...(t.spec.containers as Json[])];
}

function selectorOf(o: Manifest): Record<string, string> {
  return (((o.spec as Json).selector as Json).matchLabels ?? {}) as Record<string, string>;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe.each(DIRECTORIES)('%s', (_name, env) => {
  const objects = objectsOf(env).map((o) => o.object);
  const templates = podTemplates(objects);

  test('renders objects in every application directory', () => {
    expect(objects.length).toBeGreaterThan(5);
    for (const app of env.applications) expect({ app: app.name, objects: app.objects.length > 0 }).toEqual({ app: app.name, objects: true });
  });

  test('every object carries the recommended labels and the environment', () => {
    for (const o of objects) {
      for (const label of REQUIRED_LABELS) {
        expect({ object: `${o.kind}/${o.metadata.name}`, label, present: typeof o.metadata.labels?.[label] === 'string' && o.metadata.labels[label] !== '' })
          .toEqual({ object: `${o.kind}/${o.metadata.name}`, label, present: true });
      }
      expect(o.metadata.labels?.environment).toBe(env.name);
    }
  });

  test('every name is a valid DNS-1123 label, unique per kind and namespace', () => {
    const seen = new Set<string>();
    for (const o of objects) {
      expect({ name: o.metadata.name, problem: dnsLabelProblem(o.metadata.name) }).toEqual({ name: o.metadata.name, problem: undefined });
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  test('no namespaced object is in the default namespace, cluster-scoped objects have none', () => {
    for (const o of objects) {
      if (isClusterScoped(o.apiVersion, o.kind)) {
        expect({ object: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace }).toEqual({ object: `${o.kind}/${o.metadata.name}`, namespace: undefined });
      } else {
        expect(o.metadata.namespace).toBeDefined();
        expect(o.metadata.namespace).not.toBe('default');
      }
    }
  });

  test('pod selectors are unique: no workload selects another workload\'s pods', () => {
    const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
    for (const a of workloads) {
      for (const t of templates) {
        if (t.owner === a || t.owner.metadata.namespace !== a.metadata.namespace) continue;
        expect({ selector: `${a.kind}/${a.metadata.name}`, selects: `${t.owner.kind}/${t.owner.metadata.name}`, overlap: matches(selectorOf(a), t.labels) })
          .toEqual({ selector: `${a.kind}/${a.metadata.name}`, selects: `${t.owner.kind}/${t.owner.metadata.name}`, overlap: false });
      }
      const own = templates.find((t) => t.owner === a) as PodTemplate;
      expect(matches(selectorOf(a), own.labels)).toBe(true);
    }
  });

  test('every Service selects pods of exactly one workload', () => {
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      const selector = ((svc.spec as Json).selector ?? {}) as Record<string, string>;
      const selected = templates.filter((t) => t.owner.metadata.namespace === svc.metadata.namespace && matches(selector, t.labels));
      expect({ service: svc.metadata.name, workloads: selected.length }).toEqual({ service: svc.metadata.name, workloads: 1 });
    }
  });

  test('pods pass the Pod Security Standards "restricted" profile', () => {
    for (const t of templates) {
      const pod = t.spec.securityContext as Json;
      expect(pod.runAsNonRoot).toBe(true);
      expect(pod.runAsUser).toEqual(expect.any(Number));
      expect(pod.runAsUser).not.toBe(0);
      expect((pod.seccompProfile as Json).type).toBe('RuntimeDefault');
      expect(t.spec.hostNetwork ?? false).toBe(false);
      expect(t.spec.hostPID ?? false).toBe(false);
      // The volume types "restricted" allows (each volume has its name plus exactly one type).
      for (const v of (t.spec.volumes ?? []) as Json[]) {
        expect(Object.keys(v).filter((k) => k !== 'name')).toEqual([expect.stringMatching(/^(configMap|csi|downwardAPI|emptyDir|ephemeral|persistentVolumeClaim|projected|secret)$/)]);
      }
      for (const c of containersOf(t)) {
        const sc = c.securityContext as Json;
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect((sc.capabilities as Json).drop).toEqual(['ALL']);
        expect(sc.privileged).toBe(false);
        // The one scoped exception: a container the pod names (with the reason) in the writable-root annotation.
        const writable = (t.annotations[WRITABLE_ROOT_ANNOTATION] ?? '').split(':')[0] === c.name;
        expect({ container: c.name, readOnlyRootFilesystem: sc.readOnlyRootFilesystem }).toEqual({ container: c.name, readOnlyRootFilesystem: !writable });
        expect(sc.runAsUser ?? 1).not.toBe(0);
        expect(c.ports && (c.ports as Json[]).some((p) => p.hostPort !== undefined)).toBe(false);
      }
    }
  });

  test('immutable fields carry no label that changes with a release (selectors, StatefulSet claim templates)', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      const spec = o.spec as Json;
      expect({ object: `${o.kind}/${o.metadata.name}`, selector: Object.keys(selectorOf(o)).sort() })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, selector: ['app.kubernetes.io/instance', 'app.kubernetes.io/name'] });
      for (const claim of (spec.volumeClaimTemplates ?? []) as Json[]) {
        const labels = ((claim.metadata as Json).labels ?? {}) as Record<string, string>;
        expect({ object: `${o.kind}/${o.metadata.name}`, claim: (claim.metadata as Json).name, version: labels['app.kubernetes.io/version'] })
          .toEqual({ object: `${o.kind}/${o.metadata.name}`, claim: (claim.metadata as Json).name, version: undefined });
      }
    }
  });

  test('Argo CD never deletes data on its own: namespaces, volumes, databases, Kafka and credentials need a confirmation', () => {
    const dataKinds = new Set(['Namespace', 'PersistentVolume', 'Cluster', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'ExternalSecret']);
    const stateful = objects.filter((o) => dataKinds.has(o.kind));
    expect(stateful.length).toBeGreaterThan(0); // every directory renders its Namespaces at least
    for (const o of stateful) {
      expect({ object: `${o.kind}/${o.metadata.name}`, options: o.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION] })
        .toEqual({ object: `${o.kind}/${o.metadata.name}`, options: CONFIRM_DELETION });
    }
  });

  test('every container sets cpu and memory requests and limits, and liveness and readiness probes', () => {
    for (const t of templates) {
      for (const c of containersOf(t)) {
        const resources = c.resources as Json;
        expect(resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
        expect(resources.limits).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
      }
    }
  });

  test('no Secret values: no Secret objects with data, no literal secret-looking env vars', () => {
    for (const o of objects) {
      if (o.kind === 'Secret') {
        expect(o.data).toBeUndefined();
        expect(o.stringData).toBeUndefined();
      }
      if (o.kind === 'ConfigMap') {
        for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, string>)) expect(literalSecretProblem(k, v)).toBeUndefined();
      }
    }
    for (const t of templates) {
      for (const c of containersOf(t)) {
        for (const e of (c.env ?? []) as Json[]) {
          if (typeof e.value === 'string') expect(literalSecretProblem(e.name as string, e.value)).toBeUndefined();
        }
      }
    }
  });
});
