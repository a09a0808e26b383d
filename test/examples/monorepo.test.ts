/**
 * The monorepo platform (examples/monorepo, seed 002): every component renders, the ApplicationSet's generated
 * Applications pass their project, and the seed's mistakes are clear errors.
 */
import { App } from 'cdk8s';
import * as cnpg from '../../imports/postgresql.cnpg.io';
import { ApplicationChart, DEFAULT_CONTEXT, generatedApplications, ProjectPermissions, projectProblems } from '../../constructs';
import { build, environments } from '../../examples/monorepo/main';
import { monorepo } from '../../examples/monorepo/platform';
import { defineBase, defineEnvironment, definePlatform, platformBuild, sharedPostgres, temporalServer } from '../../tools/kit';
import { renderApp } from '../../tools/synth/render';
import { validateEnvironments } from '../../tools/validate';
import { at, Manifest, objectsOf, renderPlatform } from '../helpers';

const rendered = renderPlatform({ build });
const dev = rendered.find((e) => e.name === 'dev');
const objects = dev === undefined ? [] : objectsOf(dev).map((o) => o.object);
const find = (kind: string, name: string): Manifest | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('monorepo platform', () => {
  test('renders every component of the seed in dev', () => {
    expect(find('ClusterIssuer', 'selfsigned-cluster-issuer')?.spec).toEqual({ ca: { secretName: 'selfsigned-ca' } });
    expect(find('ClusterGenerator', 'password-64-length')?.spec).toMatchObject({ kind: 'Password', generator: { passwordSpec: { length: 64, symbols: 0 } } });
    expect(at(find('Cluster', 'cnpg-cluster'), 'spec.postgresql.shared_preload_libraries')).toEqual(['supabase_vault']);
    expect(at(find('Kafka', 'kafka-cluster'), 'spec.kafka.listeners.1.configuration.brokers.0.advertisedHost')).toBe('broker0.127.0.0.1.nip.io');
    expect(at(find('GRPCRoute', 'temporal'), 'spec.hostnames')).toEqual(['temporal-server.127.0.0.1.nip.io']);
    expect(at(find('HTTPRoute', 'temporal-ui'), 'spec.parentRefs')).toEqual([{ name: 'cilium-gateway', namespace: 'gateway' }]);
    for (const name of ['kafka-ui', 'maildev', 'minio', 'socat-auth', 'temporal', 'temporal-ui']) {
      expect(objects.some((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === name)).toBe(true);
    }
    const argo = objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name).sort();
    expect(argo).toEqual(['dev-cert-manager', 'dev-cnpg-operator', 'dev-external-secrets', 'dev-reflector', 'dev-root', 'dev-strimzi-operator']);
  });

  test('validation finds nothing to refuse in any environment', () => {
    expect(validateEnvironments(rendered).errors.map((f) => `${f.application} ${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
  });

  test.each(environments.map((e) => e.name))('%s: every Application the ApplicationSet generates is allowed by its project', (name) => {
    // GIVEN the rendered directories of the environment and its Argo CD objects
    const env = rendered.find((e) => e.name === name);
    const all = env === undefined ? [] : objectsOf(env).map((o) => o.object);
    const set = all.find((o) => o.kind === 'ApplicationSet');
    const projects = new Map(all.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name, p.spec as ProjectPermissions]));
    const directories = (env?.applications ?? []).filter((a) => a.name !== 'argocd' && a.objects.length > 0).map((a) => `${name}/${a.name}`);
    // WHEN the set is expanded as Argo CD would
    const generated = generatedApplications(set as never, directories);
    // THEN there is one per directory and each passes its project's sources and destinations
    expect(generated.map((g) => g.name).sort()).toEqual(directories.map((d) => d.replace('/', '-')).sort());
    for (const g of generated) expect({ app: g.name, problems: projectProblems(projects.get(g.project) ?? {}, g) }).toEqual({ app: g.name, problems: [] });
  });

  test('a service referencing a database the shared cluster does not declare is a clear error', () => {
    // GIVEN a catalog whose Temporal asks for a database the cluster lacks (a cast: the types refuse it)
    const apps = { ...monorepo.apps } as Record<string, unknown>;
    const postgres = sharedPostgres({ name: 'cnpg-cluster', namespace: 'services', image: { description: 'image', resolveIn: () => ({ repository: 'ghcr.io/voltade/postgres', tag: '17.5' }) }, passwordGenerator: monorepo.apps['password-generator'], databases: { temporal: {} } });
    apps.common = postgres;
    apps.temporal = temporalServer({ image: { repository: 'temporalio/auto-setup', tag: '1.26.2' }, namespace: 'services', database: postgres.database('temporal'), visibilityDatabase: postgres.database('visibility' as 'temporal') });
    delete apps['temporal-ui'];
    const platform = definePlatform({ name: 'broken', apps: apps as typeof monorepo.apps, source: 'examples/monorepo/platform.ts' });
    const env = defineEnvironment(defineBase(platform, { namespace: 'services', storage: { mode: 'dynamic', storageClassName: 'standard' }, gitops: { repoURL: 'https://github.com/acme/r.git', branch: 'rendered' } }), { name: 'dev', stage: 'development' });
    // WHEN / THEN
    expect(() => [...(platformBuild(platform, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app)))
      .toThrow(/application 'temporal'.*uses database 'visibility', which shared PostgreSQL cluster 'cnpg-cluster' does not declare \(databases: temporal\)/s);
  });

  test('a snake_case key passed to an imported class is never dropped: kept when it is the JSON name, a clear error when it is not', () => {
    // GIVEN the seed's keys written as YAML into the generated binding: one is CloudNativePG's JSON name, one is not
    const app = new App({ outdir: '/tmp/platform-synth-test/dev' });
    const chart = new ApplicationChart(app, 'common', { context: { ...DEFAULT_CONTEXT, environment: 'dev' }, namespace: 'services', version: '1' });
    new cnpg.Cluster(chart, 'c', {
      metadata: { name: 'pg' },
      spec: { instances: 1, enable_superuser_access: false, postgresql: { shared_preload_libraries: ['supabase_vault'] } } as unknown as cnpg.ClusterSpec,
    });
    // WHEN rendered and validated
    const [env] = renderApp(app);
    const cluster = env?.applications.flatMap((a) => a.objects).find((o) => o.object.kind === 'Cluster')?.object;
    const findings = validateEnvironments(renderApp(app)).errors.filter((f) => f.rule.startsWith('schema/'));
    // THEN shared_preload_libraries reaches the manifest, and the unknown key is refused naming the typed field
    expect(at(cluster, 'spec.postgresql.shared_preload_libraries')).toEqual(['supabase_vault']);
    expect(findings.map((f) => `${f.rule} ${f.message} ${f.fix}`).join('\n')).toMatch(/enable_superuser_access[\s\S]*enableSuperuserAccess/);
  });
});
