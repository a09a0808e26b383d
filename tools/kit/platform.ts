/**
 * A platform: a typed catalog of its applications (each an entry of some kind) and the images they share. The
 * catalog's names type the environments' `apps` and `images` blocks, so a misspelt application is a compile
 * error (and, since `tsx` does not type-check, a run-time error with the closest name).
 */
import { ConfigError, Problem } from '../../constructs/lib/errors';
import { dnsLabelProblem } from '../../constructs/lib/names';
import { AnyEntry, isEntry } from './entry';
import { ImageCatalog } from './images';
import { callerFile } from './source';

/** A platform's applications, by name. */
export type Catalog = Readonly<Record<string, AnyEntry>>;

/** Application names the kit uses itself, in every environment. */
export const RESERVED_APPLICATIONS: readonly string[] = ['argocd', 'namespaces', 'local-storage'];

/** What `definePlatform` takes. */
export interface PlatformDefinition<C extends Catalog, I extends ImageCatalog> {
  /** Platform name (`app.kubernetes.io/part-of`, Argo CD project prefix). */
  readonly name: string;
  /** Every application, by name: the name is its directory under `dist/<env>/`. */
  readonly apps: C;
  /**
   * Images the applications share (databases, caches), from `defineImages`.
   * @default {}
   */
  readonly images?: I;
  /**
   * The platform file, for error messages.
   * @default - the module calling `definePlatform`
   */
  readonly source?: string;
}

/** A defined platform. */
export interface Platform<C extends Catalog = Catalog, I extends ImageCatalog = ImageCatalog> {
  readonly name: string;
  /** The platform file (`charts/healthxcape.ts`). */
  readonly source: string;
  readonly apps: C;
  readonly images: I;
  /** The catalog name of `entry`, or `undefined` when it is not part of the platform. */
  nameOf(entry: AnyEntry): string | undefined;
}

/** Any platform. */
export type AnyPlatform = Platform<Catalog, ImageCatalog>;

/**
 * Define a platform from its catalog. Throws a `ConfigError` for invalid or reserved names, for entries that are
 * not entries, and for image names that collide with application names (both are keys of `images` blocks).
 */
export function definePlatform<C extends Catalog, I extends ImageCatalog = Record<never, never>>(definition: PlatformDefinition<C, I>): Platform<C, I> {
  const source = definition.source ?? callerFile('platform.ts');
  const problems: Problem[] = [];
  const add = (field: string, message: string, value: unknown, fix: string, application?: string): void => {
    problems.push({ file: source, application, field, message, value, fix });
  };
  const nameProblem = dnsLabelProblem(definition.name);
  if (nameProblem) add('name', nameProblem, definition.name, "use a short lower-case name such as 'healthxcape'");
  const names = new Map<AnyEntry, string>();
  const apps = definition.apps ?? ({} as C);
  for (const [name, entry] of Object.entries(apps)) {
    const problem = dnsLabelProblem(name);
    if (problem) add(`apps.${name}`, `application name ${problem}`, name, "use a short lower-case name such as 'identity-service'", name);
    if (RESERVED_APPLICATIONS.includes(name)) add(`apps.${name}`, `'${name}' is an application the kit renders itself in every environment`, name, 'choose another name', name);
    if (!isEntry(entry)) {
      add(`apps.${name}`, 'is not a catalog entry', entry, 'create it with an entry function such as microservice({ ... }) or defineEntry({ ... })', name);
      continue;
    }
    const other = names.get(entry);
    if (other !== undefined) add(`apps.${name}`, `is the same entry as '${other}'`, name, 'declare each application once (create a second entry for a second application)', name);
    else names.set(entry, name);
  }
  const images = definition.images ?? ({} as I);
  for (const name of Object.keys(images)) {
    if (name in apps) add(`images.${name}`, `image name '${name}' is also an application name (both are keys of an environment's images block)`, name, 'rename the image', name);
  }
  if (problems.length > 0) throw new ConfigError(problems, `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in platform '${String(definition.name)}'`);
  return {
    name: definition.name,
    source,
    apps,
    images,
    nameOf: (entry) => names.get(entry),
  };
}
