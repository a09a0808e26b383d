import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as eso from '../imports/external-secrets.io';
import { PlatformError } from './lib/errors';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsLabelSchema, uniqueList, z } from './lib/options';
import { reflectionAnnotations } from './reflector';
import { requireConfirmedDeletion } from './lib/retention';
import { literalSecretProblem, SECRET_FIX } from './lib/secrets';
import { PropsValidator } from './lib/validation';
import { GENERATED_PASSWORD_KEY, IPasswordGenerator } from './password-generator';
import { compareText } from './lib/order';

/** A key of a Secret in the cluster: the shape `secretEnv` and every `secretKeyRef` take. */
export interface SecretKeyRef {
  /** The Secret's name (in the consumer's namespace). */
  readonly secret: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** A Secret key name (what `kubectl create secret` accepts: letters, digits, '-', '_', '.'). */
const secretKeySchema = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "must consist of letters, digits, '-', '_' and '.'" });

/** What an environment or a catalog entry may set on a `GeneratedSecret`. */
export const GeneratedSecretOptionsSchema = z.strictObject({
  /**
   * Name of the Secret (and of its `ExternalSecret`).
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Key the generated password is written under.
   * @default 'password'
   */
  passwordKey: secretKeySchema.optional(),
  /**
   * Non-secret keys written beside the password (`{ username: 'temporal' }`): user names, never secret values.
   * @default {}
   */
  literals: z.record(secretKeySchema, z.string()).optional(),
  /**
   * Secret type.
   * @default - 'kubernetes.io/basic-auth' when `literals` has `username` and the password key is `password`, else 'Opaque'
   */
  type: z.string().min(1).optional(),
  /**
   * Namespaces Reflector keeps copies of the Secret in (a `Reflector` add-on must run).
   * @default - no copies
   */
  reflectTo: uniqueList(dnsLabelSchema, 'namespace').optional(),
});

/** What an environment or a catalog entry may set on a `GeneratedSecret`. */
export type GeneratedSecretOptions = z.infer<typeof GeneratedSecretOptionsSchema>;

/** Props of `GeneratedSecret`. */
export interface GeneratedSecretProps extends GeneratedSecretOptions {
  /** The generator the password comes from (a `PasswordGenerator`). */
  readonly generator: IPasswordGenerator;
  /**
   * Namespace of the Secret.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Identity whose labels the ExternalSecret carries (the component the Secret belongs to, a database for one).
   * @default - its own: `generated-secret`, instance the Secret's name
   */
  readonly identity?: ComponentIdentity;
}

/**
 * A Secret whose password is generated in the cluster: an External Secrets `ExternalSecret`
 * (`external-secrets.io/v1`) taking one password from a generator, once (`refreshPolicy: CreatedOnce`, so a
 * password a database was initialised with is never rotated under it), templated with non-secret literals
 * (`username`). The Secret is retained when the ExternalSecret is deleted, and Argo CD asks before it prunes or
 * deletes the ExternalSecret.
 *
 * Consumers get typed references, never the value: `secret.password` and `secret.key('username')` are
 * `SecretKeyRef`s (`{ secret, key }`), the shape `secretEnv` takes.
 *
 * @see https://external-secrets.io/latest/guides/generator/
 */
export class GeneratedSecret<L extends string = string> extends Construct {
  /** The Secret's name. */
  public readonly secretName: string;
  public readonly namespace: string;
  public readonly passwordKey: string;
  /** The generated password's key. */
  public readonly password: SecretKeyRef;
  public readonly identity: ComponentIdentity;
  private readonly keys: readonly string[];

