/**
 * Examples and tests use the product only through its public entry points: `constructs/index.ts` and the kit's
 * `tools/kit/index.ts`. Examples import nothing else of the product; tests may import tools/ modules they test,
 * but never a deep path of constructs/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tsFiles } from './support/project';

const ROOT = path.resolve(__dirname, '..');

/** Every module specifier a file imports (static imports, exports from, dynamic imports and requires). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The project path a relative specifier points at (`constructs/lib/names`), or `undefined` for packages. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.relative(ROOT, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
}

const examples = tsFiles(path.join(ROOT, 'examples'));
const tests = tsFiles(path.join(ROOT, 'test'));

test('there are examples and tests to check (an empty set would pass anything)', () => {
  expect(examples.length).toBeGreaterThan(3);
  expect(tests.length).toBeGreaterThan(20);
});

test('no test or example imports a deep path of constructs/', () => {
  const deep = [...examples, ...tests].flatMap((file) => specifiers(file)
    .map((s) => target(file, s))
    .filter((t): t is string => t !== undefined && t.startsWith('constructs/') && t !== 'constructs/index')
    .map((t) => `${path.relative(ROOT, file)} imports ${t}`));
  expect(deep).toEqual([]);
});

test('examples import the product only through constructs/index.ts and tools/kit/index.ts', () => {
  const outside = examples.flatMap((file) => {
    const example = path.relative(path.join(ROOT, 'examples'), file).split(path.sep)[0] as string;
    return specifiers(file)
      .map((s) => target(file, s))
      .filter((t): t is string => t !== undefined && !t.startsWith(`examples/${example}/`))
      .filter((t) => t !== 'constructs' && t !== 'constructs/index' && t !== 'tools/kit' && t !== 'tools/kit/index')
      .map((t) => `${path.relative(ROOT, file)} imports ${t}`);
  });
  expect(outside).toEqual([]);
});
