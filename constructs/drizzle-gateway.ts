import { Construct } from 'constructs';
import { GeneratedSecret } from './generated-secret';
import { DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { joinName } from './lib/names';
import { quantitySchema, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';
import { IPasswordGenerator } from './password-generator';
import { IVolumeProvider } from './volume-provider';

/** What an environment or a catalog entry may set on a `DrizzleGateway`. */
export const DrizzleGatewayOptionsSchema = DevToolOptionsSchema.extend({
  /**
   * Size of the store volume (saved connections and sessions).
   * @default '1Gi'
   */
  size: quantitySchema('storage').optional(),
});

/** What an environment or a catalog entry may set on a `DrizzleGateway`. */
export type DrizzleGatewayOptions = z.infer<typeof DrizzleGatewayOptionsSchema>;

/** Props of `DrizzleGateway`. */
export interface DrizzleGatewayProps extends DrizzleGatewayOptions {
  /** Image (`ghcr.io/drizzle-team/gateway:<version>`). */
  readonly image: ImageSettings;
  /** Where the store volume comes from. */
  readonly storage: IVolumeProvider;
  /** Generates the master password (without one, anyone reaching the gateway has full access). */
  readonly passwordGenerator: IPasswordGenerator;
}

/**
 * Drizzle Gateway, the self-hosted Drizzle Studio (the seed's database UI at `drizzle.127.0.0.1.nip.io`): HTTP on
 * 4983 (`http`), its store on a volume from the environment's storage (`STORE_PATH=/app`), and a generated
 * `MASTERPASS` (`<name>-masterpass`), so it never runs open.
 *
 * @see https://gateway.drizzle.team/docs/how-it-works (PORT, STORE_PATH, MASTERPASS, the persistent /app store)
 */
export class DrizzleGateway extends Construct {
  public readonly workload: Microservice;
  public readonly masterPassword: GeneratedSecret;

  public constructor(scope: Construct, id: string, props: DrizzleGatewayProps) {
    super(scope, id);
    const name = props.name ?? id;
    const what = `DrizzleGateway '${name}'`;
    const check = new PropsValidator(this, what);
    check.props(DrizzleGatewayOptionsSchema, props, ['image', 'storage', 'passwordGenerator'], what);
    check.throwIfInvalid();
    this.masterPassword = new GeneratedSecret(this, 'MasterPassword', { name: joinName(name, 'masterpass'), generator: props.passwordGenerator });
    this.workload = devToolWorkload(this, { resources: props.resources, name }, {
      name,
      component: 'database-ui',
      image: props.image,
      workload: 'StatefulSet',
      port: 4983,
      healthCheck: { path: '/' },
      env: { PORT: '4983', STORE_PATH: '/app' },
      secretEnv: { MASTERPASS: this.masterPassword.password },
      volumes: { store: { mountPath: '/app', size: props.size ?? '1Gi' } },
      storage: props.storage,
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp'],
      resources: { requests: { cpu: '25m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    });
  }
}
