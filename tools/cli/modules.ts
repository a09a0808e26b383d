/**
 * How the commands import a platform's modules (`main.ts`, its environment files) by path.
 *
 * Run with tsx (`node --import tsx`, jest), a module is imported from its TypeScript source. Run from the
 * start-up bundle (tools/cli/start.cjs, tools/cli/bundle.ts), the platform's modules are compiled into the
 * bundle, which registers them here before the command starts: importing one runs the bundled copy, sharing
 * the kit and the constructs with the command (one copy of each module, as with tsx).
 */

/** Loaders of the modules compiled into the running bundle, by absolute path. */
const bundled = new Map<string, () => Promise<unknown>>();
let inBundle = false;

/** Register the modules compiled into the bundle (called by the bundle's entry before the command runs). */
export function registerBundledModules(modules: Readonly<Record<string, () => Promise<unknown>>>): void {
  inBundle = true;
  for (const [file, load] of Object.entries(modules)) bundled.set(file, load);
}

/** True when the command runs from the start-up bundle. */
export function runningBundled(): boolean {
  return inBundle;
}

/**
 * Import the module at absolute path `file`: the bundled copy when the bundle holds it, else from source.
 * A bundle that lacks a module (a file created after the bundle was built, while it ran) loads it with tsx's
 * CommonJS loader, so the command still works, only more slowly.
 */
export async function importModule(file: string): Promise<unknown> {
  const load = bundled.get(file);
  if (load !== undefined) return load();
  if (runningBundled()) {
    const tsx = (await import('tsx/cjs/api')) as { require: (id: string, from: string) => unknown };
    return tsx.require(file, __filename);
  }
  return import(file);
}
