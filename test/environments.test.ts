/**
 * The reference platform's environments: layering over the catalog and the shared base, and the checks at the
 * boundary (tsx does not type-check, so every value is checked at run time, by the schema of the construct that
 * uses it), each problem naming the file, the application, the field, the value and the fix.
 */
import { App } from 'cdk8s';
import { healthxcape } from '../charts';
import { ConfigError, deepMerge, parseQuantity } from '../constructs';
import { base, dev, prod, staging } from '../environments';
import { applicationOptions, defineBase, defineEnvironment, EnvironmentInput, platformBuild, StorageSettings } from '../tools/kit';
import { renderApp } from '../tools/synth/render';
import { APP_IMAGES, at, Manifest, objectsOf, renderEnvironment, TEST_FILE_DEFAULTS, TEST_STORAGE as LOCAL, testEnvironment, TestOverrides as Overrides } from './helpers';

type Input = EnvironmentInput<typeof healthxcape.apps, typeof healthxcape.images>;

/** Define and render an environment; every problem as `file | application | field | message`. */
function problemsOf(overrides: Overrides, raw = false): string[] {
  try {
    const env = raw ? defineEnvironment(base, { source: `environments/${overrides.name}.ts`, ...(overrides as Input) }) : testEnvironment(overrides);
    for (const app of platformBuild(healthxcape, [env])('dist') as Iterable<App>) renderApp(app);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file} | ${p.application ?? '-'} | ${p.field} | ${p.message}`);
    throw e;
  }
  return [];
}

/** The rendered Deployment of `app` in a reference environment. */
function deployment(env: typeof dev, app: string): Manifest {
  const found = objectsOf(renderEnvironment(env)).find((o) => o.object.kind === 'Deployment' && o.object.metadata.name === app)?.object;
  if (found === undefined) throw new Error(`no Deployment ${app} in ${env.name}`);
  return found;
}

describe('defineEnvironment', () => {
  test('layers the catalog, the base, the environment file, then the per-application override', () => {
    // base: 1 replica; prod: 3 for every workload; identity-service: its own memory limit on top of prod's resources.
    expect(at(deployment(dev, 'identity-service'), 'spec.replicas')).toBe(1);
    expect(at(deployment(prod, 'user-service'), 'spec.replicas')).toBe(3);
    expect(at(deployment(prod, 'identity-service'), 'spec.template.spec.containers.0.resources')).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '768Mi' },
    });
  });

  test('where the environment sets nothing, the runtime preset applies (node: 100m/128Mi, 500m/256Mi)', () => {
    expect(at(deployment(dev, 'blog-service'), 'spec.template.spec.containers.0.resources')).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
  });

  test('arrays in an environment replace the catalog array (hosts)', () => {
    expect(applicationOptions(prod, 'frontend').value.hosts).toEqual(['healthxcape.com', 'www.healthxcape.com', 'auth.healthxcape.com']);
    expect(applicationOptions(dev, 'frontend').value.hosts).toEqual(['dev.healthxcape.com', 'auth.dev.healthxcape.com']);
  });

  test('an object whose mode changes replaces the one below (prod Kafka pools)', () => {
    expect(applicationOptions(prod, 'kafka').value.nodePools).toEqual({ mode: 'separate', controllers: 3, brokers: 3 });
    expect(applicationOptions(staging, 'kafka').value.nodePools).toEqual({ mode: 'dual-role', nodes: 3 });
  });

  test('an override restating or changing a mode that tags no variants merges (gitops.mode alone)', () => {
    const env = testEnvironment({ name: 'dev', stage: 'development', gitops: { mode: 'applicationset' } });
    expect(env.gitops).toEqual({ ...dev.gitops, mode: 'applicationset' });
  });

  test('an override selecting another variant of a tagged union replaces it (storage, Kafka pools, credentials)', () => {
    const env = testEnvironment({ name: 'dev', stage: 'development', storage: { mode: 'dynamic', storageClassName: 'gp3' } });
    expect(env.cluster.storage).toEqual({ mode: 'dynamic', storageClassName: 'gp3' });
    const cnpg = testEnvironment({ name: 'dev', stage: 'development', defaults: { 'service-with-postgres': { database: { engine: 'cloudnative-pg', credentials: { mode: 'cnpg' } } } }, apps: { 'user-service': { database: { credentials: { mode: 'existing-secret', secretName: 'users-db' } } } } });
    expect(applicationOptions(cnpg, 'user-service').value.database).toEqual({ databaseName: 'users', engine: 'cloudnative-pg', credentials: { mode: 'existing-secret', secretName: 'users-db' } });
  });

  test('kind defaults apply to every application of the kind (prod databases on CloudNativePG)', () => {
    for (const service of ['identity-service', 'user-service', 'blog-service']) {
      expect(applicationOptions(prod, service).value.database).toMatchObject({ engine: 'cloudnative-pg', instances: 3 });
      expect(applicationOptions(dev, service).value.database).not.toHaveProperty('engine');
    }
  });

  test('returns a frozen configuration', () => {
    expect(Object.isFrozen(prod)).toBe(true);
    expect(Object.isFrozen(prod.layers)).toBe(true);
  });

  test('prod runs more replicas and larger resources than dev for every workload', () => {
    for (const app of APP_IMAGES) {
      const d = at(deployment(dev, app), 'spec.template.spec.containers.0.resources') as Record<'requests' | 'limits', Record<'cpu' | 'memory', string>>;
      const p = at(deployment(prod, app), 'spec.template.spec.containers.0.resources') as typeof d;
      expect(at(deployment(prod, app), 'spec.replicas')).toBeGreaterThan(at(deployment(dev, app), 'spec.replicas') as number);
      for (const kind of ['requests', 'limits'] as const) {
        for (const what of ['cpu', 'memory'] as const) expect(parseQuantity(p[kind][what])).toBeGreaterThan(parseQuantity(d[kind][what]) as number);
      }
    }
  });

  test('every environment pins every application image in its own file', () => {
    for (const env of [dev, staging, prod]) {
      const file = env.layers[env.layers.length - 1];
      for (const app of APP_IMAGES) expect(at(file?.value, `images.${app}.tag`)).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  });

  test('the file an environment is defined in is the module that called defineEnvironment', () => {
    expect(dev.source).toBe('environments/dev.ts');
    expect(base.layers[0]?.file).toBe('environments/base.ts');
    expect(healthxcape.source).toBe('charts/healthxcape.ts');
  });

  describe('refuses mistakes with the file, the application and the field', () => {
    test('replicas: 0', () => {
      expect(problemsOf({ name: 'prod', stage: 'production', apps: { frontend: { replicas: 0 } } })).toEqual([
        'environments/prod.ts | frontend | apps.frontend.replicas | must be an integer between 1 and 1000',
      ]);
    });

    test('an invalid host name', () => {
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

    test('a missing tag in staging names the environment file (the catalog pins no application tag)', () => {
      const images = { 'frontend': { tag: 'v1.0.0' }, 'identity-service': { tag: 'v1.0.0' }, 'user-service': { tag: 'v1.0.0' } };
      expect(problemsOf({ name: 'staging', stage: 'staging', storage: LOCAL, images }, true)).toEqual([
        'environments/staging.ts | blog-service | images.blog-service.tag | is missing (an image without tag runs whatever `latest` is) (stage \'staging\')',
      ]);
    });

    test('an environment pins tags only for the applications it runs', () => {
      // GIVEN staging without the frontend and blog-service, and no tag for either
      const images = { 'identity-service': { tag: 'v1.0.0' }, 'user-service': { tag: 'v1.0.0' } };
      // THEN nothing is missing
      expect(problemsOf({ name: 'staging', stage: 'staging', storage: LOCAL, images, apps: { 'frontend': { enabled: false }, 'blog-service': { enabled: false } } }, true)).toEqual([]);
    });

    test('an application another one uses cannot be disabled alone', () => {
      expect(problemsOf({ name: 'staging', stage: 'staging', apps: { 'blog-service': { enabled: false } } })).toEqual([
        "environments/staging.ts | frontend | apps.blog-service.enabled | 'frontend' uses application 'blog-service', which environment 'staging' does not run",
      ]);
    });

    test('wrong types (tsx runs without type checks)', () => {
      const overrides = { name: 'dev', stage: 'development', apps: { 'user-service': { replicas: '3' }, 'kafka': { metrics: 'yes' } } } as unknown as Overrides;
      expect(problemsOf(overrides)).toEqual([
        "environments/dev.ts | kafka | apps.kafka.metrics | must be true or false, or { exporter: 'jmx-prometheus' }",
        'environments/dev.ts | user-service | apps.user-service.replicas | must be a number',
      ]);
    });

    test('unknown settings are refused with a spelling hint (a typo would otherwise be ignored)', () => {
      const overrides = {
        name: 'dev', stage: 'development', registryMirorr: 'mirror.internal:5000',
        apps: { 'identty-service': { replicas: 2 }, 'user-service': { replica: 0 }, 'frontend': { nodeport: 30080 }, 'kafka': { nodePools: { mode: 'separate', controllers: 3, brokers: 3, nodes: 3 } } },
        images: { 'postgress': { tag: '16' } },
      } as unknown as Overrides;
      expect(problemsOf(overrides).sort()).toEqual([
        'environments/dev.ts | - | registryMirorr | is not a setting of an environment (a typo would otherwise be silently ignored)',
        "environments/dev.ts | frontend | apps.frontend.nodeport | is not a setting of application 'frontend' (a typo would otherwise be silently ignored)",
        "environments/dev.ts | identty-service | apps.identty-service | is not an application of platform 'healthxcape'",
        'environments/dev.ts | kafka | apps.kafka.nodePools.nodes | is not a setting of nodePools (a typo would otherwise be silently ignored)',
        "environments/dev.ts | postgress | images.postgress | is not an image of platform 'healthxcape' (applications with an image of their own, and the platform's images)",
        "environments/dev.ts | user-service | apps.user-service.replica | is not a setting of application 'user-service' (a typo would otherwise be silently ignored)",
      ]);
    });

    test('an unknown setting names the closest one in its fix', () => {
      const fixes = (overrides: Overrides): string[] => {
        try {
          testEnvironment(overrides);
        } catch (e) {
          return (e as ConfigError).problems.map((p) => p.fix);
        }
        return [];
      };
      expect(fixes({ name: 'dev', stage: 'development', apps: { 'user-service': { replica: 0 } } } as unknown as Overrides)[0]).toMatch(/^rename it to 'replicas'; allowed here: name, component, runtime, /);
      expect(fixes({ name: 'dev', stage: 'development', apps: { 'identty-service': {} } } as unknown as Overrides)[0]).toMatch(/^rename it to 'identity-service'; applications of the platform: strimzi-operator, /);
      expect(fixes({ name: 'dev', stage: 'development', registryMirorr: 'x' } as unknown as Overrides)[0]).toMatch(/^rename it to 'registryMirror'/);
    });

    test('every problem of the environment file is reported at once', () => {
      const problems = problemsOf({
        name: 'prod', stage: 'production',
        apps: { 'frontend': { replicas: 0 }, 'identity-service': { nodePort: 80 } },
        storage: { ...LOCAL, root: 'relative' },
      });
      expect(problems.map((p) => p.split(' | ')[2]).sort()).toEqual(['apps.frontend.replicas', 'apps.identity-service.nodePort', 'storage.root']);
    });

    test.each<[string, Overrides, RegExp]>([
      ['an environment name that is not a DNS label', { name: 'Prod_1', stage: 'production' }, /\| name \| must be a DNS-1123 label/],
      ['an unknown stage', { name: 'qa', stage: 'qa' as never }, /\| stage \| must be one of 'development', 'staging', 'production'/],
      ['the default namespace', { name: 'dev', stage: 'development', namespace: 'default' }, /workloads must not run in the 'default' namespace/],
      ['an unknown pull policy', { name: 'dev', stage: 'development', imagePullPolicy: 'Sometimes' as never }, /imagePullPolicy \| must be one of 'Always', 'IfNotPresent', 'Never'/],
      ['a registry mirror with a scheme', { name: 'dev', stage: 'development', registryMirror: 'https://mirror' }, /registryMirror \| must be a registry host/],
      ['cnpg credentials with the statefulset engine', { name: 'dev', stage: 'development', defaults: { 'service-with-postgres': { database: { credentials: { mode: 'cnpg' } } } } }, /defaults.service-with-postgres.database.credentials \| .*'cnpg' credentials are generated by CloudNativePG/],
      ['an even dual-role pool', { name: 'dev', stage: 'development', apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 2 } } } }, /apps.kafka.nodePools.nodes \| .*dual-role pool: 2 controllers is an even number/],
      ['min.insync.replicas equal to replicas', { name: 'staging', stage: 'staging', apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2, minInsyncReplicas: 2 } } }, /apps.kafka.minInsyncReplicas \| .*min.insync.replicas 2 must be lower than replicas 2/],
      ['an unsupported Kafka version', { name: 'prod', stage: 'production', apps: { kafka: { version: '4.0.0' } } }, /apps.kafka.version \| .*Kafka 4.0.0 is not supported by Strimzi 1.2.0/],
      ['a secret literal in env', { name: 'dev', stage: 'development', apps: { 'blog-service': { env: { JWT_SECRET: 'x' } } } }, /blog-service \| apps.blog-service.env.JWT_SECRET \| 'JWT_SECRET' looks like a secret/],
      ['a memory request above the limit', { name: 'dev', stage: 'development', apps: { frontend: { resources: { requests: { memory: '1Gi' } } } } }, /apps.frontend.resources.requests.memory \| .*request 1Gi is larger than the limit 256Mi/],
      ['a chart repository that is not a URL', { name: 'dev', stage: 'development', apps: { 'strimzi-operator': { repoURL: 'strimzi-charts' } } }, /apps.strimzi-operator.repoURL \| must be a chart repository URL/],
      ['a value set in the base is named in the base', { name: 'dev', stage: 'development', gitops: { branch: '../rendered' } }, /environments\/dev.ts \| - \| gitops.branch \| must be a valid git branch name/],
    ])('%s', (_what, overrides, message) => {
      expect(problemsOf(overrides).join('\n')).toMatch(message);
    });
  });
});

describe('the file a value came from', () => {
  test('a value the shared base sets is reported in the base, not in the environment file', () => {
    // GIVEN a base whose memory request is above the node preset's 256Mi limit
    const shared = defineBase(healthxcape, { source: 'environments/base.ts', gitops: dev.gitops, workloadDefaults: { resources: { requests: { memory: '1Gi' } } } });
    const env = defineEnvironment(shared, { source: 'environments/dev.ts', name: 'dev', stage: 'development', storage: LOCAL });
    // WHEN it is built
    const found = (() => {
      try {
        for (const app of platformBuild(healthxcape, [env])('dist') as Iterable<App>) renderApp(app);
      } catch (e) {
        return (e as ConfigError).problems[0];
      }
      return undefined;
    })();
    // THEN the base is named, with the field as the base writes it
    expect(found).toMatchObject({ file: 'environments/base.ts', field: 'workloadDefaults.resources.requests.memory' });
    expect(found?.message).toMatch(/request 1Gi is larger than the limit 256Mi/);
  });

  test('a value only the catalog sets is reported in the catalog', () => {
    const env = testEnvironment({ name: 'dev', stage: 'development' });
    expect(applicationOptions(env, 'user-service').locate('port')).toEqual({ file: 'charts/healthxcape.ts', field: 'user-service.port' });
    expect(applicationOptions(prod, 'identity-service').locate('resources.limits.memory')).toEqual({ file: 'environments/prod.ts', field: 'apps.identity-service.resources.limits.memory' });
    expect(applicationOptions(prod, 'identity-service').locate('resources.requests.cpu')).toEqual({ file: 'environments/prod.ts', field: 'workloadDefaults.resources.requests.cpu' });
    expect(applicationOptions(dev, 'identity-service').locate('replicas')).toEqual({ file: 'environments/base.ts', field: 'workloadDefaults.replicas' });
  });
});

describe('storage', () => {
  test('local storage must name its nodes (tsx does not type-check: the runtime check catches it)', () => {
    const storage = { mode: 'local', storageClassName: 'local-storage', root: '/mnt/data' } as unknown as StorageSettings;
    expect(problemsOf({ name: 'dev', stage: 'development', images: TEST_FILE_DEFAULTS.images, storage }, true)).toEqual([
      'environments/dev.ts | - | storage.nodes | is missing (must be a list)',
    ]);
  });

  test('node names must be host names, each listed once', () => {
    expect(problemsOf({ name: 'dev', stage: 'development', storage: { ...LOCAL, nodes: ['node-1', 'Node_2', 'node-1'] } })).toEqual([
      expect.stringMatching(/^environments\/dev.ts \| - \| storage.nodes\[1\] \| must be a DNS-1123 subdomain.*kubernetes.io\/hostname label/),
      'environments/dev.ts | - | storage.nodes[2] | node "node-1" is listed twice',
    ]);
  });

  test('a volume claimed where no storage is declared is an error naming the file to fix', () => {
    const input = deepMerge<Overrides>({ name: 'dev', stage: 'development' }, {});
    expect(problemsOf({ ...input, storage: undefined } as Overrides, true).join('\n'))
      .toMatch(/^environments\/dev.ts \| [a-z-]+ \| storage \| '[a-z-]+' claims a persistent volume \([a-z-]+\/data-[a-z0-9-]+, \d+Gi\), but cluster 'dev' declares no storage$/m);
  });

  test('prod spreads its replicated volumes over three nodes, dev keeps its single worker', () => {
    expect(prod.cluster.storage).toMatchObject({ mode: 'local', nodes: [expect.any(String), expect.any(String), expect.any(String)] });
    expect(dev.cluster.storage).toMatchObject({ mode: 'local', nodes: ['ip-10-1-91-144'] });
    expect(staging.cluster.storage).toEqual({ mode: 'dynamic', storageClassName: 'local-path' });
  });
});
