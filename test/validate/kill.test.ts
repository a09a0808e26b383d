/**
 * Killing a synth half-way (`kill -9` while it writes) leaves the previous output intact, and the next synth
 * succeeds and removes what the killed one left behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthCommand } from '../../tools/cli/synth';
import { generationsDir } from '../../tools/synth/output';
import { readTree, referenceBuild } from '../fixtures/platform';

const ROOT = path.resolve(__dirname, '../..');

/** True when the temporary generation directory `tmp` already holds at least one written file. */
function hasFiles(dir: string): boolean {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) return true;
    if (entry.isDirectory() && hasFiles(path.join(dir, entry.name))) return true;
  }
  return false;
}

/** The child's temporary generation directory once it contains files; `undefined` if the child exits first. */
async function writingDirectory(child: ChildProcess, generations: string): Promise<string | undefined> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const prefix = `tmp-${child.pid ?? ''}-`;
  while (!exited) {
    const tmp = fs.existsSync(generations) ? fs.readdirSync(generations).find((e) => e.startsWith(prefix)) : undefined;
    try {
      if (tmp !== undefined && hasFiles(path.join(generations, tmp))) return path.join(generations, tmp);
    } catch {
      // renamed into a generation between two reads: too late, the loop ends when the child exits
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return undefined;
}

/** Poll `read` until no `trash-*` entry is left (the background deletion finished), for at most ~10 s. */
async function settled(read: () => string[]): Promise<string[]> {
  let last = read();
  for (let i = 0; i < 1000 && last.some((e) => e.startsWith('trash-')); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    last = read();
  }
  return last;
}

test('kill -9 during the write leaves the previous output intact; the next synth cleans up', async () => {
  // GIVEN an output directory holding a good previous synth
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-kill-'));
  const outdir = path.join(root, 'dist');
  const quiet = { out: (): void => undefined, err: (): void => undefined };
  try {
    expect(await synthCommand(['--outdir', outdir, '--quiet'], quiet, referenceBuild())).toBe(0);
    process.exitCode = undefined;
    const previous = readTree(outdir);
    const generations = generationsDir(outdir);

    // WHEN a real synth of a large platform is killed while it writes its new generation
    // (node with tsx's loader rather than the tsx CLI, which would run the synth in a grandchild process)
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/big-synth.ts', outdir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    const tmp = await writingDirectory(child, generations);
    if (tmp !== undefined) child.kill('SIGKILL');
    const ended = await exit;

    // THEN the synth was killed half-way ...
    expect({ killedWhileWriting: tmp !== undefined, ended, output: tmp === undefined ? output : '' }).toEqual({ killedWhileWriting: true, ended: 'SIGKILL', output: '' });
    expect(fs.existsSync(tmp as string)).toBe(true);
    // ... and the output still resolves to the identical previous tree
    expect(readTree(outdir)).toEqual(previous);

    // WHEN the next synth runs
    expect(await synthCommand(['--outdir', outdir, '--quiet'], quiet, referenceBuild())).toBe(0);
    process.exitCode = undefined;
    // THEN it succeeds and removes the killed run's leftovers (retired directories are renamed `trash-*` at
    // once and deleted in the background): only the current generation remains, and the one it replaced as the
    // spare the next synth writes into
    expect(readTree(outdir)).toEqual(previous);
    expect(fs.existsSync(tmp as string)).toBe(false);
    const current = path.basename(fs.readlinkSync(outdir));
    const spare = (entries: string[]): string[] => entries.filter((e) => e.startsWith('spare-'));
    expect(spare(fs.readdirSync(generations))).toHaveLength(1);
    expect(fs.readdirSync(generations).filter((e) => e !== current && !e.startsWith('trash-') && !e.startsWith('spare-'))).toEqual([]);
    const settledEntries = await settled(() => fs.readdirSync(generations));
    expect([...settledEntries].sort()).toEqual([current, ...spare(settledEntries)].sort());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
