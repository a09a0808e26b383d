/**
 * What routing and monitoring constructs need of a workload's Service: its name, its labels and the names of the
 * ports it exposes (a route or a scrape to a port the Service does not have is refused at synth time).
 */
import type { IConstruct } from 'constructs';
import type { ComponentIdentity } from './labels';

/** A workload's Service, as routes (`IngressRoute`) and scrapes (`ServiceMonitor`) reference it. */
export interface IServiceTarget extends IConstruct {
  /** Name of the Service. */
  readonly name: string;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** Labels of the Service's workload (its `name` and `instance` select the Service). */
  readonly identity: ComponentIdentity;
  /** Names of the ports on the Service (empty when it has none). */
  readonly servicePortNames: readonly string[];
}
