import { Construct } from 'constructs';
import { stringify } from 'yaml';
import * as csi from '../imports/secrets-store.csi.x-k8s.io';
import { awsRegionSchema } from './lib/aws';
import { contextOf } from './lib/context';
import * as k8s from './lib/k8s';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { joinName } from './lib/names';
import { dnsLabelSchema, portSchema, refuse, withFix, z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { compareText } from './lib/order';

/** Default ports of the engines a cloud secret may hold credentials for (their traffic bypasses the mesh proxy). */
export const ENGINE_PORTS = { postgresql: 5432, mysql: 3306, redis: 6379, mongodb: 27017, kafka: 9092 } as const;

/** An engine whose credentials a cloud secret holds. */
export type Engine = keyof typeof ENGINE_PORTS;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An object alias is a file name in the mount and a key of the synced Secret. */
const aliasSchema = z.string().regex(/^[A-Za-z0-9._-]+$/, { error: "must be a file name of letters, digits, '.', '_' and '-'" });

/** One secret of the cloud provider and the JSON fields read from it. */
export const CloudSecretObjectSchema = z.strictObject({
  /**
   * Name (or ARN) of the secret in AWS Secrets Manager, or of the parameter in SSM Parameter Store.
   * @default '<environment>/<platform>/<workload>/<key>' (`production/vsf-miniapp/service-a/database`)
   */
  objectName: z.string().min(1).optional(),
  /**
   * Where the secret lives.
   * @default 'secretsmanager'
   */
  objectType: withFix(z.enum(['secretsmanager', 'ssmparameter']), "use 'secretsmanager' or 'ssmparameter'").optional(),
  /** JSON fields of the secret (`jmesPath` paths) by the alias each is mounted and synced as (`{ 'database-url': 'url' }`). */
  fields: z.record(aliasSchema, z.string().min(1)),
  /**
   * What the credentials connect to: its port is left out of the service mesh (the engine speaks its own TLS).
   * @default - nothing the mesh needs to know
   */
  connectsTo: z.strictObject({
    /** The engine. */
    engine: withFix(z.enum(Object.keys(ENGINE_PORTS) as [Engine, ...Engine[]]), `use one of ${Object.keys(ENGINE_PORTS).join(', ')}`),
    /**
     * Its port.
     * @default - the engine's default (PostgreSQL 5432, MySQL 3306, Redis 6379, MongoDB 27017, Kafka 9092)
     */
    port: portSchema.optional(),
  }).optional(),
});

/** One secret of the cloud provider. */
export type CloudSecretObject = z.infer<typeof CloudSecretObjectSchema>;

/**
 * What an environment or a catalog entry may set on a `SecretProviderClass` (a workload's `cloudSecrets`): which
 * secrets are fetched, which of their fields, and under which environment variable the workload reads each. The
 * declaration must be consistent: every alias an env var reads is fetched, every fetched alias is read, no alias
 * is fetched twice.
 */
export const SecretProviderClassOptionsSchema = z.strictObject({
  /**
   * The Secrets Store CSI provider.
   * @default 'aws'
   */
  provider: withFix(z.enum(['aws']), "use 'aws' (AWS Secrets Manager and Parameter Store)").optional(),
  /** Region of the secrets. */
  region: awsRegionSchema,
  /**
   * Where the secret files are mounted (read-only).
   * @default '/mnt/secrets'
   */
  mountPath: z.string().startsWith('/', { error: "must be an absolute path starting with '/'" }).optional(),
  /** The secrets, by a short key (`database`, `kafka`): the last segment of their default name. */
  objects: z.record(dnsLabelSchema, CloudSecretObjectSchema),
  /** Environment variables by name, each reading one fetched alias (`{ DATABASE_URL: 'database-url' }`). */
  env: z.record(z.string(), aliasSchema),
}).superRefine((value, ctx) => {
  const fetched = new Map<string, string>();
  for (const [key, object] of Object.entries(value.objects ?? {})) {
    for (const alias of Object.keys(object?.fields ?? {})) {
      const other = fetched.get(alias);
      if (other !== undefined) refuse(ctx, `alias '${alias}' is fetched from both '${other}' and '${key}'`, 'give each field an alias of its own', ['objects', key, 'fields', alias]);
      else fetched.set(alias, key);
    }
  }
  const read = new Set<string>();
  for (const [name, alias] of Object.entries(value.env ?? {})) {
    if (!ENV_NAME.test(name)) refuse(ctx, `'${name}' is not a valid environment variable name`, 'use letters, digits and _ (not starting with a digit)', ['env', name]);
    read.add(alias);
    if (!fetched.has(alias)) {
      refuse(ctx, `'${name}' reads alias '${alias}', which no object fetches (fetched: ${[...fetched.keys()].join(', ') || 'none'})`,
        `add '${alias}' to the fields of one of the objects, or read one of the fetched aliases`, ['env', name]);
    }
  }
  for (const [alias, key] of fetched) {
    if (!read.has(alias)) {
      refuse(ctx, `alias '${alias}' of '${key}' is fetched and synced but no environment variable reads it`,
        `read it (env: { ${alias.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}: '${alias}' }) or stop fetching it`, ['objects', key, 'fields', alias]);
    }
  }
});

/** What an environment or a catalog entry may set on a `SecretProviderClass`. */
export type SecretProviderClassOptions = z.infer<typeof SecretProviderClassOptionsSchema>;

/** Props of `SecretProviderClass`. */
export interface SecretProviderClassProps extends SecretProviderClassOptions {
  /** The workload's name: the class and the synced Secret are `<name>-secrets`. */
  readonly name: string;
  /** Labels of the workload. */
  readonly identity: ComponentIdentity;
}

/** The CSI driver's name (`CSIDriver` object of the Secrets Store CSI driver). */
export const SECRETS_STORE_DRIVER = 'secrets-store.csi.k8s.io';

/**
 * A `SecretProviderClass` (`secrets-store.csi.x-k8s.io/v1`) of the Secrets Store CSI driver: the secrets a workload
 * reads from AWS Secrets Manager (or Parameter Store), their JSON fields under aliases (`jmesPath`), and a Kubernetes
 * Secret `<name>-secrets` the driver syncs them to while a pod mounts the volume. The workload mounts `volume`
 * read-only at `mountPath` and reads the synced keys with `envFrom`. No secret value is ever rendered: only names.
 *
 * @see https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret
 * @see https://github.com/aws/secrets-store-csi-driver-provider-aws (objects, objectType, jmesPath, objectAlias)
 */
export class SecretProviderClass extends Construct {
  /** Name of the class and of the synced Secret. */
  public readonly name: string;
  /** Name of the synced Kubernetes Secret (its keys are the env var names). */
  public readonly secretName: string;
  public readonly mountPath: string;
  /** Ports of the engines the secrets connect to (for the mesh). */
  public readonly outboundPorts: readonly number[];
  /** The environment variable names the synced Secret provides. */
  public readonly envNames: readonly string[];
  public readonly resource: csi.SecretProviderClass;

  public constructor(scope: Construct, id: string, props: SecretProviderClassProps) {
    super(scope, id);
    const check = new PropsValidator(this, `SecretProviderClass '${props.name}'`);
    check.props(SecretProviderClassOptionsSchema, props, ['name', 'identity'], `SecretProviderClass '${props.name}'`);
    check.throwIfInvalid();
    const context = contextOf(this);
    this.name = joinName(props.name, 'secrets');
    this.secretName = this.name;
    this.mountPath = props.mountPath ?? '/mnt/secrets';
    const entries = Object.entries(props.objects);
    this.outboundPorts = [...new Set(entries.map(([, o]) => o.connectsTo === undefined ? undefined : o.connectsTo.port ?? ENGINE_PORTS[o.connectsTo.engine]).filter((p): p is number => p !== undefined))].sort((a, b) => a - b);
    const env = Object.entries(props.env).sort(([a], [b]) => compareText(a, b));
    this.envNames = env.map(([name]) => name);
    const objects = entries.map(([key, o]) => ({
      objectName: o.objectName ?? `${context.environment}/${context.platform}/${props.name}/${key}`,
      objectType: o.objectType ?? 'secretsmanager',
      jmesPath: Object.entries(o.fields).map(([objectAlias, path]) => ({ path, objectAlias })),
    }));
    this.resource = new csi.SecretProviderClass(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(props.identity) },
      spec: {
        provider: props.provider ?? 'aws',
        parameters: { region: props.region, objects: stringify(objects) },
        secretObjects: [{
          secretName: this.secretName,
          type: 'Opaque',
          labels: componentLabels(props.identity),
          data: env.map(([key, objectName]) => ({ objectName, key })),
        }],
      },
    });
  }

  /** The pod's CSI volume (read-only). */
  public get volume(): k8s.Volume {
    return { name: 'secrets-store', csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: this.name } } };
  }

  /** The container's read-only mount of the volume. */
  public get volumeMount(): k8s.VolumeMount {
    return { name: 'secrets-store', mountPath: this.mountPath, readOnly: true };
  }
}