  public constructor(scope: Construct, id: string, props: GeneratedSecretProps & { readonly literals?: Readonly<Record<L, string>> }) {
    super(scope, id);
    this.secretName = props.name ?? id;
    this.passwordKey = props.passwordKey ?? GENERATED_PASSWORD_KEY;
    const literals: Readonly<Record<string, string>> = props.literals ?? {};
    const namespace = props.namespace ?? Chart.of(this).namespace;

    const what = `GeneratedSecret '${this.secretName}'`;
    const check = new PropsValidator(this, what);
    check.props(GeneratedSecretOptionsSchema, props, ['generator', 'namespace', 'identity'], what);
    check.dnsLabel('name', this.secretName, 'temporal-db-credentials');
    check.check(namespace !== undefined, 'namespace', 'the Secret needs a namespace', namespace, "give the application chart a namespace, or set 'namespace'");
    check.check(!(this.passwordKey in literals), `literals.${this.passwordKey}`, `'${this.passwordKey}' is the generated password's key`, this.passwordKey, 'remove it from literals, or set passwordKey to another key');
    for (const [key, value] of Object.entries(literals).filter(([key]) => key !== this.passwordKey)) {
      // A literal is rendered into git: refuse anything that looks like secret material.
      const problem = typeof value === 'string' ? literalSecretProblem(key.toUpperCase().replace(/[^A-Z0-9]/g, '_'), value) : undefined;
      if (problem) check.add(`literals.${key}`, `${problem}; literals are written to git`, '<redacted>', `${SECRET_FIX}; a generated value belongs in passwordKey`);
    }
    const generatorNamespace = props.generator.generatorNamespace;
    check.check(generatorNamespace === undefined || generatorNamespace === namespace, 'generator',
      `a namespaced ${props.generator.generatorKind} generator is only visible to ExternalSecrets of its own namespace '${generatorNamespace}'`, namespace,
      'use a cluster-wide PasswordGenerator (ClusterGenerator), or put the Secret in the generator\'s namespace');
    check.throwIfInvalid();

    this.namespace = namespace as string;
    this.keys = [this.passwordKey, ...Object.keys(literals)];
    this.password = { secret: this.secretName, key: this.passwordKey };
    this.identity = props.identity ?? { name: 'generated-secret', instance: this.secretName, component: 'secrets' };
    const type = props.type ?? ('username' in literals && this.passwordKey === 'password' ? 'kubernetes.io/basic-auth' : 'Opaque');
    const data: Record<string, string> = { ...literals, [this.passwordKey]: `{{ .${GENERATED_PASSWORD_KEY} }}` };

    const external = new eso.ExternalSecret(this, 'Resource', {
      metadata: {
        name: this.secretName,
        ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
        labels: componentLabels(this.identity),
      },
      spec: {
        refreshPolicy: eso.ExternalSecretSpecRefreshPolicy.CREATED_ONCE,
        dataFrom: [{
          sourceRef: {
            generatorRef: {
              apiVersion: props.generator.generatorApiVersion,
              kind: props.generator.generatorKind === 'ClusterGenerator'
                ? eso.ExternalSecretSpecDataFromSourceRefGeneratorRefKind.CLUSTER_GENERATOR
                : eso.ExternalSecretSpecDataFromSourceRefGeneratorRefKind.PASSWORD,
              name: props.generator.generatorName,
            },
          },
        }],
        target: {
          name: this.secretName,
          creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: eso.ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          template: {
            engineVersion: eso.ExternalSecretSpecTargetTemplateEngineVersion.V2,
            type,
            ...(props.reflectTo !== undefined && props.reflectTo.length > 0 ? { metadata: { annotations: reflectionAnnotations(props.reflectTo) } } : {}),
            data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => compareText(a, b))),
          },
        },
      },
    });
    // The password exists only in the cluster: regenerating it (a deleted ExternalSecret re-created) would lock
    // out whatever was initialised with it.
    requireConfirmedDeletion(external);
  }

  /** A reference to literal key `key` of the Secret (`secret.key('username')`); the password is `password`. */
  public key(key: L): SecretKeyRef {
    if (!this.keys.includes(key)) {
      throw new PlatformError(`GeneratedSecret '${this.secretName}' has no key '${key}' (keys: ${this.keys.join(', ')}). Fix: reference one of its keys, or add '${key}' to its literals`);
    }
    return { secret: this.secretName, key };
  }
}
