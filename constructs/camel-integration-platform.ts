import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as camel from '../imports/camel.apache.org';
import { IApplication, recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { componentLabels } from './lib/labels';
import { dnsLabelSchema, refuse, withFix, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { compareText } from './lib/order';

/** The Maven settings every IntegrationPlatform shares: mirrors and repositories, never credentials. */
export const CamelMavenSettingsSchema = z.strictObject({
  /**
   * A mirror of every repository (an air-gapped cluster's Nexus or Artifactory).
   * @default - none: Maven Central and the repositories below
   */
  mirror: withFix(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), "use the mirror's URL, e.g. 'https://nexus.internal/repository/maven-public/'").optional(),
  /**
   * Further repositories, by id.
   * @default {}
   */
  repositories: z.record(dnsLabelSchema, withFix(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), "use the repository's URL")).optional(),
});

/** The Maven settings every IntegrationPlatform shares. */
export type CamelMavenSettings = z.infer<typeof CamelMavenSettingsSchema>;

/** What an environment or the catalog may set on an IntegrationPlatform. */
export const CamelIntegrationPlatformOptionsSchema = z.strictObject({
  /**
   * Where integration images are pushed (and pulled from).
   * @default - the operator's default (the cluster's internal registry where it has one)
   */
  registry: z.strictObject({
    /** Registry host and port (`registry.internal:5000`). */
    address: z.string().superRefine((address, ctx) => {
      if (!/^[a-z0-9.-]+(:\d+)?$/.test(address)) refuse(ctx, 'must be a registry host with optional port, without scheme or path', "write it like 'registry.internal:5000'");
    }),
    /**
     * Repository prefix (organization) images are pushed under.
     * @default - the integration's namespace
     */
    organization: dnsLabelSchema.optional(),
    /**
     * Plain HTTP registry.
     * @default false
     */
    insecure: z.boolean().optional(),
  }).optional(),
  /**
   * `pod`: builds run in a Kubernetes pod of their own (the seed's "Kubernetes native"); `routine`: in the operator.
   * @default 'pod'
   */
  buildStrategy: withFix(z.enum(['pod', 'routine']), "use 'pod' or 'routine'").optional(),
  /**
   * Builds running at once.
   * @default 3
   */
  maxRunningBuilds: z.number().int().min(1).max(20).optional(),
  /**
   * Shared Maven settings (the same definition is rendered into every namespace's ConfigMap).
   * @default {}
   */
  maven: CamelMavenSettingsSchema.optional(),
});

/** What an environment or the catalog may set on an IntegrationPlatform. */
export type CamelIntegrationPlatformOptions = z.infer<typeof CamelIntegrationPlatformOptionsSchema>;

/** Props of `CamelIntegrationPlatform`. */
export interface CamelIntegrationPlatformProps extends CamelIntegrationPlatformOptions {
  /**
   * Namespace of the platform (and of the integrations it builds).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The Camel K operator's id (`operator.operatorId` of its Helm chart): the operator reconciles only resources
   * annotated with it.
   * @default 'camel-k'
   */
  readonly operatorId?: string;
  /**
   * The application delivering the Camel K operator; the platform is synced after it.
   * @default - installed by other means
   */
  readonly operator?: IApplication;
}

/** Name of the ConfigMap holding the shared Maven settings (`settings.xml`) in each namespace. */
export const CAMEL_MAVEN_SETTINGS_CONFIGMAP = 'camel-k-maven-settings';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `settings.xml` for the shared Maven settings (mirrors and repositories only). */
export function mavenSettingsXml(settings: CamelMavenSettings): string {
  const repositories = Object.entries(settings.repositories ?? {}).sort(([a], [b]) => compareText(a, b));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">',
  ];
  if (settings.mirror !== undefined) {
    lines.push('  <mirrors>', '    <mirror>', '      <id>platform-mirror</id>', '      <mirrorOf>*</mirrorOf>', `      <url>${escapeXml(settings.mirror)}</url>`, '    </mirror>', '  </mirrors>');
  }
  if (repositories.length > 0) {
    lines.push('  <profiles>', '    <profile>', '      <id>platform-repositories</id>', '      <repositories>');
    for (const [id, url] of repositories) lines.push('        <repository>', `          <id>${escapeXml(id)}</id>`, `          <url>${escapeXml(url)}</url>`, '        </repository>');
    lines.push('      </repositories>', '    </profile>', '  </profiles>', '  <activeProfiles>', '    <activeProfile>platform-repositories</activeProfile>', '  </activeProfiles>');
  }
  lines.push('</settings>', '');
  return lines.join('\n');
}

