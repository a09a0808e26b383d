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

/** What an environment or a catalog entry may set on `Minio`. */
export const MinioOptionsSchema = DevToolOptionsSchema.extend({
  /**
   * Size of the data volume.
   * @default '10Gi'
   */
  size: quantitySchema('storage').optional(),
  /**
   * Root user name (not secret; the password is generated).
   * @default 'minio-admin'
   */
  rootUser: z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, { error: 'must be 3-64 letters, digits, ., _ or -' }).optional(),
});

/** What an environment or a catalog entry may set on `Minio`. */
export type MinioOptions = z.infer<typeof MinioOptionsSchema>;

/** Props of `Minio`. */
export interface MinioProps extends MinioOptions {
  /** Image (`quay.io/minio/minio:RELEASE...`). */
  readonly image: ImageSettings;
  /** Where the data volume comes from (the environment's storage). */
  readonly storage: IVolumeProvider;
  /** Generates the root password. */
  readonly passwordGenerator: IPasswordGenerator;
}

/**
 * MinIO, S3-compatible object storage for development: a single-node StatefulSet whose data volume comes from
 * the environment's storage, root credentials generated in the cluster (`<name>-root`: `rootUser`,
 * `rootPassword`), the S3 API on 9000 (`s3`) and the console on 9001 (`console`), probed on
 * `/minio/health/live`. Runs as uid 1000 with a read-only root file system (certificates directory in /tmp).
 *
 * @see https://github.com/minio/minio/blob/RELEASE.2025-09-07T16-13-09Z/Dockerfile.release
 */
export class Minio extends Construct {
  public readonly workload: Microservice;
  /** The root credentials (`rootUser`, `rootPassword` keys). */
  public readonly rootCredentials: GeneratedSecret<'rootUser'>;
  /** S3 endpoint for clients (`http://<name>.<namespace>.svc:9000`). */
  public readonly endpoint: string;

  public constructor(scope: Construct, id: string, props: MinioProps) {
    super(scope, id);
    const name = props.name ?? id;
    const what = `Minio '${name}'`;
    const check = new PropsValidator(this, what);
    check.props(MinioOptionsSchema, props, ['image', 'storage', 'passwordGenerator'], what);
    check.throwIfInvalid();
    this.rootCredentials = new GeneratedSecret(this, 'RootCredentials', {
      name: joinName(name, 'root'),
      generator: props.passwordGenerator,
      passwordKey: 'rootPassword',
      literals: { rootUser: props.rootUser ?? 'minio-admin' },
    });
    this.workload = devToolWorkload(this, { resources: props.resources, name }, {
      name,
      component: 'storage',
      image: props.image,
      workload: 'StatefulSet',
      args: ['minio', 'server', '/data', '--console-address', ':9001', '--certs-dir', '/tmp/certs'],
      ports: { s3: { port: 9000, protocol: 'http' }, console: { port: 9001, protocol: 'http' } },
      healthCheck: { path: '/minio/health/live', readinessPath: '/minio/health/ready', port: 's3' },
      secretEnv: { MINIO_ROOT_USER: this.rootCredentials.key('rootUser'), MINIO_ROOT_PASSWORD: this.rootCredentials.password },
      volumes: { data: { mountPath: '/data', size: props.size ?? '10Gi' } },
      storage: props.storage,
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp'],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    });
    this.endpoint = `http://${this.workload.name}.${this.workload.namespace}.svc:9000`;
  }
}
