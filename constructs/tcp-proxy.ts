import { Construct } from 'constructs';
import { DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { dnsSubdomainSchema, portSchema, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';

/** What an environment or a catalog entry may set on a `TcpProxy`. */
export const TcpProxyOptionsSchema = DevToolOptionsSchema.extend({
  /**
   * Port it listens on (and its Service port).
   * @default 4000
   */
  listenPort: portSchema.optional(),
  /** Where connections go (the seed's `host.docker.internal:4000`). */
  target: z.strictObject({ host: dnsSubdomainSchema, port: portSchema }),
  /**
   * Protocol spoken through it, for routes (`http` lets an HttpRoute use it).
   * @default 'tcp'
   */
  protocol: z.enum(['http', 'grpc', 'tcp']).optional(),
});

/** What an environment or a catalog entry may set on a `TcpProxy`. */
export type TcpProxyOptions = z.infer<typeof TcpProxyOptionsSchema>;

/** Props of `TcpProxy`. */
export interface TcpProxyProps extends TcpProxyOptions {
  /** Image (`alpine/socat:<tag>`). */
  readonly image: ImageSettings;
}

/**
 * A TCP forwarder (socat): listens on `listenPort` and forwards every connection to `target` (the seed's auth
 * proxy to a service running on the developer's host). The socat arguments are built from the typed target,
 * and it is probed by connecting to its port. socat needs no privileges: it runs as nobody (65534).
 *
 * @see http://www.dest-unreach.org/socat/doc/socat.html (TCP4-LISTEN: fork, reuseaddr)
 */
export class TcpProxy extends Construct {
  public readonly workload: Microservice;
  public readonly listenPort: number;

  public constructor(scope: Construct, id: string, props: TcpProxyProps) {
    super(scope, id);
    const what = `TcpProxy '${props.name ?? id}'`;
    const check = new PropsValidator(this, what);
    check.props(TcpProxyOptionsSchema, props, ['image'], what);
    check.throwIfInvalid();
    this.listenPort = props.listenPort ?? 4000;
    const protocol = props.protocol ?? 'tcp';
    const portName = protocol === 'tcp' ? 'tcp' : protocol;
    this.workload = devToolWorkload(this, props, {
      name: id,
      component: 'proxy',
      image: props.image,
      args: ['-d', `TCP4-LISTEN:${this.listenPort},fork,reuseaddr`, `TCP4:${props.target.host}:${props.target.port}`],
      ports: { [portName]: { port: this.listenPort, protocol } },
      probes: { startup: false, liveness: { tcp: { port: portName } }, readiness: { tcp: { port: portName } } },
      runAsUser: { uid: 65534, gid: 65534, fsGroup: 65534 },
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    });
  }
}
