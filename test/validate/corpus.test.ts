/**
 * A corpus of bad inputs, each run through the real synth command (in process) against an output directory
 * that holds a good previous synth. Every case must fail with its own clear message (environment,
 * application, object and field where applicable), print no stack trace, and leave the output tree
 * byte-identical.
 *
 * Two families: (i) bad environment values or construct props, rejected while building; (ii) objects only the
 * validator catches: the real reference platform with one rendered object patched, or one raw object added.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonPatch } from 'cdk8s';
import { healthxcape } from '../../charts';
import { ApplicationChart } from '../../constructs';
import { platformBuild } from '../../tools/kit';
import { CommandIO } from '../../tools/cli/run';
import { synthCommand } from '../../tools/cli/synth';
import type { BuildFunction } from '../../tools/synth';
import { addObject, chartOf, Json, Mutation, patch, readTree, referenceBuild, rewrite } from '../fixtures/platform';
import { testEnvironment, TestOverrides } from '../helpers';

interface CorpusCase {
  /** What is wrong. */
  readonly title: string;
  readonly build: BuildFunction;
  /** Each must match one line of the command's output. */
  readonly expected: readonly RegExp[];
  /** Text that must not appear in the output (a secret value). */
  readonly secret?: string;
}

/** (i) An environment file with these overrides (on the shared defaults). */
function environmentFile(overrides: Record<string, unknown>): BuildFunction {
  return (outdir) => platformBuild(healthxcape, [testEnvironment(overrides as unknown as TestOverrides)])(outdir);
}

/** (ii) The reference platform of one environment with `mutation` applied. */
function platform(env: 'dev' | 'staging' | 'prod', mutation: Mutation): BuildFunction {
  return referenceBuild(mutation, [env]);
}

const DEPLOYMENT = ['identity-service', 'Deployment', 'identity-service'] as const;
const CONTAINER = '/spec/template/spec/containers/0';
const labels = { 'app.kubernetes.io/name': 'broken', 'app.kubernetes.io/instance': 'broken', 'app.kubernetes.io/component': 'test' };

