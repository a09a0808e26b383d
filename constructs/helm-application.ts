import { Construct } from 'constructs';
import { DependencySet, HelmSource, IApplication, markApplication, PlatformContext } from './lib/context';
import { PropsValidator } from './lib/validation';

/** Props of `HelmApplication`. */
export interface HelmApplicationProps extends Omit<HelmSource, 'releaseName' | 'values' | 'images' | 'clusterScopedKinds' | 'providesApiGroups'> {
  readonly context: PlatformContext;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
  /**
   * Helm release name.
   * @default - the construct id
   */
  readonly releaseName?: string;
  /** @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
  /** @default [] */
  readonly images?: readonly string[];
  /** @default [] */
  readonly clusterScopedKinds?: HelmSource['clusterScopedKinds'];
  /** @default [] */
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
  private readonly dependencySet = new DependencySet(this);

  public constructor(scope: Construct, id: string, props: HelmApplicationProps) {
    super(scope, id);
    this.appName = id;
    this.context = props.context;
    this.destinationNamespace = props.namespace;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.serverSideApply = props.serverSideApply ?? false;
    this.helm = {
      repoURL: props.repoURL,
      chart: props.chart,
      version: props.version,
      releaseName: props.releaseName ?? id,
      values: props.values ?? {},
      images: props.images ?? [],
      clusterScopedKinds: props.clusterScopedKinds ?? [],
      providesApiGroups: props.providesApiGroups ?? [],
    };
    markApplication(this);

    const check = new PropsValidator(this, `HelmApplication '${id}'`);
    check.dnsLabel('id', id);
    check.dnsLabel('namespace', props.namespace);
    check.check(typeof props.chart === 'string' && props.chart.length > 0, 'chart', "'chart' is required", props.chart, 'name the chart in the repository');
    check.check(typeof props.version === 'string' && /^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(props.version), 'version', "'version' must pin an exact chart version (no ranges)", props.version, "use an exact version such as '1.2.0'");
    check.check(typeof props.repoURL === 'string' && props.repoURL.length > 0, 'repoURL', "'repoURL' is required", props.repoURL, 'set the chart repository URL');
    check.throwIfInvalid();
  }

  public get dependencies(): readonly IApplication[] {
    return this.dependencySet.list();
  }

  public dependsOn(...apps: IApplication[]): void {
    this.dependencySet.add(apps);
  }
}
