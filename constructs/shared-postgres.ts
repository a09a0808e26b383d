import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as cnpg from '../imports/postgresql.cnpg.io';
import { GeneratedSecret } from './generated-secret';
import { Connections } from './lib/connections';
import { contextOf, IApplication, recordDependency } from './lib/context';
import { PlatformError } from './lib/errors';
import { ImageSettings, imageReference, imageVersion } from './lib/images';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { deepMerge } from './lib/merge';
import { joinName } from './lib/names';
import { dnsLabelSchema, intSchema, quantitySchema, refuse, resourcesOverrideSchema, uniqueList, z } from './lib/options';
import { ResourceSettings } from './lib/resources';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IPasswordGenerator } from './password-generator';
import { DatabaseCredentialsRef, POSTGRES_PORT } from './postgres-database';
import { IVolumeProvider } from './volume-provider';
import { compareText } from './lib/order';

/** A PostgreSQL identifier the platform creates (role, database): lower case, so it needs no quoting. */
const identifierSchema = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a lower-case PostgreSQL identifier (letters, digits, _; at most 63 characters)' });

/** Parameters CloudNativePG sets through fields of their own (in `parameters` they are refused or ignored). */
const PARAMETER_FIELDS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'sharedPreloadLibraries',
};

/** A role the cluster manages (`spec.managed.roles`). */
export const ManagedRoleSchema = z.strictObject({
  /**
   * The role can log in (it then gets a generated password Secret `<cluster>-<role>`).
   * @default true
   */
  login: z.boolean().optional(),
  /**
   * Superuser: only where declared (the seed's `admin`).
   * @default false
   */
  superuser: z.boolean().optional(),
  /**
   * Replication (logical decoding clients).
   * @default false
   */
  replication: z.boolean().optional(),
  /**
   * May create databases.
   * @default false
   */
  createdb: z.boolean().optional(),
});

/** A role the cluster manages. */
export type ManagedRole = z.infer<typeof ManagedRoleSchema>;

/** A database of the cluster (a CloudNativePG `Database`), owned by a role. */
export const SharedDatabaseSchema = z.strictObject({
  /**
   * Owner role (declared in `roles`, or created as a login role of the same name).
   * @default - the database name
   */
  owner: identifierSchema.optional(),
});

/** What an environment or a catalog entry may set on a `SharedPostgres`. */
export const SharedPostgresOptionsSchema = z.strictObject({
  /**
   * Name of the CloudNativePG Cluster (its read-write Service is `<name>-rw`).
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * PostgreSQL instances.
   * @default 1
   */
  instances: intSchema(1, 9, 'set instances between 1 and 9').optional(),
  /**
   * PostgreSQL parameters (`wal_level: 'logical'`). Values are strings, as CloudNativePG's schema wants them.
   * @default {}
   */
  parameters: (z.record(z.string(), z.unknown()).superRefine((parameters, ctx) => {
    for (const [key, value] of Object.entries(parameters)) {
      const field = PARAMETER_FIELDS[key];
      if (field !== undefined) refuse(ctx, `'${key}' is set with '${field}', not as a parameter`, `move it: ${field}: [...]`, [key]);
      else if (typeof value !== 'string') refuse(ctx, 'must be a string (CloudNativePG parameters are strings)', `quote it: ${key}: '${String(value)}'`, [key]);
    }
  }) as unknown as z.ZodType<Record<string, string>>).optional(),
  /**
   * Libraries loaded at server start (`postgresql.shared_preload_libraries`, the seed's `supabase_vault`).
   * @default []
   */
  sharedPreloadLibraries: uniqueList(z.string().min(1), 'library').optional(),
  /**
   * Roles the cluster manages, by name.
   * @default {}
   */
  roles: z.record(identifierSchema, ManagedRoleSchema).optional(),
  /**
   * Databases, by name: each a CloudNativePG `Database` owned by its role.
   * @default {}
   */
  databases: z.record(identifierSchema, SharedDatabaseSchema).optional(),
  /**
   * The `postgres` superuser's Secret (`<name>-superuser`) and remote superuser login.
   * @default false
   */
  enableSuperuserAccess: z.boolean().optional(),
  /**
   * Size of each instance's data volume.
   * @default '5Gi'
   */
  size: quantitySchema('storage').optional(),
  /**
   * CPU and memory of each instance, merged over requests 100m / 256Mi and limits 1 / 1Gi.
   * @default - requests 100m / 256Mi, limits 1 / 1Gi
   */
  resources: resourcesOverrideSchema.optional(),
});

