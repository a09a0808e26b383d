import { Construct } from 'constructs';
import { DependencySet, HelmSource, IApplication, markApplication, markOptionsRoot, PlatformContext, recordDependency } from './lib/context';
import type { ProblemLocation } from './lib/errors';
import { ImageSettings, imageProblems, imageReference } from './lib/images';
import { isPlainObject } from './lib/merge';
import { dnsLabelSchema, withFix, z } from './lib/options';
import { literalSecretProblem, SECRET_FIX } from './lib/secrets';
import { ProblemCollector, PropsValidator } from './lib/validation';

/** An OCI registry path (host, optional port and path, no scheme): `ghcr.io/nimbusprotch`. */
const ociRegistrySchema = withFix(
  z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/, { error: 'must be an OCI registry host with optional port and path, without scheme' }),
  "write it like 'ghcr.io/nimbusprotch' (Argo CD adds the oci:// scheme)",
);

/** An exact chart version (`1.0.0`); ranges are refused. */
const chartVersionSchema = withFix(z.string().regex(/^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/, { error: 'must pin an exact chart version (no ranges)' }), "use an exact version such as '1.0.0'");

/** A Helm chart in an OCI registry, at an exact version. */
export const OciChartSchema = z.strictObject({
  /** Registry and path holding the chart (`ghcr.io/nimbusprotch`), without the `oci://` scheme. */
  registry: ociRegistrySchema,
  /** Chart name (`microservice`): the chart is `oci://<registry>/<name>`. */
  name: dnsLabelSchema,
  /** Exact chart version (`1.0.0`); ranges are refused. */
  version: chartVersionSchema,
});

/** A Helm chart in an OCI registry, at an exact version. */
export type OciChart = z.infer<typeof OciChartSchema>;

/** What an environment or a catalog entry may set on a `ChartApplication`. */
export const ChartApplicationOptionsSchema = z.strictObject({
  /**
   * Registry the chart is pulled from (an air-gapped cluster points this at its mirror).
   * @default - the chart's registry
   */
  registry: ociRegistrySchema.optional(),
  /**
   * Exact chart version, to move one environment to a newer release of the chart first (its values must still
   * fit the interface the platform declares for the chart).
   * @default - the chart definition's version
   */
  version: chartVersionSchema.optional(),
  /**
   * Helm release name.
   * @default - the application name
   */
  releaseName: dnsLabelSchema.optional(),
});

/** What an environment or a catalog entry may set on a `ChartApplication`. */
export type ChartApplicationOptions = z.infer<typeof ChartApplicationOptionsSchema>;

/** An image the chart's values run (as the pods pull it, a registry mirror applied), and the values field that sets it (`image`). */
export interface ChartValuesImage {
  /** Dotted path of the image block in the values (`image`, `sidecar.image`). */
  readonly field: string;
  readonly image: ImageSettings;
}

/** A container's resources block in the chart's values, and its field (`resources`). */
export interface ChartValuesResources {
  /** Dotted path of the resources block in the values. */
  readonly field: string;
  /** The block (checked: requests and limits for cpu and memory, requests within limits). */
  readonly resources: unknown;
}

/**
 * A chart as a platform declares it: where it is, the TypeScript interface of its values (`V`), and where its
 * values put images and container resources, so the values are checked by the same policies as rendered objects.
 */
export interface ChartDefinition<V extends object> {
  /** The chart and its exact version. */
  readonly chart: OciChart;
  /** The images the values run (every one is checked: pinned tags in staging and production). */
  images(values: V): readonly ChartValuesImage[];
  /** The resources blocks of the values' containers (every container must set requests and limits). */
  resources(values: V): readonly ChartValuesResources[];
  /**
   * Cluster-scoped kinds the chart renders (for the Argo CD project).
   * @default []
   */
  readonly clusterScopedKinds?: readonly { readonly group: string; readonly kind: string }[];
}

/** Declare a chart and its values interface (an identity function that fixes `V`). */
export function defineChart<V extends object>(definition: ChartDefinition<V>): ChartDefinition<V> {
  return definition;
}

/** Props of `ChartApplication`. */
export interface ChartApplicationProps<V extends object> extends ChartApplicationOptions {
  /** Environment facts. */
  readonly context: PlatformContext;
  /** The chart. */
  readonly chart: ChartDefinition<V>;
  /** The values, typed by the chart's interface. */
  readonly values: V;
  /** Namespace the release is installed into. */
  readonly namespace: string;
  /**
   * Applications the release needs first (its databases, its message broker): it is synced after them.
   * @default []
   */
  readonly uses?: readonly Construct[];
  /**
   * Where a field of the options was set, for error messages.
   * @default - the environment's source file
   */
  readonly locate?: (field: string) => ProblemLocation;
  /**
   * The application's name, when it differs from the construct id.
   * @default - the construct id
   */
  readonly appName?: string;
  /**
   * Pod Security Standards level the chart's pods need.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Where problems with the values are reported (the file and application whose settings the values are
   * computed from); their field is `values.<path>`.
   * @default - the application, in the environment's source file
   */
  readonly valuesLocation?: ProblemLocation;
}

/** Collects problems with a chart's values, each at `values.<path>` of the location the values come from. */
class ValuesProblems extends ProblemCollector {
  public constructor(private readonly where: ProblemLocation, private readonly what: string) {
    super();
  }

  protected locate(field: string): ProblemLocation {
    return { ...this.where, field };
  }

  protected label(field: string): string {
    return `'${field}' `;
  }

