import { Construct } from 'constructs';
import * as generators from '../imports/generators.external-secrets.io';
import { clusterScoped } from './lib/kinds';
import { ComponentIdentity, componentLabels } from './lib/labels';
import { dnsLabelSchema, intSchema, z } from './lib/options';
import { PropsValidator } from './lib/validation';

/**
 * What an environment or a catalog entry may set on a `PasswordGenerator`.
 *
 * @see https://external-secrets.io/latest/api/generator/password/
 */
export const PasswordGeneratorOptionsSchema = z.strictObject({
  /**
   * Name of the `ClusterGenerator`.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Length of each generated password.
   * @default 64
   */
  length: intSchema(8, 1024, 'set length between 8 and 1024').optional(),
  /**
   * Digits in each password.
   * @default - External Secrets' own default: 25% of the length
   */
  digits: intSchema(0, 1024, 'set digits between 0 and the length').optional(),
  /**
   * Symbols in each password (0: the password can be embedded in URLs and connection strings unescaped).
   * @default 0
   */
  symbols: intSchema(0, 1024, 'set symbols between 0 and the length').optional(),
  /**
   * No upper-case letters.
   * @default false
   */
  noUpper: z.boolean().optional(),
  /**
   * Characters may repeat (without repeats, a password cannot have more than 10 digits).
   * @default true
   */
  allowRepeat: z.boolean().optional(),
});

/** What an environment or a catalog entry may set on a `PasswordGenerator`. */
export type PasswordGeneratorOptions = z.infer<typeof PasswordGeneratorOptionsSchema>;

/** Props of `PasswordGenerator`. */
export interface PasswordGeneratorProps extends PasswordGeneratorOptions {}

/** A generator that an `ExternalSecret` can take generated values from (`spec.dataFrom[].sourceRef.generatorRef`). */
export interface IPasswordGenerator {
  /** The generator's `apiVersion`. */
  readonly generatorApiVersion: string;
  /** The generator's kind as an `ExternalSecret` refers to it (`ClusterGenerator`, `Password`). */
  readonly generatorKind: 'ClusterGenerator' | 'Password';
  /** The generator's name. */
  readonly generatorName: string;
  /** Namespace of a namespaced generator (an `ExternalSecret` can only use generators of its own namespace). */
  readonly generatorNamespace?: string;
}

/** The key the Password generator writes its password under. */
export const GENERATED_PASSWORD_KEY = 'password';

const GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';

/**
 * A cluster-wide External Secrets password generator: a `ClusterGenerator` of kind `Password`
 * (`generators.external-secrets.io/v1alpha1`, cluster-scoped). Any namespace's `GeneratedSecret` uses it; the
 * password is generated in the cluster and never appears in git.
 *
 * Defaults follow the seed's `password-64-length`: 64 characters, no symbols, upper case and repeats allowed.
 *
 * @see https://external-secrets.io/latest/api/generator/cluster/
 */
export class PasswordGenerator extends Construct implements IPasswordGenerator {
  public readonly name: string;
  public readonly length: number;
  public readonly symbols: number;
  public readonly noUpper: boolean;
  public readonly allowRepeat: boolean;
  public readonly digits?: number;
  public readonly generatorApiVersion = GENERATORS_API_VERSION;
  public readonly generatorKind = 'ClusterGenerator' as const;
  public readonly generatorName: string;
  public readonly identity: ComponentIdentity;

  public constructor(scope: Construct, id: string, props: PasswordGeneratorProps = {}) {
    super(scope, id);
    this.name = props.name ?? id;
    this.length = props.length ?? 64;
    this.symbols = props.symbols ?? 0;
    this.noUpper = props.noUpper ?? false;
    this.allowRepeat = props.allowRepeat ?? true;
    this.digits = props.digits;

    const what = `PasswordGenerator '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(PasswordGeneratorOptionsSchema, props, [], what);
    check.dnsLabel('name', this.name, 'password-64-length');
    if (check.count === 0) {
      // The generator (sethvargo/go-password, used by External Secrets) refuses these at generation time, in the
      // cluster; refuse them here instead. Its default digits is 25% of the length.
      const digits = this.digits ?? Math.floor(this.length / 4);
      check.check(digits + this.symbols <= this.length, this.digits !== undefined ? 'digits' : 'symbols',
        `digits (${digits}) and symbols (${this.symbols}) together exceed the length (${this.length})`, { length: this.length, digits, symbols: this.symbols },
        'lower digits or symbols, or raise length');
      check.check(this.allowRepeat || digits <= 10, 'digits', 'without repeats a password has at most 10 digits', digits, 'set allowRepeat to true, or digits to 10 or fewer');
    }
    check.throwIfInvalid();

    this.generatorName = this.name;
    this.identity = { name: 'password-generator', instance: this.name, component: 'secrets' };
    clusterScoped(new generators.ClusterGenerator(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        kind: generators.ClusterGeneratorSpecKind.PASSWORD,
        generator: {
          passwordSpec: {
            length: this.length,
            ...(this.digits !== undefined ? { digits: this.digits } : {}),
            symbols: this.symbols,
            noUpper: this.noUpper,
            allowRepeat: this.allowRepeat,
          },
        },
      },
    }));
  }
}