/** What an environment or a catalog entry may set on a `SharedPostgres`. */
export type SharedPostgresOptions = z.infer<typeof SharedPostgresOptionsSchema>;

/** Props of `SharedPostgres`. */
export interface SharedPostgresProps extends SharedPostgresOptions {
  /** The PostgreSQL operand image (the seed's `ghcr.io/voltade/postgres:17.5-...`). */
  readonly image: ImageSettings;
  /** Where the data volumes come from. */
  readonly storage: IVolumeProvider;
  /** Generates the passwords of login roles. */
  readonly passwordGenerator: IPasswordGenerator;
  /**
   * The application delivering the CloudNativePG operator; the cluster is synced after it.
   * @default - installed by other means
   */
  readonly operator?: IApplication;
}

/** What a consumer of one database of a shared cluster gets. */
export interface DatabaseRef {
  /** The cluster. */
  readonly cluster: string;
  /** Read-write Service name (`<cluster>-rw`). */
  readonly serviceName: string;
  /** In-cluster host of the primary (`<cluster>-rw.<namespace>.svc`). */
  readonly host: string;
  readonly port: number;
  /** Database name. */
  readonly database: string;
  /** The owner role's credentials (a `kubernetes.io/basic-auth` Secret in the cluster's namespace). */
  readonly credentials: DatabaseCredentialsRef;
  /** Namespace of the cluster and of the credentials Secret. */
  readonly namespace: string;
  /** The cluster construct (for dependencies and connections). */
  readonly owner: SharedPostgres;
}

/**
 * One PostgreSQL cluster (CloudNativePG `Cluster`, `postgresql.cnpg.io/v1`) shared by several services: a custom
 * image, parameters and `shared_preload_libraries` as typed options, managed roles with generated passwords,
 * and one CloudNativePG `Database` per declared database. Services get typed references
 * (`cluster.database('temporal')`): host `<cluster>-rw`, port, database and the owner's credentials Secret; a
 * database the cluster does not declare is an error. The `postgres` superuser is off unless declared.
 *
 * A service with a database of its own keeps using `PostgresDatabase`.
 *
 * @see https://cloudnative-pg.io/documentation/current/declarative_role_management/
 * @see https://cloudnative-pg.io/documentation/current/declarative_database_management/
 */
