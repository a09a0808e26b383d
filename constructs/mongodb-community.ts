import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as mdb from '../imports/mongodbcommunity.mongodb.com';
import { IServiceBinding, ServiceConnection } from './lib/bindings';
import { IApplication, recordDependency } from './lib/context';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels, stableLabels } from './lib/labels';
import { deepMerge } from './lib/merge';
import { joinName } from './lib/names';
import { dnsLabelSchema, intSchema, quantitySchema, resourcesOverrideSchema, withFix, z } from './lib/options';
import { ResourceSettings } from './lib/resources';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider } from './volume-provider';

/** MongoDB's port. */
export const MONGODB_PORT = 27017;

/**
 * MongoDB server version of the replica sets (the operator's sample, `config/samples/mongodb.com_v1_mongodbcommunity_cr.yaml`
 * of mongodb/mongodb-kubernetes-operator v0.13.0).
 */
export const DEFAULT_MONGODB_VERSION = '6.0.5';

/** A MongoDB database or user name (letters, digits, `_` and `-`). */
const mongoNameSchema = withFix(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, { error: 'must start with a letter and hold only letters, digits, _ and - (at most 63 characters)' }), "use a name such as 'catalog'");

/** What an environment or a catalog entry may set on a `MongoDbCommunity`. */
export const MongoDbCommunityOptionsSchema = z.strictObject({
  /**
   * Name of the `MongoDBCommunity` resource (its pods are `<name>-0..n`, its Service `<name>-svc`).
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * MongoDB server version (`x.y.z`).
   * @default '6.0.5'
   */
  version: withFix(z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a full MongoDB version x.y.z' }), "use a version such as '6.0.5'").optional(),
  /**
   * Replica set members (an odd number keeps a majority when one member is lost).
   * @default 1
   */
  members: intSchema(1, 7, 'set members to 1, 3, 5 or 7').refine((n) => n % 2 === 1, { error: 'must be odd (a replica set elects its primary by majority)' }).optional(),
  /**
   * Database the application user owns.
   * @default - the construct id
   */
  database: mongoNameSchema.optional(),
  /**
   * The application user (role `readWrite` on `database`).
   * @default - the database name
   */
  username: mongoNameSchema.optional(),
  /**
   * Size of each member's data volume.
   * @default '10Gi'
   */
  storageSize: quantitySchema('storage').optional(),
  /**
   * Size of each member's logs volume.
   * @default '2Gi'
   */
  logsStorageSize: quantitySchema('storage').optional(),
  /**
   * CPU and memory of the `mongod` container, merged over requests 250m / 512Mi and limits 1 / 1Gi.
   * @default - requests 250m / 512Mi, limits 1 / 1Gi
   */
  resources: resourcesOverrideSchema.optional(),
});

/** What an environment or a catalog entry may set on a `MongoDbCommunity`. */
export type MongoDbCommunityOptions = z.infer<typeof MongoDbCommunityOptionsSchema>;

/** Props of `MongoDbCommunity`. */
export interface MongoDbCommunityProps extends MongoDbCommunityOptions {
  /** Where the data and logs volumes come from. */
  readonly storage: IVolumeProvider;
  /** The Secret key holding the application user's password (generated in the cluster, never in git). */
  readonly password: { readonly secret: string; readonly key: string };
  /**
   * The application delivering the MongoDB Community operator; the replica set is synced after it.
   * @default - the operator is installed by other means
   */
  readonly operator?: IApplication;
}

/** The ServiceAccount the operator's database pods run as (`database.name` of the operator chart). */
export const MONGODB_DATABASE_SERVICE_ACCOUNT = 'mongodb-database';

/**
 * A MongoDB replica set run by the MongoDB Community operator (`mongodbcommunity.mongodb.com/v1`
 * `MongoDBCommunity`, operator v0.13.0): SCRAM authentication, one application user whose password comes from a
 * Secret created in the cluster, data and logs volumes from the environment's storage (one claim of each per
 * member, registered so local storage renders their PersistentVolumes), and the `mongodb-database`
 * ServiceAccount and Role the operator's pods need in a namespace other than the operator's. The operator writes
 * the user's connection string to `<name>-<database>-<user>` (key `connectionString.standard`).
 *
 * @see https://github.com/mongodb/mongodb-kubernetes-operator/blob/v0.13.0/docs/deploy-configure.md
 */
export class MongoDbCommunity extends Construct implements IServiceBinding {
  public readonly name: string;
  public readonly namespace: string;
  public readonly version: string;
  public readonly members: number;
  public readonly database: string;
  public readonly username: string;
  public readonly identity: ComponentIdentity;
  /** The Secret the operator writes the connection string to. */
  public readonly connectionStringSecret: string;
  public readonly connection: ServiceConnection;
  /** The application delivering the operator, if given (it lists this replica set's server image). */
  public readonly operator?: IApplication;

  public constructor(scope: Construct, id: string, props: MongoDbCommunityProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.version = props.version ?? DEFAULT_MONGODB_VERSION;
    this.members = props.members ?? 1;
    this.database = props.database ?? id;
    this.username = props.username ?? this.database;
    const storageSize = props.storageSize ?? '10Gi';
    const logsSize = props.logsStorageSize ?? '2Gi';
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, props.resources);

    const what = `MongoDbCommunity '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(MongoDbCommunityOptionsSchema, props, ['storage', 'password', 'operator'], what);
    check.dnsLabel('name', this.name);
    check.resources('resources', resources);
    const namespace = Chart.of(this).namespace;
    check.check(namespace !== undefined, 'namespace', 'MongoDB must be in a chart with a namespace', namespace, "give the application chart a namespace (e.g. 'infraforge-dev')");
    check.throwIfInvalid();

    this.namespace = namespace as string;
    this.identity = { name: 'mongodb', instance: this.name, component: 'database', version: this.version };
    this.connectionStringSecret = joinName(this.name, this.database.toLowerCase().replace(/_/g, '-'), this.username.toLowerCase().replace(/_/g, '-'));
    this.connection = {
      type: 'mongodb',
      host: `${joinName(this.name, 'svc')}.${this.namespace}.svc`,
      port: MONGODB_PORT,
      database: this.database,
      username: this.username,
      password: props.password,
      uri: { secret: this.connectionStringSecret, key: 'connectionString.standard' },
    };
    this.operator = props.operator;
    if (props.operator) recordDependency(this, props.operator);

    this.renderDatabaseAccount();
    const claim = (name: string, size: string): Record<string, unknown> => ({
      // The claim templates are immutable: no version label.
      metadata: { name, labels: stableLabels(this.identity) },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: props.storage.storageClassName, resources: { requests: { storage: size } } },
    });
    const replicaSet = new mdb.MongoDbCommunity(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        type: mdb.MongoDbCommunitySpecType.REPLICA_SET,
        members: this.members,
        version: this.version,
        security: { authentication: { modes: [mdb.MongoDbCommunitySpecSecurityAuthenticationModes.SCRAM] } },
        users: [{
          name: this.username,
          db: 'admin',
          passwordSecretRef: { name: props.password.secret, key: props.password.key },
          roles: [{ name: 'readWrite', db: this.database }],
          scramCredentialsSecretName: joinName(this.name, this.username.toLowerCase().replace(/_/g, '-'), 'scram'),
        }],
        statefulSet: {
          spec: {
            volumeClaimTemplates: [claim('data-volume', storageSize), claim('logs-volume', logsSize)],
            template: {
              metadata: { labels: componentLabels(this.identity) },
              spec: { containers: [{ name: 'mongod', resources: { requests: { ...resources.requests }, limits: { ...resources.limits } } }] },
            },
          },
        },
      },
    });
    // Deleting the replica set deletes its pods, and the data with the next claim clean-up: only with a person's confirmation.
    requireConfirmedDeletion(replicaSet);
    for (let member = 0; member < this.members; member++) {
      props.storage.registerClaim(this, { namespace: this.namespace, claimName: `data-volume-${this.name}-${member}`, size: storageSize, owner: this.identity, replica: member });
      props.storage.registerClaim(this, { namespace: this.namespace, claimName: `logs-volume-${this.name}-${member}`, size: logsSize, owner: this.identity, replica: member });
    }
  }

  public get owner(): Construct {
    return this;
  }

  /** The ServiceAccount, Role and RoleBinding the operator's database pods use (the operator chart creates them only in its own namespace). */
  private renderDatabaseAccount(): void {
    const labels = componentLabels({ ...this.identity, instance: MONGODB_DATABASE_SERVICE_ACCOUNT, component: 'database-rbac' });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: MONGODB_DATABASE_SERVICE_ACCOUNT, labels } });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: MONGODB_DATABASE_SERVICE_ACCOUNT, labels },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['patch', 'delete', 'get'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: MONGODB_DATABASE_SERVICE_ACCOUNT, labels },
      subjects: [{ kind: 'ServiceAccount', name: MONGODB_DATABASE_SERVICE_ACCOUNT }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: MONGODB_DATABASE_SERVICE_ACCOUNT },
    });
  }
}
