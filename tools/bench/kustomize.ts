/**
 * The Kustomize side of the benchmark: an equivalent tree (one base per service with its Deployment,
 * Service, ConfigMap, PostgreSQL StatefulSet and headless Service; one overlay per environment setting the
 * namespace, every image tag and a replica patch per service) rendered with `kubectl kustomize`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toYaml } from '../synth/yaml';
import { serviceName } from './platform';

/** The kubectl version string, or `undefined` when kubectl is not installed. */
export function kubectlVersion(): string | undefined {
  try {
    const out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').filter((l) => l.trim()).join('; ');
  } catch {
    return undefined;
  }
}

function serviceObjects(name: string): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const dbLabels = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': `${name}-postgres` };
  const container = (image: string, port: number): Record<string, unknown> => ({
    name: 'main', image, ports: [{ name: 'http', containerPort: port }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true },
  });
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ ...container(`healthxcape/${name}:v1.0.0`, 3000), envFrom: [{ configMapRef: { name: `${name}-config` } }] }] } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 3000, targetPort: 'http' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, labels }, data: { DATABASE_HOST: `${name}-postgres`, KAFKA_BROKERS: 'platform-kafka-kafka-bootstrap.kafka:9092', KAFKA_ENABLED: 'true' } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: `${name}-postgres`, labels: dbLabels }, spec: { serviceName: `${name}-postgres`, replicas: 1, selector: { matchLabels: dbLabels }, template: { metadata: { labels: dbLabels }, spec: { containers: [container('postgres:15-alpine', 5432)] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-postgres`, labels: dbLabels }, spec: { clusterIP: 'None', selector: dbLabels, ports: [{ name: 'postgres', port: 5432, targetPort: 5432 }] } },
  ];
}

/** Write the Kustomize tree for `services` services and `environments` into `root`; returns the overlay dirs. */
export function writeKustomizeTree(root: string, services: number, environments: readonly { name: string; replicas: number; tag: string }[]): string[] {
  fs.rmSync(root, { recursive: true, force: true });
  const names = Array.from({ length: services }, (_, i) => serviceName(i + 1));
  for (const name of names) {
    const dir = path.join(root, 'base', name);
    fs.mkdirSync(dir, { recursive: true });
    const files = serviceObjects(name).map((o, i) => {
      const file = `${i}-${String(o.kind).toLowerCase()}.yaml`;
      fs.writeFileSync(path.join(dir, file), toYaml(o));
      return file;
    });
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files }));
  }
  return environments.map((env) => {
    const dir = path.join(root, 'overlays', env.name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'healthxcape',
      labels: [{ pairs: { environment: env.name } }],
      resources: names.map((n) => `../../base/${n}`),
      images: names.map((n) => ({ name: `healthxcape/${n}`, newTag: env.tag })),
      patches: names.map((n) => ({
        target: { kind: 'Deployment', name: n },
        patch: `- op: replace\n  path: /spec/replicas\n  value: ${env.replicas}\n`,
      })),
    }));
    return dir;
  });
}
