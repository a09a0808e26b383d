import { parseQuantity } from '../constructs/lib/resources';
import { deepMerge } from '../constructs/lib/merge';
import { base } from '../environments/base';
import { dev } from '../environments/dev';
import { prod } from '../environments/prod';
import { staging } from '../environments/staging';
import { APP_NAMES, defineEnvironment, EnvironmentOverrides, SERVICE_NAMES, StorageSettings, workloadSettings } from '../environments/types';
import { ConfigError } from '../constructs/lib/errors';
import { TEST_FILE_DEFAULTS, TEST_STORAGE as LOCAL, testEnvironment, TestOverrides as Overrides } from './helpers';

/** The problems `defineEnvironment` reports for `overrides` (layered over `TEST_FILE_DEFAULTS` unless `raw`). */
function problemsOf(overrides: Overrides, raw = false): string[] {
  try {
    if (raw) defineEnvironment(base, overrides as EnvironmentOverrides);
    else testEnvironment(overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file} | ${p.application} | ${p.field} | ${p.message}`);
    throw e;
  }
  return [];
}

describe('deepMerge (the layering rule)', () => {
  test('objects merge key by key, arrays replace, undefined keeps the base value', () => {
    const merged = deepMerge<{ a: { b: number; c: number }; list: number[]; keep: string }>(
      { a: { b: 1, c: 2 }, list: [1, 2, 3], keep: 'base' },
      { a: { c: 20 }, list: [9], keep: undefined },
    );
    expect(merged).toEqual({ a: { b: 1, c: 20 }, list: [9], keep: 'base' });
  });

  test('a variant whose mode changes replaces the object below (its keys belong to the other mode)', () => {
    type Pools = { mode: 'dual-role'; nodes: number } | { mode: 'separate'; controllers: number; brokers: number };
    const base = { pools: { mode: 'dual-role', nodes: 1 } as Pools };
    expect(deepMerge(base, { pools: { mode: 'separate', controllers: 3, brokers: 3 } })).toEqual({ pools: { mode: 'separate', controllers: 3, brokers: 3 } });
    // The same mode still merges key by key.
    expect(deepMerge(base, { pools: { mode: 'dual-role', nodes: 3 } })).toEqual({ pools: { mode: 'dual-role', nodes: 3 } });
    expect(deepMerge(base, { pools: { nodes: 3 } as Partial<Pools> })).toEqual({ pools: { mode: 'dual-role', nodes: 3 } });
  });

  test('never mutates its inputs', () => {
    const input = { a: { b: 1 } };
    deepMerge(input, { a: { b: 2 } });
    expect(input).toEqual({ a: { b: 1 } });
  });
});

describe('defineEnvironment', () => {
  test('layers base, then the environment, then the per-application override', () => {
    // base: 1 replica; prod: 3 by default; identity-service: its own memory limit on top of prod's resources.
    expect(workloadSettings(dev, 'identity-service').replicas).toBe(1);
    expect(workloadSettings(prod, 'user-service').replicas).toBe(3);
    expect(workloadSettings(prod, 'identity-service').resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '768Mi' },
    });
  });

  test('arrays in an environment replace the base array (hosts)', () => {
    expect(prod.apps.frontend.hosts).toEqual(['healthxcape.com', 'www.healthxcape.com', 'auth.healthxcape.com']);
    expect(dev.apps.frontend.hosts).toEqual(['dev.healthxcape.com', 'auth.dev.healthxcape.com']);
  });

  test('returns a frozen configuration', () => {
    expect(Object.isFrozen(prod)).toBe(true);
    expect(Object.isFrozen(prod.apps.frontend.hosts)).toBe(true);
  });

  test('prod runs more replicas and larger resources than dev for every application', () => {
    for (const app of APP_NAMES) {
      const d = workloadSettings(dev, app);
      const p = workloadSettings(prod, app);
      expect(p.replicas).toBeGreaterThan(d.replicas);
      for (const kind of ['requests', 'limits'] as const) {
        for (const what of ['cpu', 'memory'] as const) {
          expect(parseQuantity(p.resources[kind][what])).toBeGreaterThan(parseQuantity(d.resources[kind][what]) as number);
        }
      }
    }
  });

  test('every environment pins every application image in its own file', () => {
    for (const env of [dev, staging, prod]) {
      for (const app of APP_NAMES) expect(env.images[app].tag).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  test('an air-gapped environment sets pull policy and registry mirror once', () => {
    expect(prod.registryMirror).toBe('registry.healthxcape.internal:5000');
    expect(prod.imagePullPolicy).toBe('IfNotPresent');
  });

  describe('refuses typos with the file, the application and the field', () => {
    test('replicas: 0', () => {
      expect(problemsOf({ name: 'prod', stage: 'production', apps: { frontend: { replicas: 0 } } })).toEqual([
        'environments/prod.ts | frontend | apps.frontend.replicas | must be an integer between 1 and 100',
      ]);
    });

    test('an invalid hostname', () => {
      expect(problemsOf({ name: 'prod', stage: 'production', apps: { frontend: { hosts: ['healthxcape..com'] } } })).toEqual([
        expect.stringMatching(/^environments\/prod.ts \| frontend \| apps.frontend.hosts\[0\] \| is not a valid host name/),
      ]);
    });

    test('latest as a prod tag', () => {
      expect(problemsOf({ name: 'prod', stage: 'production', images: { 'user-service': { tag: 'latest' } } })).toEqual([
        "environments/prod.ts | user-service | images.user-service.tag | 'latest' is a floating tag and may run a different build tomorrow (stage 'production')",
      ]);
    });

    test('latest is allowed in development, a digest pins a floating tag in production', () => {
      expect(problemsOf({ name: 'dev', stage: 'development', images: { 'user-service': { tag: 'latest' } } })).toEqual([]);
      expect(problemsOf({ name: 'prod', stage: 'production', images: { 'user-service': { tag: 'latest', digest: `sha256:${'a'.repeat(64)}` } } })).toEqual([]);
    });

    test('a missing tag in staging (base pins no application tag: each environment file does)', () => {
      expect(() => defineEnvironment(base, { name: 'staging', stage: 'staging', storage: LOCAL }))
        .toThrow(new RegExp(APP_NAMES.map((app) => `field 'images.${app}.tag': is missing`).join('[^]*')));
      expect(() => defineEnvironment(base, { name: 'staging', stage: 'staging', storage: LOCAL, images: { 'frontend': { tag: 'v1.0.0' }, 'identity-service': { tag: 'v1.0.0' }, 'user-service': { tag: 'v1.0.0' } } }))
        .toThrow(/environments\/staging.ts \(environment 'staging'\), application 'blog-service', field 'images.blog-service.tag': is missing/);
    });

    test('wrong types (tsx runs without type checks)', () => {
      const overrides = { name: 'dev', stage: 'development', apps: { 'user-service': { replicas: '3' } }, kafka: { metrics: 'yes' } } as unknown as Overrides;
      expect(problemsOf(overrides)).toEqual([
        'environments/dev.ts | user-service | apps.user-service.replicas | must be an integer between 1 and 100',
        'environments/dev.ts | kafka | kafka.metrics | must be true or false',
      ]);
    });

    test('unknown settings are refused with a spelling hint (a typo would otherwise be ignored)', () => {
      const overrides = {
        name: 'dev', stage: 'development', registryMirorr: 'mirror.internal:5000',
        apps: { 'identty-service': { replicas: 2 }, 'user-service': { replica: 0 }, frontend: { nodePort: 30080 } },
        kafka: { nodePools: { mode: 'separate', controllers: 3, brokers: 3, nodes: 3 } },
        operators: { strimzi: { version: '1.2.0' } },
      } as unknown as Overrides;
      expect(problemsOf(overrides)).toEqual([
        "environments/dev.ts | every application | registryMirorr | is not a setting of an environment (a typo is silently ignored otherwise)",
        "environments/dev.ts | every application | apps.identty-service | is not an application of apps (a typo is silently ignored otherwise)",
        "environments/dev.ts | frontend | apps.frontend.nodePort | is not a setting of apps.frontend (a typo is silently ignored otherwise)",
        "environments/dev.ts | user-service | apps.user-service.replica | is not a setting of apps.user-service (a typo is silently ignored otherwise)",
        "environments/dev.ts | kafka | kafka.nodePools.nodes | is not a setting of kafka.nodePools (a typo is silently ignored otherwise)",
        "environments/dev.ts | strimzi-operator | operators.strimzi.version | is not a setting of operators.strimzi (a typo is silently ignored otherwise)",
      ]);
    });

    test('an unknown setting names the closest one in its fix', () => {
      try {
        testEnvironment({ name: 'dev', stage: 'development', apps: { 'user-service': { replica: 0 } } } as unknown as Overrides);
        throw new Error('expected a ConfigError');
      } catch (e) {
        expect((e as ConfigError).problems[0]?.fix).toBe("rename it to 'replicas'; allowed here: replicas, resources, env, nodePort");
      }
    });

    test('every problem is reported at once', () => {
      const problems = problemsOf({
        name: 'prod', stage: 'production',
        apps: { frontend: { replicas: 0 }, 'identity-service': { nodePort: 80 } },
        kafka: { version: '4.0.0' as never, topicReplicas: 5 },
        storage: { ...LOCAL, root: 'relative' },
      });
      expect(problems.map((p) => p.split(' | ')[2])).toEqual([
        'apps.frontend.replicas', 'apps.identity-service.nodePort', 'storage.root', 'kafka.version', 'kafka.topicReplicas',
      ]);
    });

    test.each<[string, Overrides, RegExp]>([
      ['an environment name that is not a DNS label', { name: 'Prod_1', stage: 'production' }, /\| name \| must be a DNS-1123 label/],
      ['an unknown stage', { name: 'qa', stage: 'qa' as never }, /\| stage \| must be one of 'development', 'staging', 'production'/],
      ['the default namespace', { name: 'dev', stage: 'development', namespace: 'default' }, /workloads must not run in the 'default' namespace/],
      ['an unknown pull policy', { name: 'dev', stage: 'development', imagePullPolicy: 'Sometimes' as never }, /imagePullPolicy \| must be one of 'Always', 'IfNotPresent', 'Never'/],
      ['a registry mirror with a scheme', { name: 'dev', stage: 'development', registryMirror: 'https://mirror' }, /registryMirror \| must be a registry host/],
      ['duplicate node ports', { name: 'dev', stage: 'development', apps: { 'identity-service': { nodePort: 30083 }, 'user-service': { nodePort: 30083 } } }, /user-service \| apps.user-service.nodePort \| is already used by identity-service/],
      ['cnpg credentials with the statefulset engine', { name: 'dev', stage: 'development', postgres: { credentials: 'cnpg' } }, /'cnpg' credentials are generated by CloudNativePG/],
      ['an even dual-role pool', { name: 'dev', stage: 'development', kafka: { nodePools: { mode: 'dual-role', nodes: 2 } } }, /kafka.nodePools.nodes \| dual-role pool: 2 controllers is an even number/],
      ['min.insync.replicas equal to replicas', { name: 'staging', stage: 'staging', kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, topicReplicas: 2, minInsyncReplicas: 2 } }, /kafka.minInsyncReplicas \| min.insync.replicas 2 must be lower than replicas 2/],
      ['a secret literal in env', { name: 'dev', stage: 'development', apps: { 'blog-service': { env: { JWT_SECRET: 'x' } } } }, /blog-service \| apps.blog-service.env.JWT_SECRET \| 'JWT_SECRET' looks like a secret/],
      ['a memory request above the limit', { name: 'dev', stage: 'development', apps: { frontend: { resources: { requests: { memory: '1Gi' } } } } }, /apps.frontend.resources.requests.memory \| request 1Gi is larger than the limit 256Mi/],
      ['a chart repository that is not a URL', { name: 'dev', stage: 'development', operators: { strimzi: { repoURL: 'strimzi-charts' } } }, /operators.strimzi.repoURL \| must be a URL/],
    ])('%s', (_what, overrides, message) => {
      expect(problemsOf(overrides).join('\n')).toMatch(message);
    });
  });
});

test('every backend service has a workload entry in every environment', () => {
  for (const env of [dev, staging, prod]) for (const s of SERVICE_NAMES) expect(env.apps[s]).toBeDefined();
});

describe('storage', () => {
  test('every environment declares its own storage; local storage must name its nodes', () => {
    // GIVEN an environment file that forgets its nodes (tsx does not type-check: the runtime check must catch it)
    const problems = problemsOf({ name: 'dev', stage: 'development', images: TEST_FILE_DEFAULTS.images, storage: { mode: 'local', storageClassName: 'local-storage', root: '/mnt/data' } as unknown as StorageSettings }, true);
    // THEN
    expect(problems).toEqual(["environments/dev.ts | local-storage | storage.nodes | must list the nodes that hold the local volumes"]);
  });

  test('node names must be host names, each listed once', () => {
    expect(problemsOf({ name: 'dev', stage: 'development', storage: { ...LOCAL, nodes: ['node-1', 'Node_2', 'node-1'] } })).toEqual([
      expect.stringMatching(/^environments\/dev.ts \| local-storage \| storage.nodes\[1\] \| /),
      'environments/dev.ts | local-storage | storage.nodes[2] | is listed twice',
    ]);
  });

  test('prod spreads its replicated volumes over three nodes, dev keeps its single worker', () => {
    expect(prod.storage).toMatchObject({ mode: 'local', nodes: [expect.any(String), expect.any(String), expect.any(String)] });
    expect(dev.storage).toMatchObject({ mode: 'local', nodes: ['ip-10-1-91-144'] });
    expect(staging.storage).toEqual({ mode: 'dynamic', storageClassName: 'local-path' });
  });
});
