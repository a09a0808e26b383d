/**
 * File-system errors as user errors that name the path: `ENOSPC: no space left on device, write` says neither
 * which file nor what to do (a write to an open file carries no path at all).
 */
import { PlatformError } from '../../constructs/lib/errors';

/** What an error code means and what to do about it (`{dir}` is the directory concerned). */
const CAUSES: Readonly<Record<string, { readonly reason: string; readonly fix: string }>> = {
  ENOSPC: { reason: 'no space left on the device', fix: 'free space on the disk that holds {dir} (old builds, logs, docker images), or write elsewhere with --outdir' },
  EDQUOT: { reason: 'the disk quota is exhausted', fix: 'free space within your quota on the disk that holds {dir}, or write elsewhere with --outdir' },
  EACCES: { reason: 'permission denied', fix: 'make {dir} writable for this user (check its owner and mode), or write elsewhere with --outdir' },
  EPERM: { reason: 'operation not permitted', fix: 'make {dir} writable for this user (check its owner, mode and immutable flags), or write elsewhere with --outdir' },
  EROFS: { reason: 'the file system is read-only', fix: 'write to a writable file system with --outdir' },
  ENOTDIR: { reason: 'a part of the path is a file, not a directory', fix: 'remove or rename the file that is in the way, or choose another --outdir' },
  EISDIR: { reason: 'a directory is in the way', fix: 'remove or rename the directory, or choose another --outdir' },
  EMFILE: { reason: 'too many open files', fix: 'raise the open-file limit (ulimit -n) and re-run' },
  ENAMETOOLONG: { reason: 'the path is too long', fix: 'use a shorter --outdir' },
  ENOENT: { reason: 'a directory of the path does not exist (it may have been removed while writing)', fix: 'check that {dir} exists and re-run' },
};

/** A file-system operation failed; the message names the path, the cause and the fix. */
export class OutputIoError extends PlatformError {
  public constructor(message: string, public readonly path: string, public readonly code: string) {
    super(message);
  }
}

/** Duck-typed: errors thrown by Node's fs in another realm (jest's sandbox) are not `instanceof Error` here. */
function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).message === 'string';
}

/**
 * `error` as an `OutputIoError` naming `target` (the file or directory being written, `action`: 'write',
 * 'create', 'replace'), when it is a file-system error; other errors are returned unchanged.
 */
export function ioError(error: unknown, action: string, target: string): unknown {
  if (!isErrno(error) || error instanceof PlatformError) return error;
  const code = error.code as string;
  const where = error.path ?? target;
  const dir = where.includes('/') ? where.slice(0, where.lastIndexOf('/')) || '/' : where;
  const cause = CAUSES[code];
  const reason = cause?.reason ?? String(error.message).replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
  const fix = (cause?.fix ?? 'check the path and re-run').replace('{dir}', `'${dir}'`);
  return new OutputIoError(`cannot ${action} '${where}': ${reason} (${code}${error.syscall ? `, ${error.syscall}` : ''}). Fix: ${fix}`, where, code);
}

/** Run `fn`, turning file-system errors into `OutputIoError`s naming `target()` (evaluated when it fails). */
export function namingPath<T>(action: string, target: () => string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw ioError(error, action, target());
  }
}
