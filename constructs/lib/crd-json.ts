/**
 * Run-time support of the generated CRD bindings in `imports/` (wired in by `npm run import`,
 * tools/import/postprocess.ts).
 *
 * cdk8s's generated `toJson_<Type>()` functions list the properties a schema defines and drop every other key.
 * A typo (`replica`) or a JSON name where the binding expects its TypeScript name (`shared_preload_libraries` for
 * `sharedPreloadLibraries`) would vanish without an error. The generated functions call `withUnknownKeys()`
 * instead, which keeps such keys unchanged, so schema validation (`schema/unknown-field`) sees them and names the
 * closest known field.
 */
import { PlatformError } from './errors';

/**
 * The JSON of one object of a generated binding: the converted known properties (without `undefined` values),
 * followed by every key of `props` that is not one of the binding's TypeScript property names (`known`), unchanged.
 * A key that is given both directly and through the typed property that renders to the same JSON name is an error.
 */
export function withUnknownKeys(props: object, converted: Readonly<Record<string, unknown>>, known: readonly string[]): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  const written = new Set<string>();
  for (const [key, value] of Object.entries(converted)) {
    if (value === undefined) continue;
    entries.push([key, value]);
    written.add(key);
  }
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || known.includes(key)) continue;
    if (written.has(key)) {
      throw new PlatformError(
        `the key '${key}' is set twice in one object of an imported custom resource: directly, and through the typed property that renders to '${key}'. ` +
          'Fix: set only the typed property',
      );
    }
    entries.push([key, value]);
  }
  // fromEntries defines every key as an own property (also `__proto__`), as the generated code does.
  return Object.fromEntries(entries);
}
