import { Construct } from 'constructs';
import { DevToolOptions, DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';

/** What an environment or a catalog entry may set on `Maildev`. */
export const MaildevOptionsSchema = DevToolOptionsSchema;

/** What an environment or a catalog entry may set on `Maildev`. */
export type MaildevOptions = DevToolOptions;

/** Props of `Maildev`. */
export interface MaildevProps extends MaildevOptions {
  /** Image (`maildev/maildev:2.2.1`). */
  readonly image: ImageSettings;
}

/** Maildev's SMTP and web ports (its image's `MAILDEV_SMTP_PORT` and `MAILDEV_WEB_PORT`). */
export const MAILDEV_PORTS = { smtp: 1025, web: 1080 } as const;

/**
 * Maildev, the development mail server: SMTP on 1025 (services send mail to `smtpHost:1025`), the web inbox on
 * 1080 (`http` port, for an `HttpRoute`), probed on `/healthz`. Runs as the image's `node` user (uid 1000).
 *
 * @see https://github.com/maildev/maildev/blob/v2.2.1/Dockerfile
 */
export class Maildev extends Construct {
  public readonly workload: Microservice;
  /** SMTP host for services (`<name>.<namespace>.svc`). */
  public readonly smtpHost: string;
  public readonly smtpPort = MAILDEV_PORTS.smtp;

  public constructor(scope: Construct, id: string, props: MaildevProps) {
    super(scope, id);
    const check = new PropsValidator(this, `Maildev '${props.name ?? id}'`);
    check.props(MaildevOptionsSchema, props, ['image'], `Maildev '${props.name ?? id}'`);
    check.throwIfInvalid();
    this.workload = devToolWorkload(this, props, {
      name: id,
      component: 'mail',
      image: props.image,
      ports: { http: { port: MAILDEV_PORTS.web, protocol: 'http' }, smtp: { port: MAILDEV_PORTS.smtp, protocol: 'tcp' } },
      healthCheck: { path: '/healthz', port: 'http' },
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp'],
      resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    });
    this.smtpHost = `${this.workload.name}.${this.workload.namespace}.svc`;
  }
}
