import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DependencySet, IApplication, markApplication, markOptionsRoot, PlatformContext } from './lib/context';
import type { ProblemLocation } from './lib/errors';
import { applicationLabels } from './lib/labels';
import { PropsValidator } from './lib/validation';

/** Props of an `ApplicationChart`. */
export interface ApplicationChartProps {
  /** Environment facts (name, stage, pull policy, registry mirror). */
  readonly context: PlatformContext;
  /**
   * Namespace of the application's namespaced objects, and the Argo CD Application's destination.
   * @default - no namespace: the application renders cluster-scoped objects only
   */
  readonly namespace?: string;
  /**
   * Default `app.kubernetes.io/version` of the application's objects (objects running a specific image set
   * their own).
   */
  readonly version: string;
  /**
   * Pod Security Standards level the application's pods need in its namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Where a field of the application's options was set, for error messages (the platform kit passes the file
   * layers the options were merged from). Constructs directly in the chart report fields relative to these
   * options.
   * @default - problems name the environment's source file
   */
  readonly locate?: (field: string) => ProblemLocation;
  /**
   * The application's name: its directory under `dist/<env>/` and its Argo CD Application's suffix. Differs from
   * the construct id when several environments share one App (one cluster): ids must be unique in the App.
   * @default - the construct id
   */
  readonly appName?: string;
}

/**
 * One deployable application of one environment: a cdk8s Chart that renders into `dist/<env>/<app>/` and
 * becomes one Argo CD Application.
 *
 * Applications never depend on each other through cdk8s chart dependencies (cdk8s would then rename output
 * folders). Order between applications is declared with `dependsOn()`, or recorded automatically when a
 * construct receives a typed reference to a construct of another application; Argo CD sync waves are derived
 * from it.
 */
export class ApplicationChart extends Chart implements IApplication {
  /** The directory name under `dist/<env>/`; the chart's construct id. */
  public readonly appName: string;
  public readonly context: PlatformContext;
  public readonly destinationNamespace?: string;
  /** Default version label of the application's objects. */
  public readonly version: string;
  public readonly podSecurity: 'restricted' | 'baseline';
  public readonly locate?: (field: string) => ProblemLocation;
  private readonly dependencySet = new DependencySet(this);

  public constructor(scope: Construct, id: string, props: ApplicationChartProps) {
    super(scope, id, {
      namespace: props.namespace,
      labels: applicationLabels(props.context.platform, props.context.environment, props.version),
      disableResourceNameHashes: true,
    });
    this.appName = props.appName ?? id;
    this.context = props.context;
    this.destinationNamespace = props.namespace;
    this.version = props.version;
    this.podSecurity = props.podSecurity ?? 'restricted';
    markApplication(this);
    if (props.locate !== undefined) {
      this.locate = props.locate;
      markOptionsRoot(this);
    }

    const check = new PropsValidator(this, `ApplicationChart '${this.appName}'`);
    check.dnsLabel(props.appName !== undefined ? 'appName' : 'id', this.appName);
    if (props.namespace !== undefined) check.dnsLabel('namespace', props.namespace);
    check.throwIfInvalid();
  }

  /** Applications that must be synced before this one, sorted by name. */
  public get dependencies(): readonly IApplication[] {
    return this.dependencySet.list();
  }

  public dependsOn(...apps: IApplication[]): void {
    this.dependencySet.add(apps);
  }
}
