/**
 * Which file defined a platform, an environment or a cluster, for error messages: the module that called the
 * kit's `define*` function, read from the call stack (so a renamed or moved file is named as it is, not as its
 * environment's name suggests). Paths are relative to the working directory.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT_DIR = __dirname;

function frameFile(line: string): string | undefined {
  const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
  if (!match?.[1]) return undefined;
  return match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
}

/** The file of the first caller outside the kit (`environments/prod.ts`), relative to the working directory. */
export function callerFile(fallback: string): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const file = frameFile(line);
    if (file === undefined || file.startsWith(`${KIT_DIR}${path.sep}`) || file.includes(`${path.sep}node_modules${path.sep}`) || file.startsWith('node:')) continue;
    return path.relative(process.cwd(), file) || file;
  }
  return fallback;
}