  protected override describe(message: string): string {
    return `${this.what}: ${message}`;
  }
}

/**
 * Every string leaf of `values` with its dotted path (a Helm key: `adminPassword`, judged as a key), and
 * `{ name, value }` pairs (env lists: `SMTP_PASS`, judged as an env name). References to Secrets and ConfigMaps
 * (`valueFrom`, `secretKeyRef`, `existingSecretRef`, ...) carry names, not values, and are not descended into.
 */
function* secretCandidates(values: unknown, path: string): Generator<{ field: string; name: string; value: string; keyStyle: boolean }> {
  if (Array.isArray(values)) {
    for (const [i, item] of values.entries()) yield* secretCandidates(item, `${path}[${i}]`);
    return;
  }
  if (!isPlainObject(values)) return;
  const envPair = typeof values.name === 'string' && typeof values.value === 'string';
  if (envPair) yield { field: `${path}.value`, name: values.name as string, value: values.value as string, keyStyle: false };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'valueFrom' || key.endsWith('Ref') || (envPair && (key === 'name' || key === 'value'))) continue;
    const field = path === '' ? key : `${path}.${key}`;
    if (typeof value === 'string') yield { field, name: key, value, keyStyle: true };
    else yield* secretCandidates(value, field);
  }
}

/**
 * A workload delivered as a Helm chart from an OCI registry (`oci://<registry>/<chart>` at an exact version,
 * Argo CD's native OCI source), with values the platform computes and types by the chart's interface. It is a
 * first-class application: one Argo CD Application with the resources finalizer (deleting it deletes what it
 * deployed), synced after the applications it `uses`, and its values are checked like rendered objects: no
 * secret values (keys named like secrets with literal values, credentials in URLs), pinned image tags in staging
 * and production, requests and limits on every container.
 *
 * @see https://github.com/argoproj/argo-cd/blob/v3.5.1/docs/user-guide/oci.md
 */
export class ChartApplication<V extends object> extends Construct implements IApplication {
  public readonly appName: string;
  public readonly context: PlatformContext;
  public readonly destinationNamespace: string;
  public readonly podSecurity: 'restricted' | 'baseline';
  public readonly helm: HelmSource;
  /** The values as rendered into the Application (`helm.valuesObject`). */
  public readonly values: V;
  public readonly locate?: (field: string) => ProblemLocation;
  private readonly dependencySet = new DependencySet(this);

  public constructor(scope: Construct, id: string, props: ChartApplicationProps<V>) {
    super(scope, id);
    this.appName = props.appName ?? id;
    this.context = props.context;
    this.locate = props.locate;
    if (props.locate !== undefined) markOptionsRoot(this);
    this.destinationNamespace = props.namespace;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.values = props.values;
    markApplication(this);

    const what = `ChartApplication '${this.appName}'`;
    const check = new PropsValidator(this, what);
    check.dnsLabel(props.appName !== undefined ? 'appName' : 'id', this.appName);
    check.dnsLabel('namespace', props.namespace);
    check.props(ChartApplicationOptionsSchema, props, ['context', 'chart', 'values', 'namespace', 'uses', 'locate', 'appName', 'podSecurity', 'valuesLocation'], what);
    check.options('chart', OciChartSchema, props.chart.chart, 'the chart');
    check.throwIfInvalid();
    // The values' policies: the same rules validation applies to rendered objects.
    const where = props.valuesLocation ?? { environment: props.context.environment, file: props.context.source, application: this.appName };
    const values = new ValuesProblems(where, what);
    for (const candidate of secretCandidates(props.values, 'values')) {
      const problem = literalSecretProblem(candidate.name, candidate.value, candidate.keyStyle);
      if (problem) values.add(candidate.field, `${problem} in the chart's values; secret values must never be written to git`, '<redacted>', SECRET_FIX);
    }
    const requirePinned = props.context.stage !== 'development';
    const images = props.chart.images(props.values);
    for (const { field, image } of images) {
      for (const p of imageProblems(image, requirePinned)) {
        values.add(`values.${field}.${p.field}`, `${p.message}${p.field === 'tag' && requirePinned ? ` (stage '${props.context.stage}')` : ''}`, p.value, p.fix);
      }
    }
    const blocks = props.chart.resources(props.values);
    values.check(blocks.length > 0, 'values', "the chart's values declare no container resources", undefined, "return the values' resources blocks from the chart definition's resources()");
    for (const { field, resources } of blocks) values.resources(`values.${field}`, resources);
    const version = props.version ?? props.chart.chart.version;
    values.throwIfInvalid(`${where.file ?? 'the platform'}: invalid values for ${what} (chart ${props.chart.chart.name} ${version})`);

    const registry = props.registry ?? props.chart.chart.registry;
    this.helm = {
      repoURL: `oci://${registry}/${props.chart.chart.name}`,
      chart: props.chart.chart.name,
      version,
      releaseName: props.releaseName ?? this.appName,
      values: props.values as Readonly<Record<string, unknown>>,
      // The values hold the images as the pods pull them (a registry mirror already applied).
      images: [...new Set(images.map((i) => imageReference(i.image)))].sort(),
      clusterScopedKinds: props.chart.clusterScopedKinds ?? [],
      providesApiGroups: [],
      form: 'oci',
      cascadeDelete: true,
    };
    for (const used of props.uses ?? []) recordDependency(this, used);
  }

  public get dependencies(): readonly IApplication[] {
    return this.dependencySet.list();
  }

  public dependsOn(...apps: IApplication[]): void {
    this.dependencySet.add(apps);
  }
}
