/**
 * The corpus of valid but unusual inputs: each renders and validates with 0 errors (a check that refused them
 * would be wrong).
 */
import { App } from 'cdk8s';
import { healthxcape } from '../../../charts';
import { platformBuild } from '../../../tools/kit';
import { renderApp } from '../../../tools/synth/render';
import { validateEnvironments } from '../../../tools/validate';
import { notSecret } from '../../../constructs';
import { TEST_STORAGE, testEnvironment, TestOverrides } from '../../helpers';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

const CASES: readonly [string, TestOverrides][] = [
  ['an override that restates a mode alone (gitops)', { name: 'dev', stage: 'development', gitops: { mode: 'applicationset' } }],
  ['an override that restates the same variant of a union (Kafka pools)', { name: 'staging', stage: 'staging', apps: { kafka: { nodePools: { mode: 'dual-role', nodes: 3 }, defaultReplicas: 2 } } }],
  ['ApplicationSet mode in production', { name: 'prod', stage: 'production', gitops: { mode: 'applicationset' }, storage: { ...TEST_STORAGE, nodes: ['a', 'b', 'c'] } }],
  ['a floating tag pinned by a digest in production', { name: 'prod', stage: 'production', images: { frontend: { tag: 'latest', digest: DIGEST } }, storage: { ...TEST_STORAGE, nodes: ['a', 'b', 'c'] } }],
  ['a digest without a tag in staging', { name: 'staging', stage: 'staging', images: { frontend: { digest: DIGEST } } }],
  ['an operator run although nothing uses it', { name: 'dev', stage: 'development', apps: { 'cnpg-operator': { enabled: true } } }],
  ['an application disabled with the one that used it', { name: 'staging', stage: 'staging', apps: { 'frontend': { enabled: false }, 'blog-service': { enabled: false } } }],
  ['a variable named like a secret that only names where one is', { name: 'dev', stage: 'development', workloadDefaults: { env: { TOKEN_TTL: '3600', SECRET_FILE: '/var/run/secrets/app' } } }],
  ['a registry mirror with a path', { name: 'staging', stage: 'staging', registryMirror: 'harbor.example.com/mirror' }],
  ['production on a dynamic provisioner', { name: 'prod', stage: 'production', storage: { mode: 'dynamic', storageClassName: 'gp3' } }],
  ['a per-application override that contradicts its kind defaults', { name: 'prod', stage: 'production', storage: { ...TEST_STORAGE, nodes: ['a', 'b', 'c'] }, defaults: { 'service-with-postgres': { database: { engine: 'cloudnative-pg', credentials: { mode: 'cnpg' } } } }, apps: { 'blog-service': { database: { engine: 'statefulset', credentials: { mode: 'generated' } } } } }],
  ['existing-secret credentials with CloudNativePG', { name: 'dev', stage: 'development', apps: { 'cnpg-operator': { enabled: 'when-used' } }, defaults: { 'service-with-postgres': { database: { engine: 'cloudnative-pg', credentials: { mode: 'existing-secret', secretName: 'platform-db' } } } } }],
  ['one replica in production for a workload that must not scale', { name: 'prod', stage: 'production', storage: { ...TEST_STORAGE, nodes: ['a', 'b', 'c'] }, apps: { 'blog-service': { replicas: 1 } } }],
  ['a TLS Kafka listener for one client', { name: 'dev', stage: 'development', apps: { 'user-service': { kafka: { listener: 'tls' } } } }],
  ['a variable named like a secret, marked notSecret with a reason', { name: 'dev', stage: 'development', workloadDefaults: { env: { CACHE_KEY: notSecret('sessions:', 'a Redis key prefix, not a credential') } } }],
  ['a rendered repository read over SSH with a user name only', { name: 'dev', stage: 'development', gitops: { repoURL: 'ssh://git@github.com/healthxcape/platform-config.git' } }],
  ['a public CA certificate in env', { name: 'dev', stage: 'development', apps: { 'user-service': { env: { CA_CERT: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----' } } } }],
  ['Helm values that reference an existing Secret', { name: 'prod', stage: 'production', storage: { ...TEST_STORAGE, nodes: ['a', 'b', 'c'] }, apps: { 'strimzi-operator': { values: { auth: { existingSecret: 'strimzi-auth', passwordKey: 'password' } } } } }],
  ['quantities written in a non-canonical form', { name: 'dev', stage: 'development', apps: { 'user-service': { resources: { requests: { cpu: '0.1', memory: '0.125Gi' }, limits: { cpu: '0.5', memory: '512Mi' } } } } }],
  ['an external API and an external database declared once', { name: 'dev', stage: 'development', externalNamespaces: ['billing'], externalServices: ['billing-api.billing:8080', 'postgres://reports.db.example.com:5432'], workloadDefaults: { env: { BILLING_URL: 'http://billing-api.billing:8080', REPORTS_DB: 'postgres://reports.db.example.com:5432/reports' } } }],
  ['a management port for probes', { name: 'dev', stage: 'development', apps: { 'user-service': { healthCheck: { path: '/profiles/health', port: 9464 } } } }],
];

test.each(CASES)('%s', (_title, overrides) => {
  // GIVEN the input WHEN it is defined, built and validated
  const env = testEnvironment(overrides);
  const rendered = [...(platformBuild(healthxcape, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
  // THEN nothing is refused
  expect(validateEnvironments(rendered).errors.map((f) => `${f.application} ${f.kind}/${f.name} ${f.rule}: ${f.message}`)).toEqual([]);
});
