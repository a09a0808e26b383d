import { Construct } from 'constructs';
import { DependencySet, HelmSource, IApplication, markApplication, markOptionsRoot, PlatformContext } from './lib/context';
import type { ProblemLocation } from './lib/errors';
import { GroupKind } from './lib/kinds';
import { deepMerge } from './lib/merge';
import { credentialFreeUrl, dnsLabelSchema, helmValuesSchema, withFix, z } from './lib/options';
import { PropsValidator } from './lib/validation';

/** A chart repository: `https://`/`http://` Helm repository or an `oci://` registry. */
const chartRepositorySchema = withFix(z.string().refine((url) => {
  try {
    const parsed = new URL(url);
    return ['https:', 'http:', 'oci:'].includes(parsed.protocol) && parsed.host.length > 0;
  } catch {
    return false;
  }
}, { error: 'must be a chart repository URL (https, http or oci)' }), "set it to a URL such as 'https://strimzi.io/charts/'");

/** What an environment or a catalog entry may set on a `HelmApplication`. */
export const HelmApplicationOptionsSchema = z.strictObject({
  /**
   * Chart repository (an air-gapped cluster points this at its mirror).
   * @default - the chart's upstream repository
   */
  repoURL: credentialFreeUrl(chartRepositorySchema).optional(),
  /**
   * Values, merged key by key over the values the platform sets for the chart.
   * @default {}
   */
  values: helmValuesSchema.optional(),
  /**
   * Namespace the chart is installed into.
   * @default - the catalog's
   */
  namespace: dnsLabelSchema.optional(),
  /**
   * Helm release name.
   * @default - the application name
   */
  releaseName: dnsLabelSchema.optional(),
});

/** What an environment or a catalog entry may set on a `HelmApplication`. */
export type HelmApplicationOptions = z.infer<typeof HelmApplicationOptionsSchema>;

/** Props of `HelmApplication`. */
export interface HelmApplicationProps extends HelmApplicationOptions {
  /** Environment facts. */
  readonly context: PlatformContext;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
  /** Chart repository. */
  readonly repoURL: string;
  /** Chart name in the repository. */
  readonly chart: string;
  /** Exact chart version (no ranges). */
  readonly version: string;
  /**
   * Values the platform sets; `values` is merged over them.
   * @default {}
   */
  readonly defaultValues?: Readonly<Record<string, unknown>>;
  /**
   * Images the chart runs, as far as known (for the air-gap image list).
   * @default []
   */
  readonly images?: readonly string[];
  /**
   * Cluster-scoped kinds the chart installs (for the Argo CD project).
   * @default []
   */
  readonly clusterScopedKinds?: readonly GroupKind[];
  /**
   * API groups whose CRDs the chart installs: applications using them are synced after this one.
   * @default []
   */
  readonly providesApiGroups?: readonly string[];
  /**
   * Pod Security Standards level the chart's pods need.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Apply with server-side apply. Needed when the chart installs CRDs larger than 256 KiB (the client-side
   * last-applied annotation cannot hold them).
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Where a field of the options was set, for error messages.
   * @default - the environment's source file
   */
  readonly locate?: (field: string) => ProblemLocation;
  /**
   * The application's name (its Argo CD Application's suffix), when it differs from the construct id.
   * @default - the construct id
   */
  readonly appName?: string;
}

/** Props of an operator delivered by its pinned upstream chart (`StrimziOperator`, `CloudNativePgOperator`, ...). */
export interface OperatorProps extends HelmApplicationOptions {
  /** Environment facts (the registry mirror comes from here). */
  readonly context: PlatformContext;
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
}

/**
 * An application that deploys a pinned upstream Helm chart (an operator, typically) through Argo CD. It renders
 * no directory of its own; the Argo CD chart renders its Application.
 */
export class HelmApplication extends Construct implements IApplication {
  public readonly appName: string;
  public readonly context: PlatformContext;
  public readonly destinationNamespace: string;
  public readonly podSecurity: 'restricted' | 'baseline';
  public readonly helm: HelmSource;
  public readonly serverSideApply: boolean;
  public readonly locate?: (field: string) => ProblemLocation;
  private readonly dependencySet = new DependencySet(this);
  private readonly imageList: string[];

  public constructor(scope: Construct, id: string, props: HelmApplicationProps) {
    super(scope, id);
    this.appName = props.appName ?? id;
    this.context = props.context;
    this.locate = props.locate;
    if (props.locate !== undefined) markOptionsRoot(this);
    this.destinationNamespace = props.namespace;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.serverSideApply = props.serverSideApply ?? false;
    this.imageList = [...(props.images ?? [])];
    // A chart in an OCI registry is Argo CD's native OCI source: oci://<registry>/<chart> with path '.'
    // (argoproj/argo-cd docs/user-guide/oci.md); an oci:// repository with a separate chart name is neither form it reads.
    const oci = props.repoURL.startsWith('oci://');
    this.helm = {
      repoURL: oci ? `${props.repoURL.replace(/\/+$/, '')}/${props.chart}` : props.repoURL,
      ...(oci ? { form: 'oci' as const } : {}),
      chart: props.chart,
      version: props.version,
      releaseName: props.releaseName ?? this.appName,
      values: deepMerge<Record<string, unknown>>({ ...props.defaultValues }, props.values),
      images: this.imageList,
      clusterScopedKinds: props.clusterScopedKinds ?? [],
      providesApiGroups: props.providesApiGroups ?? [],
    };
    markApplication(this);

    const check = new PropsValidator(this, `HelmApplication '${this.appName}'`);
    check.dnsLabel(props.appName !== undefined ? 'appName' : 'id', this.appName);
    check.props(HelmApplicationOptionsSchema, props, ['context', 'chart', 'version', 'defaultValues', 'images', 'clusterScopedKinds', 'providesApiGroups', 'podSecurity', 'serverSideApply', 'locate', 'appName'], `HelmApplication '${this.appName}'`);
    check.check(typeof props.chart === 'string' && props.chart.length > 0, 'chart', "'chart' is required", props.chart, 'name the chart in the repository');
    check.check(typeof props.version === 'string' && /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(props.version), 'version', "'version' must pin an exact chart version (no ranges)", props.version, "use an exact version such as '1.2.0'");
    check.throwIfInvalid();
  }

  /** Record further images the chart runs (an operator learns its operands' images from the constructs that use it). */
  public addImages(...images: string[]): void {
    for (const image of images) if (!this.imageList.includes(image)) this.imageList.push(image);
  }

  public get dependencies(): readonly IApplication[] {
    return this.dependencySet.list();
  }

  public dependsOn(...apps: IApplication[]): void {
    this.dependencySet.add(apps);
  }
}
