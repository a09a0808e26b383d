/**
 * Shared command-line plumbing: argument parsing, error reporting and exit codes.
 *
 * User errors (`PlatformError`) are printed as their message; anything else is printed as one line too, with
 * the stack only under `--verbose`. No command ever ends in a bare stack trace.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { PlatformError } from '../../constructs/lib/errors';
import { ioError } from '../synth/io-errors';

/** Output streams of a command (tests capture them). */
export interface CommandIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The process's stdout and stderr. */
export const PROCESS_IO: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A command-line usage error (unknown flag, missing argument). */
export class UsageError extends PlatformError {}

/** Parse `argv` with `node:util` parseArgs, turning its errors into `UsageError`s that mention `--help`. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: readonly string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; args: string[]; strict: true }>> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}. Run with --help for usage.`);
  }
}

/** Format any thrown value for the user. */
export function describeError(error: unknown, verbose: boolean): string {
  if (error instanceof PlatformError) return error.format();
  // A file-system error that names its path (reading a platform, writing a file): say which, why and what to do.
  if (typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).path === 'string') {
    const io = ioError(error, 'access', (error as NodeJS.ErrnoException).path as string);
    if (io instanceof PlatformError) return io.format();
  }
  const message = error instanceof Error ? error.message : String(error);
  if (verbose && error instanceof Error && error.stack) return error.stack;
  return `${message}\n(unexpected error; re-run with --verbose to see where it was thrown)`;
}

/**
 * Run `command`, print any error, and set the exit code (0 on success, the command's code, or 1 on error).
 */
export async function runCommand(name: string, argv: readonly string[], command: () => Promise<number>, io: CommandIO = PROCESS_IO): Promise<number> {
  const verbose = argv.includes('--verbose');
  let code: number;
  try {
    code = await command();
  } catch (error) {
    io.err(`${name}: error: ${describeError(error, verbose)}`);
    code = error instanceof UsageError ? 2 : 1;
  }
  process.exitCode = code;
  return code;
}