const CASES: readonly CorpusCase[] = [
  // ---- (i) rejected while building: environment values and construct props ----
  {
    title: 'wrong type in an environment file',
    build: environmentFile({ name: 'prod', stage: 'production', workloadDefaults: { replicas: 'three' } }),
    expected: [/environments\/prod\.ts \(environment 'prod'\), field 'workloadDefaults\.replicas': must be a number \(got "three"\)\. Fix: /],
  },
  {
    title: 'out-of-range node port',
    build: environmentFile({ name: 'dev', stage: 'development', apps: { 'identity-service': { nodePort: 80 } } }),
    expected: [/environments\/dev\.ts \(environment 'dev'\), application 'identity-service', field 'apps\.identity-service\.nodePort': must be an integer between 30000 and 32767 \(got 80\)/],
  },
  {
    title: 'missing required value (no repository URL)',
    build: environmentFile({ name: 'staging', stage: 'staging', gitops: { repoURL: null } }),
    expected: [/environments\/staging\.ts \(environment 'staging'\), field 'gitops\.repoURL': must be a string \(got null\)/],
  },
  {
    title: 'unsupported Kafka version',
    build: environmentFile({ name: 'prod', stage: 'production', apps: { kafka: { version: '3.9.0' } } }),
    expected: [/environments\/prod\.ts \(environment 'prod'\), application 'kafka', field 'apps\.kafka\.version': KafkaPlatform 'platform-kafka': Kafka 3\.9\.0 is not supported by Strimzi 1\.2\.0/],
  },
  {
    title: 'secret value in an environment variable of the environment file',
    build: environmentFile({ name: 'prod', stage: 'production', workloadDefaults: { env: { DB_PASSWORD: 'hunter2' } } }),
    expected: [/field 'workloadDefaults\.env\.DB_PASSWORD': 'DB_PASSWORD' looks like a secret but carries a literal value; secret values must never be written to git \(got "<redacted>"\)/],
    secret: 'hunter2',
  },
  {
    title: 'floating image tag in production (environment file)',
    build: environmentFile({ name: 'prod', stage: 'production', images: { frontend: { tag: 'latest' } } }),
    expected: [/application 'frontend', field 'images\.frontend\.tag': 'latest' is a floating tag and may run a different build tomorrow \(stage 'production'\)/],
  },
  {
    title: 'invalid application name (construct props)',
    build: referenceBuild((app, env) => {
      new ApplicationChart(app, 'Payments_API', { context: (chartOf(app, 'frontend') as ApplicationChart).context, namespace: env.namespace, version: '1.0.0' });
    }, ['dev']),
    expected: [/environments\/dev\.ts \(environment 'dev'\), application 'Payments_API', field 'id': ApplicationChart 'Payments_API': 'id' must be a DNS-1123 label/],
  },

  // ---- (ii) only the validator catches these: schema ----
  {
    title: 'unknown field (typo in a Deployment)',
    build: platform('dev', rewrite(...DEPLOYMENT, (d) => {
      (d.spec as Json).replica = 2;
    })),
    expected: [/^ERROR \[schema\/unknown-field\] dev\/identity-service Deployment\/healthxcape\/identity-service spec\.replica: unknown field 'replica'.*\(got 2\)\. Fix: rename it to 'replicas'/],
  },
  {
    title: 'wrong type (Service port as a string)',
    build: platform('dev', patch('identity-service', 'Service', 'identity-service', JsonPatch.replace('/spec/ports/0/port', '3000'))),
    expected: [/^ERROR \[schema\/invalid\] dev\/identity-service Service\/healthxcape\/identity-service spec\.ports\[0\]\.port: must be integer, not a string \(got "3000"\)\. Fix: write the number without quotes: 3000/],
  },
  {
    title: 'missing required value (Deployment without selector)',
    build: platform('staging', patch('user-service', 'Deployment', 'user-service', JsonPatch.remove('/spec/selector'))),
    expected: [/^ERROR \[schema\/invalid\] staging\/user-service Deployment\/healthxcape\/user-service spec\.selector: required field 'selector' is missing/],
  },
  {
    title: 'out-of-range value (KafkaTopic with 0 partitions)',
    build: platform('prod', patch('kafka', 'KafkaTopic', 'identity-events', JsonPatch.replace('/spec/partitions', 0))),
    expected: [/^ERROR \[schema\/invalid\] prod\/kafka KafkaTopic\/kafka\/identity-events spec\.partitions: must be >= 1 .*\(got 0\)/],
  },
  {
    title: 'unknown kind',
    build: platform('dev', addObject('identity-service', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'widget', labels } })),
    expected: [/^ERROR \[schema\/unknown-kind\] dev\/identity-service Widget\/healthxcape\/widget kind: no schema for example\.com\/v1 Widget/],
  },
  {
    title: 'unsupported API version (PodDisruptionBudget policy/v1beta1)',
    build: platform('staging', rewrite('frontend', 'PodDisruptionBudget', 'frontend', (pdb) => {
      pdb.apiVersion = 'policy/v1beta1';
    })),
    expected: [/^ERROR \[schema\/unknown-kind\] staging\/frontend PodDisruptionBudget\/healthxcape\/frontend apiVersion: .*serve it as policy\/v1\) \(got "policy\/v1beta1"\)\. Fix: use apiVersion 'policy\/v1'/],
  },
  {
    title: 'invalid object name',
    build: platform('dev', addObject('identity-service', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Identity_Flags', labels }, data: {} })),
    expected: [/^ERROR \[schema\/metadata\] dev\/identity-service ConfigMap\/healthxcape\/Identity_Flags metadata\.name: name must be a DNS-1123 label/],
  },

  // ---- policy ----
  {
    title: 'secret in a container env var',
    build: platform('prod', patch(...DEPLOYMENT, JsonPatch.add(`${CONTAINER}/env/-`, { name: 'JWT_SECRET', value: 'supersecretvalue' }))),
    expected: [/^ERROR \[policy\/secret-env\] prod\/identity-service Deployment\/healthxcape\/identity-service spec\.template\.spec\.containers\[0\]\.env\[2\]\.value: container 'identity-service': 'JWT_SECRET' looks like a secret but carries a literal value \(got "<redacted>"\)/],
    secret: 'supersecretvalue',
  },
  {
    title: 'Secret with data',
    build: platform('dev', addObject('user-service', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'user-service-api', labels }, stringData: { token: 'abc123secret' } })),
    expected: [/^ERROR \[policy\/secret-data\] dev\/user-service Secret\/healthxcape\/user-service-api stringData: Secret carries values in stringData.*\(got \["token"\]\)/],
    secret: 'abc123secret',
  },
  {
    title: 'hostPath volume',
    build: platform('dev', patch(...DEPLOYMENT, JsonPatch.add('/spec/template/spec/volumes/-', { name: 'docker', hostPath: { path: '/var/run/docker.sock' } }))),
    expected: [/^ERROR \[policy\/host-access\] dev\/identity-service Deployment\/healthxcape\/identity-service spec\.template\.spec\.volumes\[1\]\.hostPath: hostPath volumes give the pod access to the node file system \(got "\/var\/run\/docker\.sock"\)/],
  },
  {
    title: 'privileged container',
    build: platform('staging', patch('blog-service', 'Deployment', 'blog-service', JsonPatch.replace(`${CONTAINER}/securityContext/privileged`, true))),
    expected: [/^ERROR \[policy\/host-access\] staging\/blog-service Deployment\/healthxcape\/blog-service spec\.template\.spec\.containers\[0\]\.securityContext\.privileged: container 'blog-service' is privileged/],
  },
  {
    title: 'floating image tag in production (rendered object)',
    build: platform('prod', patch(...DEPLOYMENT, JsonPatch.replace(`${CONTAINER}/image`, 'registry.healthxcape.internal:5000/docker.io/healthxcape/identity-service:latest'))),
    expected: [/^ERROR \[policy\/image-tag\] prod\/identity-service Deployment\/healthxcape\/identity-service spec\.template\.spec\.containers\[0\]\.image: image tag 'latest' is a floating tag and may run a different build tomorrow; production requires pinned images/],
  },
  {
    title: 'missing readiness probe',
    build: platform('prod', patch('frontend', 'Deployment', 'frontend', JsonPatch.remove(`${CONTAINER}/readinessProbe`))),
    expected: [/^ERROR \[policy\/probes\] prod\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.containers\[0\]\.readinessProbe: long-running container 'frontend' has no readinessProbe/],
  },
  {
    title: 'missing resource limits',
    build: platform('dev', patch(...DEPLOYMENT, JsonPatch.remove(`${CONTAINER}/resources/limits`))),
    expected: [/^ERROR \[policy\/resources\] dev\/identity-service Deployment\/healthxcape\/identity-service spec\.template\.spec\.containers\[0\]\.resources\.limits: container 'identity-service': limits must set cpu and memory/],
  },
  {
    title: 'sync wave that is not an integer string',
    build: platform('dev', patch('argocd', 'Application', 'dev-kafka', JsonPatch.replace('/metadata/annotations/argocd.argoproj.io~1sync-wave', 'after-strimzi'))),
    expected: [/^ERROR \[policy\/sync-wave\] dev\/argocd Application\/argocd\/dev-kafka metadata\.annotations\["argocd\.argoproj\.io\/sync-wave"\]: Argo CD sync waves must be integer strings \(got "after-strimzi"\)/],
  },
  {
    title: 'exemption without a reason',
    build: platform('dev', patch(...DEPLOYMENT, JsonPatch.add('/metadata/annotations', { 'policy.platform-synth.io/exempt-probes': '' }))),
    expected: [/^ERROR \[policy\/exemption\] dev\/identity-service Deployment\/healthxcape\/identity-service metadata\.annotations\["policy\.platform-synth\.io\/exempt-probes"\]: exemption from 'policy\/probes' gives no reason/],
  },

  // ---- cross-resource ----
  {
    title: 'duplicate name across applications',
    build: platform('dev', addObject('user-service', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'identity-service-config', labels }, data: {} })),
    expected: [/^ERROR \[ref\/duplicate-name\] dev\/user-service ConfigMap\/healthxcape\/identity-service-config metadata\.name: another ConfigMap named 'identity-service-config' in namespace 'healthxcape' is rendered by application 'identity-service'/],
  },
  {
    title: 'Service selecting nothing',
    build: platform('dev', patch('user-service', 'Service', 'user-service', JsonPatch.replace('/spec/selector/app.kubernetes.io~1instance', 'user-svc'))),
    expected: [/^ERROR \[ref\/service-selector\] dev\/user-service Service\/healthxcape\/user-service spec\.selector: selects no pod template in namespace 'healthxcape'/],
  },
  {
    title: 'Service target port the pods do not declare',
    build: platform('prod', rewrite('blog-service', 'Service', 'blog-service', (svc) => {
      ((svc.spec as Json).ports as Json[])[0]!.targetPort = 'https';
    })),
    expected: [/^ERROR \[ref\/service-port\] prod\/blog-service Service\/healthxcape\/blog-service spec\.ports\[0\]\.targetPort: target port "https" is not a container port of the selected pods of Deployment\/blog-service \(they declare: http \(3002\)\)/],
  },
  {
    title: 'Ingress to a missing port',
    build: platform('prod', patch('frontend', 'Ingress', 'frontend', JsonPatch.replace('/spec/rules/0/http/paths/0/backend/service/port/name', 'https'))),
    expected: [/^ERROR \[ref\/ingress-backend\] prod\/frontend Ingress\/healthxcape\/frontend spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.port\.name: Service 'frontend' has no port "https" \(its ports: http \(80\)\)/],
  },
  {
    title: 'Ingress to a missing Service',
    build: platform('staging', patch('frontend', 'Ingress', 'frontend', JsonPatch.replace('/spec/rules/1/http/paths/0/backend/service/name', 'web'))),
    expected: [/^ERROR \[ref\/ingress-backend\] staging\/frontend Ingress\/healthxcape\/frontend spec\.rules\[1\]\.http\.paths\[0\]\.backend\.service\.name: backend Service 'web' is not rendered in namespace 'healthxcape'/],
  },
  {
    title: 'PVC of local storage without a PersistentVolume',
    build: platform('dev', addObject('identity-service', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', resources: { requests: { storage: '5Gi' } } } })),
    expected: [/^ERROR \[ref\/storage\] dev\/identity-service PersistentVolumeClaim\/healthxcape\/uploads spec\.storageClassName: claim 'healthxcape\/uploads' .* uses the no-provisioner StorageClass 'local-storage', but no PersistentVolume is reserved for it/],
  },
  {
    title: 'PVC of a misspelt StorageClass (staging: the cluster provides local-path)',
    build: platform('staging', addObject('identity-service', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-pth', resources: { requests: { storage: '5Gi' } } } })),
    expected: [/^ERROR \[ref\/storage\] staging\/identity-service PersistentVolumeClaim\/healthxcape\/uploads spec\.storageClassName: claim 'healthxcape\/uploads' of PersistentVolumeClaim\/uploads uses StorageClass 'local-pth', which is neither rendered in this environment nor provided by the cluster \(rendered: none; provided by the cluster: local-path\), so it would stay Pending \(got "local-pth"\)\. Fix: use 'local-path'/],
  },
  {
    title: 'PVC of a misspelt StorageClass (prod: local-storage is rendered)',
    build: platform('prod', addObject('identity-service', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', labels }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-storge', resources: { requests: { storage: '5Gi' } } } })),
    expected: [/^ERROR \[ref\/storage\] prod\/identity-service PersistentVolumeClaim\/healthxcape\/uploads spec\.storageClassName: claim 'healthxcape\/uploads' of PersistentVolumeClaim\/uploads uses StorageClass 'local-storge', which is neither rendered in this environment nor provided by the cluster \(rendered: local-storage; provided by the cluster: none\), so it would stay Pending \(got "local-storge"\)\. Fix: use 'local-storage'/],
  },
  {
    title: 'StatefulSet claim template without StorageClass where the environment declares its classes',
    build: platform('dev', patch('user-service', 'StatefulSet', 'user-service-postgres', JsonPatch.remove('/spec/volumeClaimTemplates/0/spec/storageClassName'))),
    expected: [/^ERROR \[ref\/storage\] dev\/user-service StatefulSet\/healthxcape\/user-service-postgres spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName: claim template 'data' of StatefulSet\/user-service-postgres names no StorageClass, so it gets the cluster's default class, which this environment does not declare \(rendered: local-storage; provided by the cluster: none; none is marked default\).*Fix: set the StorageClass to 'local-storage'/],
  },
  {
    title: 'local PersistentVolume without node affinity',
    build: platform('dev', rewrite('local-storage', 'PersistentVolume', 'healthxcape-data-blog-service-postgres-0', (pv) => {
      delete (pv.spec as Json).nodeAffinity;
    })),
    expected: [/^ERROR \[ref\/storage\] dev\/local-storage PersistentVolume\/healthxcape-data-blog-service-postgres-0 spec\.nodeAffinity: local PersistentVolume of the no-provisioner class 'local-storage' has no required node affinity, so the API server refuses it/],
  },
  {
    title: 'Deployment selector that does not match its pods',
    build: platform('prod', patch('frontend', 'Deployment', 'frontend', JsonPatch.replace('/spec/selector/matchLabels/app.kubernetes.io~1instance', 'web'))),
    expected: [/^ERROR \[schema\/structure\] prod\/frontend Deployment\/healthxcape\/frontend spec\.selector\.matchLabels: selector does not match template labels \(app\.kubernetes\.io\/instance=web: template has "frontend"\), so the API server refuses the Deployment/],
  },
  {
    title: 'volume mount of a volume the pod does not declare',
    build: platform('dev', patch('frontend', 'Deployment', 'frontend', JsonPatch.replace(`${CONTAINER}/volumeMounts/0/name`, 'temp'))),
    expected: [/^ERROR \[schema\/structure\] dev\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\]\.name: container 'frontend' mounts volume 'temp', which the pod does not declare \(volumes: .*tmp.*\) \(got "temp"\)/],
  },
  {
    title: 'two containers of one pod with the same name',
    build: platform('prod', rewrite('frontend', 'Deployment', 'frontend', (d) => {
      const pod = ((d.spec as Json).template as Json).spec as Json;
      const { livenessProbe: _l, readinessProbe: _r, ports: _p, ...init } = (pod.containers as Json[])[0] as Json;
      pod.initContainers = [init];
    })),
    expected: [/^ERROR \[schema\/structure\] prod\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.initContainers\[0\]\.name: container name 'frontend' is used twice in the pod \(also spec\.template\.spec\.containers\[0\]\); the API server refuses the pod template/],
  },
  {
    title: 'native sidecar without probes',
    build: platform('staging', rewrite('frontend', 'Deployment', 'frontend', (d) => {
      const pod = ((d.spec as Json).template as Json).spec as Json;
      const { livenessProbe: _l, readinessProbe: _r, ports: _p, ...sidecar } = (pod.containers as Json[])[0] as Json;
      pod.initContainers = [{ ...sidecar, name: 'log-shipper', restartPolicy: 'Always' }];
    })),
    expected: [
      /^ERROR \[policy\/probes\] staging\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.initContainers\[0\]\.livenessProbe: long-running sidecar 'log-shipper' has no livenessProbe/,
      /^ERROR \[policy\/probes\] staging\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.initContainers\[0\]\.readinessProbe: long-running sidecar 'log-shipper' has no readinessProbe/,
    ],
  },
  {
    title: 'Argo CD Application reading the rendered tree from another branch',
    build: platform('prod', patch('argocd', 'Application', 'prod-kafka', JsonPatch.replace('/spec/source/targetRevision', 'main'))),
    expected: [/^ERROR \[ref\/argocd-path\] prod\/argocd Application\/argocd\/prod-kafka spec\.source\.targetRevision: reads the rendered tree of 'prod' at "main", but the rendered tree of 'prod' is published to branch 'rendered' \(gitops\.branch\) \(got "main"\)\. Fix: use targetRevision 'rendered'/],
  },
  {
    title: 'Argo CD Application with a misspelt rendered repository',
    build: platform('dev', rewrite('argocd', 'Application', 'dev-frontend', (a) => {
      const source = (a.spec as Json).source as Json;
      source.repoURL = `${String(source.repoURL)}x`;
    })),
    expected: [/^ERROR \[ref\/argocd-path\] dev\/argocd Application\/argocd\/dev-frontend spec\.source\.repoURL: reads the rendered tree of 'dev' from ".*x", but it is published to .* \(gitops\.repoURL\).*Fix: use repoURL '/],
  },
  {
    title: 'local PersistentVolume smaller than its claim',
    build: platform('dev', rewrite('local-storage', 'PersistentVolume', 'healthxcape-data-blog-service-postgres-0', (pv) => {
      (pv.spec as Json).capacity = { storage: '100Mi' };
    })),
    expected: [/^ERROR \[ref\/storage\] dev\/local-storage PersistentVolume\/healthxcape-data-blog-service-postgres-0 spec\.capacity\.storage: capacity 100Mi is smaller than the 1Gi claim 'healthxcape\/data-blog-service-postgres-0' \(of StatefulSet\/blog-service-postgres\) requests/],
  },
  {
    title: 'Kafka client pointing at a cluster that is not rendered',
    build: platform('dev', patch('identity-service', 'ConfigMap', 'identity-service-config', JsonPatch.replace('/data/KAFKA_BROKERS', 'events-kafka-bootstrap.kafka:9092'))),
    expected: [/^ERROR \[ref\/kafka-bootstrap\] dev\/identity-service ConfigMap\/healthxcape\/identity-service-config data\.KAFKA_BROKERS: 'events-kafka-bootstrap\.kafka:9092' is not the bootstrap address of a Kafka cluster rendered in this environment \(rendered: platform-kafka-kafka-bootstrap\.kafka:<listener port>\)/],
  },
  {
    title: 'Kafka topic that no KafkaTopic defines',
    build: platform('staging', patch('user-service', 'ConfigMap', 'user-service-config', JsonPatch.replace('/data/KAFKA_TOPIC_USER_EVENTS', 'user.evnets'))),
    expected: [/^ERROR \[ref\/kafka-topic\] staging\/user-service ConfigMap\/healthxcape\/user-service-config data\.KAFKA_TOPIC_USER_EVENTS: KAFKA_TOPIC_USER_EVENTS names topic 'user\.evnets', which no KafkaTopic of the cluster in KAFKA_BROKERS defines/],
  },
  {
    title: 'Argo CD Application path that is not rendered',
    build: platform('prod', patch('argocd', 'Application', 'prod-user-service', JsonPatch.replace('/spec/source/path', 'prod/users'))),
    expected: [/^ERROR \[ref\/argocd-path\] prod\/argocd Application\/argocd\/prod-user-service spec\.source\.path: 'prod\/users' is not a rendered application directory of environment 'prod'/],
  },
  {
    title: 'namespace neither rendered nor external',
    build: platform('dev', addObject('identity-service', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'payments-flags', namespace: 'payments', labels }, data: {} })),
    expected: [/^ERROR \[ref\/namespace\] dev\/identity-service ConfigMap\/payments\/payments-flags metadata\.namespace: namespace 'payments' is neither rendered in this environment \(rendered: healthxcape, kafka\) nor declared external \(argocd\)/],
  },
  // ---- charts: API-server rules, cross-object rules and secrets of rendered objects ----
  {
    title: 'PORT that differs from the container port',
    build: platform('prod', rewrite('frontend', 'Deployment', 'frontend', (d) => {
      const container = (((d.spec as Json).template as Json).spec as Json).containers as Json[];
      for (const v of ((container[0] as Json).env as Json[])) if (v.name === 'PORT') v.value = '8080';
    })),
    expected: [/^ERROR \[ref\/port-env\] prod\/frontend Deployment\/healthxcape\/frontend spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value: container 'frontend' is told to listen on PORT=8080, but declares port http \(3000\).*\(got "8080"\)\. Fix: make PORT and the container port the same/],
  },
  {
    title: 'a URL to a Service that is not rendered',
    build: platform('dev', rewrite('frontend', 'Deployment', 'frontend', (d) => {
      const container = (((d.spec as Json).template as Json).spec as Json).containers as Json[];
      for (const v of ((container[0] as Json).env as Json[])) if (v.name === 'BLOG_API_URL') v.value = 'http://blogs.healthxcape.svc:3002';
    })),
    expected: [/^ERROR \[ref\/service-url\] dev\/frontend Deployment\/healthxcape\/frontend .*: container 'frontend': BLOG_API_URL points at Service 'healthxcape\/blogs', which is not rendered on this cluster.*Fix: .*externalServices: \['blogs\.healthxcape\.svc:3002'\]/],
  },
  {
    title: 'a production Ingress with the staging issuer',
    build: platform('prod', patch('frontend', 'Ingress', 'frontend', JsonPatch.replace('/metadata/annotations/cert-manager.io~1cluster-issuer', 'letsencrypt-staging'))),
    expected: [/^ERROR \[ref\/staging-issuer\] prod\/frontend Ingress\/healthxcape\/frontend metadata\.annotations\["cert-manager\.io\/cluster-issuer"\]: production Ingress takes its certificate from ClusterIssuer 'letsencrypt-staging'/],
  },
  {
    title: 'a second Ingress claiming the production host',
    build: platform('prod', addObject('blog-service', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'blog', namespace: 'healthxcape', labels }, spec: { rules: [{ host: 'healthxcape.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'blog-service', port: { name: 'http' } } } }] } }] } })),
    expected: [/^ERROR \[ref\/host-conflict\] prod\/.* Ingress\/healthxcape\/.* spec\.rules\[0\]\.host: host 'healthxcape\.com' \(path \/\) is also claimed by Ingress/],
  },
  {
    title: 'a CronJob schedule with an hour of 24',
    build: platform('dev', addObject('identity-service', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cleanup', namespace: 'healthxcape', labels }, spec: { schedule: '0 24 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [] } } } } } })),
    expected: [/^ERROR \[schema\/builtin\] dev\/identity-service CronJob\/healthxcape\/cleanup spec\.schedule: end of range \(24\) above maximum \(23\): 24 \(the API server's validateScheduleFormat refuses it\)/],
  },
  {
    title: 'a ClusterRoleBinding of a Role',
    build: platform('dev', addObject('identity-service', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'readers', labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'identity-service', namespace: 'healthxcape' }] })),
    expected: [/^ERROR \[schema\/builtin\] dev\/identity-service ClusterRoleBinding\/(healthxcape\/)?readers roleRef\.kind: must be 'ClusterRole' \(the API server's ValidateClusterRoleBinding refuses it\) \(got "Role"\)/],
  },
  {
    title: 'an autoscaler whose maximum is below its minimum',
    build: platform('prod', addObject('user-service', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'user-service', namespace: 'healthxcape', labels }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'user-service' }, minReplicas: 3, maxReplicas: 2 } })),
    expected: [/^ERROR \[schema\/builtin\] prod\/user-service HorizontalPodAutoscaler\/healthxcape\/user-service spec\.maxReplicas: must be greater than or equal to `minReplicas`/],
  },
  {
    title: 'a token in an annotation',
    build: platform('staging', patch('frontend', 'Deployment', 'frontend', JsonPatch.add('/metadata/annotations', { 'example.com/deploy-token': 'glpat-abcdefghijklmnopqrst' }))),
    expected: [/^ERROR \[policy\/secret-value\] staging\/frontend Deployment\/healthxcape\/frontend metadata\.annotations\["example\.com\/deploy-token"\]: annotation 'example\.com\/deploy-token' carries what looks like a GitLab token.*\(got "<redacted>"\)/],
    secret: 'glpat-abcdefghijklmnopqrst',
  },
  {
    title: 'a password in the Helm values of an Application',
    build: platform('prod', patch('argocd', 'Application', 'prod-strimzi-operator', JsonPatch.add('/spec/source/helm/valuesObject/dashboards', { adminPassword: 'hunter2-hunter2' }))),
    expected: [/^ERROR \[policy\/secret-value\] prod\/argocd Application\/argocd\/prod-strimzi-operator spec\.source\.helm\.valuesObject\.dashboards\.adminPassword: Helm value 'adminPassword' looks like a secret/],
    secret: 'hunter2-hunter2',
  },
  {
    title: 'a token in the repository URL of an Application',
    build: platform('dev', rewrite('argocd', 'Application', 'dev-frontend', (a) => {
      const source = (a.spec as Json).source as Json;
      source.repoURL = String(source.repoURL).replace('https://', 'https://x-access-token:ghs_secret0token@');
    })),
    expected: [/^ERROR \[secret\/repo-credentials\] dev\/argocd Application\/argocd\/dev-frontend spec\.source\.repoURL: repository URL embeds credentials.*\(got "https:\/\/x-access-token:<redacted>@github\.com.*Fix: remove the credentials from the URL and give Argo CD a repository Secret/],
    secret: 'ghs_secret0token',
  },
  {
    title: 'an AppProject that no longer permits the namespace of its Applications',
    build: platform('prod', rewrite('argocd', 'AppProject', 'healthxcape-prod', (p) => {
      const spec = p.spec as Json;
      spec.destinations = (spec.destinations as Json[]).filter((d) => d.namespace !== 'kafka');
    })),
    expected: [/^ERROR \[ref\/argocd-project\] prod\/argocd Application\/argocd\/prod-kafka spec\.destination: AppProject 'healthxcape-prod' does not permit destination https:\/\/kubernetes\.default\.svc namespace 'kafka'/],
  },
  {
    title: 'memory as a bare number in a rendered container',
    build: platform('dev', rewrite('user-service', 'Deployment', 'user-service', (d) => {
      const container = ((((d.spec as Json).template as Json).spec as Json).containers as Json[])[0] as Json;
      ((container.resources as Json).limits as Json).memory = 536870912;
    })),
    expected: [/^ERROR \[policy\/resources\] dev\/user-service Deployment\/healthxcape\/user-service spec\.template\.spec\.containers\[0\]\.resources\.limits\.memory: container 'user-service': limits\.memory a bare number is 536870912 bytes/],
  },
];

function capture(): CommandIO & { lines: string[] } {
  const lines: string[] = [];
  const push = (text: string): void => {
    lines.push(...text.split('\n'));
  };
  return { lines, out: push, err: push };
}

describe('bad inputs: synth fails with its own message and leaves the previous output untouched', () => {
  let root: string;
  let outdir: string;
  let previous: Record<string, string>;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-corpus-'));
    outdir = path.join(root, 'dist');
    const io = capture();
    const code = await synthCommand(['--outdir', outdir, '--quiet'], io, referenceBuild());
    process.exitCode = undefined;
    expect({ code, output: io.lines }).toEqual({ code: 0, output: [] });
    previous = readTree(outdir);
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the corpus has at least 20 cases with distinct titles', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map((c) => c.title)).size).toBe(CASES.length);
  });

  test.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    // GIVEN an output directory holding a good previous synth (beforeAll)
    // WHEN
    const io = capture();
    const code = await synthCommand(['--outdir', outdir], io, c.build);
    process.exitCode = undefined;
    // THEN it fails with its own message
    expect(code).not.toBe(0);
    for (const pattern of c.expected) {
      expect({ pattern: pattern.source, matched: io.lines.some((l) => pattern.test(l)) }).toEqual({ pattern: pattern.source, matched: true });
    }
    if (c.secret !== undefined) expect(io.lines.join('\n')).not.toContain(c.secret);
    // and no stack trace
    expect(io.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    // and the previous output is byte-identical
    expect(readTree(outdir)).toEqual(previous);
  });
});
