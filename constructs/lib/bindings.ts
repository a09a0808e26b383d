/**
 * Connection settings a platform service (a database, a cache, a broker, a search cluster) gives the workloads
 * that use it, and the environment variables they become. A workload gets them from a typed reference, never
 * from strings: host, port and database name as literals, credentials as references to the Secret the service's
 * operator (or generator) creates in the cluster.
 */
import type { IConstruct } from 'constructs';
import type { IConnectable } from './connections';

/** A key of a Secret that exists in the cluster. */
export interface BindingSecretKey {
  readonly secret: string;
  readonly key: string;
}

/** How a workload reaches a platform service. */
export interface ServiceConnection {
  /** What the service is (`postgresql`, `mongodb`, `redis`, `rabbitmq`, `elasticsearch`, `kafka`), for messages. */
  readonly type: string;
  /** In-cluster host name. */
  readonly host: string;
  readonly port: number;
  /**
   * Database (or virtual host, index prefix) the workload uses.
   * @default - none
   */
  readonly database?: string;
  /**
   * User name: a literal, or a key of the credentials Secret.
   * @default - no user
   */
  readonly username?: string | BindingSecretKey;
  /**
   * Password in the credentials Secret.
   * @default - no password
   */
  readonly password?: BindingSecretKey;
  /**
   * A connection string in a Secret (it embeds credentials, so it is never a literal).
   * @default - none
   */
  readonly uri?: BindingSecretKey;
}

/** What a reference to a platform service resolves to. */
export interface IServiceBinding {
  /** The construct the workload depends on (its application is synced first). */
  readonly owner: IConstruct;
  readonly connection: ServiceConnection;
  /**
   * Admit a workload bound to the service to its network policy.
   * @default - the service has no network policy of its own
   */
  readonly admit?: (client: IConnectable) => void;
}

/** Environment variables of one binding: literals and Secret keys. */
export interface BindingEnv {
  readonly literals: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, BindingSecretKey>>;
}

/** The prefix rule for binding keys (`DATABASE`, `CACHE`, `EVENTS`). */
export const BINDING_PREFIX = /^[A-Z][A-Z0-9_]*$/;

/**
 * The environment variables of a binding under `prefix`: `<P>_HOST`, `<P>_PORT`, `<P>_NAME` (database),
 * `<P>_USER` (literal or from the Secret), `<P>_PASSWORD` and `<P>_URI` (from the Secret).
 */
export function bindingEnv(prefix: string, connection: ServiceConnection): BindingEnv {
  const literals: Record<string, string> = { [`${prefix}_HOST`]: connection.host, [`${prefix}_PORT`]: String(connection.port) };
  const secrets: Record<string, BindingSecretKey> = {};
  if (connection.database !== undefined) literals[`${prefix}_NAME`] = connection.database;
  if (typeof connection.username === 'string') literals[`${prefix}_USER`] = connection.username;
  else if (connection.username !== undefined) secrets[`${prefix}_USER`] = connection.username;
  if (connection.password !== undefined) secrets[`${prefix}_PASSWORD`] = connection.password;
  if (connection.uri !== undefined) secrets[`${prefix}_URI`] = connection.uri;
  return { literals, secrets };
}