/**
 * A Camel K `IntegrationPlatform` (`camel.apache.org/v1`) for one namespace: Quarkus runtime, the build strategy,
 * the registry, and the shared Maven settings rendered as the ConfigMap `camel-k-maven-settings` beside it.
 *
 * @see https://camel.apache.org/camel-k/latest/installation/integrationplatform.html
 */
export class CamelIntegrationPlatform extends Construct {
  public readonly namespace: string;
  public readonly platformName = 'camel-k';
  public readonly operatorId: string;
  public readonly buildStrategy: 'pod' | 'routine';
  /** What a portal lists for it (the integrations it builds). */
  public readonly customResources = [{ group: 'camel.apache.org', apiVersion: 'v1', plural: 'integrations' }] as const;

  public constructor(scope: Construct, id: string, props: CamelIntegrationPlatformProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    this.operatorId = props.operatorId ?? 'camel-k';
    this.buildStrategy = props.buildStrategy ?? 'pod';
    const check = new PropsValidator(this, `CamelIntegrationPlatform '${namespace ?? id}'`);
    check.props(CamelIntegrationPlatformOptionsSchema, props, ['namespace', 'operatorId', 'operator'], 'an IntegrationPlatform');
    check.check(namespace !== undefined, 'namespace', "'namespace' is required when the chart has no namespace", namespace, 'set the namespace the integrations run in');
    if (namespace !== undefined) check.dnsLabel('namespace', namespace);
    check.dnsLabel('operatorId', this.operatorId, 'camel-k');
    check.throwIfInvalid();
    this.namespace = namespace as string;
    if (props.operator !== undefined) recordDependency(this, props.operator);

    const labels = (component: string): Record<string, string> => componentLabels({ name: 'camel-k', instance: `${this.namespace}-platform`, component });
    new k8s.KubeConfigMap(this, 'MavenSettings', {
      metadata: { name: CAMEL_MAVEN_SETTINGS_CONFIGMAP, namespace: this.namespace, labels: labels('maven-settings') },
      data: { 'settings.xml': mavenSettingsXml(props.maven ?? {}) },
    });
    new camel.IntegrationPlatform(this, 'Resource', {
      metadata: {
        name: this.platformName,
        namespace: this.namespace,
        labels: labels('integration-platform'),
        annotations: { 'camel.apache.org/operator.id': this.operatorId },
      },
      spec: {
        build_: {
          runtimeProvider: 'quarkus',
          publishStrategy: 'Jib',
          maxRunningBuilds: props.maxRunningBuilds ?? 3,
          buildConfiguration: { strategy: this.buildStrategy === 'pod' ? camel.IntegrationPlatformSpecBuildBuildConfigurationStrategy.POD : camel.IntegrationPlatformSpecBuildBuildConfigurationStrategy.ROUTINE },
          maven: { settings: { configMapKeyRef: { name: CAMEL_MAVEN_SETTINGS_CONFIGMAP, key: 'settings.xml' } } },
          ...(props.registry !== undefined ? {
            registry: {
              address: props.registry.address,
              organization: props.registry.organization ?? this.namespace,
              ...(props.registry.insecure !== undefined ? { insecure: props.registry.insecure } : {}),
            },
          } : {}),
        },
      },
    });
  }
}
