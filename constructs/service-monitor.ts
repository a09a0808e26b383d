import { Construct } from 'constructs';
import * as monitoring from '../imports/monitoring.coreos.com';
import { componentLabels, selectorLabels } from './lib/labels';
import { z } from './lib/options';
import { IServiceTarget } from './lib/routing';
import { PropsValidator } from './lib/validation';

const durationSchema = z.string().regex(/^(\d+(ms|s|m|h))+$/, { error: "must be a Prometheus duration such as '30s' or '1m'" });

/** What an environment or a catalog entry may set on a `ServiceMonitor` (a workload's `metrics`). */
export const ServiceMonitorOptionsSchema = z.strictObject({
  /**
   * Name of the Service port Prometheus scrapes (it must be on the Service).
   * @default 'http'
   */
  port: z.string().optional(),
  /**
   * Path of the metrics.
   * @default '/metrics'
   */
  path: z.string().startsWith('/', { error: "must start with '/'" }).optional(),
  /**
   * Scrape interval.
   * @default '30s'
   */
  interval: durationSchema.optional(),
});

/** What an environment or a catalog entry may set on a `ServiceMonitor`. */
export type ServiceMonitorOptions = z.infer<typeof ServiceMonitorOptionsSchema>;

/** Props of `ServiceMonitor`. */
export interface ServiceMonitorProps extends ServiceMonitorOptions {
  /** The Service scraped (checked: it must expose `port`). */
  readonly service: IServiceTarget;
}

/**
 * A Prometheus Operator `ServiceMonitor` (`monitoring.coreos.com/v1`) scraping a named port of one workload's
 * Service, selected by the workload's stable labels in its own namespace.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export class ServiceMonitor extends Construct {
  public readonly resource: monitoring.ServiceMonitor;

  public constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    const service = props.service;
    const port = props.port ?? 'http';
    const check = new PropsValidator(this, `ServiceMonitor '${service.name}'`);
    check.props(ServiceMonitorOptionsSchema, props, ['service'], `ServiceMonitor '${service.name}'`);
    check.check(service.servicePortNames.includes(port), 'port',
      `scrapes port '${port}', which Service '${service.name}' does not expose (ports: ${service.servicePortNames.join(', ') || 'none'})`, port,
      service.servicePortNames.length > 0 ? `scrape one of its ports: ${service.servicePortNames.join(', ')}, or add a named 'metrics' port to the workload's ports` : 'expose a port on the workload first');
    check.throwIfInvalid();
    this.resource = new monitoring.ServiceMonitor(this, 'Resource', {
      metadata: { name: service.name, labels: componentLabels(service.identity) },
      spec: {
        selector: { matchLabels: selectorLabels(service.identity) },
        namespaceSelector: { matchNames: [service.namespace] },
        endpoints: [{ port, path: props.path ?? '/metrics', interval: props.interval ?? '30s' }],
      },
    });
  }
}