export class SharedPostgres extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly identity: ComponentIdentity;
  /** Who may connect (CloudNativePG instances get no client-only NetworkPolicy: they replicate with each other). */
  public readonly connections: Connections;
  public readonly databases: ReadonlyMap<string, DatabaseRef>;
  /** Generated credentials of each login role. */
  public readonly roleSecrets: ReadonlyMap<string, GeneratedSecret<'username'>>;

  public constructor(scope: Construct, id: string, props: SharedPostgresProps) {
    super(scope, id);
    const context = contextOf(this);
    this.name = props.name ?? id;
    const what = `SharedPostgres '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(SharedPostgresOptionsSchema, props, ['image', 'storage', 'passwordGenerator', 'operator'], what);
    const namespace = Chart.of(this).namespace;
    check.check(namespace !== undefined, 'namespace', 'the cluster needs a namespace', namespace, 'give the application chart a namespace');
    const roles: Record<string, ManagedRole> = { ...props.roles };
    const databases = props.databases ?? {};
    for (const [database, spec] of Object.entries(databases)) {
      const owner = spec.owner ?? database;
      if (roles[owner] === undefined) roles[owner] = { login: true };
      else check.check(roles[owner].login !== false, `databases.${database}.owner`, `owner '${owner}' is declared without login, so no service could use the database`, owner, `set roles.${owner}.login to true, or give the database another owner`);
    }
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } }, props.resources);
    check.resources('resources', resources);
    check.throwIfInvalid();

    this.namespace = namespace as string;
    this.identity = { name: 'postgres', instance: this.name, component: 'database', version: imageVersion(props.image) };
    if (props.operator) recordDependency(this, props.operator);
    this.connections = new Connections(this, { name: this.name, identity: this.identity, ports: [POSTGRES_PORT], render: false });
    const labels = componentLabels(this.identity);
    const instances = props.instances ?? 1;
    const size = props.size ?? '5Gi';

    const secrets = new Map<string, GeneratedSecret<'username'>>();
    for (const [role, spec] of Object.entries(roles).sort(([a], [b]) => compareText(a, b))) {
      if (spec.login === false) continue;
      secrets.set(role, new GeneratedSecret(this, `Role-${role}`, {
        name: joinName(this.name, role.replace(/_/g, '-')),
        generator: props.passwordGenerator,
        literals: { username: role },
      }));
    }
    this.roleSecrets = secrets;

    const cluster = new cnpg.Cluster(this, 'Cluster', {
      metadata: { name: this.name, labels },
      spec: {
        instances,
        imageName: imageReference(props.image, context.registryMirror),
        imagePullPolicy: context.imagePullPolicy,
        primaryUpdateStrategy: cnpg.ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
        enableSuperuserAccess: props.enableSuperuserAccess ?? false,
        inheritedMetadata: { labels },
        storage: { size, storageClass: props.storage.storageClassName },
        resources: {
          requests: { cpu: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.cpu), memory: cnpg.ClusterSpecResourcesRequests.fromString(resources.requests.memory) },
          limits: { cpu: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.cpu), memory: cnpg.ClusterSpecResourcesLimits.fromString(resources.limits.memory) },
        },
        ...((props.parameters !== undefined && Object.keys(props.parameters).length > 0) || (props.sharedPreloadLibraries?.length ?? 0) > 0
          ? {
            postgresql: {
              ...(props.parameters !== undefined && Object.keys(props.parameters).length > 0 ? { parameters: { ...props.parameters } } : {}),
              ...((props.sharedPreloadLibraries?.length ?? 0) > 0 ? { sharedPreloadLibraries: [...(props.sharedPreloadLibraries ?? [])] } : {}),
            },
          }
          : {}),
        ...(Object.keys(roles).length > 0
          ? {
            managed: {
              roles: Object.entries(roles).sort(([a], [b]) => compareText(a, b)).map(([role, spec]) => ({
                name: role,
                ensure: cnpg.ClusterSpecManagedRolesEnsure.PRESENT,
                login: spec.login ?? true,
                superuser: spec.superuser ?? false,
                ...(spec.replication !== undefined ? { replication: spec.replication } : {}),
                ...(spec.createdb !== undefined ? { createdb: spec.createdb } : {}),
                ...(secrets.has(role) ? { passwordSecret: { name: secrets.get(role)?.secretName as string } } : {}),
              })),
            },
          }
          : {}),
      },
    });
    // Deleting a Cluster deletes its volume claims: only with a person's confirmation.
    requireConfirmedDeletion(cluster);
    for (let serial = 1; serial <= instances; serial++) {
      props.storage.registerClaim(this, { namespace: this.namespace, claimName: `${this.name}-${serial}`, size, owner: this.identity, replica: serial - 1 });
    }

    const refs = new Map<string, DatabaseRef>();
    for (const [database, spec] of Object.entries(databases).sort(([a], [b]) => compareText(a, b))) {
      const owner = spec.owner ?? database;
      const resource = new cnpg.Database(this, `Database-${database}`, {
        metadata: { name: joinName(this.name, database.replace(/_/g, '-')), labels },
        spec: {
          cluster: { name: this.name },
          name: database,
          owner,
          ensure: cnpg.DatabaseSpecEnsure.PRESENT,
          // Removing the Database from git must never drop the data.
          databaseReclaimPolicy: cnpg.DatabaseSpecDatabaseReclaimPolicy.RETAIN,
        },
      });
      requireConfirmedDeletion(resource);
      const secret = secrets.get(owner) as GeneratedSecret<'username'>;
      refs.set(database, {
        cluster: this.name,
        serviceName: joinName(this.name, 'rw'),
        host: `${joinName(this.name, 'rw')}.${this.namespace}.svc`,
        port: POSTGRES_PORT,
        database,
        credentials: { secretName: secret.secretName, usernameKey: 'username', passwordKey: secret.passwordKey },
        namespace: this.namespace,
        owner: this,
      });
    }
    this.databases = refs;
  }

  /**
   * A typed reference to database `name` of this cluster, for a consumer in `consumerNamespace` (its credentials
   * Secret lives in the cluster's namespace, so a consumer elsewhere is refused).
   */
  public database(name: string, consumerNamespace?: string): DatabaseRef {
    const ref = this.databases.get(name);
    if (ref === undefined) {
      throw new PlatformError(`database '${name}' is not declared by shared PostgreSQL cluster '${this.name}' (databases: ${[...this.databases.keys()].join(', ') || 'none'}). Fix: add '${name}' to its databases, or use one of them`);
    }
    if (consumerNamespace !== undefined && consumerNamespace !== this.namespace) {
      throw new PlatformError(`database '${name}' of cluster '${this.name}' is used from namespace '${consumerNamespace}', but its credentials Secret is in '${this.namespace}'. Fix: run the consumer in '${this.namespace}'`);
    }
    return ref;
  }
}
