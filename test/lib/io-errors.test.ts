/**
 * File-system errors name the path, the cause and the fix (a full disk, a directory not writable, a file in the way).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeError } from '../../tools/cli/run';
import { ioError, OutputIoError } from '../../tools/synth/io-errors';
import { writeTreeAtomically } from '../../tools/synth/output';

function errno(code: string, syscall: string, file?: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: something, ${syscall}${file ? ` '${file}'` : ''}`);
  e.code = code;
  e.syscall = syscall;
  if (file !== undefined) e.path = file;
  return e;
}

test('a full disk during a write (no path in the error) names the file being written and what to do', () => {
  const e = ioError(errno('ENOSPC', 'write'), 'write', '/work/dist/.generations/tmp-1/prod/web/Deployment.web.yaml');
  expect(e).toBeInstanceOf(OutputIoError);
  expect((e as OutputIoError).message).toBe("cannot write '/work/dist/.generations/tmp-1/prod/web/Deployment.web.yaml': no space left on the device (ENOSPC, write). Fix: free space on the disk that holds '/work/dist/.generations/tmp-1/prod/web' (old builds, logs, docker images), or write elsewhere with --outdir");
});

test('permission denied names the path the error carries', () => {
  const e = ioError(errno('EACCES', 'open', '/srv/out/prod/a.yaml'), 'write', '/srv/out');
  expect((e as OutputIoError).message).toMatch(/^cannot write '\/srv\/out\/prod\/a\.yaml': permission denied \(EACCES, open\)\. Fix: make '\/srv\/out\/prod' writable/);
});

test('other errors pass through unchanged', () => {
  const plain = new Error('boom');
  expect(ioError(plain, 'write', '/x')).toBe(plain);
});

test('the command line prints a file-system error with its path, not as an unexpected error', () => {
  const line = describeError(errno('EROFS', 'mkdir', '/mnt/ro/dist'), false);
  expect(line).toMatch(/cannot access '\/mnt\/ro\/dist': the file system is read-only \(EROFS, mkdir\)/);
  expect(line).not.toMatch(/unexpected error/);
});

test('writing under a path that is a file fails naming that path, and leaves nothing behind', async () => {
  // GIVEN an output directory whose parent is a regular file
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'io-errors-'));
  try {
    fs.writeFileSync(path.join(dir, 'blocker'), 'not a directory');
    const outdir = path.join(dir, 'blocker', 'dist');
    // WHEN the tree is written THEN the error names the path and the cause
    await expect(writeTreeAtomically(outdir, [{ path: 'prod/web/a.yaml', content: 'a: 1\n' }])).rejects.toThrow(/cannot create the output directory '.*blocker.*': a part of the path is a file, not a directory \(ENOTDIR/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
